"""What monitoring keeps: when each scheduled heartbeat last ran, and the alerts raised (so a
condition that lasts sends one email, then one every ALERT_REPEAT_MINUTES, not one a check).
No personal data: counts, ages and names of parts of the service."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%d/%m/%Y %H:%M}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        OUTBOX = "outbox", "Messages waiting too long"
        SMS_FAILURES = "sms", "Texts failing"
        BEAT = "beat", "Scheduled tasks not running"
        WORKER = "worker", "No worker answering"
        CLOCK_REMINDER = "clock", "Clock reminders not sent"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    detail = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["kind", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} since {self.raised_at:%d/%m/%Y %H:%M}"
