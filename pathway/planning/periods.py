"""Reporting periods: calendar years, their quarters and their months."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    kind: str  # "year", "quarter" or "month"
    year: int
    number: int = 1  # quarter 1-4 or month 1-12

    @property
    def key(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.year} (January to December)"
        if self.kind == "quarter":
            first = calendar.month_name[3 * self.number - 2]
            last = calendar.month_name[3 * self.number]
            return f"{first} to {last} {self.year}"
        return f"{calendar.month_name[self.number]} {self.year}"

    @property
    def short_label(self) -> str:
        if self.kind == "quarter":
            return f"Q{self.number} {self.year}"
        if self.kind == "month":
            return f"{calendar.month_abbr[self.number]} {self.year}"
        return str(self.year)

    def previous(self) -> Period:
        if self.kind == "year":
            return Period("year", self.year - 1)
        size = 4 if self.kind == "quarter" else 12
        if self.number == 1:
            return Period(self.kind, self.year - 1, size)
        return Period(self.kind, self.year, self.number - 1)

    @classmethod
    def parse(cls, key: str) -> Period | None:
        try:
            if len(key) == 4:
                return cls("year", int(key))
            year, rest = key.split("-", 1)
            if rest.upper().startswith("Q") and 1 <= int(rest[1:]) <= 4:
                return cls("quarter", int(year), int(rest[1:]))
            if 1 <= int(rest) <= 12 and len(rest) == 2:
                return cls("month", int(year), int(rest))
        except ValueError:
            return None
        return None


def periods_of_year(year: int) -> list[Period]:
    """The year, then its four quarters, then its twelve months."""
    return (
        [Period("year", year)]
        + [Period("quarter", year, q) for q in range(1, 5)]
        + [Period("month", year, m) for m in range(1, 13)]
    )


def period_choices(first_year: int, last_year: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """Years, quarters and months from the first year with figures to this year, newest first."""
    years = list(range(last_year, first_year - 1, -1))
    return [
        ("Years", [(Period("year", y).key, Period("year", y).label) for y in years]),
        (
            "Quarters",
            [(p.key, p.label) for y in years for p in reversed(periods_of_year(y)[1:5])],
        ),
        (
            "Months",
            [(p.key, p.label) for y in years for p in reversed(periods_of_year(y)[5:])],
        ),
    ]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)
