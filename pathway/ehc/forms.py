"""Forms for each step of the EHC timeline. The form checks what it can alone (a date is real,
a choice is made); the service checks the rules that need the case (dates in order), and its
refusal is shown in the same error summary."""

from __future__ import annotations

from typing import Any

from django import forms

from earlyyears.forms import GovukDateField, GovukForm
from pathway.models import EhcDispute, EhcException, EhcRequest, EhcReview, Referral

REASON_WIDGET = forms.Textarea(attrs={"rows": 4})


def _date(label: str, *, required: bool = True, help_text: str = "") -> GovukDateField:
    return GovukDateField(
        label=label,
        required=required,
        help_text=help_text or "For example, 27 3 2026",
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def _text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class RequestForm(GovukForm):
    referral = forms.ModelChoiceField(
        label="Which referral is this request about?",
        queryset=Referral.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the referral", "invalid_choice": "Select the referral"},
    )
    source = forms.ChoiceField(
        label="Who made the request?",
        choices=EhcRequest.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made the request"},
    )
    requested_by_name = forms.CharField(
        label="Name of the person who made it (optional)", required=False, max_length=200
    )
    received_on = _date("Date the request was received", help_text="The 20 weeks start here")
    sex = forms.ChoiceField(
        label="Sex",
        choices=EhcRequest.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex, or not known"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=[("", "Choose")] + EhcRequest.Ethnicity.choices,
        error_messages={"required": "Select the child's ethnicity, or not yet known"},
    )
    upn = forms.CharField(
        label="Unique pupil number (optional)",
        required=False,
        max_length=13,
        help_text="Most children under five do not have one",
    )
    upn_unknown = forms.ChoiceField(
        label="If there is no unique pupil number, why not?",
        required=False,
        choices=[("", "Choose")] + EhcRequest.UpnUnknown.choices,
    )
    setting_school_urn = forms.CharField(
        label="School URN of the child's setting (optional)",
        required=False,
        max_length=8,
        help_text="Only for a school nursery class. Leave blank for a nursery, pre-school or "
        "childminder",
    )
    transferred_in = forms.BooleanField(
        label="This is a plan transferred in from another council", required=False
    )
    transferred_from = forms.CharField(
        label="Council it came from (for a transfer in)", required=False, max_length=200
    )
    plan_start_on = _date("Date of the plan transferred in", required=False)

    def __init__(self, *args: Any, child=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        referrals = Referral.objects.filter(child=child).order_by("-submitted_at")
        self.fields["referral"].queryset = referrals
        self.fields["referral"].label_from_instance = lambda r: (
            f"{r.reference}, sent {r.submitted_at:%-d %B %Y}"
        )
        first = referrals.first()
        if first is not None:
            self.fields["referral"].initial = first.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("upn") and not data.get("upn_unknown"):
            self.add_error(
                "upn_unknown", "Give the unique pupil number or the reason it is not known"
            )
        return data


class AssessmentDecisionForm(GovukForm):
    assess = forms.TypedChoiceField(
        label="Will the council carry out an EHC needs assessment?",
        choices=[("yes", "Yes, assess"), ("no", "No, do not assess")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the council will assess"},
    )
    decided_on = _date("Date of the decision")
    reason = _text("Reason for the decision", help_text="This goes in the family's letter")


class DraftForm(GovukForm):
    issued_on = _date("Date the draft was sent")


class PlanDecisionForm(GovukForm):
    issue = forms.TypedChoiceField(
        label="What was decided?",
        choices=[("yes", "Issue the final plan"), ("no", "Do not issue a plan")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was decided"},
    )
    decided_on = _date("Date of the decision")
    reason = _text(
        "What the letter should say", help_text="For a plan, what it provides; for no plan, why"
    )


class ExceptionForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which exception applies?",
        choices=EhcException.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the exception that applies"},
    )
    reason = _text("Reason the exception applies")
    starts_on = _date("Date the exception started")
    ends_on = _date(
        "Date the exception ended",
        required=False,
        help_text="Leave blank for a missed appointment, or if it has not ended",
    )


class DisputeForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is happening?",
        choices=EhcDispute.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select mediation or an appeal to the tribunal"},
    )
    about = forms.ChoiceField(
        label="What did the family disagree with?",
        choices=EhcDispute.About.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the family disagreed with"},
    )
    started_on = _date("Date it started")
    concluded_on = _date("Date it ended", required=False, help_text="Leave blank if not yet")
    outcome = _text("Outcome (optional)", required=False)


class ReviewMeetingForm(GovukForm):
    advice_requested_on = _date("Date advice was asked for", required=False)
    advice_summary = _text("Advice gathered before the meeting", required=False)
    meeting_on = _date("Date of the meeting")
    meeting_notes = _text("Notes of the meeting", required=False)


class ReviewDecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What was decided?",
        choices=EhcReview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    decided_on = _date("Date of the decision")
    reason = _text("Reason for the decision", help_text="This goes in the family's letter")


class CeaseForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why does the plan stop?",
        choices=EhcRequest.CeaseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the plan stops"},
    )
    ceased_on = _date("Date the plan stops", help_text="For a transfer out, the date of the move")
    detail = _text("Reason, in words for the family's letter", required=False)
    transferred_to = forms.CharField(
        label="Where the child moved to (for a move)", required=False, max_length=200
    )


class WithdrawForm(GovukForm):
    withdrawn_on = _date("Date the request ended")
    reason = _text("Why the request ended")
