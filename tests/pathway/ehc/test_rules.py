"""The EHC clocks as plain functions, across bank holidays and the turn of the year."""

from __future__ import annotations

import datetime

from pathway.ehc import rules

D = datetime.date


def test_decision_due_six_weeks_and_sent_by_the_working_day_before_christmas():
    received = D(2026, 11, 15)
    assert rules.decision_due(received) == D(2026, 12, 27)  # a Sunday
    # 25 December (Friday), 28 December (Boxing Day, moved to Monday): the last working day
    # before the Sunday is Thursday 24 December.
    assert rules.send_by(D(2026, 12, 27)) == D(2026, 12, 24)


def test_six_weeks_across_the_new_year():
    assert rules.decision_due(D(2026, 12, 1)) == D(2027, 1, 12)
    assert rules.send_by(D(2027, 1, 1)) == D(2026, 12, 31)  # New Year's Day
    assert rules.send_by(D(2027, 1, 12)) == D(2027, 1, 12)  # a working Tuesday


def test_send_by_skips_easter_and_may_bank_holidays():
    assert rules.send_by(D(2027, 3, 29)) == D(2027, 3, 25)  # Easter Monday, Good Friday
    assert rules.send_by(D(2027, 5, 3)) == D(2027, 4, 30)  # early May bank holiday


def test_advice_due_six_weeks():
    assert rules.advice_due(D(2026, 12, 20)) == D(2027, 1, 31)


def test_final_plan_twenty_weeks_without_exceptions():
    due = rules.final_plan_due(D(2026, 9, 1))
    assert due.statutory == D(2027, 1, 19)
    assert due.target == due.statutory
    assert not due.exceptions_apply
    assert due.exception_days == 0


def test_final_plan_across_the_year_end_lands_on_a_bank_holiday():
    due = rules.final_plan_due(D(2026, 8, 14))
    assert due.statutory == D(2027, 1, 1)
    assert rules.send_by(due.statutory) == D(2026, 12, 31)


def test_holiday_exception_moves_the_target_by_its_days():
    # Advice asked for during the setting's Christmas closure, 21 December to 1 January.
    due = rules.final_plan_due(D(2026, 10, 1), [(D(2026, 12, 21), D(2027, 1, 1))])
    assert due.statutory == D(2027, 2, 18)
    assert due.exception_days == 12
    assert due.target == D(2027, 3, 2)
    assert due.exceptions_apply


def test_personal_circumstances_exception():
    due = rules.final_plan_due(D(2027, 1, 4), [(D(2027, 2, 1), D(2027, 2, 14))])
    assert due.exception_days == 14
    assert due.target == due.statutory + datetime.timedelta(days=14)


def test_away_from_the_area_four_weeks_or_more():
    due = rules.final_plan_due(D(2027, 3, 1), [(D(2027, 4, 1), D(2027, 4, 28))])
    assert due.exception_days == 28
    assert due.exceptions_apply


def test_missed_appointment_counts_one_day_and_overlaps_count_once():
    due = rules.final_plan_due(
        D(2027, 3, 1),
        [(D(2027, 4, 6), None), (D(2027, 4, 1), D(2027, 4, 10)), (D(2027, 4, 8), D(2027, 4, 12))],
    )
    assert due.exception_days == 12  # 1-12 April, each day once
    only_missed = rules.final_plan_due(D(2027, 3, 1), [(D(2027, 4, 6), None)])
    assert only_missed.exception_days == 1
    assert only_missed.exceptions_apply


def test_review_every_three_to_six_months_across_the_year_end_and_month_ends():
    window = rules.review_window(D(2026, 10, 15))
    assert window.earliest == D(2027, 1, 15)
    assert window.latest == D(2027, 4, 15)
    end_of_august = rules.review_window(D(2026, 8, 31))
    assert end_of_august.earliest == D(2026, 11, 30)
    assert end_of_august.latest == D(2027, 2, 28)
    leap = rules.review_window(D(2027, 8, 31))
    assert leap.latest == D(2028, 2, 29)


def test_review_decision_four_weeks_after_the_meeting():
    assert rules.review_decision_due(D(2026, 12, 3)) == D(2026, 12, 31)
    assert rules.review_decision_due(D(2026, 12, 4)) == D(2027, 1, 1)
    assert rules.send_by(rules.review_decision_due(D(2026, 12, 4))) == D(2026, 12, 31)


def test_dates_out_of_order_named():
    assert rules.in_order(("request", D(2027, 1, 5)), ("decision", D(2027, 1, 6))) == ""
    assert (
        rules.in_order(("request", D(2027, 1, 5)), ("draft", None), ("decision", D(2027, 1, 6)))
        == ""
    )
    message = rules.in_order(
        ("date the request was received", D(2027, 1, 5)), ("date of the decision", D(2027, 1, 4))
    )
    assert message == (
        "The date of the decision must be on or after the date the request was received "
        "(5 January 2027)"
    )
