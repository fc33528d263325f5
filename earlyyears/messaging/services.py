"""The messaging outbox: write a message in the caller's transaction; send it after commit.

Requests never talk to the broker or the SMS provider. If the broker is down the row stays
pending and the periodic sweep sends it later. A worker claims a row before sending (one
conditional UPDATE), so a task delivered twice never sends twice; an SMS whose fate is unknown
(timeout, 5xx, a worker killed mid-send) is looked up with the provider, never blindly resent.
"""

from __future__ import annotations

import datetime
import logging
import random
import re
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from ..after_response import after_commit_and_response, eager
from ..models import Child, ContactDetail, FamilyContact, MessageTemplate, OutboxMessage, User
from .selectors import SECRET_WORDS
from .sms import (
    PermanentSendError,
    RetryableSendError,
    UncertainSendError,
    UnsubscribedRecipientError,
    find_sent_sms,
    send_sms,
)

logger = logging.getLogger("earlyyears.outbox")
# Sent with `number` when someone replies STOP, so a consent to texts kept elsewhere (the family
# survey's consent to be asked for feedback) is withdrawn as well: STOP means no more texts.
texts_stopped = Signal()
Status = OutboxMessage.Status
RETRYABLE = (Status.FAILED, Status.UNKNOWN, Status.UNDELIVERED)
# Provider statuses in the order they happen: a late callback never moves a message backwards.
PROGRESS = {Status.SENT: 1, Status.UNDELIVERED: 2, Status.FAILED: 2, Status.DELIVERED: 3}


# In a message's context: it was queued on a consent of the caller's own (`consent_given`).
CALLERS_CONSENT = "_callers_consent"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """The message text and the language used (English when there is no translation)."""
    bodies = dict(
        MessageTemplate.objects.filter(key=template, language__in={language, "en"}).values_list(
            "language", "body"
        )
    )
    if not bodies:
        raise ValueError(f"There is no message template called {template!r}")
    used = language if language in bodies else "en"
    return bodies[used].format_map(_Blank(context)), used


def queue_message(
    *,
    key: str,
    template: str,
    context: dict[str, Any],
    channel: str = OutboxMessage.Channel.SMS,
    contact: FamilyContact | None = None,
    user: User | None = None,
    child: Child | None = None,
    language: str = "en",
    consent_given: bool | None = None,
) -> OutboxMessage:
    """Write a message row in the current transaction; it is sent once the transaction commits.

    The key makes queueing idempotent: the same key twice is one message. `consent_given`: a
    consent of the caller's own (feedback) stands in for the contact's consent to text updates;
    the caller then stops queued messages itself if it is withdrawn."""
    if not MessageTemplate.objects.filter(key=template).exists():
        raise ValueError(f"There is no message template called {template!r}")
    status = Status.PENDING
    to_phone = ""
    reason = ""
    to_email = ""
    if channel == OutboxMessage.Channel.EMAIL:
        # A family contact's email is a confirmed detail, like their mobile (ContactDetail).
        to_email = user.email if user else (contact.email if contact else "")
    if channel == OutboxMessage.Channel.SMS:
        to_phone = contact.mobile_phone if contact else (user.mobile_phone if user else "")
        refusal = contact_refusal(contact) if contact is not None else ""
        if refusal:
            # Never sent, so no number kept: a flagged person's number stays off the log.
            status, reason, to_phone = Status.SUPPRESSED, refusal, ""
        elif contact is not None and _waiting_for_check(contact):
            # Held, not sent and not lost: released when the setting or SEND team confirms.
            status, reason, to_phone = Status.HELD, "The contact's details are being checked", ""
        elif contact is not None and not (
            contact.sms_consent if consent_given is None else consent_given
        ):
            status, reason = Status.SUPPRESSED, "No consent to text messages"
        elif not to_phone:
            status, reason = Status.SUPPRESSED, "No mobile number"
    elif contact is not None and contact_refusal(contact):
        status, reason, to_email = Status.SUPPRESSED, contact_refusal(contact), ""
    elif not to_email:
        status, reason = Status.SUPPRESSED, "No email address"
    if consent_given is not None:
        context = {**context, CALLERS_CONSENT: True}
    now = timezone.now()
    message = OutboxMessage(
        idempotency_key=key,
        channel=channel,
        template=template,
        language=language,
        context=context,
        to_phone=to_phone,
        to_email=to_email,
        to_user=user,
        to_contact=contact,
        child=child,
        status=status,
        next_attempt_at=now,
        failure_reason=reason,
        created_at=now,
    )
    # One INSERT that does nothing if the key is already there (no savepoint, no error), then
    # the row the key names: this call's, or the one an earlier call queued.
    OutboxMessage.objects.bulk_create([message], ignore_conflicts=True)
    message = OutboxMessage.objects.filter(idempotency_key=key).first()
    if message is None:  # refused for another reason than the key (SQLite ignores them all)
        raise IntegrityError(f"The message {key!r} could not be saved")
    created = message.created_at == now
    if created and status == Status.PENDING:
        send_after_commit(message.pk)
    return message


def send_after_commit(message_id: int) -> None:
    """Send a message once the caller's transaction commits (nothing, if it rolls back). With a
    broker the task is queued for a worker at commit. Without one (Celery eager) the send would
    run inside the request that queued it, so it waits until the response has been sent; the
    process sends it before it takes its next request (`earlyyears.after_response`). Either way
    the outbox row is already saved, and the sweep sends it if this never runs."""
    if eager():
        after_commit_and_response(lambda: enqueue(message_id))
    else:
        transaction.on_commit(lambda: enqueue(message_id))


def contact_refusal(contact: FamilyContact) -> str:
    """Why nothing may be sent to this person, or "" if something may. Safeguarding flags and a
    rejected contact refuse for good; an unconfirmed one waits (see `_waiting_for_check`)."""
    if contact.confirmation == FamilyContact.Confirmation.REJECTED:
        return "Not this family's contact"
    if contact.do_not_contact:
        return "Do not contact"
    if contact.court_order:
        return "A court order restricts what this person may be told"
    if not contact.has_parental_responsibility:
        return "No parental responsibility"
    return ""


def _waiting_for_check(contact: FamilyContact) -> bool:
    if contact.confirmation == FamilyContact.Confirmation.UNCONFIRMED:
        return True
    return not contact.mobile_phone and (
        contact.details.filter(
            kind=ContactDetail.Kind.MOBILE, status=ContactDetail.Status.UNCONFIRMED
        ).exists()
    )


def release_held_messages(contact: FamilyContact) -> int:
    """After the setting or the SEND team checked a contact's details: send what was held, to
    the confirmed number only, if the family agreed; otherwise record why not."""
    held = list(OutboxMessage.objects.filter(to_contact=contact, status=Status.HELD))
    released = 0
    for message in held:
        refusal = contact_refusal(contact)
        if not refusal and _waiting_for_check(contact):
            continue
        if not refusal and not contact.sms_consent:
            refusal = "No consent to text messages"
        if not refusal and not contact.mobile_phone:
            refusal = "No mobile number"
        if refusal:
            _finish(message, Status.SUPPRESSED, failure_reason=refusal)
            continue
        _finish(
            message,
            Status.PENDING,
            to_phone=contact.mobile_phone,
            failure_reason="",
            next_attempt_at=timezone.now(),
        )
        transaction.on_commit(lambda pk=message.pk: enqueue(pk))
        released += 1
    return released


def reminder_channels(user: User) -> list[str]:
    """The channels a member of staff chose for reminders."""
    return {
        User.ReminderChannel.EMAIL: [OutboxMessage.Channel.EMAIL],
        User.ReminderChannel.SMS: [OutboxMessage.Channel.SMS],
        User.ReminderChannel.BOTH: [OutboxMessage.Channel.EMAIL, OutboxMessage.Channel.SMS],
    }.get(user.reminder_channel, [OutboxMessage.Channel.EMAIL])


def remind_staff(
    user: User, *, key: str, template: str, context: dict[str, Any], child: Child | None = None
) -> int:
    """Queue one reminder per chosen channel; the key (which names the due date) makes a
    second run of the same reminder a no-op. Returns how many rows were new."""
    created = 0
    now = timezone.now()
    for channel in reminder_channels(user):
        message = queue_message(
            key=f"{key}:{channel}",
            template=template,
            context=context,
            channel=channel,
            user=user,
            child=child,
        )
        created += message.created_at >= now
    return created


def enqueue(message_id: int, countdown: float | None = None) -> None:
    try:
        send_message.apply_async((message_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - broker down: the sweep sends it later; never fail the caller
        logger.warning("Could not enqueue message %s; the sweep will retry", message_id)


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter, capped at an hour."""
    ceiling = min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0), 3600)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def _claim(message_id: int) -> bool:
    now = timezone.now()
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _finish(message: OutboxMessage, status: str, **fields: Any) -> OutboxMessage:
    now = timezone.now()
    fields = {"status": status, "status_updated_at": now, **fields}
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    return message


def send_now(message_id: int) -> OutboxMessage:
    """Send one message if it is due and nobody else has it; otherwise do nothing."""
    if not _claim(message_id):
        return OutboxMessage.objects.get(pk=message_id)
    message = OutboxMessage.objects.select_related("to_contact", "to_user").get(pk=message_id)
    if message.to_contact_id and message.channel == OutboxMessage.Channel.SMS:
        refusal = contact_refusal(message.to_contact)  # flagged since it was queued
        if refusal:
            return _finish(message, Status.SUPPRESSED, failure_reason=refusal, to_phone="")
        if message.to_phone != message.to_contact.mobile_phone:
            return _finish(message, Status.SUPPRESSED, failure_reason="The number has changed")
        if not message.to_contact.sms_consent and not (message.context or {}).get(CALLERS_CONSENT):
            # withdrawn since it was queued
            return _finish(message, Status.SUPPRESSED, failure_reason="Consent withdrawn")
    elif message.to_contact_id:  # an email to a family contact
        refusal = contact_refusal(message.to_contact)
        if refusal:
            return _finish(message, Status.SUPPRESSED, failure_reason=refusal, to_email="")
        if message.to_email != message.to_contact.email:
            return _finish(message, Status.SUPPRESSED, failure_reason="The address has changed")
    text, used = render(message.template, message.language, message.context)
    # Kept before sending, so the log shows the words as sent even if the send's outcome is
    # unknown, and even if the template is reworded later.
    OutboxMessage.objects.filter(pk=message.pk).update(body=text)
    message.body = text
    try:
        if message.channel == OutboxMessage.Channel.SMS:
            sent = send_sms(message.to_phone, text)
            provider_id = sent.provider_id
        else:
            delivered = send_mail(
                subject=f"{settings.SERVICE_NAME}: update",
                message=text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[message.to_email],
            )
            if not delivered:
                return _finish(message, Status.FAILED, failure_reason="The email was not sent")
            provider_id = ""
    except RetryableSendError as error:
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            return _finish(message, Status.FAILED, failure_reason=f"Gave up: {error}")
        delay = retry_delay(message.attempts)
        _finish(
            message,
            Status.PENDING,
            failure_reason=str(error),
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            enqueue(message.pk, countdown=delay)
        return message
    except UncertainSendError as error:
        return _finish(message, Status.UNKNOWN, failure_reason=str(error))
    except UnsubscribedRecipientError:
        # Twilio will not text a number that replied STOP: record it, and never try again.
        set_sms_consent_for_number(message.to_phone, consent=False)
        return _finish(message, Status.SUPPRESSED, failure_reason=UNSUBSCRIBED_REASON)
    except PermanentSendError as error:
        return _finish(message, Status.FAILED, failure_reason=str(error))
    except OSError as error:  # SMTP and network errors for email: nothing was accepted
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            return _finish(message, Status.FAILED, failure_reason=f"Gave up: {error}")
        return _finish(
            message,
            Status.PENDING,
            failure_reason=str(error),
            next_attempt_at=timezone.now()
            + datetime.timedelta(seconds=retry_delay(message.attempts)),
        )
    return _finish(
        message,
        Status.SENT,
        provider_id=provider_id,
        language=used,
        sent_at=timezone.now(),
        failure_reason="",
    )


def _already_sent(message: OutboxMessage):
    """The provider's record of this SMS, if it has one (raises UncertainSendError if it
    cannot say)."""
    text, _ = render(message.template, message.language, message.context)
    since = (message.claimed_at or message.created_at) - datetime.timedelta(minutes=1)
    candidates = find_sent_sms(message.to_phone, text, since)
    # The same text to the same number may be another message of ours: skip the ones we know.
    known = set(
        OutboxMessage.objects.filter(
            provider_id__in=[c.provider_id for c in candidates]
        ).values_list("provider_id", flat=True)
    )
    return next((c for c in candidates if c.provider_id not in known), None)


def reconcile(message: OutboxMessage) -> OutboxMessage:
    """An SMS we are unsure about: if the provider has it, it was sent; if the provider has
    nothing after a grace period, it is safe to send again."""
    try:
        found = _already_sent(message)
    except UncertainSendError as error:
        logger.warning("Could not reconcile message %s: %s", message.pk, error)
        return message
    if found is not None:
        return _finish(
            message,
            Status.SENT,
            provider_id=found.provider_id,
            sent_at=timezone.now(),
            failure_reason="",
        )
    grace = datetime.timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    if message.status_updated_at and message.status_updated_at <= timezone.now() - grace:
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            return _finish(message, Status.FAILED, failure_reason="Not sent after every attempt")
        _finish(message, Status.PENDING, next_attempt_at=timezone.now())
        enqueue(message.pk)
    return message


def sweep(limit: int = 500) -> dict[str, int]:
    """Runs every minute: re-queue messages whose task was lost, and settle uncertain ones."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    orphaned = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lte=stale).update(
        status=Status.UNKNOWN,
        status_updated_at=now,
        failure_reason="The sender stopped while sending; checking with the provider",
    )
    lost = list(
        OutboxMessage.objects.filter(
            status=Status.PENDING, next_attempt_at__lte=now - datetime.timedelta(seconds=30)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in lost:
        enqueue(message_id)
    unsure = list(OutboxMessage.objects.filter(status=Status.UNKNOWN).order_by("pk")[:limit])
    for message in unsure:
        reconcile(message)
    return {"orphaned": orphaned, "requeued": len(lost), "reconciled": len(unsure)}


def record_provider_status(provider_id: str, provider_status: str, error_code: str = "") -> bool:
    """A status callback: move the message forward, never back."""
    mapping = {
        "accepted": Status.SENT,
        "queued": Status.SENT,
        "sending": Status.SENT,
        "sent": Status.SENT,
        "delivered": Status.DELIVERED,
        "undelivered": Status.UNDELIVERED,
        "failed": Status.FAILED,
    }
    status = mapping.get(provider_status)
    if status is None:
        return False
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(provider_id=provider_id).first()
        if message is None:
            return False
        if PROGRESS.get(status, 0) < PROGRESS.get(message.status, 0):
            return True
        fields: dict[str, Any] = {}
        if error_code:
            fields["failure_reason"] = f"Provider error {error_code}"
        _finish(message, status, **fields)
    return True


def retry_refusal(message: OutboxMessage) -> str:
    """Why a message cannot be sent again, in words for the person asking, or ""."""
    if message.status not in RETRYABLE:
        return "Only failed, undelivered or unknown messages can be retried."
    if message.template in SECRET_WORDS:
        # Its words may already be gone (a used or replaced link); a new one is safer anyway.
        return (
            "A sign-in link or code is never sent again: send the family a new link from the "
            "child's Family access page."
        )
    return ""


def retry_message(message: OutboxMessage) -> bool:
    """A person asked to try again (from the message log). An SMS whose fate is unknown is
    looked up first: if the provider has it, it is marked sent rather than sent twice."""
    if retry_refusal(message):
        return False
    if message.status == Status.UNKNOWN and message.channel == OutboxMessage.Channel.SMS:
        try:
            found = _already_sent(message)
        except UncertainSendError:
            return False
        if found is not None:
            _finish(message, Status.SENT, provider_id=found.provider_id, sent_at=timezone.now())
            return True
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), status_updated_at=timezone.now()
    )
    transaction.on_commit(lambda: enqueue(message.pk))
    return True


# Twilio's standard keywords. A reply counts when it is the keyword alone, whatever its case and
# with spaces and punctuation around it ("Stop.", " stop ", "STOP!").
OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
OPT_IN = {"START", "YES", "UNSTOP"}
HELP = {"HELP", "INFO"}
STOP, START, HELP_REQUEST = "stop", "start", "help"
# Twilio's Advanced Opt-Out sends OptOutType when it recognised a keyword itself.
OPT_OUT_TYPES = {"STOP": STOP, "START": START, "HELP": HELP_REQUEST}
HELP_TEMPLATE = "sms_help"
UNSUBSCRIBED_REASON = "Not sent: this number replied STOP to our texts"


def sms_keyword(body: str, opt_out_type: str = "") -> str:
    """What an inbound text asks for: STOP, START, HELP, or "" for anything else. Twilio's own
    reading (OptOutType) wins over ours."""
    declared = OPT_OUT_TYPES.get((opt_out_type or "").strip().upper())
    if declared:
        return declared
    word = re.sub(r"^[\W_]+|[\W_]+$", "", body or "").upper()
    if word in OPT_OUT:
        return STOP
    if word in OPT_IN:
        return START
    if word in HELP:
        return HELP_REQUEST
    return ""


def set_sms_consent_for_number(number: str, consent: bool) -> int:
    """Texts stop from now for every family contact with that number who had agreed to them;
    START gives them back only to those who stopped them by text, never to someone who did
    not agree in the first place."""
    if not number:
        return 0
    now = timezone.now()
    contacts = FamilyContact.objects.filter(mobile_phone=number)
    if consent:
        return contacts.filter(sms_opted_out_at__isnull=False).update(
            sms_consent=True, sms_consent_recorded_at=now, sms_opted_out_at=None
        )
    return contacts.filter(sms_consent=True).update(
        sms_consent=False, sms_consent_recorded_at=now, sms_opted_out_at=now
    )


def record_opt_out_keyword(from_number: str, body: str, opt_out_type: str = "") -> str:
    """Inbound STOP/START: update the SMS consent of every contact with that number. Returns
    the keyword found, so the webhook can answer HELP."""
    keyword = sms_keyword(body, opt_out_type)
    if keyword in (STOP, START):
        set_sms_consent_for_number(from_number, consent=keyword == START)
    if keyword == STOP and from_number:
        texts_stopped.send(sender=None, number=from_number)
    return keyword


def help_reply() -> str:
    """The answer to HELP: the `sms_help` message template if the service has one."""
    context = {"service": settings.SERVICE_NAME, "authority": settings.AUTHORITY_NAME}
    try:
        text, _ = render(HELP_TEMPLATE, "en", context)
    except ValueError:
        text = (
            f"{settings.SERVICE_NAME}, {settings.AUTHORITY_NAME}: texts about your child's "
            "early years support. Reply STOP to stop them, START to get them again."
        )
    return text


# Celery tasks -------------------------------------------------------------------------------
# Defined beside the work they run, since sending queues a message again (a retry, the sweep):
# a tasks module that imported this one, and was imported by it, would be a circle. Their names
# are the ones they were first published under, so tasks already queued and the beat schedule
# still find them; messaging/tasks.py lists them for the worker.


# No results are stored: with a Redis result backend, publishing would first subscribe to the
# result channel, and block a request while Redis is down.
@shared_task(name="earlyyears.tasks.send_message", acks_late=True, ignore_result=True)
def send_message(message_id: int) -> str:
    return send_now(message_id).status


@shared_task(name="earlyyears.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> dict[str, int]:
    return sweep()
