"""Reads of the messages the service sent: through the access layer's `messages_for`."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from ..access import children_for, messages_for
from ..models import OutboxMessage


def message_page(user, status: str = "", page_number: str | int = 1, per_page: int = 50) -> Page:
    messages = messages_for(user).select_related("child", "to_user", "to_contact")
    if status in OutboxMessage.Status.values:
        messages = messages.filter(status=status)
    return Paginator(messages.order_by("-created_at", "-pk"), per_page).get_page(page_number)


def messages_about(user, child) -> list[OutboxMessage]:
    """Messages about one child, for the SEND team's case view."""
    return list(
        messages_for(user)
        .filter(child__in=children_for(user).filter(pk=child.pk))
        .select_related("to_user", "to_contact")
        .order_by("-created_at")[:50]
    )
