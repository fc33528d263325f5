"""One definition of the service's date arithmetic and file dates (earlyyears/dates.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from earlyyears.dates import age_in_months, months_ago, parse_uk_date, uk_date

D = datetime.date


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (D(2023, 5, 17), D(2023, 5, 17), 0),
        (D(2023, 5, 17), D(2023, 6, 16), 0),
        (D(2023, 5, 17), D(2023, 6, 17), 1),
        (D(2023, 5, 17), D(2026, 5, 16), 35),
        (D(2023, 5, 17), D(2022, 1, 1), 0),
    ],
)
def test_age_in_completed_months(born, on, months):
    assert age_in_months(born, on) == months


@pytest.mark.parametrize(
    ("today", "months", "then"),
    [
        (D(2026, 3, 15), 0, D(2026, 3, 15)),
        (D(2026, 3, 15), 14, D(2025, 1, 15)),
        (D(2026, 3, 31), 1, D(2026, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 2, 28)),
        (D(2026, 5, 31), 1, D(2026, 4, 30)),
        (D(2026, 1, 10), 1, D(2025, 12, 10)),
    ],
)
def test_months_ago_keeps_the_day_or_the_months_last(today, months, then):
    assert months_ago(today, months) == then


def test_file_dates_are_day_month_year_both_ways():
    assert uk_date(D(2026, 3, 4)) == "04/03/2026"
    assert uk_date(None) == ""
    assert parse_uk_date("4/3/2026") == D(2026, 3, 4)
    assert parse_uk_date("04-03-2026") == D(2026, 3, 4)
    assert parse_uk_date(datetime.datetime(2026, 3, 4, 9, 30)) == D(2026, 3, 4)
    assert parse_uk_date("  ") is None
    with pytest.raises(ValidationError, match="Date of birth must be a real date"):
        parse_uk_date("31/02/2026", "Date of birth")
