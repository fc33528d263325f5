"""Forms for the early help coordinator's response and outcome."""

from __future__ import annotations

from django import forms

from earlyyears.forms import GovukForm
from pathway.models import EarlyHelpHandoff


class RespondForm(GovukForm):
    decision = forms.ChoiceField(
        label="Does early help accept this referral?",
        choices=[("accept", "Yes, accept it"), ("decline", "No, decline it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether early help accepts this referral"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Needed if you decline. The referrer and the SEND team can read it on the "
        "case timeline.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why early help is declining this referral")
        return data

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "accept"


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What was the outcome?",
        choices=EarlyHelpHandoff.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    notes = forms.CharField(
        label="Notes",
        help_text="Optional. Seen by early help and the SEND team only.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        error_messages={"max_length": "The notes must be 5,000 characters or fewer"},
    )
