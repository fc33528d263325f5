"""Dates as the service counts and writes them: completed months of age, the same day some months
earlier, and day/month/year in the files people exchange with us."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError

UK_DATE = "%d/%m/%Y"


def age_in_months(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Completed months of age on a date (0 before the first month is complete)."""
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    if on.day < date_of_birth.day:
        months -= 1
    return max(months, 0)


def months_ago(today: datetime.date, months: int) -> datetime.date:
    """The date `months` months before `today`: the same day of the month, or that month's last
    day when it is shorter (February counted as 28 days)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return datetime.date(year, month, day)


def uk_date(day: datetime.date | None) -> str:
    return day.strftime(UK_DATE) if day else ""


def parse_uk_date(value: Any, label: str = "Date") -> datetime.date | None:
    """A date written day/month/year (or a real date cell from Excel); blank gives None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise ValidationError(
        f"{label} must be a real date written as day/month/year, for example 14/03/2026 "
        f"(not '{text}')",
        code="uk_date",
    )


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 month', '2 months', '0 months' (GOV.UK style never writes '1 months')."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def age_words(months: int) -> str:
    """An age from completed months, as GOV.UK writes it: '11 months', '1 year',
    '4 years, 1 month'."""
    years, rest = divmod(max(int(months), 0), 12)
    if not years:
        return plural(rest, "month")
    if not rest:
        return plural(years, "year")
    return f"{plural(years, 'year')}, {plural(rest, 'month')}"


# The school year in England starts on 1 September: a child starts Reception in the September
# after their fourth birthday, so children born from 1 September to 31 August start together.
SCHOOL_YEAR_STARTS = (9, 1)


def reception_intake_year(date_of_birth: datetime.date) -> int:
    """The calendar year in which a child's age group starts Reception (in September)."""
    return date_of_birth.year + (5 if (date_of_birth.month, date_of_birth.day) >= (9, 1) else 4)


def born_in_intake(intake_year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last dates of birth of the age group that starts Reception that year."""
    return datetime.date(intake_year - 5, 9, 1), datetime.date(intake_year - 4, 8, 31)
