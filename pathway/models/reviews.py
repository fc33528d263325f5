"""'Could we have acted earlier?' case reviews (issue 27): a sample of cases drawn by a rule the
SEND manager chooses, a panel of reviewers from education, health, care and a family's
perspective, and each reviewer's own finding for each stage of each case. Findings are kept per
reviewer, so disagreement is shown rather than averaged away."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["ReviewCause", "CaseReview", "ReviewCase", "ReviewPanelMember", "ReviewFinding"]


class ReviewCause(models.Model):
    """Why something could have happened earlier: a list the council extends (staff admin)."""

    label = models.CharField(max_length=200, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Offered to reviewers")

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class CaseReview(models.Model):
    class Method(models.TextChoices):
        RANDOM = "random", "At random from every case in the period"
        EHC_ASSESSMENT = "ehc_assessment", "Children who reached an EHC needs assessment"
        LONGEST_WAIT = "longest_wait", "Children who waited longest for a decision"
        LATE_FOR_AGE = "late_for_age", "Children referred late for their age (3 or older)"
        CLOSED_WITHOUT_SUPPORT = "closed_without_support", "Cases closed without support"

    title = models.CharField(max_length=200)
    method = models.CharField(max_length=30, choices=Method.choices)
    referred_from = models.DateField(help_text="First day of the period cases are drawn from")
    referred_to = models.DateField(help_text="Last day of that period")
    sample_size = models.PositiveSmallIntegerField()
    seed = models.PositiveIntegerField(help_text="Draws the same sample again from the same cases")
    pool_size = models.PositiveIntegerField(default=0, help_text="Cases the rule matched")
    opens_on = models.DateField(help_text="Reviewers can see the cases from this day")
    closes_on = models.DateField(help_text="and until this day")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class ReviewCase(models.Model):
    """One sampled case: the child's first referral in the review's period. It goes when the
    referral does (retention), with the findings about it."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="cases")
    referral = models.ForeignKey("pathway.Referral", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "referral"], name="one_review_case_per_referral"
            )
        ]

    def __str__(self) -> str:
        return f"Case {self.position} of {self.review}"


class ReviewPanelMember(models.Model):
    class Perspective(models.TextChoices):
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health"
        CARE = "care", "Social care and early help"
        FAMILY = "family", "A family's perspective (for example a parent carer forum member)"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    perspective = models.CharField(max_length=20, choices=Perspective.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["perspective", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_membership_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_perspective_display()})"


class ReviewFinding(models.Model):
    """One reviewer's judgement on one stage of one case."""

    class Stage(models.TextChoices):
        NOTICING = "noticing", "Noticing"
        RAISING = "raising", "Raising a concern"
        ROUTING = "routing", "Routing"
        DECIDING = "deciding", "Deciding"
        PROVIDING = "providing", "Providing support"

    class Earlier(models.TextChoices):
        YES = "yes", "Yes, it could have been done earlier"
        NO = "no", "No"
        UNSURE = "unsure", "Not sure"

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="findings")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    earlier = models.CharField(max_length=10, choices=Earlier.choices)
    causes = models.ManyToManyField(ReviewCause, blank=True, related_name="findings")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "stage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reviewer", "stage"], name="one_finding_per_reviewer_and_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_earlier_display()}"
