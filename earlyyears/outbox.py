"""The messaging outbox: write a message in the caller's transaction; send it after commit.

Requests never talk to the broker or the SMS provider. If the broker is down the row stays
pending and the periodic sweep sends it later; the idempotency key stops a second send.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Child, FamilyContact, OutboxMessage, User

logger = logging.getLogger("earlyyears.outbox")

# Short, plain English, no health details: a reference and who to contact.
TEMPLATES: dict[str, dict[str, str]] = {
    "concern_received_family": {
        "en": "{authority}: {setting} has shared a concern about your child's development with "
        "the Early Years SEND team, as you agreed. Reference {reference}. We will be in touch. "
        "Reply STOP to stop texts.",
        "pl": "{authority}: {setting} przekazał(a) zespołowi Early Years SEND informacje o "
        "rozwoju Twojego dziecka, zgodnie z Twoją zgodą. Numer sprawy {reference}. Skontaktujemy "
        "się z Tobą. Odpowiedz STOP, aby zrezygnować.",
        "cy": "{authority}: Mae {setting} wedi rhannu pryder am ddatblygiad eich plentyn gyda'r "
        "tîm SEND Blynyddoedd Cynnar, fel y cytunoch. Cyfeirnod {reference}. Byddwn mewn "
        "cysylltiad. Atebwch STOP i atal negeseuon.",
    },
    "concern_submitted_staff": {
        "en": "Concern {reference} was received by the Early Years SEND team. You can follow it "
        "in My concerns.",
    },
}


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """The message text and the language actually used (English when no translation exists)."""
    versions = TEMPLATES[template]
    used = language if language in versions else "en"
    return versions[used].format(**context), used


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
) -> OutboxMessage:
    """Write a message row in the current transaction; it is sent once the transaction commits."""
    if template not in TEMPLATES:
        raise ValueError(f"Unknown message template {template!r}")
    status = OutboxMessage.Status.PENDING
    if contact is not None and channel == OutboxMessage.Channel.SMS:
        if not (contact.sms_consent and contact.mobile_phone):
            status = OutboxMessage.Status.SUPPRESSED
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "channel": channel,
            "template": template,
            "language": language,
            "context": context,
            "to_phone": contact.mobile_phone if contact else "",
            "to_email": (user.email if user else "") if channel == "email" else "",
            "to_user": user,
            "to_contact": contact,
            "child": child,
            "status": status,
        },
    )
    if created and status == OutboxMessage.Status.PENDING:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from .tasks import send_message

    try:
        send_message.delay(message_id)
    except Exception:  # broker down: the sweep will pick the row up; never fail the request
        logger.warning("Could not enqueue message %s; the sweep will retry", message_id)


def send_now(message_id: int) -> OutboxMessage:
    """Send one message if it has not been sent. Embedded default: to the log."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status != OutboxMessage.Status.PENDING:
            return message
        text, used = render(message.template, message.language, message.context)
        recipient = message.to_phone or message.to_email or f"user {message.to_user_id}"
        logger.info("%s to %s: %s", message.get_channel_display(), recipient, text)
        message.language = used
        message.status = OutboxMessage.Status.SENT
        message.attempts += 1
        message.sent_at = timezone.now()
        message.save(update_fields=["language", "status", "attempts", "sent_at"])
        return message
