"""Forms for advice requests. The answer form is built from the questions copied onto the
request, so it always matches what the professional was asked."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from earlyyears.forms import GovukDateField, GovukForm
from pathway.advice.services import (
    LATEST_DUE_DAYS,
    MAX_ANSWER_LENGTH,
    STATUTORY_ADVICE_WEEKS,
    advice_templates,
    default_due_on,
    describe_professional,
    is_required,
    professionals,
)


class AdviceRequestForm(GovukForm):
    template = forms.ModelChoiceField(
        label="Which advice do you need?",
        queryset=advice_templates(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the kind of advice you need",
            "invalid_choice": "Select the kind of advice you need",
        },
    )
    professional = forms.ModelChoiceField(
        label="Who should give it?",
        help_text="Name, job title and organisation",
        queryset=professionals(),
        empty_label="Choose a professional",
        error_messages={
            "required": "Select the professional to ask",
            "invalid_choice": "Select the professional to ask",
        },
    )
    due_on = GovukDateField(label="Due date")
    message = forms.CharField(
        label="Message to the professional",
        help_text="What you want to know and why. Do not repeat what the concern already says.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={"required": "Enter a message for the professional"},
    )

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        suggested = default_due_on(self.today)
        self.fields["template"].queryset = advice_templates()
        self.fields["professional"].queryset = professionals()
        self.fields["professional"].label_from_instance = describe_professional
        self.fields["due_on"].initial = suggested
        self.fields["due_on"].help_text = (
            f"Within {STATUTORY_ADVICE_WEEKS} weeks: the legal deadline for advice for an EHC "
            f"needs assessment. For example, {suggested:%-d %-m %Y}"
        )
        self.fields["due_on"].error_messages["required"] = "Enter the due date"

    def clean_due_on(self) -> datetime.date | None:
        due_on = self.cleaned_data.get("due_on")
        if due_on is None:
            return due_on
        if due_on <= self.today:
            raise forms.ValidationError("The due date must be in the future")
        if due_on > self.today + datetime.timedelta(days=LATEST_DUE_DAYS):
            raise forms.ValidationError("The due date must be within a year")
        return due_on


def answer_field_name(key: str) -> str:
    return f"answer_{key}"


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


class AdviceAnswerForm(GovukForm):
    """One textarea per question, labelled and hinted from the snapshot. Every question is
    required when sending; a draft may be incomplete."""

    def __init__(
        self,
        *args: Any,
        questions: list[dict[str, Any]],
        sending: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = question["label"]
            self.fields[answer_field_name(question["key"])] = forms.CharField(
                label=label,
                help_text=question.get("hint", ""),
                widget=forms.Textarea(attrs={"rows": 5}),
                required=sending and is_required(question),
                max_length=MAX_ANSWER_LENGTH,
                error_messages={
                    "required": f"Enter your advice on {_lower_first(label)}",
                    "max_length": f"{label} must be {MAX_ANSWER_LENGTH:,} characters or fewer",
                },
            )

    @classmethod
    def initial_from(cls, answers: dict[str, str]) -> dict[str, str]:
        return {answer_field_name(key): value for key, value in (answers or {}).items()}

    def answers(self) -> dict[str, str]:
        return {
            question["key"]: self.cleaned_data.get(answer_field_name(question["key"]), "")
            for question in self.questions
        }


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why are you withdrawing this request?",
        help_text="This goes on the case timeline",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter the reason for withdrawing the request"},
    )
