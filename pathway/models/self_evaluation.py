"""The partnership self-evaluation (issue 27): once a year the SEND manager places each area of
partnership working at starting, developing, maturing or embedding, with the evidence, and the
service fills in the figures it can measure.

Every save is a new version, never an edit: a new version copies the last. Its figures are
copied into it when it is saved, so last year's report reads as it did even as records change.
Judgements, evidence and figures are about services, never about a child (figures are
aggregates, small numbers suppressed); the only person named is the member of staff who wrote
or agreed a version."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = [
    "PartnershipArea",
    "PartnershipLevel",
    "SelfEvaluation",
    "SelfEvaluationVersion",
    "SelfEvaluationJudgement",
]


class PartnershipLevel(models.TextChoices):
    """The LGA partnership workshops' four levels, in order."""

    STARTING = "starting", "Starting"
    DEVELOPING = "developing", "Developing"
    MATURING = "maturing", "Maturing"
    EMBEDDING = "embedding", "Embedding"


LEVEL_ORDER = {level: n for n, level in enumerate(PartnershipLevel.values, start=1)}


class PartnershipArea(models.Model):
    """An area of partnership working, as the council configures them (staff admin). A retired
    area is not judged in new versions; old versions keep it."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="What good looks like in this area")
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False, help_text="Not judged in new versions")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SelfEvaluation(models.Model):
    """One self-evaluation per financial year (1 April to 31 March), named by the year it
    starts in: 2026 is "April 2026 to March 2027"."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="The year it starts in")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Partnership self-evaluation, {self.label}"

    @property
    def label(self) -> str:
        return f"April {self.year} to March {self.year + 1}"

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.year, 4, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 31)


class SelfEvaluationVersion(models.Model):
    """One saved version: never changed after it is saved, except to record that it was agreed
    (then the year is final and takes no more versions)."""

    self_evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    summary = models.TextField(blank=True, help_text="The overall picture, in a few sentences")
    change_note = models.CharField(
        max_length=300, blank=True, help_text="What changed in this version, and why"
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_by_name = models.CharField(max_length=200, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=list, blank=True)
    figures_from = models.DateField(null=True, blank=True)
    figures_to = models.DateField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_by_name = models.CharField(max_length=200, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_note = models.CharField(
        max_length=300, blank=True, help_text="Where it was agreed, for example the board"
    )

    class Meta:
        ordering = ["self_evaluation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_evaluation", "number"], name="one_self_evaluation_version_number"
            ),
            models.UniqueConstraint(
                fields=["self_evaluation"],
                condition=models.Q(agreed_at__isnull=False),
                name="one_agreed_self_evaluation_version",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of the {self.self_evaluation.label} self-evaluation"

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None


class SelfEvaluationJudgement(models.Model):
    """One area's judgement in one version: the level, the evidence and what would move it on.
    The area's name is copied, so the version reads the same if the area is renamed."""

    version = models.ForeignKey(
        SelfEvaluationVersion, on_delete=models.CASCADE, related_name="judgements"
    )
    area = models.ForeignKey(PartnershipArea, on_delete=models.PROTECT, related_name="+")
    area_name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    level = models.CharField(max_length=20, choices=PartnershipLevel.choices, blank=True)
    evidence = models.TextField(blank=True)
    next_steps = models.TextField("What would move it on", blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "area"], name="one_judgement_per_area_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_name}: {self.get_level_display() or 'not judged'}"

    @property
    def level_number(self) -> int:
        return LEVEL_ORDER.get(self.level, 0)
