"""Alerts by email to ALERT_EMAIL when a part of the service stops doing its job:

- the outbox has messages waiting longer than ALERT_OUTBOX_AGE_MINUTES;
- more than ALERT_SMS_FAILURE_RATE of the texts finished in the last ALERT_SMS_WINDOW_MINUTES
  failed (once at least ALERT_SMS_MIN_COUNT finished);
- beat has not run its heartbeat for ALERT_BEAT_MINUTES;
- no Celery worker answers a ping;
- a clock reminder to staff could not be sent (failed, not delivered, or refused: for example
  the officer has no email address).

`check` runs every check; beat runs it every five minutes and the infrastructure's own
scheduler (cron, a Kubernetes CronJob) runs `manage.py check_alerts` too, because a beat that
has stopped cannot report itself. An alert is emailed when it is raised, again only every
ALERT_REPEAT_MINUTES while it lasts, and once more when it clears. Emails go straight through
Django's mail backend, not the outbox: the outbox may be what is broken.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from ..models import Alert, Heartbeat, OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
BEAT = "beat"
NOT_SENT = (Status.FAILED, Status.UNDELIVERED, Status.SUPPRESSED)


@dataclass
class Finding:
    kind: str
    detail: str  # "" when all is well


def _minutes(value: float) -> str:
    value = round(value)
    return f"{value} minute{'s' if value != 1 else ''}"


def outbox_backlog(now: datetime.datetime) -> Finding:
    limit = settings.ALERT_OUTBOX_AGE_MINUTES
    old = OutboxMessage.objects.filter(
        status=Status.PENDING, created_at__lt=now - datetime.timedelta(minutes=limit)
    ).aggregate(waiting=Count("pk"), oldest=Min("created_at"))
    waiting = old["waiting"]
    if not waiting:
        return Finding(Alert.Kind.OUTBOX, "")
    age = (now - old["oldest"]).total_seconds() / 60
    return Finding(
        Alert.Kind.OUTBOX,
        f"{waiting} message{'s' if waiting != 1 else ''} waiting more than {_minutes(limit)} "
        f"in the outbox; the oldest for {_minutes(age)}. Check the workers and the broker, "
        "then the SMS and email providers.",
    )


def sms_failures(now: datetime.datetime) -> Finding:
    since = now - datetime.timedelta(minutes=settings.ALERT_SMS_WINDOW_MINUTES)
    finished = OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.SMS,
        status__in=(Status.SENT, Status.DELIVERED, Status.FAILED, Status.UNDELIVERED),
        status_updated_at__gte=since,
    )
    total = finished.count()
    failed = finished.filter(status__in=(Status.FAILED, Status.UNDELIVERED)).count()
    if total < settings.ALERT_SMS_MIN_COUNT or failed / total <= settings.ALERT_SMS_FAILURE_RATE:
        return Finding(Alert.Kind.SMS_FAILURES, "")
    return Finding(
        Alert.Kind.SMS_FAILURES,
        f"{failed} of the last {total} texts failed in "
        f"{_minutes(settings.ALERT_SMS_WINDOW_MINUTES)} ({round(100 * failed / total)}%). "
        "Check Twilio's status and the account's balance.",
    )


def beat_stopped(now: datetime.datetime) -> Finding:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Finding(Alert.Kind.BEAT, "")
    limit = settings.ALERT_BEAT_MINUTES
    beat = Heartbeat.objects.filter(name=BEAT).first()
    if beat is not None and beat.at >= now - datetime.timedelta(minutes=limit):
        return Finding(Alert.Kind.BEAT, "")
    since = f"since {_minutes((now - beat.at).total_seconds() / 60)} ago" if beat else "ever"
    return Finding(
        Alert.Kind.BEAT,
        f"The scheduled tasks (Celery beat) have not run {since}: reminders, the outbox "
        "sweep and retention are stopped. Start exactly one beat process (and check the "
        "workers: beat's heartbeat runs on a worker).",
    )


def workers_answering() -> int:
    """How many Celery workers answer a ping through the configured broker."""
    from ..celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        replies = app.control.ping(
            timeout=settings.ALERT_WORKER_PING_SECONDS, connection=connection
        )
    return len(replies or [])


def worker_missing(now: datetime.datetime) -> Finding:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Finding(Alert.Kind.WORKER, "")
    try:
        answering = workers_answering()
    except Exception as error:  # noqa: BLE001 - the broker being down is the finding
        logger.warning("Worker ping failed: %s", error)
        answering = 0
    if answering:
        return Finding(Alert.Kind.WORKER, "")
    return Finding(
        Alert.Kind.WORKER,
        "No Celery worker answered: texts, emails and imports are not being done. Start the "
        "worker processes (and check the broker).",
    )


def clock_reminders_not_sent(now: datetime.datetime) -> Finding:
    since = now - datetime.timedelta(minutes=settings.ALERT_CLOCK_WINDOW_MINUTES)
    missed = OutboxMessage.objects.filter(
        template__in=settings.ALERT_CLOCK_TEMPLATES,
        status__in=NOT_SENT,
        created_at__gte=since,
    ).count()
    if not missed:
        return Finding(Alert.Kind.CLOCK_REMINDER, "")
    return Finding(
        Alert.Kind.CLOCK_REMINDER,
        f"{missed} reminder{'s' if missed != 1 else ''} of a statutory clock could not be "
        "sent to staff. Open Messages in the service to see which, and tell the officers.",
    )


CHECKS: tuple[Callable[[datetime.datetime], Finding], ...] = (
    outbox_backlog,
    sms_failures,
    beat_stopped,
    worker_missing,
    clock_reminders_not_sent,
)


def _email(subject: str, body: str) -> None:
    if not settings.ALERT_EMAIL:
        logger.warning("ALERT %s: %s (ALERT_EMAIL is not set)", subject, body)
        return
    prefix = f"[{settings.SERVICE_NAME}, {settings.ALERT_ENVIRONMENT}]"
    send_mail(f"{prefix} {subject}", body, settings.DEFAULT_FROM_EMAIL, settings.ALERT_EMAIL)


def record(finding: Finding, now: datetime.datetime) -> Alert | None:
    """Raise, repeat (no more often than ALERT_REPEAT_MINUTES) or clear one kind of alert."""
    repeat = datetime.timedelta(minutes=settings.ALERT_REPEAT_MINUTES)
    label = Alert.Kind(finding.kind).label
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(kind=finding.kind, resolved_at__isnull=True)
            .first()
        )
        if not finding.detail:
            if alert is not None:
                alert.resolved_at = now
                alert.save(update_fields=["resolved_at"])
                _email(f"Cleared: {label}", f"Cleared: {alert.detail}")
            return alert
        if alert is None:
            alert = Alert.objects.create(kind=finding.kind, detail=finding.detail, raised_at=now)
        alert.detail = finding.detail
        due = alert.last_sent_at is None or alert.last_sent_at <= now - repeat
        if due:
            _email(label, finding.detail)
            alert.last_sent_at = now
            alert.times_sent += 1
        alert.save(update_fields=["detail", "last_sent_at", "times_sent"])
    return alert


def check(now: datetime.datetime | None = None) -> list[Alert]:
    """Every check; the alerts open afterwards."""
    now = now or timezone.now()
    for run in CHECKS:
        record(run(now), now)
    return list(Alert.objects.filter(resolved_at__isnull=True))


def beat_heartbeat() -> None:
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"at": timezone.now()})
