"""Reads for /readyz/: how deep the queues are and how old the oldest pending message is."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from ..models import OutboxMessage


def queue_state() -> dict[str, Any]:
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).aggregate(
        depth=Count("pk"), oldest=Min("created_at")
    )
    oldest = pending["oldest"]
    return {
        "pending_messages": pending["depth"],
        "oldest_pending_message": oldest.isoformat() if oldest else None,
        "oldest_pending_seconds": (int((timezone.now() - oldest).total_seconds()) if oldest else 0),
    }
