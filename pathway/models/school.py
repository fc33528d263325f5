"""The move to school: when a child starts Reception, the checklist before they go, and the
hand-over record the school receives (issue 24)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

__all__ = ["HandoverRecord", "SchoolMove"]


class SchoolMove(models.Model):
    """What is known about one child's move to Reception. The intake year comes from the date of
    birth; it is stored only when the child starts in a different year (a delayed start for a
    summer-born child, for example), with the reason."""

    child = models.OneToOneField(
        "earlyyears.Child", on_delete=models.CASCADE, related_name="school_move"
    )
    intake_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Set only when the child starts a different year"
    )
    intake_change_reason = models.CharField(max_length=300, blank=True)
    school_name = models.CharField(max_length=200, blank=True)
    school_urn = models.CharField(
        "School's unique reference number (URN)",
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", "A URN is 6 digits, like 123456")],
    )
    transition_meeting_on = models.DateField(null=True, blank=True)
    ehc_review_finished_on = models.DateField(
        "EHC plan review and amendments finished on", null=True, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Move to school: {self.child}"


class HandoverRecord(models.Model):
    """What the school needs to know to welcome the child, written by the setting or the SEND
    team and shared only with the family's agreement. Once it has gone to the school it is not
    changed: a correction is a new record, so what the school received stays on file."""

    class Method(models.TextChoices):
        SECURE_EMAIL = "secure_email", "By secure email"
        HANDED_OVER = "handed_over", "Handed over in person"
        SCHOOL_SYSTEM = "school_system", "Through the school's own secure system"

    child = models.ForeignKey(
        "earlyyears.Child", on_delete=models.CASCADE, related_name="handover_records"
    )
    strengths = models.TextField()
    needs = models.TextField()
    what_works = models.TextField()
    support_in_place = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    consent_given_by = models.CharField(max_length=200)
    consent_given_on = models.DateField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_how = models.CharField(max_length=20, choices=Method.choices, blank=True)
    sent_to = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["child", "-written_at"])]

    def __str__(self) -> str:
        return f"Hand-over record for {self.child}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
