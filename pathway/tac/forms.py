"""Forms for recording a Team Around the Child meeting: the meeting, a formset of attendees and a
formset of actions. Blank rows are ignored; "add another" works without JavaScript by posting
the form back with one more row (see views_tac.new_meeting)."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukDateField, GovukForm
from pathway.models import Discipline
from pathway.tac.services import MAX_ROWS

ATTENDEE_EXTRA = 4
ACTION_EXTRA = 3


class MeetingForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the meeting",
        past_only=True,
        help_text="For example, 14 3 2026",
        error_messages={"required": "Enter the date of the meeting"},
    )
    notes = forms.CharField(
        label="Notes",
        help_text="What was discussed and agreed. Everyone in the child's team can read these.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        error_messages={"max_length": "The notes must be 10,000 characters or fewer"},
    )
    next_review_on = GovukDateField(
        label="Next review date",
        help_text="Optional. When the team will meet again.",
        required=False,
    )

    def clean(self):
        data = super().clean()
        held_on, review = data.get("held_on"), data.get("next_review_on")
        if held_on and review and review <= held_on:
            self.add_error("next_review_on", "The next review date must be after the meeting date")
        return data


class AttendeeForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the attendee's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    discipline = forms.ChoiceField(
        label="Discipline",
        choices=[("", "Choose a discipline"), *Discipline.choices],
        error_messages={"required": "Choose the attendee's discipline"},
    )
    present = forms.BooleanField(label="Attended", required=False, initial=True)

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "discipline": data["discipline"], "present": data["present"]}


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What is to be done",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={
            "required": "Enter what is to be done",
            "max_length": "The action must be 2,000 characters or fewer",
        },
    )
    owner = forms.TypedChoiceField(
        label="Who will do it",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose someone from the list"},
    )
    owner_name = forms.CharField(
        label="Or the name of someone without an account",
        help_text="For example, a parent or carer.",
        max_length=200,
        required=False,
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )
    due_on = GovukDateField(
        label="Due date", error_messages={"required": "Enter the date the action is due"}
    )

    def __init__(self, *args: Any, owners: dict[int, Any], owner_choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.owners = owners
        self.fields["owner"].choices = [("", "Choose someone"), *owner_choices]

    def clean(self):
        data = super().clean()
        owner, owner_name = data.get("owner"), (data.get("owner_name") or "").strip()
        if "owner" in data and owner and owner_name:
            self.add_error("owner_name", "Choose someone from the list or enter a name, not both")
        elif "owner" in data and not owner and not owner_name:
            self.add_error(
                "owner", "Choose who will do this, or enter the name of someone without an account"
            )
        return data

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "owner": self.owners.get(data["owner"]) if data.get("owner") else None,
            "owner_name": data.get("owner_name", ""),
            "due_on": data["due_on"],
        }


class BaseRowFormSet(forms.BaseFormSet):
    """Rows the user filled in; untouched blank rows are skipped."""

    row_label = "Row"
    default_error_messages = {
        "missing_management_form": "The form was incomplete. Try again.",
        "too_many_forms": f"You can add at most {MAX_ROWS} rows",
    }

    def filled(self) -> list[forms.Form]:
        return [form for form in self.forms if form.has_changed()]

    def rows(self) -> list[dict[str, Any]]:
        return [form.row() for form in self.filled()]


class BaseAttendeeFormSet(BaseRowFormSet):
    row_label = "Attendee"

    def clean(self):
        if any(self.errors):
            return
        if not self.filled():
            raise forms.ValidationError("Add at least one person who was invited to the meeting")


class BaseActionFormSet(BaseRowFormSet):
    row_label = "Action"


AttendeeFormSet = forms.formset_factory(
    AttendeeForm,
    formset=BaseAttendeeFormSet,
    extra=ATTENDEE_EXTRA,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
ActionFormSet = forms.formset_factory(
    ActionForm,
    formset=BaseActionFormSet,
    extra=ACTION_EXTRA,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
