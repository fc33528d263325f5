"""Forms for a second setting, a move, and the family's agreement to share the support plan.
The setting is found by its Ofsted URN or its exact name; the rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from earlyyears.forms import GovukDateField, GovukForm
from earlyyears.models import Setting

from .selectors import Row
from .services import NEW_SETTING, UNRECORDED_LEAD

YES_NO = (("yes", "Yes"), ("no", "No"))
SETTING_HINT = "Its Ofsted URN, for example EY123456, or its name as registered"


class SettingField(forms.CharField):
    """A setting by its Ofsted URN or its exact name (a select of every setting in a county
    would be hundreds long)."""

    def clean(self, value: Any) -> Setting | None:
        text = " ".join((super().clean(value) or "").split())
        if not text:
            return None
        found = list(Setting.objects.filter(Q(urn__iexact=text) | Q(name__iexact=text))[:2])
        if not found:
            raise forms.ValidationError(
                "No setting has that Ofsted URN or name: enter the URN, for example EY123456"
            )
        if len(found) > 1:
            raise forms.ValidationError(
                "More than one setting has that name: enter its Ofsted URN instead"
            )
        return found[0]


def _shares_plan(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text="Ask the family. Without their agreement the setting does not see the "
        "support plan; you can record their answer later.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the family agreed to share the support plan with the setting"
        },
    )


class AddSettingForm(GovukForm):
    setting = SettingField(
        label="Setting the child also attends",
        help_text=SETTING_HINT,
        max_length=200,
        error_messages={"required": "Enter the setting the child also attends"},
    )
    started_on = GovukDateField(
        label="Date the child started there",
        help_text="For example, 7 9 2026",
        past_only=True,
        error_messages={"required": "Enter the date the child started there"},
    )
    sees_plan = _shares_plan("Has the family agreed to share the support plan with this setting?")


class MoveForm(GovukForm):
    leaving = forms.TypedChoiceField(
        label="Setting the child is leaving",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the setting the child is leaving"},
    )
    to_setting = SettingField(
        label="Setting the child is moving to",
        help_text=SETTING_HINT,
        max_length=200,
        error_messages={"required": "Enter the setting the child is moving to"},
    )
    moved_on = GovukDateField(
        label="Date of the move",
        help_text="The child's first day at the new setting, for example 7 9 2026",
        past_only=True,
        error_messages={"required": "Enter the date of the move"},
    )
    lead = forms.ChoiceField(
        label="Which setting leads the child's SEN support?",
        help_text="The lead setting writes the support plan and applies for funding",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which setting leads the child's SEN support"},
    )
    sees_plan = _shares_plan(
        "Has the family agreed to pass the support plan on to the new setting?"
    )

    def __init__(self, *args: Any, current: list[Row], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [r.pk or UNRECORDED_LEAD for r in current]
        self.fields["leaving"].choices = [
            (i, r.setting.name) for i, r in zip(ids, current, strict=True)
        ]
        if len(current) == 1:
            self.fields["leaving"].initial = ids[0]
        self.fields["lead"].choices = [(NEW_SETTING, "The setting the child is moving to")] + [
            (str(i), f"{r.setting.name} (if the child stays there)")
            for i, r in zip(ids, current, strict=True)
        ]
        self.fields["lead"].initial = NEW_SETTING


class PlanSharingForm(GovukForm):
    sees_plan = _shares_plan("Has the family agreed to share the support plan with this setting?")


class EndAttendanceForm(GovukForm):
    """The last day at one setting, and which setting leads now if it was the lead and the
    child attends another."""

    left_on = GovukDateField(
        label="The child's last day there",
        help_text="For example, 18 7 2026",
        past_only=True,
        error_messages={"required": "Enter the child's last day at the setting"},
    )
    new_lead = forms.TypedChoiceField(
        label="Which setting leads the child's SEN support now?",
        help_text="The lead setting writes the support plan and applies for funding",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which setting leads the child's SEN support now"},
    )

    def __init__(self, *args: Any, others: list[Row], leads: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if leads and others:
            self.fields["new_lead"].choices = [(r.pk, r.setting.name) for r in others]
            if len(others) == 1:
                self.fields["new_lead"].initial = others[0].pk
        else:
            del self.fields["new_lead"]


class ConfirmForm(GovukForm):
    """A button that confirms a change: the rules (and any error) are the service's."""
