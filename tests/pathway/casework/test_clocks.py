"""Clock arithmetic across weekends and the bank holidays of England and Wales."""

import datetime

import pytest
from django.utils import timezone

from pathway import clocks
from pathway.casework import services as casework
from pathway.models import ClockPolicy, ReferralClock

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 11, 23), 1, D(2026, 11, 24)),  # Monday to Tuesday
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday to Monday over a weekend
        (D(2026, 11, 28), 1, D(2026, 11, 30)),  # from a Saturday
        (D(2026, 11, 23), 10, D(2026, 12, 7)),  # two working weeks
        # Christmas Day (Friday) and the substitute Boxing Day (Monday 28th) skipped
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 21), 10, D(2027, 1, 7)),  # also New Year's Day (Friday 1 January 2027)
        # Good Friday 26 March and Easter Monday 29 March 2027
        (D(2027, 3, 25), 1, D(2027, 3, 30)),
        (D(2026, 4, 30), 2, D(2026, 5, 5)),  # early May bank holiday, Monday 4 May 2026
        (D(2026, 8, 28), 1, D(2026, 9, 1)),  # summer bank holiday, Monday 31 August 2026
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
    ],
)
def test_add_working_days(start, days, expected):
    assert clocks.add_working_days(start, days) == expected


def test_bank_holidays_are_england_and_wales():
    holidays_2026 = clocks.bank_holidays(2026)
    assert D(2026, 12, 25) in holidays_2026
    assert D(2026, 4, 6) in holidays_2026  # Easter Monday: not a holiday in Scotland
    assert D(2026, 8, 3) not in holidays_2026  # Scotland's summer holiday
    assert D(2026, 3, 17) not in holidays_2026  # St Patrick's Day (Northern Ireland)


def test_working_days_between_counts_both_ways():
    assert clocks.working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1
    assert clocks.working_days_between(D(2026, 12, 29), D(2026, 12, 24)) == -1
    assert clocks.working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0
    start = D(2026, 12, 21)
    assert clocks.working_days_between(start, clocks.add_working_days(start, 10)) == 10


def test_subtracting_working_days_undoes_adding():
    for offset in range(0, 400, 7):
        start = D(2026, 1, 1) + datetime.timedelta(days=offset)
        if clocks.is_working_day(start):
            assert clocks.subtract_working_days(clocks.add_working_days(start, 10), 10) == start


def test_calendar_clocks_ignore_holidays():
    assert clocks.due_date(D(2026, 12, 1), 42, clocks.CALENDAR_DAYS) == D(2027, 1, 12)
    assert clocks.due_date(D(2026, 12, 1), 140, clocks.CALENDAR_DAYS) == D(2027, 4, 20)
    assert clocks.due_soon_from(D(2027, 1, 12), 7, clocks.CALENDAR_DAYS) == D(2027, 1, 5)
    # working-day warnings skip the holidays too
    assert clocks.due_soon_from(D(2026, 12, 29), 1, clocks.WORKING_DAYS) == D(2026, 12, 24)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 12, 1), clocks.ON_TRACK),
        (D(2026, 12, 7), clocks.DUE_SOON),
        (D(2026, 12, 10), clocks.DUE_TODAY),
        (D(2026, 12, 11), clocks.OVERDUE),
    ],
)
def test_state_of_a_clock(today, state):
    assert clocks.state_of(D(2026, 12, 10), D(2026, 12, 7), today) == state
    assert clocks.state_of(D(2026, 12, 10), D(2026, 12, 7), today, stopped=True) == clocks.STOPPED
    assert clocks.state_of(None, None, today) == clocks.NO_CLOCK


def test_every_referral_gets_the_triage_clock(world, make_referral):
    referral = make_referral()
    clock = ReferralClock.objects.get(referral=referral)
    started = timezone.localdate(referral.submitted_at)
    assert clock.policy.key == "triage"
    assert clock.due_on == clocks.add_working_days(started, 10)
    assert clock.due_soon_from == clocks.subtract_working_days(clock.due_on, 3)
    referral.refresh_from_db()
    assert referral.next_due_on == clock.due_on


def test_an_ehc_request_starts_the_statutory_clocks(world, make_referral):
    referral = make_referral(ehc=True)
    started = timezone.localdate(referral.submitted_at)
    by_key = {c.policy.key: c for c in referral.clocks.select_related("policy")}
    assert set(by_key) == {"triage", "ehc-assessment-decision", "ehc-final-plan"}
    assert by_key["ehc-assessment-decision"].due_on == started + datetime.timedelta(weeks=6)
    assert by_key["ehc-final-plan"].due_on == started + datetime.timedelta(weeks=20)
    assert by_key["ehc-final-plan"].policy.statutory


def test_clock_policies_are_data_the_la_can_change(world, make_referral):
    ClockPolicy.objects.filter(key="triage").update(length=5, counting="calendar_days")
    referral = make_referral()
    clock = referral.clocks.get()
    assert clock.due_on == timezone.localdate(referral.submitted_at) + datetime.timedelta(days=5)
    ClockPolicy.objects.filter(key="triage").update(active=False)
    assert not make_referral(world.child_b).clocks.exists()


def test_stopping_the_urgent_clock_moves_next_due_to_the_next(world, make_referral):
    referral = make_referral(ehc=True)
    triage = referral.clocks.get(policy__key="triage")
    casework.decide(
        referral,
        "accept",
        by=world.send_officer,
        reason="Meets the criteria",
        routes=["send_team"],
    )
    triage.refresh_from_db()
    referral.refresh_from_db()
    assert triage.stopped_at is not None
    assert referral.next_due_on == referral.clocks.get(policy__key="ehc-assessment-decision").due_on
