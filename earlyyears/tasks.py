"""The core's Celery tasks. Celery's autodiscovery imports `<app>.tasks`, so this module imports
each activity's tasks; every task keeps the name it was first published under
(`earlyyears.tasks.<name>`), so tasks already queued and the beat schedule still find them."""

from celery import shared_task

from .access_review.tasks import close_dormant_accounts, remind_access_review
from .bulk.tasks import run_import_job
from .messaging.tasks import send_message, sweep_outbox
from .monitoring.tasks import check_alerts, heartbeat

__all__ = [
    "check_alerts",
    "close_dormant_accounts",
    "heartbeat",
    "ping",
    "remind_access_review",
    "run_import_job",
    "send_message",
    "sweep_outbox",
]


@shared_task(name="earlyyears.tasks.ping")
def ping() -> str:
    """Answers 'pong': lets operators and tests check a worker is consuming from the broker."""
    return "pong"
