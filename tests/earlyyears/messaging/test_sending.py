"""The outbox sends through the real Twilio SDK to a local fake Twilio: after commit, once, in
the family's language, and safely when Twilio limits, fails, times out or refuses."""

from __future__ import annotations

import datetime
import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from earlyyears.messaging.services import queue_message, send_now, sweep
from earlyyears.models import OutboxMessage
from pathway.models import Referral
from pathway.services import create_referral, remind_drafts_expiring, start_draft
from tests.factories import FamilyContactFactory, UserFactory, practitioner_at

from .fake_twilio import (
    FROM_NUMBER,
    WEBHOOK_BASE_URL,
    invalid_number,
    rate_limited,
    server_error,
    succeed,
    timeout,
)
from .helpers import age_status, fresh, make_due, queue_family_sms

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
SID = re.compile(r"^SM[0-9a-f]{32}$")


@pytest.fixture
def contact():
    return FamilyContactFactory(mobile_phone="+447700900123", sms_consent=True)


def queue_and_send(contact, reference, capture, **kwargs) -> OutboxMessage:
    """Queue in a transaction and run what happens on commit (Celery is eager here)."""
    with capture(execute=True), transaction.atomic():
        message = queue_family_sms(contact, reference, **kwargs)
    return fresh(message)


# -- the happy path --------------------------------------------------------------------------------


def test_sms_is_sent_after_commit_with_the_providers_id(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = queue_family_sms(contact, "EY26-000101")
            assert fresh(message).status == Status.PENDING
        assert fake_twilio.requests == []  # nothing leaves inside the transaction
    assert len(callbacks) == 1
    message = fresh(message)
    assert message.status == Status.SENT
    (accepted,) = fake_twilio.accepted
    assert SID.match(accepted["sid"])
    assert message.provider_id == accepted["sid"]
    assert message.attempts == 1 and message.sent_at is not None
    assert message.failure_reason == ""
    (request,) = fake_twilio.create_requests()
    assert request["To"] == "+447700900123"
    assert request["From"] == FROM_NUMBER
    assert request["StatusCallback"] == f"{WEBHOOK_BASE_URL}/webhooks/twilio/status/"
    assert accepted["body"].startswith("Westmoor County Council: Acorns Day Nursery has shared")
    assert "Reference EY26-000101." in accepted["body"]
    assert "Reply STOP to stop texts." in accepted["body"]
    assert message.language == "en"


def test_polish_contact_gets_the_polish_text(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    contact.preferred_language = "pl"
    contact.save()
    message = queue_and_send(contact, "EY26-000102", django_capture_on_commit_callbacks)
    assert message.status == Status.SENT and message.language == "pl"
    (body,) = fake_twilio.bodies()
    assert "Numer sprawy EY26-000102." in body
    assert "Odpowiedz STOP, aby zrezygnować." in body
    assert "Reference" not in body


def test_welsh_contact_gets_the_welsh_text(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    contact.preferred_language = "cy"
    contact.save()
    message = queue_and_send(contact, "EY26-000103", django_capture_on_commit_callbacks)
    assert message.language == "cy"
    assert "Cyfeirnod EY26-000103." in fake_twilio.bodies()[0]


def test_language_without_a_template_falls_back_to_english(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    contact.preferred_language = "ur"  # Urdu: no template yet
    contact.save()
    message = queue_and_send(contact, "EY26-000104", django_capture_on_commit_callbacks)
    assert message.status == Status.SENT
    assert message.language == "en"  # records the language actually used
    (body,) = fake_twilio.bodies()
    assert "Reference EY26-000104." in body and "Reply STOP" in body


# -- 429: refused before accepting, so safe to send again later ------------------------------------


def test_rate_limited_message_waits_and_is_sent_later(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    fake_twilio.script(rate_limited())
    before = timezone.now()
    message = queue_and_send(contact, "EY26-000201", django_capture_on_commit_callbacks)
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at > before
    assert message.next_attempt_at > timezone.now()
    assert "429" in message.failure_reason
    assert fake_twilio.accepted == []

    assert send_now(message.pk).status == Status.PENDING  # not due yet: nothing happens
    assert len(fake_twilio.create_requests()) == 1

    make_due(message)  # time passes
    message = send_now(message.pk)
    message = fresh(message)
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert message.provider_id == fake_twilio.accepted[0]["sid"]
    assert len(fake_twilio.accepted) == 1


def test_rate_limited_until_max_attempts_gives_up(
    fake_twilio, contact, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    fake_twilio.script(rate_limited(), rate_limited(), rate_limited())
    message = queue_and_send(contact, "EY26-000202", django_capture_on_commit_callbacks)
    for _ in range(2):
        assert fresh(message).status == Status.PENDING
        make_due(message)
        send_now(message.pk)
    message = fresh(message)
    assert message.status == Status.FAILED
    assert message.attempts == 3
    assert message.failure_reason.startswith("Gave up:") and "429" in message.failure_reason
    make_due(message)
    send_now(message.pk)
    sweep()
    assert len(fake_twilio.create_requests()) == 3
    assert fake_twilio.accepted == []


# -- 5xx and timeouts: the SMS may have gone; never resend blindly ---------------------------------


@pytest.mark.parametrize(
    "behaviour",
    [server_error(accepted=True), timeout(accepted=True)],
    ids=["accepted-but-answered-500", "accepted-but-timed-out"],
)
def test_uncertain_send_is_not_resent_and_is_reconciled_with_twilio(
    fake_twilio, contact, behaviour, django_capture_on_commit_callbacks
):
    fake_twilio.script(behaviour)
    message = queue_and_send(contact, "EY26-000301", django_capture_on_commit_callbacks)
    assert message.status == Status.UNKNOWN
    assert message.provider_id == ""
    (accepted,) = fake_twilio.accepted  # Twilio has it, although we never heard back

    send_now(message.pk)  # a redelivered task
    assert fresh(message).status == Status.UNKNOWN
    assert len(fake_twilio.create_requests()) == 1

    result = sweep()
    assert result["reconciled"] == 1
    message = fresh(message)
    assert message.status == Status.SENT
    assert message.provider_id == accepted["sid"]
    assert message.failure_reason == ""
    (lookup,) = fake_twilio.list_requests()
    assert lookup["To"] == "+447700900123" and lookup["DateSent>"]
    assert len(fake_twilio.create_requests()) == 1  # never sent twice
    sweep()
    assert len(fake_twilio.create_requests()) == 1


@pytest.mark.parametrize(
    "behaviour", [server_error(), timeout()], ids=["500-not-accepted", "timeout-not-accepted"]
)
def test_uncertain_send_twilio_never_had_is_resent_once_after_the_grace_period(
    fake_twilio, contact, settings, behaviour, django_capture_on_commit_callbacks
):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 300
    fake_twilio.script(behaviour)
    message = queue_and_send(contact, "EY26-000302", django_capture_on_commit_callbacks)
    assert message.status == Status.UNKNOWN
    assert fake_twilio.accepted == []

    sweep()  # Twilio has nothing yet, but it is too soon to be sure: wait
    assert fresh(message).status == Status.UNKNOWN
    assert len(fake_twilio.create_requests()) == 1

    age_status(message, 301)  # the grace period passes
    sweep()
    message = fresh(message)
    assert message.status == Status.SENT
    (accepted,) = fake_twilio.accepted
    assert message.provider_id == accepted["sid"]
    assert message.attempts == 2

    sweep()
    age_status(message, 3600)
    sweep()
    assert len(fake_twilio.create_requests()) == 2
    assert fake_twilio.count_by_body()[accepted["body"]] == 1


def test_uncertain_send_stops_after_max_attempts(
    fake_twilio, contact, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    fake_twilio.script(server_error(), server_error())
    message = queue_and_send(contact, "EY26-000303", django_capture_on_commit_callbacks)
    age_status(message, settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 1)
    sweep()  # resent: the second attempt also fails
    assert fresh(message).status == Status.UNKNOWN
    age_status(message, settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 1)
    sweep()
    message = fresh(message)
    assert message.status == Status.FAILED
    assert message.failure_reason == "Not sent after every attempt"
    assert len(fake_twilio.create_requests()) == 2 and fake_twilio.accepted == []


# -- 400: refused for good -------------------------------------------------------------------------


def test_invalid_number_fails_with_twilios_reason(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    fake_twilio.script(invalid_number())
    message = queue_and_send(contact, "EY26-000401", django_capture_on_commit_callbacks)
    assert message.status == Status.FAILED
    assert "21211" in message.failure_reason
    assert "not a valid phone number" in message.failure_reason
    send_now(message.pk)
    sweep()
    assert len(fake_twilio.create_requests()) == 1
    assert fresh(message).status == Status.FAILED


# -- consent ---------------------------------------------------------------------------------------


def test_consent_withdrawn_after_queueing_suppresses_the_message(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = queue_family_sms(contact, "EY26-000501")
        contact.sms_consent = False  # e.g. the parent replied STOP meanwhile
        contact.save()
    message = fresh(message)
    assert message.status == Status.SUPPRESSED
    assert message.failure_reason == "Consent withdrawn"
    sweep()
    assert fake_twilio.requests == []


@pytest.mark.parametrize(
    "consent, phone", [(False, "+447700900123"), (True, "")], ids=["no-consent", "no-number"]
)
def test_no_consent_or_no_number_at_queue_time_is_suppressed(
    fake_twilio, consent, phone, django_capture_on_commit_callbacks
):
    contact = FamilyContactFactory(mobile_phone=phone, sms_consent=consent)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = queue_family_sms(contact, "EY26-000502")
    assert callbacks == []
    message = fresh(message)
    assert message.status == Status.SUPPRESSED
    assert message.failure_reason
    send_now(message.pk)
    sweep()
    assert fake_twilio.requests == []


# -- once and only once ----------------------------------------------------------------------------


def test_the_same_key_twice_is_one_message(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        first = queue_family_sms(contact, "EY26-000601", key="referral:1:family")
        second = queue_family_sms(contact, "EY26-000601", key="referral:1:family")
    assert first.pk == second.pk
    assert OutboxMessage.objects.filter(idempotency_key="referral:1:family").count() == 1
    assert len(callbacks) == 1
    assert len(fake_twilio.accepted) == 1


def test_a_redelivered_task_sends_nothing_more(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    message = queue_and_send(contact, "EY26-000602", django_capture_on_commit_callbacks)
    assert message.status == Status.SENT
    assert send_now(message.pk).status == Status.SENT  # the task delivered a second time
    assert send_now(message.pk).status == Status.SENT
    assert len(fake_twilio.create_requests()) == 1
    assert fresh(message).attempts == 1


def test_a_message_another_worker_is_sending_is_left_alone(fake_twilio, contact):
    with transaction.atomic():
        message = queue_family_sms(contact, "EY26-000603")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert send_now(message.pk).status == Status.SENDING
    assert fake_twilio.requests == []


# -- what the messages say -------------------------------------------------------------------------

EVIDENCE = "Uses about ten words; does not point to share interest"
DIAGNOSIS = "Suspected autism spectrum condition, awaiting paediatric assessment"
FAMILY_VIEWS = "We worry she is not talking yet"


def test_family_sms_and_staff_email_carry_the_reference_and_no_health_details(
    fake_twilio, mailoutbox, django_capture_on_commit_callbacks
):
    contact = FamilyContactFactory(mobile_phone="+447700900321", sms_consent=True)
    child = contact.child
    practitioner = practitioner_at(child.setting, email="prac@example.org")
    answers = {
        "development": {
            "communication_language": {
                "level": "significant",
                "age_band": "8-20",
                "evidence": EVIDENCE,
            }
        },
        "health_family": {"diagnoses": DIAGNOSIS, "hearing": "clear"},
        "family": {"family_views": FAMILY_VIEWS},
    }
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        referral = create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=practitioner,
            answers=answers,
            setting=child.setting,
            consent={"consent_given_by": contact.name, "sms_consent": True},
            contact=contact,
        )
    (body,) = fake_twilio.bodies()
    assert referral.reference in body
    (email,) = mailoutbox
    assert email.to == ["prac@example.org"]
    assert referral.reference in email.body
    for text in (body, email.body, email.subject):
        for secret in (EVIDENCE, DIAGNOSIS, FAMILY_VIEWS, "autism", "paediatric", "words"):
            assert secret.lower() not in text.lower()
    # The family text does not name the child either (staff messages only may).
    assert child.first_name not in body and child.last_name not in body
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_email_goes_to_the_mail_outbox_not_to_twilio(
    fake_twilio, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="senco@example.org")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = queue_message(
            key="email:1",
            template="concern_submitted_staff",
            context={"reference": "EY26-000701"},
            channel=OutboxMessage.Channel.EMAIL,
            user=user,
        )
    message = fresh(message)
    assert message.status == Status.SENT and message.provider_id == ""
    (email,) = mailoutbox
    assert email.to == ["senco@example.org"]
    assert "Concern EY26-000701 was received" in email.body
    assert email.subject == "Early years SEND pathway: update"
    assert fake_twilio.requests == []


# -- regressions: bugs these tests found (fixed since; see each docstring) -------------------------


def test_sweep_survives_twilio_refusing_the_lookup(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    """Found: the SDK raises the base TwilioException ('Unable to fetch page') when the list
    request answers non-200, and find_sent_sms only caught TwilioRestException: sweep() crashed
    instead of logging and leaving the message unknown."""
    fake_twilio.script(timeout())
    message = queue_and_send(contact, "EY26-000801", django_capture_on_commit_callbacks)
    assert message.status == Status.UNKNOWN
    fake_twilio.script_list(server_error())
    sweep()  # the lookup fails: logged, and the message stays unknown
    assert fresh(message).status == Status.UNKNOWN
    assert fake_twilio.accepted == []
    sweep()  # Twilio answers again: still nothing accepted, so wait for the grace period
    assert fresh(message).status == Status.UNKNOWN


def test_reconcile_does_not_take_another_messages_sms_for_this_one(
    fake_twilio, settings, django_capture_on_commit_callbacks
):
    """Found: reconcile matched by number and text only, so an unknown SMS was marked sent with
    ANOTHER message's sid when the same number got the same text (two draft-expiry reminders
    due the same day), and was never sent."""
    owner = UserFactory(mobile_phone="+447700900555", reminder_channel="sms")
    first = start_draft(owner, setting=None)
    second = start_draft(owner, setting=None)
    soon = timezone.now() + datetime.timedelta(days=1)
    type(first).objects.filter(pk__in=[first.pk, second.pk]).update(expires_at=soon)
    fake_twilio.script(succeed(), server_error())  # the second reminder: Twilio never got it
    with django_capture_on_commit_callbacks(execute=True):
        remind_drafts_expiring()
    sent = OutboxMessage.objects.get(status=Status.SENT)
    unknown = OutboxMessage.objects.get(status=Status.UNKNOWN)
    assert len(fake_twilio.accepted) == 1
    sweep()
    unknown = fresh(unknown)
    assert unknown.status == Status.UNKNOWN and unknown.provider_id == ""
    age_status(unknown, settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 1)
    sweep()  # Twilio has nothing for it after the grace period: sent now, once
    unknown = fresh(unknown)
    assert unknown.status == Status.SENT
    assert len(fake_twilio.accepted) == 2
    assert unknown.provider_id == fake_twilio.accepted[1]["sid"] != sent.provider_id


def test_email_to_a_user_without_an_address_is_suppressed(
    fake_twilio, mailoutbox, django_capture_on_commit_callbacks
):
    """Found: an email reminder to a user with no address was queued with to_email='' and
    marked SENT (Django's SMTP backend silently sends nothing without recipients)."""
    owner = UserFactory(email="", reminder_channel="email")
    draft = start_draft(owner, setting=None)
    type(draft).objects.filter(pk=draft.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        remind_drafts_expiring()
    message = OutboxMessage.objects.get(channel="email")
    assert message.status == Status.SUPPRESSED
    assert message.failure_reason == "No email address"
    assert mailoutbox == []


class RefusingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient for good (550)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"gone@example.org": (550, b"5.1.1 No such user")})


class SilentEmailBackend(BaseEmailBackend):
    """A backend that sends nothing and says so (returns 0), as SMTP does without recipients."""

    def send_messages(self, email_messages):
        return 0


def queue_email(user, reference: str, capture) -> OutboxMessage:
    with capture(execute=True), transaction.atomic():
        message = queue_message(
            key=f"email:{reference}",
            template="concern_submitted_staff",
            context={"reference": reference},
            channel=OutboxMessage.Channel.EMAIL,
            user=user,
        )
    return fresh(message)


def test_email_that_keeps_failing_gives_up_after_max_attempts(
    fake_twilio, settings, django_capture_on_commit_callbacks
):
    """Found: the `except OSError` branch put a failing email back to pending every time,
    whatever OUTBOX_MAX_ATTEMPTS said: retried for ever."""
    settings.EMAIL_BACKEND = "tests.earlyyears.messaging.test_sending.RefusingEmailBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    user = UserFactory(email="gone@example.org")
    message = queue_email(user, "EY26-000901", django_capture_on_commit_callbacks)
    assert message.status == Status.PENDING and message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    for _ in range(5):
        make_due(message)
        send_now(message.pk)
    message = fresh(message)
    assert message.attempts == 3
    assert message.status == Status.FAILED
    assert message.failure_reason.startswith("Gave up:")


def test_email_the_backend_did_not_send_is_failed_not_sent(
    fake_twilio, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.earlyyears.messaging.test_sending.SilentEmailBackend"
    message = queue_email(
        UserFactory(email="x@example.org"), "EY26-000902", django_capture_on_commit_callbacks
    )
    assert message.status == Status.FAILED
    assert message.failure_reason == "The email was not sent"
