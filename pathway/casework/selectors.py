"""Reads for SEND casework: the triage queue, its counts, clocks, caseloads and funding totals.

Every read starts from the access layer. The queue sorts and counts on columns the clocks keep
up to date on the referral (next_due_on, next_due_soon_from), so a page costs the same few
queries whether the table holds a hundred referrals or a hundred thousand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Exists, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from earlyyears.dates import months_ago as _months_ago
from earlyyears.models import Area, Setting, User
from earlyyears.needs import AgeBand
from earlyyears.roles import SEND_TEAM_ROLES
from pathway import clocks
from pathway.access import funding_awards_for, queue_for, referrals_for
from pathway.models import (
    FundingAward,
    FundingBudget,
    Referral,
    ReferralClock,
    ReferralRoute,
)

WAITING_BUCKETS = {
    "0-7": ("Up to a week", 0, 7),
    "8-14": ("1 to 2 weeks", 8, 14),
    "15-28": ("2 to 4 weeks", 15, 28),
    "29+": ("Over 4 weeks", 29, None),
}

AGE_BAND_MONTHS = {
    AgeBand.UNDER_2: (0, 23),
    AgeBand.TWO: (24, 35),
    AgeBand.THREE: (36, 47),
    AgeBand.FOUR_PLUS: (48, None),
}


def area_and_descendants(area_id: int) -> list[int]:
    """An area and every area inside it: a district filter finds its wards' referrals."""
    ids = {area_id}
    frontier = {area_id}
    while frontier:
        frontier = (
            set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return sorted(ids)


def settings_matching(text: str) -> QuerySet[Setting]:
    """The settings a caseworker means by what they typed in the setting filter: those whose
    Ofsted URN or name it is exactly (or, for old links, whose id), else every setting whose name
    holds it. One query, usable as a subquery."""
    text = text.strip()
    exact = Q(urn__iexact=text) | Q(name__iexact=text)
    if text.isdigit():
        exact |= Q(pk=int(text))
    return Setting.objects.filter(
        exact | (Q(name__icontains=text) & ~Exists(Setting.objects.filter(exact)))
    )


@dataclass(frozen=True)
class QueueFilters:
    route: str = ""
    area: int | None = None
    setting: int | str | None = None  # a setting's id, or what was typed in the filter
    age_band: str = ""
    need: str = ""
    waiting: str = ""
    clock: str = ""
    allocated: str = ""


def filter_queue(
    queryset: QuerySet[Referral], filters: QueueFilters, user: User, today: datetime.date
) -> QuerySet[Referral]:
    if filters.route:
        queryset = queryset.filter(
            pk__in=ReferralRoute.objects.filter(route=filters.route).values("referral")
        )
    if filters.area:
        queryset = queryset.filter(area_id__in=area_and_descendants(filters.area))
    if isinstance(filters.setting, int):
        queryset = queryset.filter(setting_id=filters.setting)
    elif filters.setting:
        queryset = queryset.filter(setting_id__in=settings_matching(filters.setting).values("pk"))
    if filters.age_band in AGE_BAND_MONTHS:
        youngest, oldest = AGE_BAND_MONTHS[filters.age_band]
        queryset = queryset.filter(child__date_of_birth__lte=_months_ago(today, youngest))
        if oldest is not None:
            born_after = _months_ago(today, oldest + 1)
            queryset = queryset.filter(child__date_of_birth__gt=born_after)
    if filters.need:
        if connections[queryset.db].vendor == "postgresql":
            # jsonb containment, served by the waiting_queue_needs GIN index.
            queryset = queryset.filter(broad_areas_of_need__contains=[filters.need])
        else:  # SQLite has no JSON containment: a text match on the stored list
            queryset = queryset.filter(broad_areas_of_need__icontains=f'"{filters.need}"')
    if filters.waiting in WAITING_BUCKETS:
        _, fewest, most = WAITING_BUCKETS[filters.waiting]
        start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        queryset = queryset.filter(
            submitted_at__lt=start_of_today - datetime.timedelta(days=fewest - 1)
        )
        if most is not None:
            queryset = queryset.filter(
                submitted_at__gte=start_of_today - datetime.timedelta(days=most)
            )
    if filters.clock == "overdue":
        queryset = queryset.filter(next_due_on__lt=today)
    elif filters.clock == "due_soon":
        queryset = queryset.filter(next_due_on__gte=today, next_due_soon_from__lte=today)
    if filters.allocated == "me":
        queryset = queryset.filter(allocated_to=user)
    elif filters.allocated == "none":
        queryset = queryset.filter(allocated_to__isnull=True)
    elif filters.allocated.isdigit():
        queryset = queryset.filter(allocated_to_id=int(filters.allocated))
    return queryset


# The queue's sorts by column name; "-name" is the reverse. Each has an index over waiting
# referrals (Referral.Meta.indexes), read forwards or backwards.
QUEUE_SORTS = {
    "clock": (F("next_due_on").asc(nulls_last=True), "submitted_at", "pk"),
    "received": ("submitted_at", "pk"),
    "child": ("child__last_name", "child__first_name", "pk"),
    "setting": (F("setting__name").asc(nulls_last=True), "pk"),
}
DEFAULT_SORT = "clock"


def triage_queue(
    user: User, filters: QueueFilters, today: datetime.date, sort: str = DEFAULT_SORT
) -> QuerySet[Referral]:
    """Waiting referrals, most urgent clock first, then the longest waiting (or by `sort`)."""
    descending = sort.startswith("-")
    ordering = QUEUE_SORTS.get(sort.removeprefix("-"), QUEUE_SORTS[DEFAULT_SORT])
    queryset = (
        filter_queue(queue_for(user), filters, user, today)
        .select_related("child", "setting", "area", "allocated_to")
        .prefetch_related(
            Prefetch("current_routes", queryset=ReferralRoute.objects.order_by("route"))
        )
        .order_by(*ordering)
    )
    return queryset.reverse() if descending else queryset


class QueuePaginator(Paginator):
    """Page numbers as before, with the cost of a page bounded by its distance from the nearer
    end: a page in the second half is read backwards from the end (the last page costs what the
    first does), and only the page's ids are found by offset, so rows are fetched for 25."""

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        queryset = self.object_list
        if bottom > self.count - top:  # nearer the end: count back from it
            start = self.count - top
            ids = queryset.reverse().values("pk")[start : start + top - bottom]
        else:
            ids = queryset.values("pk")[bottom:top]
        rows = list(queryset.filter(pk__in=ids))
        return self._get_page(rows, number, self)


def queue_counts(queryset: QuerySet[Referral], user: User, today: datetime.date) -> dict[str, int]:
    """The numbers at the top of the queue, in one query: unfiltered, an index-only read of
    the waiting_queue_counts partial index."""
    return queryset.aggregate(
        waiting=Count("pk"),
        unallocated=Count("pk", filter=Q(allocated_to__isnull=True)),
        mine=Count("pk", filter=Q(allocated_to=user)),
        due_soon=Count("pk", filter=Q(next_due_on__gte=today, next_due_soon_from__lte=today)),
        overdue=Count("pk", filter=Q(next_due_on__lt=today)),
        more_information=Count("pk", filter=Q(status=Referral.Status.MORE_INFORMATION)),
    )


def clock_state(referral: Referral, today: datetime.date) -> clocks.ClockState:
    return clocks.state_of(referral.next_due_on, referral.next_due_soon_from, today)


@dataclass(frozen=True)
class ClockRow:
    name: str
    statutory: bool
    counting: str
    started_on: datetime.date
    due_on: datetime.date
    state: clocks.ClockState
    stopped_at: datetime.datetime | None
    working_days_left: int | None


def clocks_of(referral: Referral, today: datetime.date) -> list[ClockRow]:
    rows = []
    for clock in ReferralClock.objects.filter(referral=referral).select_related("policy"):
        stopped = clock.stopped_at is not None
        rows.append(
            ClockRow(
                name=clock.policy.name,
                statutory=clock.policy.statutory,
                counting=clock.policy.get_counting_display(),
                started_on=clock.started_on,
                due_on=clock.due_on,
                state=clocks.state_of(clock.due_on, clock.due_soon_from, today, stopped=stopped),
                stopped_at=clock.stopped_at,
                working_days_left=None
                if stopped
                else clocks.working_days_between(today, clock.due_on),
            )
        )
    return rows


def send_team_officers() -> QuerySet[User]:
    return User.objects.filter(role__in=SEND_TEAM_ROLES, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def caseloads(user: User, today: datetime.date) -> list[dict[str, Any]]:
    """Each officer's open referrals, with the urgent ones counted: one query."""
    open_cases = referrals_for(user).filter(status__in=Referral.WAITING)
    rows = (
        open_cases.filter(allocated_to__isnull=False)
        .values("allocated_to")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(next_due_on__lt=today)),
            due_soon=Count("pk", filter=Q(next_due_on__gte=today, next_due_soon_from__lte=today)),
        )
    )
    by_officer = {row["allocated_to"]: row for row in rows}
    return [
        {
            "officer": officer,
            "total": by_officer.get(officer.pk, {}).get("total", 0),
            "overdue": by_officer.get(officer.pk, {}).get("overdue", 0),
            "due_soon": by_officer.get(officer.pk, {}).get("due_soon", 0),
        }
        for officer in send_team_officers()
    ]


@dataclass(frozen=True)
class FundingLine:
    label: str
    awarded: Decimal
    awards: int
    budget: Decimal | None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.awarded

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.awarded > self.budget


def funding_totals(user: User, financial_year: int) -> dict[str, Any]:
    """Inclusion funding awarded in a year: county total, per area and per setting, against the
    budgets set for them. Three grouped queries whatever the number of awards."""
    awards = funding_awards_for(user).filter(financial_year=financial_year)
    budgets = {
        budget.area_id: budget.amount
        for budget in FundingBudget.objects.filter(financial_year=financial_year)
    }
    total = awards.aggregate(amount=Sum("amount"), count=Count("pk"))
    by_area = (
        awards.values("area_id", "area__name")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("area__name")
    )
    by_setting = (
        awards.values("setting_id", "setting__name", "setting__urn", "area__name")
        .annotate(amount=Sum("amount"), count=Count("pk"), hours=Sum("hours_per_week"))
        .order_by("-amount", "setting__name")
    )
    return {
        "county": FundingLine(
            "Whole county", total["amount"] or Decimal(0), total["count"], budgets.get(None)
        ),
        "areas": [
            FundingLine(row["area__name"], row["amount"], row["count"], budgets.get(row["area_id"]))
            for row in by_area
        ],
        "settings": list(by_setting),
    }


def recent_awards(user: User, financial_year: int) -> QuerySet[FundingAward]:
    return (
        funding_awards_for(user)
        .filter(financial_year=financial_year)
        .select_related("setting", "referral", "awarded_by")
        .order_by("-awarded_at")[:20]
    )
