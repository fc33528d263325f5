"""`draft_for` (one draft, read on every request of the wizard) checks its rules in two small
statements; `drafts_for` (the list) builds them into one query. Both must give the same answer
for every way access ends. `children_led_by` likewise against `children_for`."""

from __future__ import annotations

import pytest
from django.http import Http404

from earlyyears.access import children_for, children_led_by
from earlyyears.models import CaseloadMembership, SettingMembership
from pathway.access import _drafts_in_scope, draft_for
from pathway.services import start_draft
from tests.factories import ChildFactory, practitioner_at

pytestmark = pytest.mark.django_db


def _opens(user, draft) -> bool:
    try:
        return draft_for(user, draft.pk) == draft
    except Http404:
        return False


def _agree(user, draft) -> bool:
    opened = _opens(user, draft)
    assert opened == _drafts_in_scope(user).filter(pk=draft.pk).exists()
    return opened


def test_the_owner_opens_their_draft_with_or_without_a_child(world):
    new = start_draft(world.practitioner_a, setting=world.setting_a)
    known = start_draft(world.practitioner_a, setting=world.setting_a, child=world.child_a)
    assert _agree(world.practitioner_a, new)
    assert _agree(world.practitioner_a, known)


def test_nobody_else_opens_a_draft(world):
    draft = start_draft(world.practitioner_a, setting=world.setting_a, child=world.child_a)
    colleague = practitioner_at(world.setting_a, username="colleague.a")
    for user in (
        colleague,
        world.practitioner_b,
        world.portage_a,
        world.send_officer,
        world.send_manager,
        world.planner,
    ):
        assert not _agree(user, draft), user.username


def test_a_practitioner_who_left_the_setting_no_longer_opens_their_draft(world):
    draft = start_draft(world.practitioner_a, setting=world.setting_a)
    SettingMembership.objects.filter(user=world.practitioner_a).delete()
    assert not _agree(world.practitioner_a, draft)


def test_a_draft_about_a_child_who_moved_setting_is_closed_to_the_old_setting(world):
    child = ChildFactory(setting=world.setting_a)
    draft = start_draft(world.practitioner_a, setting=world.setting_a, child=child)
    child.setting = world.setting_b
    child.save()
    assert not _agree(world.practitioner_a, draft)


def test_a_portage_workers_draft_closes_when_the_child_leaves_their_caseload(world):
    draft = start_draft(world.portage_a, setting=world.setting_a, child=world.child_a)
    assert _agree(world.portage_a, draft)
    CaseloadMembership.objects.filter(portage_worker=world.portage_a).delete()
    assert not _agree(world.portage_a, draft)


def test_the_children_a_setting_leads_are_those_the_practitioner_may_see_there(world):
    merged = ChildFactory(setting=world.setting_a, record_status="merged")
    moved_in = ChildFactory(setting=world.setting_a)
    for user, setting in (
        (world.practitioner_a, world.setting_a),
        (world.practitioner_a, world.setting_b),
        (world.practitioner_b, world.setting_a),
        (world.portage_a, world.setting_a),
        (world.send_officer, world.setting_a),
        (world.planner, world.setting_a),
    ):
        expected = set(children_for(user).filter(setting=setting))
        assert set(children_led_by(user, setting)) == expected, (user.username, setting)
    assert set(children_led_by(world.practitioner_a, world.setting_a)) == {
        world.child_a,
        moved_in,
    }
    assert merged not in set(children_led_by(world.practitioner_a, world.setting_a))
    SettingMembership.objects.filter(user=world.practitioner_a).delete()
    assert not children_led_by(world.practitioner_a, world.setting_a).exists()
