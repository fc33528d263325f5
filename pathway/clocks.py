"""Clock arithmetic (pure functions of dates, so the rules are tested without a database),
and starting a referral's clocks, which every way in does.

Working days skip weekends and the bank holidays of England and Wales (which share one list)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import ClockPolicy, Referral, ReferralClock, clock_policies_changed


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
# Clock policies are configuration (the LA's targets), not access: each process keeps the active
# ones for a short while instead of reading them on every submission. Saving or deleting a policy
# forgets them at once in the process that saved it (and again when its transaction commits);
# other processes see the change within CLOCK_POLICIES_SECONDS.

CLOCK_POLICIES_SECONDS = 60.0

_active: tuple[float, tuple[ClockPolicy, ...]] | None = None


def forget_clock_policies(**kwargs) -> None:
    """Read the policies again on the next use (a policy was saved, updated or deleted)."""
    global _active
    _active = None
    if kwargs.get("sender") is not None and transaction.get_connection().in_atomic_block:
        # A submission in this process between now and the commit would read the old rows.
        transaction.on_commit(forget_clock_policies)


post_save.connect(forget_clock_policies, sender=ClockPolicy, dispatch_uid="clock-policies-saved")
post_delete.connect(
    forget_clock_policies, sender=ClockPolicy, dispatch_uid="clock-policies-deleted"
)
clock_policies_changed.connect(
    forget_clock_policies, sender=ClockPolicy, dispatch_uid="clock-policies-changed"
)


def active_clock_policies() -> tuple[ClockPolicy, ...]:
    """The active clock policies, in their order; read at most once a CLOCK_POLICIES_SECONDS.
    The rows are shared by every caller in the process: read them, never change them."""
    global _active
    held = _active
    now = time.monotonic()
    if held is not None and now < held[0]:
        return held[1]
    policies = tuple(ClockPolicy.objects.filter(active=True))
    _active = (now + CLOCK_POLICIES_SECONDS, policies)
    return policies


def clocks_for(
    referral: Referral, started_on: datetime.date, *, ehc_assessment_requested: bool
) -> list[ReferralClock]:
    """The referral's clocks, unsaved: every active policy that applies to it."""
    clocks = []
    for policy in active_clock_policies():
        if (
            policy.applies_to != ClockPolicy.AppliesTo.EVERY_REFERRAL
            and not ehc_assessment_requested
        ):
            continue
        due = due_date(started_on, policy.length, policy.counting)
        clocks.append(
            ReferralClock(
                referral=referral,
                policy_id=policy.pk,
                started_on=started_on,
                due_on=due,
                due_soon_from=due_soon_from(due, policy.due_soon_days, policy.counting),
            )
        )
    return clocks


def most_urgent(
    clocks: list[ReferralClock],
) -> tuple[datetime.date | None, datetime.date | None]:
    """The due date and due-soon date of the clock due first (None, None if there is none)."""
    running = [clock for clock in clocks if clock.stopped_at is None]
    if not running:
        return None, None
    first = min(running, key=lambda clock: clock.due_on)
    return first.due_on, first.due_soon_from


def start_clocks(
    referral: Referral, started_on: datetime.date | None = None
) -> list[ReferralClock]:
    """Start every active clock that applies to the referral; called when it is created. A
    referral saved with its next due dates already set (`create_referral`) is not updated."""
    started_on = started_on or timezone.localdate(referral.submitted_at)
    created = ReferralClock.objects.bulk_create(
        clocks_for(referral, started_on, ehc_assessment_requested=referral.ehc_assessment_requested)
    )
    due = most_urgent(created)
    if (referral.next_due_on, referral.next_due_soon_from) != due:
        referral.next_due_on, referral.next_due_soon_from = due
        Referral.objects.filter(pk=referral.pk).update(
            next_due_on=referral.next_due_on, next_due_soon_from=referral.next_due_soon_from
        )
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
