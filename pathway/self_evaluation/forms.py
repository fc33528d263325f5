"""Forms for the partnership self-evaluation: start a year, edit (which saves a new version),
and record that a version was agreed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from earlyyears.forms import GovukForm
from pathway.models import PartnershipArea, PartnershipLevel, SelfEvaluationJudgement

from .services import Judgement

MAX_TEXT = 5000


def financial_year_of(day: datetime.date) -> int:
    """The year a financial year starts in: 1 April to 31 March."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


class StartYearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Which year?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Financial years, 1 April to 31 March. The new year starts from the judgements "
        "of the year before, if there is one.",
        error_messages={"required": "Select which year to start"},
    )

    def __init__(self, *args: Any, today: datetime.date, taken: set[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        this = financial_year_of(today)
        years = [y for y in (this + 1, this, this - 1) if y not in taken]
        self.fields["year"].choices = [(y, year_label(y)) for y in years]
        self.no_years_left = not years


class VersionForm(GovukForm):
    """The whole self-evaluation at once: saving makes a new version of all of it."""

    summary = forms.CharField(
        label="The overall picture",
        help_text="A few sentences for the health and wellbeing board: where the partnership "
        "is and what it will do next.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        error_messages={"required": "Enter the overall picture"},
    )
    change_note = forms.CharField(
        label="What changed in this version, and why",
        help_text="For example, updated after the parent carer forum's comments",
        max_length=300,
        error_messages={"required": "Enter what changed in this version"},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        areas: list[PartnershipArea],
        current: dict[int, SelfEvaluationJudgement],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            was = current.get(area.pk)
            self.fields[f"level_{area.pk}"] = forms.ChoiceField(
                label=f"{area.name}: level",
                choices=PartnershipLevel.choices,
                widget=forms.RadioSelect,
                initial=was.level if was else None,
                error_messages={"required": f"Select a level for {area.name}"},
            )
            self.fields[f"evidence_{area.pk}"] = forms.CharField(
                label=f"{area.name}: the evidence for this judgement",
                help_text="What you know and how: quote the figures below where they help. Write "
                "about services, never about a child: no names or references.",
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=MAX_TEXT,
                initial=was.evidence if was else "",
                error_messages={"required": f"Enter the evidence for {area.name}"},
            )
            self.fields[f"next_steps_{area.pk}"] = forms.CharField(
                label=f"{area.name}: what would move it on",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=MAX_TEXT,
                required=False,
                initial=was.next_steps if was else "",
            )
        # The error summary lists problems in the order of the page.
        self.order_fields(
            ["summary"]
            + [
                f"{kind}_{area.pk}"
                for area in areas
                for kind in ("level", "evidence", "next_steps")
            ]
            + ["change_note", "based_on"]
        )

    def area_groups(self) -> list[tuple[PartnershipArea, Any, Any, Any]]:
        return [
            (
                area,
                self[f"level_{area.pk}"],
                self[f"evidence_{area.pk}"],
                self[f"next_steps_{area.pk}"],
            )
            for area in self.areas
        ]

    def judgements(self) -> list[Judgement]:
        data = self.cleaned_data
        return [
            Judgement(
                area.pk,
                data[f"level_{area.pk}"],
                data[f"evidence_{area.pk}"].strip(),
                data[f"next_steps_{area.pk}"].strip(),
            )
            for area in self.areas
        ]


class AgreeForm(GovukForm):
    note = forms.CharField(
        label="Where was it agreed?",
        help_text="For example, the health and wellbeing board on 12 March 2027",
        max_length=300,
        error_messages={"required": "Enter where it was agreed"},
    )
    confirm = forms.BooleanField(
        label="This version was agreed. I understand it cannot change after this.",
        error_messages={"required": "Confirm that this version was agreed"},
    )
