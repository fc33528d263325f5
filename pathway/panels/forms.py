"""Forms for the Early Years panel. They check the shape of the answers; the panel's rules
live in pathway.panels, whose errors the views add to the form."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from earlyyears.forms import GovukDateField, GovukForm
from earlyyears.models import Area, display_name
from pathway.casework.forms import DecisionForm
from pathway.casework.selectors import send_team_officers
from pathway.models import PanelMember
from pathway.panels.services import MAX_FOLLOWING

TIME_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p", "%I:%M %p", "%I %p"]


class TimeField(forms.TimeField):
    """A time typed the way people write it: 14:00, 2pm, 2:30pm."""

    def to_python(self, value: Any) -> datetime.time | None:
        if isinstance(value, str):
            value = "".join(value.split()).lower()
        return super().to_python(value)


class PanelForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the panel",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the panel"},
    )
    starts_at = TimeField(
        label="Start time (optional)",
        help_text="For example, 9:30am or 14:00",
        required=False,
        input_formats=TIME_FORMATS,
        error_messages={"invalid": "Enter the start time like 9:30am or 14:00"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    location = forms.CharField(
        label="Location (optional)",
        help_text="A room, or 'Online'",
        required=False,
        max_length=200,
    )
    area = forms.ModelChoiceField(
        label="Area (optional)",
        help_text="Leave blank for a panel that covers the whole authority",
        queryset=None,
        required=False,
        empty_label="The whole authority",
        error_messages={"invalid_choice": "Choose an area from the list"},
    )
    chair = forms.ModelChoiceField(
        label="Chair (optional)",
        queryset=None,
        required=False,
        empty_label="Not decided yet",
        error_messages={"invalid_choice": "Choose the chair from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["area"].label_from_instance = lambda area: area.name
        self.fields["chair"].queryset = send_team_officers()
        self.fields["chair"].label_from_instance = display_name

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "starts_at": data.get("starts_at"),
            "location": data.get("location") or "",
            "area": data.get("area"),
            "chair": data.get("chair"),
        }


class FollowingPanelsForm(GovukForm):
    count = forms.TypedChoiceField(
        label="How many panels?",
        coerce=int,
        choices=[(n, f"{n} panel{'s' if n > 1 else ''}") for n in range(1, MAX_FOLLOWING + 1)],
        initial=3,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how many panels to schedule",
            "invalid_choice": "Select how many panels to schedule",
        },
    )
    copy_members = forms.BooleanField(
        label="Copy this panel's members to each new panel", required=False, initial=True
    )


class MemberForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the member's name"}
    )
    role_title = forms.CharField(
        label="Role (optional)",
        help_text="For example, Specialist health visitor",
        max_length=200,
        required=False,
    )
    agency = forms.ChoiceField(
        label="Agency",
        choices=PanelMember.Agency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the member's agency",
            "invalid_choice": "Select the member's agency",
        },
    )


ATTENDANCE_CHOICES = [("present", "Present"), ("apologies", "Sent apologies")]


class AttendanceForm(GovukForm):
    """One question a member: present or sent apologies."""

    def __init__(self, *args: Any, members: list[PanelMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            name = f"member_{member.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{member.name}, {member.get_agency_display()}"
                + (f" ({member.role_title})" if member.role_title else ""),
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": f"Select whether {member.name} was present"},
            )
            if member.attended is not None:
                self.initial[name] = "present" if member.attended else "apologies"

    def attendance(self) -> dict[int, bool | None]:
        values = {"present": True, "apologies": False}
        return {
            member.pk: values.get(self.cleaned_data.get(f"member_{member.pk}") or "")
            for member in self.members
        }


class AgendaForm(GovukForm):
    """The referrals the officer ticked, from the candidates the selector offers."""

    referrals = forms.ModelMultipleChoiceField(
        label="Referrals to add",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one referral to add to the agenda",
            "invalid_choice": "A referral you selected can no longer be added: choose again",
            "invalid_pk_value": "Select referrals from the list",
        },
    )

    def __init__(self, *args: Any, candidates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referrals"].queryset = candidates


class PanelDecisionForm(DecisionForm):
    """The officer's decision form, with the panel's discussion for the minutes."""

    discussion = forms.CharField(
        label="Panel discussion (optional)",
        help_text="A summary for the minutes. Minutes circulate beyond the SEND team: "
        "refer to the child by initials",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=8000,
    )

    field_order = ["discussion", "kind", "routes", "reason", "question"]


class DeferForm(GovukForm):
    note = forms.CharField(
        label="Why the panel deferred this referral",
        help_text="For example, waiting for the speech and language therapy assessment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        error_messages={"required": "Enter why the panel deferred this referral"},
    )


class DiscussionForm(GovukForm):
    discussion = forms.CharField(
        label="Panel discussion",
        help_text="Refer to the child by initials: minutes circulate beyond the SEND team",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        required=False,
    )


class NotesForm(GovukForm):
    notes = forms.CharField(
        label="General notes for the minutes (optional)",
        help_text="For example, apologies received late or matters arising",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        required=False,
    )
