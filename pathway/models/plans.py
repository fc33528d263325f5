"""Support plans that follow the child (issue 23): the setting's record of SEN support.

One plan per child: its tier of support, the outcomes sought (what the child will be able to
do, by when), the provision that meets them, and the assess-plan-do-review cycles. Nothing is
overwritten silently: each change saves a `SupportPlanVersion` (who, when, what it was before),
outcomes and provision taken out are kept with the date they ended, and a reviewed cycle is
never changed again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = [
    "SupportTier",
    "SupportPlan",
    "PlanOutcome",
    "PlanProvision",
    "PlanCycle",
    "OutcomeProgress",
    "SupportPlanVersion",
]


class SupportTier(models.TextChoices):
    """The tiers of SEN support, from what every child gets to the most help."""

    UNIVERSAL = "universal", "Universal"
    TARGETED = "targeted", "Targeted"
    TARGETED_PLUS = "targeted_plus", "Targeted plus"
    SPECIALIST = "specialist", "Specialist"


class SupportPlan(models.Model):
    """A child's support plan. It belongs to the child, not the setting that wrote it, so it
    follows them; `setting` records who wrote it."""

    child = models.OneToOneField(
        "earlyyears.Child", on_delete=models.CASCADE, related_name="support_plan"
    )
    setting = models.ForeignKey(
        "earlyyears.Setting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_plans",
    )
    tier = models.CharField(max_length=20, choices=SupportTier.choices)
    strengths = models.TextField(blank=True, help_text="What the child is good at and enjoys")
    version = models.PositiveIntegerField(default=1)
    seeded_from = models.ForeignKey(
        "pathway.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The concern whose support cycles started this plan",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Support plan for child {self.child_id}"


class PlanOutcome(models.Model):
    """What the child will be able to do, by when. Taken out of the plan, it is ended, not
    deleted: the reviews that measured progress against it still read it."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    by_when = models.DateField(null=True, blank=True)
    # The writer was told the outcome reads like a placement or service and kept it.
    kept_after_warning = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class PlanProvision(models.Model):
    """Help that meets the outcomes: what, who, how often, from when."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="provision")
    outcome = models.ForeignKey(
        PlanOutcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="provision"
    )
    position = models.PositiveSmallIntegerField(default=0)
    what = models.TextField()
    who = models.CharField(max_length=200)
    how_often = models.CharField(max_length=200)
    starts_on = models.DateField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.what[:80]


class PlanCycle(models.Model):
    """One assess, plan, do, review cycle. A cycle the wizard collected keeps the concern it
    came from (`from_referral`), so the plan starts where the concern left off."""

    class Progress(models.TextChoices):
        GOOD = "good_progress", "Good progress: needs are being met"
        SOME = "some_progress", "Some progress"
        NONE = "no_progress", "Little or no progress"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    started_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    assess = models.TextField(blank=True, help_text="What we know about the child's needs now")
    planned = models.TextField(help_text="What we will do, and what was tried")
    reviewed_on = models.DateField(null=True, blank=True)
    overall = models.CharField(max_length=20, choices=Progress.choices, blank=True)
    review_notes = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    child_voice = models.TextField(blank=True)
    from_referral = models.ForeignKey(
        "pathway.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_cycle_number_per_plan")
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number}"

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_on is not None


class OutcomeProgress(models.Model):
    """Progress towards one outcome at one review."""

    class Progress(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        GOOD = "good_progress", "Good progress"
        SOME = "some_progress", "Some progress"
        NONE = "no_progress", "Little or no progress"

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=20, choices=Progress.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["outcome__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "outcome"], name="one_progress_per_outcome")
        ]

    def __str__(self) -> str:
        return self.get_progress_display()


class SupportPlanVersion(models.Model):
    """The plan as it was before a change, who changed it and when: the plan's history."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300)
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.summary}"
