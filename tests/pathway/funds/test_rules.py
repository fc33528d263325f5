"""The funding rules, without a database: windows, bands, the Disability Access Fund once a
year to one setting, the 6-month review, re-application and budgets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from pathway.funds import rules

D = datetime.date


@dataclass
class W:
    name: str
    opens_on: datetime.date
    closes_on: datetime.date


TERMS = [
    W("Spring term 2027", D(2026, 11, 23), D(2027, 1, 29)),
    W("Autumn term 2026", D(2026, 9, 1), D(2026, 10, 16)),
    W("Summer term 2027", D(2027, 3, 1), D(2027, 5, 14)),
]


def test_a_window_is_open_from_its_first_day_to_its_last():
    assert rules.open_window(TERMS, D(2026, 9, 1)).name == "Autumn term 2026"
    assert rules.open_window(TERMS, D(2026, 10, 16)).name == "Autumn term 2026"
    assert rules.open_window(TERMS, D(2027, 1, 29)).name == "Spring term 2027"
    assert rules.open_window(TERMS, D(2026, 10, 17)) is None
    assert rules.open_window([], D(2026, 10, 1)) is None


def test_a_closed_window_names_the_next_one_in_govuk_dates():
    words = rules.window_refusal("SEN inclusion fund", TERMS, D(2026, 10, 20))
    assert words == (
        "Applications to the SEN inclusion fund are closed. The next window, Spring term 2027, "
        "opens on 23 November 2026 and closes on 29 January 2027"
    )
    assert "no new window" in rules.window_refusal("SEN inclusion fund", TERMS, D(2027, 6, 1))


def test_amounts_come_from_the_fund_then_the_band_then_the_request():
    assert rules.amount_for(
        yearly_amount=Decimal("938.00"), band_amount=Decimal("1"), requested=Decimal("2")
    ) == Decimal("938.00")
    assert rules.amount_for(
        yearly_amount=None, band_amount=Decimal("2500.00"), requested=Decimal("2")
    ) == Decimal("2500.00")
    assert rules.amount_for(yearly_amount=None, band_amount=None, requested=Decimal("400")) == (
        Decimal("400")
    )
    assert rules.amount_for(yearly_amount=None, band_amount=None, requested=None) is None


def test_money_is_written_with_pounds_commas_and_pence():
    assert rules.money(Decimal("1250")) == "£1,250.00"
    assert rules.money(Decimal("938.5")) == "£938.50"
    assert rules.money(Decimal("-12.00")) == "-£12.00"
    assert rules.money(None) == ""


def test_the_review_is_six_months_on_or_the_last_day_of_a_shorter_month():
    assert rules.review_date(D(2026, 12, 5), 6) == D(2027, 6, 5)
    assert rules.review_date(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert rules.review_date(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert rules.review_date(D(2026, 12, 5), None) is None


def test_reapplication_waits_for_the_review_date():
    review = D(2027, 6, 5)
    assert rules.reapplication_refusal(review, D(2027, 6, 4)) == (
        "This child's award is reviewed on 5 June 2027. You can apply again from that date"
    )
    assert rules.reapplication_refusal(review, D(2027, 6, 5)) is None
    assert rules.reapplication_refusal(None, D(2027, 6, 4)) is None


def test_the_disability_access_fund_is_once_a_year_to_one_setting():
    fund = "Disability Access Fund"
    assert rules.once_a_year_refusal(fund, 2026, [], False) is None
    same = rules.once_a_year_refusal(fund, 2026, [], True)
    assert same.startswith("This child already has a Disability Access Fund application for")
    assert "April 2026 to March 2027" in same
    other = rules.once_a_year_refusal(fund, 2026, ["Acorns Day Nursery"], False)
    assert other.startswith("This child's family nominated Acorns Day Nursery")
    assert "one setting the family chooses" in other


def test_the_financial_year_starts_in_april():
    assert rules.financial_year_of(D(2027, 3, 31)) == 2026
    assert rules.financial_year_of(D(2027, 4, 1)) == 2027
    assert rules.financial_year_words(2026) == "April 2026 to March 2027"


def test_budget_remaining_and_overspend():
    assert rules.budget_remaining(Decimal("5000"), Decimal("4200")) == Decimal("800")
    assert rules.budget_remaining(None, Decimal("4200")) is None
    assert rules.overspend(Decimal("800"), Decimal("800")) == 0
    assert rules.overspend(Decimal("800"), Decimal("1250")) == Decimal("450")
    assert rules.overspend(None, Decimal("1250")) == 0
