"""Who can do what: trainers edit training pages only, approvers publish through the workflow,
and a trainer never sees a child."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page, Site, WorkflowPage

from earlyyears.models import Role
from training import services
from training.models import TrainingIndexPage

from ..factories import UserFactory
from .conftest import make_module

pytestmark = pytest.mark.django_db


def test_section_is_set_up_once_however_often_it_runs(section):
    counts = (
        TrainingIndexPage.objects.count(),
        GroupPagePermission.objects.count(),
        Group.objects.count(),
        WorkflowPage.objects.count(),
    )
    again = services.ensure_training_section()
    assert again.pk == section.pk
    assert counts == (
        TrainingIndexPage.objects.count(),
        GroupPagePermission.objects.count(),
        Group.objects.count(),
        WorkflowPage.objects.count(),
    )
    assert section.url == "/training/"
    assert section.get_parent().pk == Site.objects.get(is_default_site=True).root_page_id


def test_trainer_groups_have_page_permissions_on_the_training_tree_only(section):
    for name, codenames in services.PAGE_PERMISSIONS.items():
        grants = GroupPagePermission.objects.filter(group__name=name)
        assert {g.page_id for g in grants} == {section.pk}
        assert {g.permission.codename for g in grants} == set(codenames)
        group = Group.objects.get(name=name)
        assert list(group.permissions.values_list("codename", flat=True)) == ["access_admin"]


def test_trainer_edits_training_pages_but_cannot_publish_or_touch_other_pages(world, section):
    module = make_module(section)
    trainer = world.trainer
    assert trainer.groups.filter(name=services.TRAINERS).exists()
    perms = module.permissions_for_user(trainer)
    assert perms.can_edit()
    assert not perms.can_publish()
    assert section.permissions_for_user(trainer).can_add_subpage()
    home = Site.objects.get(is_default_site=True).root_page
    assert not home.permissions_for_user(trainer).can_edit()
    assert not home.permissions_for_user(trainer).can_add_subpage()
    assert not Page.get_first_root_node().permissions_for_user(trainer).can_edit()


def test_approvers_publish_and_the_workflow_applies_to_training(world, section):
    lead = UserFactory(role=Role.TRAINER, username="lead")
    lead.groups.add(Group.objects.get(name=services.APPROVERS))
    module = make_module(section)
    assert module.permissions_for_user(lead).can_publish()
    workflow = module.get_workflow()
    assert workflow.name == services.WORKFLOW_NAME
    (task,) = workflow.tasks.specific()
    assert list(task.groups.values_list("name", flat=True)) == [services.APPROVERS]


def test_trainer_role_brings_the_group_and_leaving_the_role_removes_both(section):
    user = UserFactory(role=Role.PRACTITIONER)
    assert not user.groups.exists()
    user.role = Role.TRAINER
    user.save()
    assert list(user.groups.values_list("name", flat=True)) == [services.TRAINERS]
    user.groups.add(Group.objects.get(name=services.APPROVERS))
    user.role = Role.PLANNER
    user.save()
    assert not user.groups.filter(name__in=[services.TRAINERS, services.APPROVERS]).exists()


def test_signing_in_does_not_touch_groups(client, section):
    user = UserFactory(role=Role.TRAINER)
    user.groups.clear()
    client.force_login(user)  # sends user_logged_in with a real request
    assert not user.groups.exists()  # last_login saves with update_fields, role untouched


def test_reserved_slugs_are_refused(section):
    from django.core.exceptions import ValidationError

    module = make_module(section, "Okay")
    module.slug = "coverage"
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert "slug" in error.value.message_dict


def test_trainer_sees_no_child_record(client, world):
    from pathway.models import Referral
    from pathway.services import create_referral

    referral = create_referral(
        child=world.child_a,
        source=Referral.Source.SETTING_CONCERN,
        submitted_by=world.practitioner_a,
        answers={"development": {"communication_language": {"level": "severe"}}},
        setting=world.setting_a,
    )
    client.force_login(world.practitioner_a)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200  # the record exists
    client.force_login(world.trainer)
    assert client.get("/children/").status_code in (403, 404)
    assert client.get(f"/children/{world.child_a.pk}/").status_code in (403, 404)
    assert client.get(f"/referrals/{referral.pk}/").status_code in (403, 404)
    response = client.get("/django-admin/")
    # Django's admin sends anyone who is not staff to its sign-in page; the index never shows.
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"].startswith("/django-admin/login/")
        follow = client.get(response["Location"])
        assert "Site administration" not in follow.content.decode()
    assert client.get("/django-admin/earlyyears/user/").status_code in (302, 403, 404)


def test_trainer_cannot_edit_pages_outside_training_in_wagtail_admin(client, world, section):
    home = Site.objects.get(is_default_site=True).root_page
    client.force_login(world.trainer)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{section.pk}/edit/").status_code == 200
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code in (302, 403)
    response = client.get(f"/admin/pages/add/wagtailcore/page/{home.pk}/")
    assert response.status_code in (302, 403)


def test_only_trainers_reach_coverage_export_and_import(client, world):
    for user in (world.practitioner_a, world.planner, world.send_manager, world.admin):
        client.force_login(user)
        assert client.get("/training/coverage/").status_code == 403
        assert client.get("/training/coverage/import/").status_code == 403
        assert client.get("/training/coverage/export/?file_format=csv").status_code == 403


def test_saving_a_user_whose_role_did_not_change_costs_no_query(section, django_assert_num_queries):
    user = UserFactory(role=Role.PRACTITIONER)
    user.first_name = "Changed"
    with django_assert_num_queries(1):  # the UPDATE itself
        user.save()


def test_a_trainer_loaded_from_the_database_and_moved_to_another_role_leaves_the_groups(section):
    from earlyyears.models import User

    user = UserFactory(role=Role.TRAINER)
    assert user.groups.filter(name=services.TRAINERS).exists()
    fresh = User.objects.get(pk=user.pk)
    fresh.role = Role.PRACTITIONER
    fresh.save()
    assert not fresh.groups.exists()
