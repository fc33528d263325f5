"""Forms for support plans: the plan (tier, strengths, outcomes, the help, the current cycle),
a review, and the next cycle. Blank rows are ignored.

The outcomes check is a warning the writer can confirm past: an outcome that names a placement,
a provider or a service is sent back with the reason and what an outcome looks like, and a
"keep it as written" box; ticked, it saves (a check by keywords is sometimes wrong, and the
writer knows the child)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from earlyyears.forms import GovukDateField, GovukForm
from pathway.models import OutcomeProgress, PlanCycle, PlanOutcome, SupportTier
from pathway.support_plans import services
from pathway.support_plans.outcomes import outcome_warning

MAX_ROWS = 8
TIER_HINTS = {
    SupportTier.UNIVERSAL: "What every child in the setting gets, adjusted for this child.",
    SupportTier.TARGETED: "Extra help in the setting, planned for this child.",
    SupportTier.TARGETED_PLUS: "More help, with advice from specialists outside the setting.",
    SupportTier.SPECIALIST: "Help led by specialist services, or an EHC needs assessment.",
}


def _text(
    label: str,
    *,
    required: bool = True,
    rows: int = 3,
    max_length: int = 3000,
    help_text: str = "",
    missing: str = "",
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": missing or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


class PlanForm(GovukForm):
    tier = forms.ChoiceField(
        label="Tier of support",
        choices=SupportTier.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the tier of support"},
    )
    strengths = _text(
        "What the child is good at and enjoys",
        required=False,
        help_text="In words the family would use. Optional.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OutcomeForm(GovukForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="What the child will be able to do",
        help_text='For example, "Sam will ask for help using two or three words."',
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "An outcome must be 1,000 characters or fewer"},
    )
    by_when = GovukDateField(label="By when", help_text="For example, 31 7 2027", required=False)
    keep = forms.BooleanField(
        label="Keep this outcome as written",
        required=False,
        help_text="Only if you are sure it says what the child will be able to do.",
    )

    def has_row(self) -> bool:
        return bool((self.cleaned_data or {}).get("text", "").strip())

    def clean(self):
        data = super().clean()
        text = (data.get("text") or "").strip()
        data["text"] = text
        if not text:
            if data.get("by_when"):
                self.add_error("text", "Enter what the child will be able to do, or clear the date")
            return data
        if "by_when" in data and not data.get("by_when"):
            self.add_error("by_when", "Enter by when the child will be able to do this")
        warning = outcome_warning(text)
        self.warning = warning
        if warning and not data.get("keep"):
            self.add_error("text", warning)
        return data

    def row(self) -> services.OutcomeRow:
        data = self.cleaned_data
        return services.OutcomeRow(
            text=data["text"],
            by_when=data.get("by_when"),
            kept_after_warning=bool(getattr(self, "warning", "") and data.get("keep")),
            id=data.get("id"),
        )


class ProvisionForm(GovukForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    what = forms.CharField(
        label="What help",
        help_text="For example, small-group language sessions, a visual timetable.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "What help must be 1,000 characters or fewer"},
    )
    who = forms.CharField(label="Who gives it", required=False, max_length=200)
    how_often = forms.CharField(
        label="How often",
        help_text="For example, 3 times a week for 15 minutes.",
        required=False,
        max_length=200,
    )
    starts_on = GovukDateField(label="From", required=False)
    outcome = forms.TypedChoiceField(
        label="For which outcome",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "All outcomes")] + [(i, f"Outcome {i + 1}") for i in range(MAX_ROWS)],
    )

    def has_row(self) -> bool:
        return bool((self.cleaned_data or {}).get("what", "").strip())

    def clean(self):
        data = super().clean()
        what = (data.get("what") or "").strip()
        data["what"] = what
        if not what:
            if (data.get("who") or "").strip() or (data.get("how_often") or "").strip():
                self.add_error("what", "Enter what help the child will get, or clear the row")
            return data
        if not (data.get("who") or "").strip():
            self.add_error("who", "Enter who gives this help")
        if not (data.get("how_often") or "").strip():
            self.add_error("how_often", "Enter how often the child gets this help")
        if "starts_on" in data and not data.get("starts_on"):
            self.add_error("starts_on", "Enter the date this help starts")
        return data

    def row(self) -> services.ProvisionRow:
        data = self.cleaned_data
        return services.ProvisionRow(
            what=data["what"],
            who=data["who"].strip(),
            how_often=data["how_often"].strip(),
            starts_on=data.get("starts_on"),
            outcome_index=data.get("outcome"),
            id=data.get("id"),
        )


class BaseRowFormSet(forms.BaseFormSet):
    noun = "row"

    def rows(self) -> list[Any]:
        return [form.row() for form in self.forms if form.has_row()]


class BaseOutcomeFormSet(BaseRowFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_row() for form in self.forms):
            raise forms.ValidationError(
                "Add at least one outcome: what the child will be able to do"
            )


def plan_rows(
    outcomes, provision
) -> tuple[list[services.OutcomeRow], list[services.ProvisionRow]] | None:
    """The outcome and help rows of two valid formsets, each help row pointing at its outcome by
    the outcome's place among the rows kept. None (with an error on the help row) when a row
    points at an outcome left blank."""
    kept = [index for index, form in enumerate(outcomes.forms) if form.has_row()]
    place = {form_index: row_index for row_index, form_index in enumerate(kept)}
    rows = []
    for form in provision.forms:
        if not form.has_row():
            continue
        row = form.row()
        if row.outcome_index is not None:
            if row.outcome_index not in place:
                form.add_error(
                    "outcome", f"Outcome {row.outcome_index + 1} is blank: choose another"
                )
                return None
            row.outcome_index = place[row.outcome_index]
        rows.append(row)
    return outcomes.rows(), rows


def _padded(initial: list[dict[str, Any]], spare: int = 2) -> tuple[list[dict[str, Any]], int]:
    return initial, min(MAX_ROWS, max(len(initial) + spare, 3))


def outcome_formset(data=None, initial: list[dict[str, Any]] | None = None):
    initial = initial or []
    formset_class = forms.formset_factory(
        OutcomeForm,
        formset=BaseOutcomeFormSet,
        extra=max(0, _padded(initial)[1] - len(initial)),
        max_num=MAX_ROWS,
        validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="outcomes")


def provision_formset(data=None, initial: list[dict[str, Any]] | None = None):
    initial = initial or []
    formset_class = forms.formset_factory(
        ProvisionForm,
        formset=BaseRowFormSet,
        extra=max(0, _padded(initial)[1] - len(initial)),
        max_num=MAX_ROWS,
        validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="provision")


class CycleForm(GovukForm):
    """The start of a cycle: when, the review date, what we know and what we will do."""

    started_on = GovukDateField(
        label="Cycle starts", error_messages={"required": "Enter the date this cycle starts"}
    )
    review_due_on = GovukDateField(
        label="Review date",
        help_text="When you will look at progress together, usually 6 to 12 weeks on.",
        error_messages={"required": "Enter the review date"},
    )
    assess = _text("What we know about the child's needs now", required=False)
    planned = _text(
        "What we will do in this cycle",
        missing="Enter what you will do in this cycle",
    )

    def clean(self):
        data = super().clean()
        started, due = data.get("started_on"), data.get("review_due_on")
        if started and due and due <= started:
            self.add_error("review_due_on", "The review date must be after the cycle starts")
        return data

    def start(self) -> services.CycleStart:
        data = self.cleaned_data
        return services.CycleStart(
            started_on=data["started_on"],
            review_due_on=data["review_due_on"],
            planned=data["planned"],
            assess=data.get("assess", ""),
        )


def cycle_initial(seed: services.SeedCycle | None) -> dict[str, Any]:
    today = timezone.localdate()
    if seed is not None:
        return {"started_on": seed.started_on or today, "planned": seed.tried}
    return {"started_on": today, "review_due_on": today + datetime.timedelta(weeks=8)}


class ReviewForm(GovukForm):
    """The review of the current cycle: a progress question for each outcome, then the rest."""

    reviewed_on = GovukDateField(
        label="Date of the review",
        past_only=True,
        error_messages={"required": "Enter the date of the review"},
    )
    overall = forms.ChoiceField(
        label="Progress overall",
        choices=PlanCycle.Progress.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child is doing overall"},
    )
    notes = _text(
        "What the review found",
        required=False,
        rows=4,
        help_text="What worked, what did not, and what changes next.",
    )
    family_views = _text(
        "The family's views",
        rows=3,
        help_text="What the family said about how things are going, in their words.",
        missing="Enter the family's views, or say that they did not want to give them",
    )
    child_voice = _text(
        "The child's views",
        required=False,
        rows=3,
        help_text="What the child said, showed or chose, however they communicate.",
    )

    def __init__(self, *args: Any, outcomes: list[PlanOutcome], started_on=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        self.started_on = started_on
        self.progress_fields = []
        for number, outcome in enumerate(outcomes, start=1):
            name = f"progress_{outcome.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"Outcome {number}: {outcome.text}",
                choices=OutcomeProgress.Progress.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose the progress towards outcome {number}"},
            )
            self.fields[f"{name}_notes"] = forms.CharField(
                label=f"Notes on outcome {number}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": "Notes must be 2,000 characters or fewer"},
            )
            self.progress_fields.append((self[name], self[f"{name}_notes"]))
        # The outcomes first, as a review reads.
        order = [f for pair in self.progress_fields for f in (pair[0].name, pair[1].name)]
        self.order_fields(
            ["reviewed_on", *order, "overall", "notes", "family_views", "child_voice"]
        )

    def clean(self):
        data = super().clean()
        reviewed = data.get("reviewed_on")
        if reviewed and self.started_on and reviewed < self.started_on:
            self.add_error("reviewed_on", "The review date must be on or after the cycle started")
        return data

    def review(self) -> services.Review:
        data = self.cleaned_data
        return services.Review(
            reviewed_on=data["reviewed_on"],
            overall=data["overall"],
            progress={
                o.pk: (data[f"progress_{o.pk}"], data.get(f"progress_{o.pk}_notes", ""))
                for o in self.outcomes
            },
            notes=data.get("notes", ""),
            family_views=data["family_views"],
            child_voice=data.get("child_voice", ""),
        )
