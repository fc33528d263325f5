"""Forms for funding: a setting's application, the SEND team's decision, a payment recorded
as paid. Each shows only the questions its fund asks; the rules themselves are in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings as django_settings

from earlyyears import uploads
from earlyyears.forms import GovukDateField, GovukForm
from pathway.models import FundType

from .rules import money
from .services import Outcome

TEXT_LIMIT = 4000


def _amount(label: str, help_text: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be an amount of money, like 1250.00",
            "min_value": f"{label} must be more than £0",
            "max_digits": f"{label} must be less than £100,000,000",
            "max_decimal_places": f"{label} must have no more than 2 numbers after the point",
        },
    )


class ApplicationForm(GovukForm):
    band = forms.ChoiceField(
        label="Band",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the band you are applying for"},
    )
    amount_requested = _amount(
        "Amount you are applying for", "In pounds, for example 1250.00", required=True
    )
    what_for = forms.CharField(
        label="What the money will pay for",
        help_text="What you will do with it and how it helps the child",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter what the money will pay for",
            "max_length": f"What the money will pay for must be {TEXT_LIMIT:,} characters or fewer",
        },
    )
    gets_disability_living_allowance = forms.BooleanField(
        label="The child gets Disability Living Allowance",
        error_messages={
            "required": "Confirm that the child gets Disability Living Allowance",
        },
    )
    family_nominated_setting = forms.BooleanField(
        label="The family has chosen our setting to receive it this year",
        help_text="It is paid to one setting a year for each child",
        error_messages={"required": "Confirm that the family has chosen your setting"},
    )
    evidence = forms.FileField(
        label="Evidence file",
        help_text="A PDF, JPG or PNG, smaller than 10 MB",
        error_messages={"required": "Select the evidence file"},
    )
    evidence_description = forms.CharField(
        label="What the evidence is",
        help_text="For example, Disability Living Allowance award letter",
        max_length=200,
        error_messages={
            "required": "Enter what the evidence is",
            "max_length": "What the evidence is must be 200 characters or fewer",
        },
    )

    def __init__(self, *args: Any, fund: FundType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.bands = {str(band.pk): band for band in fund.bands.all()}
        self.fields[
            "evidence"
        ].help_text = f"{fund.evidence_required} A PDF, JPG or PNG, smaller than 10 MB"
        if self.bands and fund.yearly_amount is None:
            self.fields["band"].choices = [
                (pk, f"{band.name}: {money(band.amount)}") for pk, band in self.bands.items()
            ]
            del self.fields["amount_requested"]
        else:
            del self.fields["band"]
            if fund.yearly_amount is not None:
                del self.fields["amount_requested"]
        if not fund.needs_disability_living_allowance:
            del self.fields["gets_disability_living_allowance"]
        if not fund.once_a_year_per_child:
            del self.fields["family_nominated_setting"]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            uploads.check_upload(upload, max_bytes=django_settings.UPLOAD_MAX_BYTES)
        return upload

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "band": self.bands.get(data.get("band") or ""),
            "amount_requested": data.get("amount_requested"),
            "what_for": data["what_for"],
            "gets_disability_living_allowance": bool(data.get("gets_disability_living_allowance")),
            "family_nominated_setting": bool(data.get("family_nominated_setting")),
        }


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (Outcome.APPROVE, "Approve"),
            (Outcome.REFUSE, "Refuse"),
            (Outcome.PANEL, "Take it to the Early Years panel"),
        ],
        error_messages={"required": "Select a decision"},
    )
    amount = _amount(
        "Amount to award",
        "Only if you approve. Leave it blank to award what the setting applied for",
    )
    reason = forms.CharField(
        label="Reasons for the decision",
        help_text="The setting sees these",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the reasons for the decision",
            "max_length": f"Reasons must be {TEXT_LIMIT:,} characters or fewer",
        },
    )
    confirm_overspend = forms.BooleanField(
        label="I understand this award goes over the budget",
        required=False,
    )


class PaidForm(GovukForm):
    paid_on = GovukDateField(
        label="Date it was paid",
        past_only=True,
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date it was paid"},
    )
