"""Dates, times, ages and counts as the GOV.UK style guide writes them, for every page, email,
text and PDF: "7 August 2026", "8:51am", "1 month", "4 years, 1 month".

Data exports do not use these: they keep ISO dates so they sort and import back."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from ..dates import age_words, plural

register = template.Library()
__all__ = ["age_words", "plural"]  # the pure functions live in earlyyears.dates


def _day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None


@register.filter
def govuk_date(value: Any) -> str:
    """'7 August 2026' (no leading zero); blank for no date."""
    day = _day(value)
    return f"{day.day} {day:%B %Y}" if day else ""


@register.filter
def govuk_short_date(value: Any) -> str:
    """'7 Aug 2026', for tables where space is short."""
    day = _day(value)
    return f"{day.day} {day:%b %Y}" if day else ""


@register.filter
def govuk_time(value: Any) -> str:
    """'8:51am', '12pm' for midday, '12am' for midnight."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.time()
    if not isinstance(value, datetime.time):
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


@register.filter
def govuk_datetime(value: Any) -> str:
    """'7 August 2026 at 8:51am'."""
    if not isinstance(value, datetime.datetime):
        return govuk_date(value)
    return f"{govuk_date(value)} at {govuk_time(value)}"


@register.filter
def months(value: Any) -> str:
    """A number of months: '1 month', '2 months'."""
    try:
        return plural(int(value), "month")
    except (TypeError, ValueError):
        return ""


@register.filter
def age(months_old: Any) -> str:
    """An age from completed months: '11 months', '1 year', '4 years, 1 month'."""
    try:
        return age_words(int(months_old))
    except (TypeError, ValueError):
        return ""


@register.filter
def days(value: Any, kind: str = "") -> str:
    """'1 day', '3 working days'."""
    try:
        count = int(value)
    except (TypeError, ValueError):
        return ""
    noun = f"{kind} day".strip() if kind else "day"
    return plural(count, noun)
