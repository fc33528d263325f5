"""Forms for the family survey: the council's survey and where it goes (staff, English), the
feedback consent (staff and family), and the family's answers (in the family's language)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from earlyyears.forms import GovukDateField, GovukForm
from pathway.models import ConsentHow, FamilySurvey, SurveyQuestion

from .selectors import GROUP_ALL, GROUP_DECIDED
from .services import QuestionInput

QUESTION_SLOTS = 8
TEXT_ANSWER_LENGTH = 1000
KIND_CHOICES = [("", "Choose the kind of answer"), *SurveyQuestion.Kind.choices]


class SurveyForm(GovukForm):
    """The survey's title, closing date and up to eight questions (blank rows are left out)."""

    title = forms.CharField(
        label="Name of the survey",
        max_length=200,
        help_text="Staff see this name. Families see the questions, not this name.",
        error_messages={"required": "Enter a name for the survey"},
    )
    closes_on = GovukDateField(
        label="Closing date",
        help_text="Links stop working after this day. For example, 27 3 2027",
        error_messages={"required": "Enter the closing date"},
    )

    def __init__(self, *args: Any, survey: FamilySurvey | None = None, **kwargs: Any) -> None:
        if survey is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {"title": survey.title, "closes_on": survey.closes_on}
            for n, question in enumerate(survey.questions.all(), start=1):
                initial.update(
                    {
                        f"q{n}_kind": question.kind,
                        f"q{n}_en": question.wording_en,
                        f"q{n}_cy": question.wording_cy,
                        f"q{n}_pl": question.wording_pl,
                    }
                )
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for n in range(1, QUESTION_SLOTS + 1):
            self.fields[f"q{n}_kind"] = forms.ChoiceField(
                label=f"Question {n}: kind of answer",
                choices=KIND_CHOICES,
                required=False,
                error_messages={"invalid_choice": f"Choose the kind of answer for question {n}"},
            )
            for code, language in (("en", "English"), ("cy", "Welsh"), ("pl", "Polish")):
                self.fields[f"q{n}_{code}"] = forms.CharField(
                    label=f"Question {n} in {language}" + ("" if code == "en" else " (optional)"),
                    max_length=300,
                    required=False,
                    error_messages={
                        "max_length": f"Question {n} in {language} must be 300 characters or fewer"
                    },
                )

    def question_slots(self) -> list[tuple[int, list]]:
        return [
            (n, [self[f"q{n}_{part}"] for part in ("kind", "en", "cy", "pl")])
            for n in range(1, QUESTION_SLOTS + 1)
        ]

    def clean_closes_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("closes_on")
        if day and day < timezone.localdate():
            raise forms.ValidationError("The closing date must be today or in the future")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        questions = []
        for n in range(1, QUESTION_SLOTS + 1):
            kind = data.get(f"q{n}_kind") or ""
            words = {code: (data.get(f"q{n}_{code}") or "").strip() for code in ("en", "cy", "pl")}
            if not kind and not any(words.values()):
                continue
            if not kind:
                self.add_error(f"q{n}_kind", f"Choose the kind of answer for question {n}")
            if not words["en"]:
                self.add_error(f"q{n}_en", f"Enter question {n} in English")
            if kind and words["en"]:
                questions.append(QuestionInput(kind, words["en"], words["cy"], words["pl"]))
        if not questions and not any(f"q{n}_" in key for key in self.errors for n in range(1, 9)):
            self.add_error("q1_en", "Enter at least one question")
        self.questions = questions
        return data


class SendForm(GovukForm):
    group = forms.ChoiceField(
        label="Who should we text the survey to?",
        choices=[
            (GROUP_ALL, "Every family who agreed to be asked for feedback"),
            (
                GROUP_DECIDED,
                "Families whose child's referral had a decision in a period "
                "(of those who agreed to be asked for feedback)",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who to text the survey to"},
    )
    decided_from = GovukDateField(
        label="Decisions from", required=False, past_only=True, help_text="For example, 1 9 2026"
    )
    decided_to = GovukDateField(
        label="Decisions until", required=False, past_only=True, help_text="For example, 31 12 2026"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("group") == GROUP_DECIDED:
            start, end = data.get("decided_from"), data.get("decided_to")
            if not start and "decided_from" not in self.errors:
                self.add_error("decided_from", "Enter the first date of the period")
            if not end and "decided_to" not in self.errors:
                self.add_error("decided_to", "Enter the last date of the period")
            if start and end and end < start:
                self.add_error("decided_to", "The last date must be the same as or after the first")
        return data


class StaffConsentForm(GovukForm):
    """What the contact told the setting or the SEND team."""

    given = forms.ChoiceField(
        label="Has this person agreed to be asked for feedback?",
        help_text="A short anonymous survey by text, now and then. This is separate from "
        "text updates about the child and from consent to share information.",
        choices=[("yes", "Yes, they agreed"), ("no", "No, or they withdrew")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they agreed to be asked for feedback"},
    )
    how = forms.ChoiceField(
        label="How did they tell you?",
        choices=[
            (ConsentHow.IN_PERSON, ConsentHow.IN_PERSON.label),
            (ConsentHow.PHONE, ConsentHow.PHONE.label),
            (ConsentHow.IN_WRITING, ConsentHow.IN_WRITING.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they told you"},
    )


class FamilyConsentForm(forms.Form):
    given = forms.ChoiceField(
        label=_("Can we ask you for feedback?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )


RATING_CHOICES = [
    ("1", _("1 – very poor")),
    ("2", _("2 – poor")),
    ("3", _("3 – neither good nor poor")),
    ("4", _("4 – good")),
    ("5", _("5 – very good")),
]
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


class AnswerForm(forms.Form):
    """The family's answers: every question may be left out, but not all of them."""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = question.wording(language)
            name = f"q{question.pk}"
            if question.kind == SurveyQuestion.Kind.RATING:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=RATING_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Choose a number from 1 to 5.")},
                )
            elif question.kind == SurveyQuestion.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=YES_NO_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Choose yes or no.")},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=TEXT_ANSWER_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={
                        "max_length": _("Your answer must be %(limit)s characters or fewer.")
                        % {"limit": TEXT_ANSWER_LENGTH}
                    },
                )
            self.fields[name].question = question

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not any(str(value).strip() for value in data.values() if value):
            first = f"q{self.questions[0].pk}" if self.questions else None
            if first:
                self.add_error(first, _("Answer at least one question."))
        return data

    def answers(self) -> dict[int, dict]:
        """Question id -> the answer's values, for the questions answered."""
        out: dict[int, dict] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if not value or not str(value).strip():
                continue
            if question.kind == SurveyQuestion.Kind.RATING:
                out[question.pk] = {"rating": int(value)}
            elif question.kind == SurveyQuestion.Kind.YES_NO:
                out[question.pk] = {"yes": value == "yes"}
            else:
                out[question.pk] = {"text": value.strip()}
        return out
