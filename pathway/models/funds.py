"""Funding for settings: fund types, applications, budgets and payments (issue 23).

Inclusion (top-up) funding decided at panel or in casework is still a `FundingAward`; each award
is linked to an approved `FundApplication` of the SEN inclusion fund (pathway.funds.receivers),
so every fund's applications, budgets and payments are read in one shape."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from earlyyears import storage

__all__ = [
    "FundApplication",
    "FundBand",
    "FundBudget",
    "FundEvidence",
    "FundPayment",
    "FundType",
    "FundWindow",
    "fund_evidence_storage",
]


def fund_evidence_storage():
    """Evidence names a child's needs: the private store, streamed only through the access
    layer (named in migrations: keep the name)."""
    return storage.private()


class FundType(models.Model):
    """A fund the council runs, configured by the SEND manager in the staff admin."""

    class Kind(models.TextChoices):
        INCLUSION = "inclusion", "SEN inclusion fund"
        DISABILITY_ACCESS = "daf", "Disability Access Fund"
        OTHER = "other", "Another fund"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True, help_text="What the fund is for, for settings")
    evidence_required = models.TextField(
        help_text="What a setting must send with an application, in plain words"
    )
    yearly_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A fixed yearly amount for each child (the Disability Access Fund)",
    )
    once_a_year_per_child = models.BooleanField(
        default=False,
        help_text="Paid once a year for each child, to the one setting the family nominates",
    )
    needs_disability_living_allowance = models.BooleanField(
        default=False, help_text="The child must get Disability Living Allowance"
    )
    uses_windows = models.BooleanField(
        default=False, help_text="Settings may apply only while an application window is open"
    )
    review_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months after an award that it is reviewed (6)"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FundBand(models.Model):
    """A level of a fund with a set amount (the inclusion fund's bands)."""

    fund_type = models.ForeignKey(FundType, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["fund_type", "amount", "name"]
        constraints = [
            models.UniqueConstraint(fields=["fund_type", "name"], name="one_band_name_per_fund")
        ]

    def __str__(self) -> str:
        return f"{self.name}: £{self.amount:,.2f}"


class FundWindow(models.Model):
    """When settings may apply to a fund (a term's window for the inclusion fund)."""

    fund_type = models.ForeignKey(FundType, on_delete=models.CASCADE, related_name="windows")
    name = models.CharField(max_length=80, help_text="For example, Spring term 2027")
    opens_on = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["fund_type", "opens_on"]

    def __str__(self) -> str:
        return self.name


class FundBudget(models.Model):
    """Money a fund has for a financial year, for one area or (no area) for the whole county."""

    fund_type = models.ForeignKey(FundType, on_delete=models.CASCADE, related_name="budgets")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2026 means April 2026 to March 2027"
    )
    area = models.ForeignKey(
        "earlyyears.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["fund_type", "-financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund_type", "financial_year", "area"], name="one_fund_budget_per_area"
            ),
            models.UniqueConstraint(
                fields=["fund_type", "financial_year"],
                condition=models.Q(area__isnull=True),
                name="one_county_fund_budget_per_year",
            ),
        ]

    def __str__(self) -> str:
        end = (self.financial_year + 1) % 100
        return f"{self.fund_type} {self.area or 'county'} {self.financial_year}-{end:02d}"


class FundApplication(models.Model):
    """A setting asks a fund for money for one child; the SEND team decides."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        AT_PANEL = "at_panel", "Waiting for the Early Years panel"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.SUBMITTED, Status.AT_PANEL)

    fund_type = models.ForeignKey(FundType, on_delete=models.PROTECT, related_name="applications")
    child = models.ForeignKey(
        "earlyyears.Child", on_delete=models.CASCADE, related_name="fund_applications"
    )
    setting = models.ForeignKey(
        "earlyyears.Setting", on_delete=models.PROTECT, related_name="fund_applications"
    )
    area = models.ForeignKey(
        "earlyyears.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    financial_year = models.PositiveSmallIntegerField()
    window = models.ForeignKey(
        FundWindow, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    band = models.ForeignKey(
        FundBand, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    amount_requested = models.DecimalField(max_digits=10, decimal_places=2)
    what_for = models.TextField(help_text="What the money will pay for and how it helps the child")
    gets_disability_living_allowance = models.BooleanField(default=False)
    family_nominated_setting = models.BooleanField(default=False)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reapplications"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        "earlyyears.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    amount_awarded = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "earlyyears.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_at_panel = models.ForeignKey(
        "pathway.PanelMeeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    award = models.OneToOneField(
        "pathway.FundingAward",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fund_application",
    )
    review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "fund_type", "financial_year"]),
            models.Index(fields=["setting", "-submitted_at"]),
            models.Index(fields=["fund_type", "financial_year", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.fund_type} application {self.reference}"

    @property
    def reference(self) -> str:
        return f"FA-{self.pk:06d}" if self.pk else "FA-new"


def fund_evidence_upload_to(instance: FundEvidence, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"funds/{uuid.uuid4().hex}.{suffix}"


class FundEvidence(models.Model):
    application = models.ForeignKey(
        FundApplication, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=fund_evidence_upload_to, storage=fund_evidence_storage)
    name = models.CharField(max_length=200, help_text="The name it was uploaded with")
    description = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        "earlyyears.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "fund evidence"

    def __str__(self) -> str:
        return self.description


class FundPayment(models.Model):
    """Money owed to a setting on an approved application: due, approved for payment, paid."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        APPROVED = "approved", "Approved for payment"
        PAID = "paid", "Paid"

    application = models.ForeignKey(
        FundApplication, on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    approved_by = models.ForeignKey(
        "earlyyears.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        "earlyyears.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"£{self.amount:,.2f} due {self.due_on:%-d %B %Y}"
