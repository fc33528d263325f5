"""What the submission no longer does on every request (issue 18), and that it still behaves the
same: the published rules kept per version, the clock policies kept per process, the messages
sent after the response without a broker, and the audit trail naming the draft's child without
reading the draft again."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.messaging.services import queue_message
from earlyyears.models import OutboxMessage
from pathway import clocks
from pathway.models import ClockPolicy, RoutingRule
from pathway.services import copy_rule_set, publish_rule_set, published_rule_set, start_draft
from tests.factories import FamilyContactFactory

from .wizard_helpers import CHILD_NEW, post_step, step_url

pytestmark = pytest.mark.django_db

PORTAGE_RULE = "Under 3 with a delay in two or more prime areas"


def _reads(queries: CaptureQueriesContext, table: str) -> int:
    return sum(1 for q in queries.captured_queries if f'FROM "{table}"' in q["sql"])


# --- the published rules, per version -------------------------------------------------------


def test_the_rules_are_read_once_per_version_and_a_new_version_is_used_at_once(
    world, make_referral
):
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert make_referral(level="significant").rule_set.version == 1
    with CaptureQueriesContext(connection) as second:
        make_referral(world.child_b, level="significant")
    assert _reads(first, "pathway_routingrule") == 1
    assert _reads(second, "pathway_routingrule") == 0  # from the cache
    assert _reads(second, "pathway_routingruleset") == 1  # which version: asked every time

    # Version 2 sends every referral to the SEND team (the catch-all first).
    draft = copy_rule_set(published_rule_set(), world.send_manager)
    RoutingRule.objects.filter(rule_set=draft).update(conditions=[], route="send_team")
    publish_rule_set(draft, world.send_manager)
    referral = make_referral(level="significant")
    assert referral.rule_set.version == 2
    assert referral.routes == ["send_team"]
    assert referral.rule_set_id == draft.pk


def test_a_draft_is_never_served_from_the_cache(world):
    cache.clear()
    draft = copy_rule_set(published_rule_set(), world.send_manager)
    RoutingRule.objects.filter(rule_set=draft).update(conditions=[], route="send_team")
    # Publishing checks the draft's own rules as they are now, not a copy kept earlier.
    RoutingRule.objects.filter(rule_set=draft).update(fallback=False)
    with pytest.raises(ValueError, match="fallback"):
        publish_rule_set(draft, world.send_manager)


# --- the clock policies, per process --------------------------------------------------------


def _triage_days(referral) -> int:
    clock = referral.clocks.get(policy__key="triage")
    return (clock.due_on - clock.started_on).days


def test_the_clock_policies_are_read_once_and_again_when_one_is_saved(world, make_referral):
    with CaptureQueriesContext(connection) as first:
        make_referral()
    with CaptureQueriesContext(connection) as second:
        make_referral(world.child_b)
    assert _reads(first, "pathway_clockpolicy") == 1
    assert _reads(second, "pathway_clockpolicy") == 0

    triage = ClockPolicy.objects.get(key="triage")
    triage.length, triage.counting = 9, ClockPolicy.Counting.CALENDAR_DAYS
    triage.save()  # a signal: the next referral reads the policies again
    referral = make_referral()
    assert _triage_days(referral) == 9
    assert referral.next_due_on == min(referral.clocks.values_list("due_on", flat=True))

    ClockPolicy.objects.filter(key="triage").update(length=4)  # an update() too
    assert _triage_days(make_referral()) == 4
    ClockPolicy.objects.filter(key="triage").update(active=False)
    assert not make_referral(world.child_b).clocks.filter(policy__key="triage").exists()


def test_a_change_no_signal_tells_of_is_read_within_the_expiry(world, make_referral, monkeypatch):
    make_referral()  # the policies are held
    with connection.cursor() as cursor:  # a write Django knows nothing of
        cursor.execute(
            "UPDATE pathway_clockpolicy SET length = 6, counting = 'calendar_days' "
            "WHERE key = 'triage'"
        )
    assert _triage_days(make_referral()) != 6  # still the copy held
    later = clocks.time.monotonic() + clocks.CLOCK_POLICIES_SECONDS + 1
    monkeypatch.setattr(clocks.time, "monotonic", lambda: later)
    assert _triage_days(make_referral()) == 6


def test_a_referral_is_saved_with_its_most_urgent_due_date(world, make_referral):
    referral = make_referral(ehc=True)
    running = sorted(referral.clocks.values_list("due_on", "due_soon_from"))
    assert len(running) > 1
    referral.refresh_from_db()
    assert (referral.next_due_on, referral.next_due_soon_from) == running[0]


# --- messages sent after the response without a broker --------------------------------------


def test_without_a_broker_a_message_is_sent_after_the_response(
    world, django_capture_on_commit_callbacks, celery_eager
):
    contact = FamilyContactFactory(child=world.child_a, mobile_phone="+447700900555")
    # As Django's test client does: the test's transaction must outlive the "request".
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            message = queue_message(
                key="after-response-1",
                template="concern_received_family",
                context={"reference": "EY26-000001"},
                contact=contact,
                child=world.child_a,
            )
        # Committed, and the response not yet sent: queued, not sent.
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.PENDING
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_a_message_queued_twice_is_one_message_sent_once(
    world, django_capture_on_commit_callbacks, celery_eager
):
    contact = FamilyContactFactory(child=world.child_a, mobile_phone="+447700900556")
    kwargs = {
        "key": "twice-1",
        "template": "concern_received_family",
        "context": {"reference": "EY26-000002"},
        "contact": contact,
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        first = queue_message(**kwargs)
        second = queue_message(**kwargs)
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert OutboxMessage.objects.get(idempotency_key="twice-1").status == OutboxMessage.Status.SENT
    with django_capture_on_commit_callbacks(execute=True) as again, transaction.atomic():
        queue_message(**kwargs)  # a later call: the same row, nothing sent again
    assert again == []


def test_a_rolled_back_message_is_neither_saved_nor_sent(world, django_capture_on_commit_callbacks):
    contact = FamilyContactFactory(child=world.child_a, mobile_phone="+447700900557")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_message(
            key="rolled-back-1", template="concern_received_family", context={}, contact=contact
        )
        raise RuntimeError("the submission failed")
    assert callbacks == []
    assert not OutboxMessage.objects.filter(idempotency_key="rolled-back-1").exists()


# --- the audit trail on wizard requests -----------------------------------------------------


def test_a_wizard_request_is_audited_with_the_drafts_child_without_reading_the_draft_again(
    client, world
):
    client.force_login(world.practitioner_a)
    draft = start_draft(world.practitioner_a, setting=world.setting_a)
    post_step(client, draft, "child", {"child": str(world.child_a.pk)})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(step_url(draft, "development")).status_code == 200
    drafts_read = [q for q in queries.captured_queries if 'FROM "pathway_concerndraft"' in q["sql"]]
    assert len(drafts_read) == 1  # the access layer's read, not the audit's
    event = AccessEvent.objects.filter(url_name="concern-step").latest("pk")
    assert (event.child_id, event.object_type) == (world.child_a.pk, "pathway.concerndraft")
    assert event.object_id == str(draft.pk)


def test_a_new_childs_draft_is_audited_with_no_child(client, world):
    client.force_login(world.practitioner_a)
    draft = start_draft(world.practitioner_a, setting=world.setting_a)
    post_step(client, draft, "child", CHILD_NEW)
    event = AccessEvent.objects.filter(url_name="concern-step").latest("pk")
    assert event.child_id is None and event.object_id == str(draft.pk)


def test_probing_another_users_draft_is_still_audited_with_its_child(client, world):
    draft = start_draft(world.practitioner_b, setting=world.setting_b, child=world.child_b)
    client.force_login(world.practitioner_a)
    assert client.get(step_url(draft, "child")).status_code == 404
    event = AccessEvent.objects.filter(url_name="concern-step").latest("pk")
    assert event.child_id == world.child_b.pk and event.status_code == 404


def test_an_expired_draft_is_audited_with_its_child(client, world):
    draft = start_draft(world.practitioner_a, setting=world.setting_a, child=world.child_a)
    draft.expires_at = timezone.now() - datetime.timedelta(days=1)
    draft.save(update_fields=["expires_at"])
    client.force_login(world.practitioner_a)
    assert client.get(step_url(draft, "child")).status_code == 410
    event = AccessEvent.objects.filter(url_name="concern-step").latest("pk")
    assert event.child_id == world.child_a.pk
