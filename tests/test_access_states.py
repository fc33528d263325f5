"""Access ends when consent or a relationship ends, for every kind of record that quotes a child:
each access function of earlyyears.access and pathway.access, the counts built on them, the
services that write, and the reminders. The URLs are tried in tests/test_access_matrix.py."""

from __future__ import annotations

import inspect

import pytest
from django.db.models import QuerySet
from django.urls import reverse

import earlyyears.access
import pathway.access
from earlyyears.models import Child, OutboxMessage, Setting
from pathway.advice import services as advice
from pathway.early_help import services as early_help
from pathway.models import PanelMeeting, ReferralEvent
from pathway.tac import services as tac

from .access_states import build_states

pytestmark = pytest.mark.django_db


@pytest.fixture
def states(world):
    return {state.name: state for state in build_states(world)}


def _one_user_functions():
    """Every access function that takes only the user and returns a queryset: the lists."""
    for module in (earlyyears.access, pathway.access):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if list(inspect.signature(function).parameters) != ["user"]:
                continue
            if inspect.signature(function).return_annotation.startswith("QuerySet"):
                yield name, function


def _about(queryset: QuerySet, child: Child) -> QuerySet | None:
    model = queryset.model
    fields = {f.name for f in model._meta.get_fields()}
    if model is Child:
        return queryset.filter(pk=child.pk)
    if model is Setting:
        return None  # places, not a child's record
    if model is PanelMeeting:
        return queryset.filter(items__referral__child=child)
    if "child" in fields:
        return queryset.filter(child=child)
    if "referral" in fields:
        return queryset.filter(referral__child=child)
    raise AssertionError(f"Say how {model.__name__} reaches a child")


def test_the_list_functions_are_all_tried():
    names = {name for name, _ in _one_user_functions()}
    assert {
        "referrals_for",
        "advice_requests_for",
        "tac_meetings_for",
        "tac_actions_for",
        "my_tac_actions",
        "early_help_handoffs_for",
        "observations_for",
        "drafts_for",
        "referral_events_for",
        "panel_items_for",
        "messages_for",
    } <= names


def test_no_access_function_reaches_a_child_after_access_ended(states):
    leaks = []
    for state in states.values():
        for who in state.lost:
            user = getattr(state, who)
            for name, function in _one_user_functions():
                about = _about(function(user), state.child_a)
                if about is None or state.kept(name, who):
                    continue
                about = about.exclude(pk__in=state.kept_rows.get(about.model, []))
                if about.exists():
                    leaks.append(f"{state.name}: {name}({who}) still has {list(about)}")
    assert leaks == []


def test_what_a_user_keeps_is_only_what_they_sent(states, world):
    moved = states["child moved: what the old setting sent"]
    old = moved.prac_old
    assert list(pathway.access.referrals_for(old).filter(child=moved.child_a)) == [
        moved.referral_a,
        moved.early_help_referral,
    ][::-1] or set(pathway.access.referrals_for(old).filter(child=moved.child_a)) == {
        moved.referral_a,
        moved.early_help_referral,
    }
    assert list(pathway.access.observations_for(old).filter(child=moved.child_a)) == [
        moved.observation
    ]
    events = pathway.access.referral_events_for(old).filter(referral=moved.referral_a)
    assert events.filter(kind=ReferralEvent.Kind.SUBMITTED).exists()
    assert not events.filter(summary__startswith="arrived").exists()
    answered = states["advice answered and referral closed"]
    assert list(pathway.access.advice_requests_for(answered.prof_answered)) == [answered.advice]


def test_the_new_setting_sees_the_child_and_its_team_but_not_the_old_settings_records(states):
    after = states["child moved: what came after"]
    before = states["child moved: what the old setting sent"]
    new = after.referral_a.submitted_by
    assert earlyyears.access.children_for(new).filter(pk=after.child_a.pk).exists()
    assert set(pathway.access.tac_meetings_for(new).filter(child=after.child_a)) == {
        before.tac,
        after.tac,
    }
    assert not pathway.access.referrals_for(new).filter(pk=before.referral_a.pk).exists()
    assert not pathway.access.observations_for(new).filter(pk=before.observation.pk).exists()


def test_counts_leave_out_what_access_no_longer_reaches(states, world):
    for state in states.values():
        for who in state.lost:
            user = getattr(state, who)
            counts = tac.open_action_counts(user)
            mine = tac.my_actions(user)
            assert state.action not in mine.open + mine.done, (state.name, who)
            if who != "early_help":
                assert counts == {"open": 0, "overdue": 0}, (state.name, who, counts)
    declined = states["hand-off declined"].early_help_referral
    listing = early_help.handoff_list(world.early_help, "closed")
    assert declined.pk not in [h.referral_id for h in listing.page.object_list]
    assert listing.counts["closed"] == 0


@pytest.mark.parametrize(
    "state_name, who",
    [
        ("consent withdrawn", "prof_consent"),
        ("lawful basis ended", "prof_basis"),
        ("advice withdrawn", "prof_withdrawn"),
    ],
)
def test_a_professional_cannot_save_a_draft_answer_after_access_ended(
    client, states, state_name, who
):
    state = states[state_name]
    client.force_login(getattr(state, who))
    key = state.advice.questions[0]["key"]
    response = client.post(
        reverse("advice-detail", args=[state.advice.pk]), {key: "Still writing", "action": "save"}
    )
    assert response.status_code == 404
    state.advice.refresh_from_db()
    assert state.advice.answers == {}
    with pytest.raises(advice.AdviceError):
        advice.save_draft(state.advice, by=getattr(state, who), answers={key: "Still writing"})


def test_only_people_who_still_work_with_the_child_can_own_actions(states):
    for state in states.values():
        owners = set(tac.action_owners(state.child_a))
        for who in state.lost:
            assert getattr(state, who) not in owners, (state.name, who)


def test_reminders_go_only_to_owners_who_still_see_the_child(states, world):
    tac.remind_actions_due()
    for state in states.values():
        for who in state.lost:
            assert not OutboxMessage.objects.filter(
                to_user=getattr(state, who), template="tac_action_due_staff"
            ).exists(), (state.name, who)
