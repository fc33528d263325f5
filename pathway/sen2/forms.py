"""Forms for the SEN2 return: the details the return needs, the collection chosen, and the
reason a SEND manager gives for producing an extract with problems left."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukForm
from pathway.models import EhcRequest, SenNeed

UPN_PATTERN = r"^[A-Za-z]\d{11}[0-9A-Za-z]$"


class DetailsForm(GovukForm):
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Choose the primary need"), *SenNeed.Type.choices],
        error_messages={"required": "Select the child's primary need"},
    )
    secondary_need = forms.ChoiceField(
        label="Secondary need (optional)",
        required=False,
        choices=[("", "No secondary need"), *SenNeed.Type.choices],
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=EhcRequest.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=[("", "Choose the child's ethnicity"), *EhcRequest.Ethnicity.choices],
        error_messages={
            "required": "Select the child's ethnicity, or that the family chose not to say"
        },
    )
    upn = forms.RegexField(
        label="Unique pupil number (optional)",
        regex=UPN_PATTERN,
        required=False,
        help_text="13 characters, starting with a letter. Most children under 5 do not have one",
        error_messages={
            "invalid": "Enter a unique pupil number as a letter and 12 more "
            "characters, like A123456789012"
        },
    )
    upn_unknown = forms.ChoiceField(
        label="If there is no unique pupil number, why",
        required=False,
        choices=[("", "Choose why"), *EhcRequest.UpnUnknown.choices],
    )
    setting_school_urn = forms.RegexField(
        label="School URN of the child's setting (optional)",
        regex=r"^\d{6}$",
        required=False,
        help_text="Only for a nursery class or school with a 6-digit URN; leave blank for a "
        "nursery or childminder without one",
        error_messages={"invalid": "Enter the URN as 6 digits, like 123456, or leave it blank"},
    )

    def clean_upn(self) -> str:
        return (self.cleaned_data.get("upn") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("upn") and not data.get("upn_unknown"):
            self.add_error(
                "upn_unknown", "Enter the unique pupil number, or select why there is none"
            )
        primary, secondary = data.get("primary_need"), data.get("secondary_need")
        if primary and primary == secondary:
            self.add_error("secondary_need", "Choose a secondary need different from the primary")
        return data


class CollectionForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Collection",
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Select a collection from the list"},
    )

    def __init__(self, *args: Any, latest: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = [latest - n for n in range(3)]
        self.fields["year"].choices = [
            (year, f"January {year} (activity in {year - 1})") for year in self.years
        ]

    def chosen(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return self.years[0]


class ProduceForm(GovukForm):
    reason = forms.CharField(
        label="Why produce the extract with problems left",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
