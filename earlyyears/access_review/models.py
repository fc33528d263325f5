"""Accounts that stay clean (issue 28): the record of each account ended (a leaver, a dormant
account, a decision at an access review), and the SEND manager's quarterly access review with
its checklist.

The checklist keeps what the manager saw (name, role, settings, last sign-in) as it was when
the review started, so the recorded review still says what was decided about whom after
people change role or leave."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccountEnding(models.Model):
    """An account switched off, why, by whom, and how many signed-in sessions that ended."""

    class Reason(models.TextChoices):
        LEAVER = "leaver", "Left, or no longer needs the service"
        DORMANT = "dormant", "Not used for a long time"
        REVIEW = "review", "Ended at an access review"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_endings"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.TextField(blank=True, max_length=500)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_at = models.DateTimeField(default=timezone.now)
    sessions_ended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ended_at", "-pk"]

    def __str__(self) -> str:
        return f"Account {self.user} ended ({self.get_reason_display().lower()})"


class AccessReview(models.Model):
    """One quarter's review of who can see children."""

    quarter_start = models.DateField(help_text="The first day of the quarter reviewed")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Access review from {self.quarter_start:%d/%m/%Y}"


class AccessReviewEntry(models.Model):
    """One person on a review's checklist, and the manager's decision about them."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        KEEP = "keep", "Keep"
        END = "end", "End their account"

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="access_review_entries",
    )
    name = models.CharField(max_length=300)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=32)
    settings_held = models.TextField(blank=True, help_text="Settings, as shown to the manager")
    caseload = models.PositiveIntegerField(default=0)
    council_sign_in = models.BooleanField(default=False)
    last_sign_in = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} in {self.review}"
