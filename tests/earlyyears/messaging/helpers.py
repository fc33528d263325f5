"""Small shared helpers for the notification tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from earlyyears.messaging.services import queue_message
from earlyyears.models import FamilyContact, OutboxMessage

AUTHORITY = "Westmoor County Council"
SETTING = "Acorns Day Nursery"


def family_context(reference: str) -> dict[str, str]:
    return {"authority": AUTHORITY, "reference": reference, "setting": SETTING}


def queue_family_sms(
    contact: FamilyContact, reference: str, *, key: str | None = None, language: str | None = None
) -> OutboxMessage:
    """The 'we have your child's concern' SMS, as create_referral queues it."""
    return queue_message(
        key=key or f"test:{reference}:family:{contact.pk}",
        template="concern_received_family",
        context=family_context(reference),
        contact=contact,
        child=contact.child,
        language=language or contact.preferred_language,
    )


def make_due(message: OutboxMessage) -> None:
    """Time passes: the message's next attempt is due now."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def age_status(message: OutboxMessage, seconds: float) -> None:
    """Time passes: the message's status was last changed `seconds` ago."""
    earlier = timezone.now() - datetime.timedelta(seconds=seconds)
    OutboxMessage.objects.filter(pk=message.pk).update(status_updated_at=earlier)


def fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)
