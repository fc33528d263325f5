"""The funding rules as plain functions: no database, no request, each tested on its own.

Services read the records and ask these; a refusal is a sentence for the person who applied."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol, TypeVar


class Window(Protocol):
    name: str
    opens_on: datetime.date
    closes_on: datetime.date


W = TypeVar("W", bound=Window)


def uk_date(day: datetime.date) -> str:
    """'7 August 2026', as GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}"


def money(amount: Decimal | int | None) -> str:
    """'£1,250.00', as every page, message and export shows money."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(Decimal(amount)):,.2f}"


def financial_year_of(day: datetime.date) -> int:
    """Council years run April to March: 2026 is April 2026 to March 2027."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_words(year: int) -> str:
    """'April 2026 to March 2027'."""
    return f"April {year} to March {year + 1}"


def open_window(windows: Iterable[W], today: datetime.date) -> W | None:
    """The application window open today (the first, if two overlap), or none."""
    for window in sorted(windows, key=lambda w: w.opens_on):
        if window.opens_on <= today <= window.closes_on:
            return window
    return None


def window_refusal(fund_name: str, windows: Iterable[Window], today: datetime.date) -> str:
    """Why a setting cannot apply today, naming the next window if there is one."""
    upcoming = sorted((w for w in windows if w.opens_on > today), key=lambda w: w.opens_on)
    if upcoming:
        nxt = upcoming[0]
        return (
            f"Applications to the {fund_name} are closed. The next window, {nxt.name}, "
            f"opens on {uk_date(nxt.opens_on)} and closes on {uk_date(nxt.closes_on)}"
        )
    return f"Applications to the {fund_name} are closed and no new window has been set"


def amount_for(
    *,
    yearly_amount: Decimal | None,
    band_amount: Decimal | None,
    requested: Decimal | None,
) -> Decimal | None:
    """What an application asks for: a fund's fixed yearly amount, else the band's amount,
    else what the setting asked for. None when there is nothing to go on."""
    if yearly_amount is not None:
        return yearly_amount
    if band_amount is not None:
        return band_amount
    return requested


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 August + 6 = 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_date(decided_on: datetime.date, review_months: int | None) -> datetime.date | None:
    """When an award is reviewed: `review_months` (6 for the inclusion fund) after it."""
    if not review_months:
        return None
    return add_months(decided_on, review_months)


def reapplication_refusal(
    previous_review_on: datetime.date | None, today: datetime.date
) -> str | None:
    """A setting may apply again for a child once the earlier award's review date has come."""
    if previous_review_on is not None and today < previous_review_on:
        return (
            f"This child's award is reviewed on {uk_date(previous_review_on)}. "
            "You can apply again from that date"
        )
    return None


def once_a_year_refusal(
    fund_name: str,
    year: int,
    other_setting_names: list[str],
    same_setting: bool,
) -> str | None:
    """The Disability Access Fund is paid once a year for each child, to one setting the family
    nominates: any other open or approved application that year refuses a second."""
    if same_setting:
        return (
            f"This child already has a {fund_name} application for {financial_year_words(year)}. "
            "It is paid once a year for each child"
        )
    if other_setting_names:
        return (
            f"This child's family nominated {other_setting_names[0]} for the {fund_name} for "
            f"{financial_year_words(year)}. It is paid once a year, to one setting the family "
            "chooses"
        )
    return None


def budget_remaining(budget: Decimal | None, committed: Decimal) -> Decimal | None:
    """What is left to commit; None where the fund has no budget for that year and area."""
    if budget is None:
        return None
    return budget - committed


def overspend(remaining: Decimal | None, amount: Decimal) -> Decimal:
    """How far an award of `amount` would go over what is left (0 if it fits or no budget)."""
    if remaining is None or amount <= remaining:
        return Decimal(0)
    return amount - remaining
