"""Reads for funding: budgets (totals only), lists of applications and payments, the payment
file's rows. Every list is a fixed number of queries whatever its length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from earlyyears.access import AnyUser
from earlyyears.models import Area
from pathway.access.funds import fund_applications_for, fund_payments_for
from pathway.models import FundApplication, FundBudget, FundPayment, FundType

from . import rules

LIST_LIMIT = 200


@dataclass(frozen=True)
class BudgetLine:
    """One budget: what it holds, what approved awards commit, what has been paid, what is
    left. Sums of money only: no child, no count a child could be picked out from."""

    fund: str
    area: str
    year: int
    amount: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed

    @property
    def over(self) -> bool:
        return self.remaining < 0


def _scope(budget: FundBudget, area_budgets: set[int | None]) -> Q:
    """The applications a budget pays for: its area's, or (the county budget) every area
    without a budget of its own."""
    base = Q(fund_type_id=budget.fund_type_id, financial_year=budget.financial_year)
    if budget.area_id is not None:
        return base & Q(area_id=budget.area_id)
    own = [a for a in area_budgets if a is not None]
    return base & ~Q(area_id__in=own)


def budget_lines(year: int) -> list[BudgetLine]:
    """Every fund's budgets for a year: two queries for the budgets, two sums for each
    budget (a council has a handful)."""
    budgets = list(
        FundBudget.objects.filter(financial_year=year)
        .select_related("fund_type", "area")
        .defer("area__boundary")
        .order_by("fund_type__name", "area__name")
    )
    by_fund: dict[int, set[int | None]] = {}
    for budget in budgets:
        by_fund.setdefault(budget.fund_type_id, set()).add(budget.area_id)
    lines = []
    for budget in budgets:
        scope = _scope(budget, by_fund[budget.fund_type_id])
        committed = FundApplication.objects.filter(
            scope, status=FundApplication.Status.APPROVED
        ).aggregate(total=Sum("amount_awarded"))["total"] or Decimal(0)
        paid = FundPayment.objects.filter(
            status=FundPayment.Status.PAID,
            application__in=FundApplication.objects.filter(scope),
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        lines.append(
            BudgetLine(
                fund=budget.fund_type.name,
                area=budget.area.name if budget.area else "Whole county",
                year=year,
                amount=budget.amount,
                committed=committed,
                paid=paid,
            )
        )
    return lines


def budget_for(fund: FundType, year: int, area: Area | None) -> BudgetLine | None:
    """The budget an award to a setting in `area` is counted against, if the fund has one."""
    budgets = list(FundBudget.objects.filter(fund_type=fund, financial_year=year))
    own = next((b for b in budgets if area is not None and b.area_id == area.pk), None)
    chosen = own or next((b for b in budgets if b.area_id is None), None)
    if chosen is None:
        return None
    scope = _scope(chosen, {b.area_id for b in budgets})
    committed = FundApplication.objects.filter(
        scope, status=FundApplication.Status.APPROVED
    ).aggregate(total=Sum("amount_awarded"))["total"] or Decimal(0)
    paid = FundPayment.objects.filter(
        status=FundPayment.Status.PAID, application__in=FundApplication.objects.filter(scope)
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return BudgetLine(
        fund=fund.name,
        area=chosen.area.name if chosen.area_id else "Whole county",
        year=year,
        amount=chosen.amount,
        committed=committed,
        paid=paid,
    )


def budget_years() -> list[int]:
    return sorted(
        set(FundBudget.objects.values_list("financial_year", flat=True).distinct()), reverse=True
    )


def applications_list(user: AnyUser, status: str = "") -> list[FundApplication]:
    """The user's applications, newest first, in one query."""
    queryset = fund_applications_for(user)
    if status:
        queryset = queryset.filter(status=status)
    return list(
        queryset.select_related("fund_type", "child", "setting").order_by("-submitted_at", "-pk")[
            :LIST_LIMIT
        ]
    )


def applications_of_child(user: AnyUser, child_id: int) -> list[FundApplication]:
    return list(
        fund_applications_for(user)
        .filter(child_id=child_id)
        .select_related("fund_type", "setting")
        .order_by("-submitted_at", "-pk")
    )


def payments_list(user: AnyUser, status: str = "") -> list[FundPayment]:
    queryset = fund_payments_for(user)
    if status:
        queryset = queryset.filter(status=status)
    return list(
        queryset.select_related(
            "application__fund_type", "application__setting", "application__child"
        ).order_by("due_on", "pk")[:LIST_LIMIT]
    )


PAYMENT_FILE_HEADER = [
    "Payment reference",
    "Application reference",
    "Fund",
    "Payee setting",
    "Ofsted URN",
    "Amount",
    "Due date",
    "Financial year",
    "Status",
]


def payment_file_rows(user: AnyUser) -> list[list[Any]]:
    """The finance system's payment file: payments approved and not yet paid, by setting.
    No child's name: the application reference ties a line to its record."""
    payments = (
        fund_payments_for(user)
        .filter(status=FundPayment.Status.APPROVED)
        .select_related("application__fund_type", "application__setting")
        .order_by("application__setting__name", "due_on", "pk")
    )
    rows: list[list[Any]] = [PAYMENT_FILE_HEADER]
    for payment in payments:
        application = payment.application
        rows.append(
            [
                f"FP-{payment.pk:06d}",
                application.reference,
                application.fund_type.name,
                application.setting.name,
                application.setting.urn,
                f"{payment.amount:.2f}",
                payment.due_on.isoformat(),
                f"{application.financial_year}-{(application.financial_year + 1) % 100:02d}",
                payment.get_status_display(),
            ]
        )
    return rows


def current_year(today: datetime.date) -> int:
    return rules.financial_year_of(today)


def funds_subject_access(child: Any) -> list[dict[str, Any]]:
    """Every funding application about the child, with its evidence and payments, for the
    subject access record (three queries)."""
    applications = (
        FundApplication.objects.filter(child=child)
        .select_related("fund_type", "setting", "band", "window")
        .prefetch_related("evidence", "payments")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "reference": a.reference,
            "fund": a.fund_type.name,
            "setting": a.setting.name,
            "sent": a.submitted_at,
            "band": a.band.name if a.band else "",
            "application_window": a.window.name if a.window else "",
            "amount_applied_for": rules.money(a.amount_requested),
            "what_the_money_will_pay_for": a.what_for,
            "gets_disability_living_allowance": a.gets_disability_living_allowance,
            "setting_chosen_by_the_family": a.family_nominated_setting,
            "status": a.get_status_display(),
            "amount_awarded": rules.money(a.amount_awarded),
            "reasons_for_the_decision": a.decision_reason,
            "decided": a.decided_at,
            "review_date": a.review_on,
            "evidence": [
                {"description": e.description, "file_name": e.name, "sent": e.uploaded_at}
                for e in a.evidence.all()
            ],
            "payments": [
                {
                    "amount": rules.money(p.amount),
                    "due": p.due_on,
                    "status": p.get_status_display(),
                    "paid_on": p.paid_on,
                }
                for p in a.payments.all()
            ],
        }
        for a in applications
    ]
