"""Celery beat: the heartbeat (every minute) and the alert checks (every five minutes)."""

from __future__ import annotations

from celery import shared_task

from . import alerts


@shared_task(name="earlyyears.monitoring.tasks.heartbeat")
def heartbeat() -> None:
    alerts.beat_heartbeat()


@shared_task(name="earlyyears.monitoring.tasks.check_alerts")
def check_alerts() -> int:
    return len(alerts.check())
