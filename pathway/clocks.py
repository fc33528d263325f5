"""Clock arithmetic (pure functions of dates, so the rules are tested without a database),
and starting a referral's clocks, which every way in does.

Working days skip weekends and the bank holidays of England and Wales (which share one list)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils import timezone

from .models import ClockPolicy, Referral, ReferralClock


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def subtract_working_days(end: datetime.date, days: int) -> datetime.date:
    day = end
    remaining = days
    while remaining > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; negative if `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + datetime.timedelta(days=offset))
    )


WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"


def due_date(start: datetime.date, length: int, counting: str) -> datetime.date:
    if counting == WORKING_DAYS:
        return add_working_days(start, length)
    return start + datetime.timedelta(days=length)


def due_soon_from(due: datetime.date, warning: int, counting: str) -> datetime.date:
    if counting == WORKING_DAYS:
        return subtract_working_days(due, warning)
    return due - datetime.timedelta(days=warning)


@dataclass(frozen=True)
class ClockState:
    key: str
    label: str
    tag_colour: str


ON_TRACK = ClockState("on_track", "On track", "green")
DUE_SOON = ClockState("due_soon", "Due soon", "yellow")
DUE_TODAY = ClockState("due_today", "Due today", "orange")
OVERDUE = ClockState("overdue", "Overdue", "red")
STOPPED = ClockState("stopped", "Stopped", "grey")
NO_CLOCK = ClockState("none", "No clock running", "grey")


def state_of(
    due_on: datetime.date | None,
    due_soon_on: datetime.date | None,
    today: datetime.date,
    *,
    stopped: bool = False,
) -> ClockState:
    if stopped:
        return STOPPED
    if due_on is None:
        return NO_CLOCK
    if today > due_on:
        return OVERDUE
    if today == due_on:
        return DUE_TODAY
    if due_soon_on is not None and today >= due_soon_on:
        return DUE_SOON
    return ON_TRACK


# Starting a referral's clocks ----------------------------------------------------------------


def start_clocks(
    referral: Referral, started_on: datetime.date | None = None
) -> list[ReferralClock]:
    """Start every active clock that applies to the referral; called when it is created."""
    started_on = started_on or timezone.localdate(referral.submitted_at)
    policies = ClockPolicy.objects.filter(active=True)
    if not referral.ehc_assessment_requested:
        policies = policies.filter(applies_to=ClockPolicy.AppliesTo.EVERY_REFERRAL)
    created = ReferralClock.objects.bulk_create(
        [
            ReferralClock(
                referral=referral,
                policy=policy,
                started_on=started_on,
                due_on=(due := due_date(started_on, policy.length, policy.counting)),
                due_soon_from=due_soon_from(due, policy.due_soon_days, policy.counting),
            )
            for policy in policies
        ]
    )
    refresh_next_due(referral)
    return created


def refresh_next_due(referral: Referral) -> None:
    """Keep the most urgent running clock on the referral, so the queue sorts by an index."""
    running = (
        ReferralClock.objects.filter(referral=referral, stopped_at__isnull=True)
        .order_by("due_on")
        .values_list("due_on", "due_soon_from")
        .first()
    )
    referral.next_due_on, referral.next_due_soon_from = running or (None, None)
    Referral.objects.filter(pk=referral.pk).update(
        next_due_on=referral.next_due_on, next_due_soon_from=referral.next_due_soon_from
    )
