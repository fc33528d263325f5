"""Families' comments on the local offer (Regulation 56 of the SEND Regulations 2014), the
council's yearly "You said, we did" page, and flags on services nobody has reviewed.

A comment keeps the family's own words (`original`) only for the moderators, and only until
retention erases them; what is published is the moderator's redacted text with the council's
response. No account, no name, no contact details are asked for."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Letters and digits nobody mistakes for each other when reading a reference out.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "LO-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class LocalOfferComment(models.Model):
    """A comment from a family on one service or on the local offer as a whole."""

    class Status(models.TextChoices):
        NEW = "new", "Waiting for a moderator"
        READY = "ready", "Redacted, not yet published"
        PUBLISHED = "published", "Published with our response"
        NOT_PUBLISHED = "not_published", "Not published"

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    # None: a comment on the local offer as a whole (or on a service since removed).
    service = models.ForeignKey(
        "cms.ServicePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="family_comments",
    )
    service_name = models.CharField(
        max_length=255, blank=True, help_text="The service's name when the comment was made"
    )
    # The family's words as sent: moderators only; erased by retention (`erased_at`).
    original = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The calendar year whose "You said, we did" page lists it.
    year = models.PositiveSmallIntegerField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    # What is published: the moderator's redacted version, never the original.
    redacted = models.TextField("Comment to publish", blank=True)
    response = models.TextField("Our response", blank=True)
    not_published_reason = models.CharField(max_length=255, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When retention erased the family's original words"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "year"], name="cms_comment_status_year")]

    def __str__(self) -> str:
        return self.reference

    @property
    def about(self) -> str:
        return self.service_name or "The local offer as a whole"


class CommentYear(models.Model):
    """A year's "You said, we did" page: public once a moderator publishes it."""

    year = models.PositiveSmallIntegerField(unique=True)
    introduction = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"You said, we did {self.year}"


class ServiceReviewFlag(models.Model):
    """A service not reviewed for `LOCAL_OFFER_REVIEW_MONTHS`: its owners were told, and after
    `LOCAL_OFFER_REVIEW_COUNCIL_DAYS` more the council (the moderators' list). Closed when the
    service is reviewed (checked or published again) or unpublished."""

    service = models.ForeignKey(
        "cms.ServicePage", on_delete=models.CASCADE, related_name="review_flags"
    )
    reviewed_on = models.DateField(help_text="When it was last reviewed, as the flag found it")
    flagged_at = models.DateTimeField(default=timezone.now)
    owners_told = models.PositiveSmallIntegerField(
        default=0, help_text="How many owner accounts were emailed"
    )
    council_told_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(closed_at__isnull=True),
                name="cms_one_open_review_flag",
            )
        ]

    def __str__(self) -> str:
        return f"Review flag {self.service_id} ({self.flagged_at:%d %B %Y})"
