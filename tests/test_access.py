"""The access layer, role by role: what each sees and what each is refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from earlyyears.access import child_for, children_for, family_contacts_for, settings_for
from earlyyears.models import Role

from .factories import FamilyContactFactory

pytestmark = pytest.mark.django_db


def test_practitioner_sees_only_their_settings_children(world):
    assert list(children_for(world.practitioner_a)) == [world.child_a]
    assert list(settings_for(world.practitioner_a)) == [world.setting_a]


def test_practitioner_cannot_open_another_settings_child(world):
    with pytest.raises(Http404):
        child_for(world.practitioner_a, world.child_b.pk)


def test_practitioner_in_two_settings_sees_both_without_duplicates(world):
    from earlyyears.models import SettingMembership

    SettingMembership.objects.create(user=world.practitioner_a, setting=world.setting_b)
    assert set(children_for(world.practitioner_a)) == {world.child_a, world.child_b}
    assert children_for(world.practitioner_a).count() == 2


def test_portage_worker_sees_only_their_caseload(world):
    assert list(children_for(world.portage_a)) == [world.child_a]
    with pytest.raises(Http404):
        child_for(world.portage_a, world.child_b.pk)
    assert not settings_for(world.portage_a).exists()


@pytest.mark.parametrize("role", [Role.SEND_OFFICER, Role.SEND_MANAGER])
def test_send_team_sees_every_child(world, role):
    user = getattr(world, role.value)
    assert set(children_for(user)) == {world.child_a, world.child_b}
    assert child_for(user, world.child_b.pk) == world.child_b


@pytest.mark.parametrize(
    "role",
    [Role.PLANNER, Role.TRAINER, Role.ADMIN, Role.EARLY_HELP_COORDINATOR, Role.PROFESSIONAL],
)
def test_roles_without_a_caseload_see_no_child(world, role):
    user = getattr(world, role.value)
    assert not children_for(user).exists()
    assert not settings_for(user).exists()
    with pytest.raises(Http404):
        child_for(user, world.child_a.pk)


def test_anonymous_and_inactive_users_see_nothing(world):
    assert not children_for(AnonymousUser()).exists()
    world.send_officer.is_active = False
    world.send_officer.save()
    assert not children_for(world.send_officer).exists()


def test_superuser_flag_does_not_open_child_records(world):
    world.admin.is_superuser = True
    world.admin.save()
    assert not children_for(world.admin).exists()


def test_family_contacts_follow_the_child(world):
    contact = FamilyContactFactory(child=world.child_a)
    assert list(family_contacts_for(world.practitioner_a, world.child_a)) == [contact]
    assert not family_contacts_for(world.practitioner_b, world.child_a).exists()
