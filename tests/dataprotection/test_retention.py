"""Retention: each rule, legal holds, idempotence, the log, the dry run and the task."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dataprotection import retention
from dataprotection.models import AccessEvent, LegalHold, RetentionRun
from dataprotection.tasks import apply_retention_task
from earlyyears.models import Child, FamilyContact, OutboxMessage
from pathway.models import (
    ConcernDraft,
    Decision,
    FundingAward,
    Observation,
    Referral,
    ReferralEvent,
)
from tests.factories import ChildFactory, FamilyContactFactory

from .conftest import years_ago


def closed(referral: Referral) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.CLOSED)
    return referral


def born(years: int, days: int = 1, **kwargs) -> Child:
    return ChildFactory(date_of_birth=years_ago(years, days), **kwargs)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def do(**kwargs) -> RetentionRun:
        with django_capture_on_commit_callbacks(execute=True):
            return retention.apply_retention(**kwargs)

    return do


def event(child_id=None, at=None) -> AccessEvent:
    return AccessEvent.objects.create(
        username="someone",
        role="send_officer",
        action="view",
        method="GET",
        path="/children/1/",
        status_code=200,
        child_id=child_id,
        at=at or timezone.now(),
    )


def test_the_default_rules_and_their_settings(settings):
    assert retention.retention_years() == {
        "referrals_ehc_plan": 31,
        "referrals_other": 25,
        "children_without_referrals": 7,
        "support_plans": 25,
        "observations_without_referral": 3,
        "home_observation_media": 2,
        "home_observations_not_added": 1,
        "outbox_messages": 2,
        "sen2_extracts": 3,
        "case_reviews": 6,
        "survey_invitations": 1,
        "survey_responses": 6,
        "access_events": 7,
        "local_offer_comments": 1,
        "access_reviews": 7,
        "account_endings": 7,
        "council_sign_ins": 1,
        "import_files": 1,
    }
    settings.RETENTION_YEARS = {"referrals_other": 26}
    assert retention.retention_years()["referrals_other"] == 26
    settings.RETENTION_YEARS = {"referals_other": 26}
    with pytest.raises(ValueError, match="Unknown retention rules"):
        retention.retention_years()
    settings.RETENTION_YEARS = {"outbox_messages": 0}
    with pytest.raises(ValueError, match="whole number"):
        retention.retention_years()


def test_years_before_handles_29_february():
    assert retention.years_before(datetime.date(2028, 2, 29), 25) == datetime.date(2003, 2, 28)


def test_a_closed_referral_goes_when_the_child_is_25_with_everything_on_it(
    world, refer, run, django_capture_on_commit_callbacks
):
    old = born(25, setting=world.setting_a)
    young = born(25, days=-30, setting=world.setting_a)
    referral = closed(refer(old, world.practitioner_a))
    kept = closed(refer(young, world.practitioner_a))
    waiting = refer(old, world.practitioner_a)  # still waiting for a decision: never automatic
    decision = Decision.objects.create(
        referral=referral, kind="funding", reason="Top-up", decided_by=world.send_officer
    )
    FundingAward.objects.create(
        referral=referral,
        decision=decision,
        setting=world.setting_a,
        area=world.setting_a.area,
        amount=Decimal("500.00"),
        hours_per_week=Decimal("5.0"),
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        review_on=timezone.localdate(),
        financial_year=2026,
        awarded_by=world.send_officer,
    )
    draft = ConcernDraft.objects.create(
        owner=world.practitioner_a,
        child=old,
        expires_at=timezone.now(),
        submitted_at=timezone.now(),
        data={"child": {"first_name": old.first_name}},
    )
    Referral.objects.filter(pk=referral.pk).update(draft=draft)

    result = run()

    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not ReferralEvent.objects.filter(referral_id=referral.pk).exists()
    assert not FundingAward.objects.exists()
    assert not ConcernDraft.objects.filter(pk=draft.pk).exists()
    assert Referral.objects.filter(pk__in=[kept.pk, waiting.pk]).count() == 2
    assert result.counts["referrals_other"] >= 4
    types = {line["record_type"] for line in result.lines if line["rule"] == "referrals_other"}
    assert {"pathway.Referral", "pathway.FundingAward", "pathway.Decision"} <= types
    assert Child.objects.filter(pk=old.pk).exists()  # a waiting referral keeps the child


def test_an_ehc_file_is_kept_until_31(world, refer, run):
    child_30 = born(30, setting=world.setting_a)
    child_31 = born(31, setting=world.setting_a)
    referrals = {}
    for child in (child_30, child_31):
        referrals[child.pk] = closed(refer(child, world.practitioner_a))
        Decision.objects.create(
            referral=referrals[child.pk],
            kind=Decision.Kind.EHC_PLAN_ISSUED,
            reason="Final plan",
            decided_by=world.send_officer,
        )
    result = run()
    assert Referral.objects.filter(pk=referrals[child_30.pk].pk).exists()
    assert not Referral.objects.filter(pk=referrals[child_31.pk].pk).exists()
    assert result.counts["referrals_ehc_plan"] > 0
    assert result.counts["referrals_other"] == 0
    # The child whose last referral went is then past their own rule too.
    assert not Child.objects.filter(pk=child_31.pk).exists()
    assert Child.objects.filter(pk=child_30.pk).exists()


def test_a_child_without_referrals_goes_at_7_with_their_records_and_files(
    world, observe, run, settings
):
    old = born(7, setting=world.setting_a)
    young = born(6, setting=world.setting_a)
    FamilyContactFactory(child=old)
    observation = observe(old, world.practitioner_a, on=years_ago(1), attachment=True)
    path = observation.attachment.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in path
    import os

    assert os.path.exists(path)
    result = run()
    assert not Child.objects.filter(pk=old.pk).exists()
    assert not FamilyContact.objects.filter(child_id=old.pk).exists()
    assert not Observation.objects.filter(pk=observation.pk).exists()
    assert not os.path.exists(path)
    assert Child.objects.filter(pk=young.pk).exists()
    assert result.counts["children_without_referrals"] >= 3


def test_observations_of_a_child_never_referred_go_after_3_years(world, observe, refer, run):
    lone = world.child_a
    referred = world.child_b
    refer(referred, world.practitioner_b)
    old = observe(lone, world.practitioner_a, on=years_ago(3))
    recent = observe(lone, world.practitioner_a, on=years_ago(2))
    evidence = observe(referred, world.practitioner_b, on=years_ago(4))
    result = run()
    assert not Observation.objects.filter(pk=old.pk).exists()
    assert Observation.objects.filter(pk__in=[recent.pk, evidence.pk]).count() == 2
    assert result.counts["observations_without_referral"] == 1


def message(child, created_at, key) -> OutboxMessage:
    contact = FamilyContactFactory(child=child)
    return OutboxMessage.objects.create(
        idempotency_key=key,
        channel="sms",
        template="concern_received_family",
        context={"reference": "R-1", "child_first_name": child.first_name},
        to_phone="+447700900123",
        to_contact=contact,
        child=child,
        status=OutboxMessage.Status.DELIVERED,
        failure_reason="",
        created_at=created_at,
    )


def test_messages_are_anonymised_after_2_years(world, run):
    two_years = timezone.now() - datetime.timedelta(days=2 * 366)
    old = message(world.child_a, two_years, "old")
    recent = message(world.child_a, timezone.now() - datetime.timedelta(days=600), "recent")
    result = run()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.to_phone, old.to_contact_id, old.context) == ("", None, {})
    assert old.status == OutboxMessage.Status.DELIVERED  # the delivery record stays
    assert recent.to_phone == "+447700900123"
    assert result.counts["outbox_messages"] == 1
    assert run().counts["outbox_messages"] == 0


def test_audit_events_go_after_7_years(world, run):
    old = event(world.child_a.pk, at=timezone.now() - datetime.timedelta(days=7 * 366))
    recent = event(world.child_a.pk, at=timezone.now() - datetime.timedelta(days=6 * 365))
    result = run()
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
    assert AccessEvent.objects.filter(pk=recent.pk).exists()
    assert result.counts["access_events"] == 1


def test_a_legal_hold_stops_every_rule_until_it_is_lifted(world, refer, observe, run):
    child = born(26, setting=world.setting_a)
    referral = closed(refer(child, world.practitioner_a))
    lone = born(8, setting=world.setting_a)
    observation = observe(lone, world.practitioner_a, on=years_ago(5))
    long_ago = timezone.now() - datetime.timedelta(days=8 * 366)
    sms = message(child, long_ago, "held")
    audit_row = event(child.pk, at=long_ago)
    holds = [
        LegalHold.objects.create(child=c, reason="Tribunal appeal", placed_by=world.send_manager)
        for c in (child, lone)
    ]

    held_run = run()
    assert held_run.total == 0
    assert held_run.held_children == 2
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert Observation.objects.filter(pk=observation.pk).exists()
    assert OutboxMessage.objects.get(pk=sms.pk).to_phone
    assert AccessEvent.objects.filter(pk=audit_row.pk).exists()

    LegalHold.objects.filter(pk__in=[h.pk for h in holds]).update(lifted_at=timezone.now())
    run()
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not Child.objects.filter(pk__in=[child.pk, lone.pk]).exists()
    assert not LegalHold.objects.exists()  # lifted holds go with their child
    assert not AccessEvent.objects.filter(pk=audit_row.pk).exists()


def test_a_run_is_logged_without_personal_data_and_a_second_run_does_nothing(
    world, refer, run, caplog
):
    child = born(26, setting=world.setting_a, first_name="Zebedee", last_name="Quill")
    closed(refer(child, world.practitioner_a))
    caplog.set_level("INFO", logger="dataprotection.retention")
    first = run()
    assert RetentionRun.objects.filter(pk=first.pk).exists()
    assert first.finished_at is not None
    assert first.rules == retention.retention_years()
    assert set(first.counts) == set(retention.DEFAULT_RETENTION_YEARS)
    assert all(set(line) == {"rule", "record_type", "action", "count"} for line in first.lines)
    logged = json.dumps([first.rules, first.counts, first.lines]) + caplog.text
    for personal in ("Zebedee", "Quill", child.reference, str(child.date_of_birth)):
        assert personal not in logged
    assert "retention rule=referrals_other deleted 1 pathway.Referral" in caplog.text

    second = run()
    assert second.total == 0
    assert second.lines == []


def test_the_dry_run_changes_nothing_and_prints_what_would_go(world, refer, observe):
    child = born(26, setting=world.setting_a)
    closed(refer(child, world.practitioner_a))
    observation = observe(world.child_a, world.practitioner_a, on=years_ago(4), attachment=True)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Dry run: nothing changed." in text
    assert "referrals_other: 1 pathway.Referral would be deleted" in text
    assert "observations_without_referral: 1 pathway.Observation would be deleted" in text
    assert Referral.objects.filter(child=child).exists()
    assert Observation.objects.filter(pk=observation.pk).exists()
    import os

    assert os.path.exists(observation.attachment.path)
    assert not RetentionRun.objects.exists()


def test_the_command_and_the_scheduled_task_apply_the_rules(
    world, refer, django_capture_on_commit_callbacks
):
    closed(refer(born(26, setting=world.setting_a), world.practitioner_a))
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "referrals_other: 1 pathway.Referral were deleted" in out.getvalue()
    closed(refer(born(27, setting=world.setting_a), world.practitioner_a))
    with django_capture_on_commit_callbacks(execute=True):
        counts = apply_retention_task.apply().get()
    assert counts["referrals_other"] >= 1
    assert apply_retention_task.name == "dataprotection.tasks.apply_retention"
    assert RetentionRun.objects.count() == 2
