"""Support plans in data protection: the subject access record holds the whole plan and its
history; retention keeps a plan (an SEN support record) until the child is 25, or with the EHC
file until 31, keeps the child while it does, and stops under a legal hold; reads and downloads
are in the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dataprotection import retention
from dataprotection.models import AccessEvent, LegalHold
from earlyyears.models import Child
from pathway.models import Decision, PlanCycle, PlanOutcome, SupportPlan, SupportPlanVersion
from pathway.support_plans import services
from tests.factories import ChildFactory

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def years_ago(years: int, days: int = 1) -> datetime.date:
    return retention.years_before(TODAY(), years) - datetime.timedelta(days=days)


def plan_for(child: Child, user) -> SupportPlan:
    plan = services.create_plan(
        user,
        child,
        tier="specialist",
        strengths="Loves the garden",
        outcomes=[services.OutcomeRow("Will use five signs to ask for things", TODAY())],
        provision=[services.ProvisionRow("Makaton at snack", "Key person", "Daily", TODAY())],
        cycle=services.CycleStart(
            TODAY() - datetime.timedelta(days=10), TODAY() + datetime.timedelta(days=40), "Signs"
        ),
    )
    services.record_review(
        user,
        plan,
        services.Review(
            TODAY(),
            "some_progress",
            {plan.outcomes.get().pk: ("good_progress", "Signs more")},
            family_views="Dad has seen new signs",
            child_voice="Pointed at the garden",
        ),
    )
    return plan


def test_subject_access_holds_the_plan_and_its_history(client, world):
    plan_for(world.child_a, world.practitioner_a)
    client.force_login(world.send_manager)
    body = client.get(reverse("subject-access", args=[world.child_a.pk])).content.decode()
    for expected in (
        "Support plan",
        "Specialist",
        "Will use five signs to ask for things",
        "Makaton at snack",
        "Dad has seen new signs",
        "Pointed at the garden",
        "Plan started",
    ):
        assert expected in body, expected
    data = client.get(reverse("subject-access-json", args=[world.child_a.pk])).json()
    assert data["support_plan"]["cycles"][0]["family_views"] == "Dad has seen new signs"


def test_subject_access_without_a_plan(client, world):
    client.force_login(world.send_manager)
    data = client.get(reverse("subject-access-json", args=[world.child_a.pk])).json()
    assert data["support_plan"] is None


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def do(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return retention.apply_retention(**kwargs)

    return do


def test_a_plan_goes_when_the_child_is_25_and_the_child_with_it(world, run):
    old = ChildFactory(setting=world.setting_a, date_of_birth=years_ago(25))
    young = ChildFactory(setting=world.setting_a, date_of_birth=years_ago(24, days=-200))
    for child in (old, young):
        plan_for(child, world.practitioner_a)
    result = run()
    assert not SupportPlan.objects.filter(child=old).exists()
    assert not Child.objects.filter(pk=old.pk).exists()  # no referral: the child goes too
    assert SupportPlan.objects.filter(child=young).exists()
    assert Child.objects.filter(pk=young.pk).exists()  # kept past 7 while the plan is kept
    assert result.counts["support_plans"] >= 4  # plan, outcome, help, cycle, version...
    assert not PlanOutcome.objects.filter(plan__child=old).exists()
    assert PlanCycle.objects.filter(plan__child=young).count() == 1
    assert SupportPlanVersion.objects.filter(plan__child=young).count() == 1
    assert run().counts["support_plans"] == 0  # idempotent


def test_a_plan_with_an_ehc_file_is_kept_until_31(world, run, make_referral):
    child = ChildFactory(setting=world.setting_a, date_of_birth=years_ago(26))
    referral = make_referral(child, setting=world.setting_a, by=world.practitioner_a)
    Decision.objects.create(
        referral=referral,
        kind=Decision.Kind.EHC_ASSESS,
        reason="Agreed",
        decided_by=world.send_officer,
    )
    plan_for(child, world.practitioner_a)
    run()
    assert SupportPlan.objects.filter(child=child).exists()
    Child.objects.filter(pk=child.pk).update(date_of_birth=years_ago(31))
    run()
    assert not SupportPlan.objects.filter(child=child).exists()


def test_a_legal_hold_keeps_the_plan(world, run):
    old = ChildFactory(setting=world.setting_a, date_of_birth=years_ago(25))
    plan_for(old, world.practitioner_a)
    LegalHold.objects.create(child=old, reason="Tribunal", placed_by=world.send_manager)
    run()
    assert SupportPlan.objects.filter(child=old).exists()


def test_reading_the_plan_is_in_the_audit_trail(client, world):
    plan_for(world.child_a, world.practitioner_a)
    client.force_login(world.portage_a)
    client.get(reverse("support-plan", args=[world.child_a.pk]))
    client.get(reverse("support-plan-json", args=[world.child_a.pk]))
    events = AccessEvent.objects.filter(
        child_id=world.child_a.pk, username=world.portage_a.username
    )
    assert {e.action for e in events} == {AccessEvent.Action.VIEW, AccessEvent.Action.EXPORT}
