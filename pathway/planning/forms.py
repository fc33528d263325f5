"""The chooser on the need-by-area page: a GET form, so it works without JavaScript and every
view of the figures has a link of its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from earlyyears.forms import GovukForm
from earlyyears.needs import AgeBand, BroadAreaOfNeed, EYFSArea
from pathway.planning.figures import FIGURES
from pathway.planning.periods import Period, period_choices
from pathway.planning.report import LEVELS, MEASURES, PlanningQuery

# The choices as the chooser's selects name them: short enough to be read whole in a select on
# a 320 px screen (a select cannot wrap). The headings, captions and CSV give the full names.
SHORT_NAMES: dict[str, str] = {
    BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH: "Social, emotional, mental health",
    EYFSArea.PERSONAL_SOCIAL_EMOTIONAL: "Personal, social, emotional",
    "children": "Children newly raised",
    "referrals": "All referrals",
    "route_send_team": "Referrals to SEND team",
    "route_portage": "Referrals to portage",
    "route_early_help": "Referrals to early help",
    "route_local_offer": "Signposted to local offer",
    "rate": "Rate per 1,000 under 5",
}


def _short(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(value, SHORT_NAMES.get(value, label)) for value, label in choices]


class PlanningForm(GovukForm):
    need = forms.ChoiceField(
        label="Need",
        required=False,
        choices=[
            ("", "Every need"),
            ("Broad areas of need", _short(BroadAreaOfNeed.choices)),
            ("Areas of learning (EYFS)", _short(EYFSArea.choices)),
        ],
        error_messages={"invalid_choice": "Select a need from the list"},
    )
    age = forms.ChoiceField(
        label="Age",
        required=False,
        choices=[("", "All ages"), *AgeBand.choices],
        error_messages={"invalid_choice": "Select an age from the list"},
    )
    period = forms.ChoiceField(
        label="Period",
        required=False,
        error_messages={"invalid_choice": "Select a year, quarter or month from the list"},
    )
    figure = forms.ChoiceField(
        label="Figure",
        required=False,
        choices=_short(list(FIGURES.items())),
        error_messages={"invalid_choice": "Select a figure from the list"},
    )
    measure = forms.ChoiceField(
        label="Show as",
        required=False,
        choices=_short(list(MEASURES.items())),
        error_messages={"invalid_choice": "Select count or rate"},
    )
    level = forms.ChoiceField(
        label="Areas",
        required=False,
        choices=list(LEVELS.items()),
        error_messages={"invalid_choice": "Select wards, localities or districts"},
    )

    def __init__(self, *args: Any, first_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["period"].choices = period_choices(min(first_year, this_year), this_year)
        self.default_period = Period("year", this_year)

    def query(self) -> PlanningQuery:
        """The figures asked for; a field that is wrong (shown in the error summary) falls back
        to its default, so the page always shows something."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        period = Period.parse(data.get("period", "")) or self.default_period
        return PlanningQuery(
            need=data.get("need", ""),
            age=data.get("age", ""),
            period=period,
            figure=data.get("figure", "children"),
            measure=data.get("measure", "count"),
            level=data.get("level", "ward"),
        )


class SchoolEntryForm(GovukForm):
    """Which intake and which areas; anything else falls back to the next intake by district."""

    INTAKES_AHEAD = 3

    year = forms.TypedChoiceField(
        label="Starting school in",
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "Select a September from the list"},
    )
    level = forms.ChoiceField(
        label="Areas",
        required=False,
        choices=list(LEVELS.items()),
        error_messages={"invalid_choice": "Select wards, localities or districts"},
    )

    def __init__(self, *args: Any, today, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first = today.year + 1 if today.month >= 9 else today.year
        self.years = [first + n for n in range(self.INTAKES_AHEAD)]
        self.fields["year"].choices = [(year, f"September {year}") for year in self.years]

    def choice(self) -> tuple[int, str]:
        year, level = self.years[0], "district"
        if self.is_bound and self.is_valid():
            year = self.cleaned_data["year"] or year
            level = self.cleaned_data["level"] or level
        return year, level
