"""Forms for portage: a home visit, and "All about me" completed with the family."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukDateField, GovukForm
from earlyyears.models import Child
from pathway.models import ShareWith

TEXT_LIMIT = 4000


def _text(label: str, *, required: bool = True, help_text: str = "", rows: int = 4, **kw):
    messages = {"max_length": f"{label} must be {TEXT_LIMIT:,} characters or fewer"}
    if required:
        messages["required"] = kw.pop("required_message")
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=messages,
    )


class VisitForm(GovukForm):
    visited_on = GovukDateField(
        label="Date of the visit",
        past_only=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the visit"},
    )
    goals = _text(
        "Goals",
        help_text="What you and the family are working towards",
        required_message="Enter the goals you and the family are working towards",
    )
    progress = _text(
        "Progress",
        help_text="What the child did and how it went",
        required_message="Enter the progress the child made",
    )
    next_steps = _text(
        "Next steps",
        required=False,
        rows=3,
        help_text="What the family will try before the next visit (optional)",
    )
    next_visit_on = GovukDateField(
        label="Date of the next visit",
        required=False,
        help_text="If it is booked. For example, 10 4 2026. If the family agreed to text "
        "messages, they get a reminder.",
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        visited_on = data.get("visited_on")
        next_visit_on = data.get("next_visit_on")
        if visited_on and visited_on < self.child.date_of_birth:
            self.add_error(
                "visited_on", "The date of the visit must be after the child's date of birth"
            )
        if visited_on and next_visit_on and next_visit_on <= visited_on:
            self.add_error(
                "next_visit_on", "The date of the next visit must be after the date of the visit"
            )
        return data


class PaperworkForm(GovukForm):
    """ "All about me": the child's and family's own words, and who they agree to share with."""

    completed_by = forms.CharField(
        label="Name of the family member completing this with you",
        max_length=200,
        error_messages={
            "required": "Enter the name of the family member who completed this with you",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    relationship = forms.CharField(
        label="Their relationship to the child",
        help_text="For example, mother, grandparent or foster carer",
        max_length=100,
        error_messages={
            "required": "Enter their relationship to the child",
            "max_length": "The relationship must be 100 characters or fewer",
        },
    )
    what_people_like_about_me = _text(
        "What people like about me",
        required_message="Enter what people like about the child",
    )
    what_is_important_to_me = _text(
        "What is important to me",
        help_text="People, things, routines and places",
        required_message="Enter what is important to the child",
    )
    how_best_to_support_me = _text(
        "How best to support me",
        required_message="Enter how best to support the child",
    )
    how_i_communicate = _text(
        "How I communicate",
        required=False,
        help_text="Words, signs, sounds, pictures, gestures (optional)",
    )
    family_hopes = _text("My family's hopes for the future", required=False)
    family_worries = _text("My family's worries", required=False)
    consent_to_share = forms.MultipleChoiceField(
        label="Who the family agrees to share this with",
        help_text="Select all that apply. Leave blank if the family does not agree to share it.",
        choices=ShareWith.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select who the family agrees to share this with"},
    )
    consent_given_on = GovukDateField(
        label="Date the family gave consent",
        past_only=True,
        required=False,
        help_text="For example, 27 3 2026",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("consent_to_share")
            and data.get("consent_given_on") is None
            and "consent_given_on" not in self.errors
        ):
            self.add_error("consent_given_on", "Enter the date the family gave consent")
        return data
