"""The EHC clocks as plain functions of dates (tested without a database).

The SEND Regulations 2014 count calendar weeks from the day the request was received: the
decision whether to assess within 6 weeks (regulation 5), advice within 6 weeks of being asked
for (regulation 8), the final plan within 20 weeks (regulation 13), the decision after a review
within 4 weeks of the meeting (regulation 20(10)); the Code of Practice asks for a review of a
young child's plan every 3 to 6 months (paragraph 9.178). A letter is sent on a working day, so
when a time limit ends on a weekend or bank holiday the service asks for it by the working day
before (`send_by`), which is where bank holidays and the turn of the year matter.

An exception the regulations allow (regulation 13(3)) means the 20 weeks no longer bind; the
service then works to the 20 weeks moved on by the days the exceptions lasted, so the clock
still says something useful, and SEN2's Week20 flag is set."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from pathway.clocks import is_working_day

DECISION_WEEKS = 6
ADVICE_WEEKS = 6
FINAL_PLAN_WEEKS = 20
REVIEW_DECISION_WEEKS = 4
REVIEW_EARLIEST_MONTHS = 3
REVIEW_LATEST_MONTHS = 6


def weeks_after(start: datetime.date, weeks: int) -> datetime.date:
    return start + datetime.timedelta(weeks=weeks)


def send_by(due: datetime.date) -> datetime.date:
    """The last working day on or before a time limit."""
    day = due
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day when it is shorter."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    month += 1
    for day in range(start.day, 27, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return datetime.date(year, month, min(start.day, 28))


def decision_due(received_on: datetime.date) -> datetime.date:
    """Whether to assess: 6 weeks from the request."""
    return weeks_after(received_on, DECISION_WEEKS)


def advice_due(asked_on: datetime.date) -> datetime.date:
    return weeks_after(asked_on, ADVICE_WEEKS)


@dataclass(frozen=True)
class FinalPlanDue:
    statutory: datetime.date  # 20 weeks from the request
    target: datetime.date  # moved on by the days the exceptions lasted
    exceptions_apply: bool  # SEN2 Week20 = 1
    exception_days: int


def exception_days(periods: Iterable[tuple[datetime.date, datetime.date | None]]) -> int:
    """Calendar days covered by the exceptions' periods, each day once however many overlap. An
    exception without an end date (a missed appointment) counts as its one day."""
    days: set[datetime.date] = set()
    for start, end in periods:
        day, last = start, max(end or start, start)
        while day <= last:
            days.add(day)
            day += datetime.timedelta(days=1)
    return len(days)


def final_plan_due(
    received_on: datetime.date,
    exceptions: Iterable[tuple[datetime.date, datetime.date | None]] = (),
) -> FinalPlanDue:
    """The final plan: 20 weeks from the request, with the exceptions recorded."""
    periods = list(exceptions)
    statutory = weeks_after(received_on, FINAL_PLAN_WEEKS)
    extra = exception_days(periods)
    return FinalPlanDue(
        statutory=statutory,
        target=statutory + datetime.timedelta(days=extra),
        exceptions_apply=bool(periods),
        exception_days=extra,
    )


@dataclass(frozen=True)
class ReviewWindow:
    earliest: datetime.date
    latest: datetime.date


def review_window(last: datetime.date) -> ReviewWindow:
    """The next review of a young child's plan: 3 to 6 months after the plan was issued or
    last reviewed."""
    return ReviewWindow(
        earliest=add_months(last, REVIEW_EARLIEST_MONTHS),
        latest=add_months(last, REVIEW_LATEST_MONTHS),
    )


def review_decision_due(meeting_on: datetime.date) -> datetime.date:
    """The decision after a review: within 4 weeks of the meeting."""
    return weeks_after(meeting_on, REVIEW_DECISION_WEEKS)


def in_order(*dates: tuple[str, datetime.date | None]) -> str:
    """'' when the named dates (None skipped) are in order; otherwise a sentence saying which
    date must not be before which."""
    known = [(label, day) for label, day in dates if day is not None]
    for (earlier_label, earlier), (later_label, later) in zip(known, known[1:], strict=False):
        if later < earlier:
            return (
                f"The {later_label} must be on or after the {earlier_label} ({earlier:%-d %B %Y})"
            )
    return ""
