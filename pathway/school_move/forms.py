"""Forms for the move to school. They check what a person can get wrong and say how to fix it."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukDateField, GovukForm
from pathway.models import HandoverRecord


class SchoolMoveForm(GovukForm):
    school_name = forms.CharField(
        label="School", max_length=200, required=False, help_text="Leave blank if not known yet"
    )
    school_urn = forms.RegexField(
        label="School's unique reference number (URN) (optional)",
        regex=r"^\s*\d{6}\s*$",
        required=False,
        help_text="6 digits, from Get information about schools",
        error_messages={"invalid": "Enter the URN as 6 digits, like 123456"},
    )
    intake_year = forms.IntegerField(
        label="Starts Reception in September of (optional)",
        required=False,
        help_text="Only if the child starts in a different year from their age group",
        error_messages={"invalid": "Enter the year as 4 digits, like 2027"},
    )
    intake_change_reason = forms.CharField(
        label="Why the child starts in a different year",
        max_length=300,
        required=False,
        help_text="For example, a delayed start agreed for a summer-born child",
    )
    transition_meeting_on = GovukDateField(label="Transition meeting", required=False)
    ehc_review_finished_on = GovukDateField(
        label="EHC plan review and amendments finished",
        required=False,
        past_only=True,
        help_text="Only for a child with an EHC plan",
    )

    def __init__(self, *args: Any, age_group_year: int, **kwargs: Any) -> None:
        self.age_group_year = age_group_year
        super().__init__(*args, **kwargs)

    def clean_school_urn(self) -> str:
        return (self.cleaned_data.get("school_urn") or "").strip()

    def clean_intake_year(self) -> int | None:
        year = self.cleaned_data.get("intake_year")
        if year is None or year == self.age_group_year:
            return None
        if abs(year - self.age_group_year) > 1:
            raise forms.ValidationError(
                f"The child's age group starts Reception in {self.age_group_year}: "
                f"enter {self.age_group_year - 1}, {self.age_group_year} or "
                f"{self.age_group_year + 1}"
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("intake_year") and not (data.get("intake_change_reason") or "").strip():
            self.add_error("intake_change_reason", "Say why the child starts in a different year")
        if not data.get("intake_year"):
            data["intake_change_reason"] = ""
        return data


class HandoverForm(GovukForm):
    strengths = forms.CharField(
        label="What the child is good at and enjoys", widget=forms.Textarea(attrs={"rows": 4})
    )
    needs = forms.CharField(
        label="What the child finds hard", widget=forms.Textarea(attrs={"rows": 4})
    )
    what_works = forms.CharField(
        label="What helps the child",
        help_text="What the setting does that works: routines, words, places, people",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    support_in_place = forms.CharField(
        label="Support in place now (optional)",
        required=False,
        help_text="The child's support plan, funding, and professionals involved",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    family_views = forms.CharField(
        label="What the family wants the school to know (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent_given_by = forms.CharField(
        label="Who in the family agreed to share this with the school",
        max_length=200,
        error_messages={
            "required": "Enter the name of the parent or carer who agreed to share this record"
        },
    )
    consent_given_on = GovukDateField(
        label="When they agreed",
        past_only=True,
        error_messages={"required": "Enter the date the family agreed to share this record"},
    )

    REQUIRED = {
        "strengths": "Enter what the child is good at and enjoys",
        "needs": "Enter what the child finds hard",
        "what_works": "Enter what helps the child",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].error_messages["required"] = message


class SentForm(GovukForm):
    sent_how = forms.ChoiceField(
        label="How was it sent?",
        choices=HandoverRecord.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the record reached the school"},
    )
    sent_to = forms.CharField(
        label="Who received it",
        max_length=254,
        help_text="The school's secure email address, or the name of the person at the school",
        error_messages={"required": "Enter who at the school received the record"},
    )
    sent_on = GovukDateField(
        label="Date sent",
        past_only=True,
        error_messages={"required": "Enter the date the record was sent"},
    )
