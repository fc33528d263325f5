"""Forms for the audit search and legal holds."""

from __future__ import annotations

from django import forms

from earlyyears.forms import GovukDateField, GovukForm
from earlyyears.models import Child

from .models import AccessEvent
from .selectors import AuditFilters


class AuditSearchForm(GovukForm):
    child = forms.CharField(
        label="Child's reference or record number",
        required=False,
        max_length=20,
        help_text="For example, WM-00123, or the number in the child's page address",
    )
    username = forms.CharField(label="Username", required=False, max_length=150)
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2026")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 30 4 2026")
    action = forms.ChoiceField(
        label="What they did",
        required=False,
        choices=[("", "Anything"), *AccessEvent.Action.choices],
    )

    def clean_child(self) -> int | None:
        value = (self.cleaned_data.get("child") or "").strip()
        if not value:
            return None
        if value.isascii() and value.isdigit():
            return int(value)
        child_id = Child.objects.filter(reference__iexact=value).values_list("pk", flat=True)
        if not child_id:
            raise forms.ValidationError("Enter a child reference that exists, or a record number")
        return child_id[0]

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            child_id=data.get("child"),
            username=data.get("username") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action") or "",
        )


class PlaceHoldForm(GovukForm):
    reason = forms.CharField(
        label="Why must this child's records be kept?",
        help_text="For example, a tribunal appeal, a complaint or a request from legal services",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the records must be kept"},
    )


class LiftHoldForm(GovukForm):
    lift_reason = forms.CharField(
        label="Why can the hold be lifted?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the hold can be lifted"},
    )
