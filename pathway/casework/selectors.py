"""Reads for SEND casework: the triage queue, its counts, clocks, caseloads and funding totals.

Every read starts from the access layer. The queue sorts and counts on columns the clocks keep
up to date on the referral (next_due_on, next_due_soon_from), so a page costs the same few
queries whether the table holds a hundred referrals or a hundred thousand."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Count,
    Exists,
    F,
    OrderBy,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    prefetch_related_objects,
)
from django.utils import timezone

from earlyyears.access import children_for, settings_for
from earlyyears.dates import months_ago as _months_ago
from earlyyears.models import Area, Setting, User
from earlyyears.needs import AgeBand
from earlyyears.roles import SEND_TEAM_ROLES
from pathway import clocks
from pathway.access import (
    advice_requests_for,
    funding_awards_for,
    is_send_manager,
    is_send_team,
    my_tac_actions,
    queue_for,
    referrals_for,
)
from pathway.access.consent import consent_talks_for
from pathway.models import (
    AdviceRequest,
    FundingAward,
    FundingBudget,
    Referral,
    ReferralClock,
    ReferralEvent,
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


CHOSEN_SETTING = re.compile(r"(?P<name>.+) \((?P<urn>[A-Za-z0-9]{1,10})\)")


def settings_matching(text: str) -> QuerySet[Setting]:
    """The settings a caseworker means by what they typed in the setting filter: those whose
    Ofsted URN or name it is exactly (or, for old links, whose id), else every setting whose name
    holds it; a chosen suggestion ("Name (URN)") is that URN's setting. One query, usable as a
    subquery."""
    text = text.strip()
    exact = Q(urn__iexact=text) | Q(name__iexact=text)
    if chosen := CHOSEN_SETTING.fullmatch(text):  # "Name (URN)", as the autocomplete fills it
        exact |= Q(name__iexact=chosen["name"], urn__iexact=chosen["urn"])
    if text.isdigit():
        exact |= Q(pk=int(text))
    return Setting.objects.filter(
        exact | (Q(name__icontains=text) & ~Exists(Setting.objects.filter(exact)))
    )


SETTING_SEARCH_LIMIT = 10


def settings_starting(user: User, text: str) -> list[dict[str, str]]:
    """Up to ten settings the user may see whose name or Ofsted URN starts with `text`, by name:
    what the setting filter suggests as it is typed. Prefix matches, so that the upper-case name
    and URN indexes (migration 0013) serve them however many settings the county has."""
    text = " ".join(text.split())[:200]
    if not text:
        return []
    found = (
        settings_for(user)
        .filter(Q(name__istartswith=text) | Q(urn__istartswith=text))
        .order_by("name", "pk")
        .values("urn", "name")[:SETTING_SEARCH_LIMIT]
    )
    return list(found)


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
    status: str = ""  # "more_information": waiting for the setting's answer


def filter_queue(
    queryset: QuerySet[Referral], filters: QueueFilters, user: User, today: datetime.date
) -> QuerySet[Referral]:
    if filters.route:
        if connections[queryset.db].vendor == "postgresql":
            # The routes as the referral holds them (pathway.routes.set_routes writes them with
            # the route rows): jsonb containment, tested within waiting_queue_filters, so the
            # counts are an index-only scan rather than a join with every route row.
            queryset = queryset.filter(routes__contains=[filters.route])
        else:  # SQLite has no JSON containment: the route rows
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
    if filters.status == Referral.Status.MORE_INFORMATION:
        queryset = queryset.filter(status=Referral.Status.MORE_INFORMATION)
    return queryset


# Each count at the top of the queue, with the filter that lists exactly the referrals it counts
# (added to the filters already chosen, as the counts are of the filtered queue).
COUNT_FILTERS = {
    "waiting": ("waiting", {}),
    "overdue": ("overdue", {"clock": "overdue"}),
    "due_soon": ("due soon", {"clock": "due_soon"}),
    "unallocated": ("not allocated", {"allocated": "none"}),
    "mine": ("allocated to you", {"allocated": "me"}),
    "more_information": ("waiting for the setting", {"status": "more_information"}),
}


# The queue's sorts by column name; "-name" is the reverse. Each is a list of keys ending in the
# referral's id, so every row has one place in the order and a page can start after any row
# (keyset pagination). Each is served by an index read forwards or backwards: clock and received
# by partial indexes over waiting referrals (Referral.Meta.indexes), child and setting by the
# name indexes of migration 0012, walked in order with each name's referrals looked up.
@dataclass(frozen=True)
class QueueSort:
    keys: tuple[str, ...]
    nullable: bool = False  # the first key may be empty: those rows come last (first reversed)
    empty: str = ""  # the column that is empty when it is (the setting, not its name)
    joined: bool = False  # the first key is on another table (then each run is its own query)


QUEUE_SORTS = {
    "clock": QueueSort(("next_due_on", "submitted_at", "pk"), nullable=True, empty="next_due_on"),
    "received": QueueSort(("submitted_at", "pk")),
    "child": QueueSort(("child__last_name", "child__first_name", "pk")),
    "setting": QueueSort(("setting__name", "pk"), nullable=True, empty="setting", joined=True),
}
DEFAULT_SORT = "clock"


# How a cursor's values are read back, by key; any other key is text.
def _aware(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        raise ValueError("a cursor's times carry their offset")
    return moment


_KEY_TYPES = {"next_due_on": datetime.date.fromisoformat, "submitted_at": _aware, "pk": int}


def _sort_of(sort: str) -> tuple[QueueSort, bool]:
    return QUEUE_SORTS.get(sort.removeprefix("-"), QUEUE_SORTS[DEFAULT_SORT]), sort.startswith("-")


def _ordering(keys: tuple[str, ...], descending: bool, nullable: bool) -> list[OrderBy]:
    """ORDER BY for these keys one way: empty first keys last going up, first going down."""
    ordering = []
    for index, key in enumerate(keys):
        expression = F(key)
        if index == 0 and nullable:
            ordering.append(
                expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)
            )
        else:
            ordering.append(expression.desc() if descending else expression.asc())
    return ordering


def triage_queue(
    user: User, filters: QueueFilters, today: datetime.date, sort: str = DEFAULT_SORT
) -> QuerySet[Referral]:
    """Waiting referrals, most urgent clock first, then the longest waiting (or by `sort`)."""
    order, descending = _sort_of(sort)
    return (
        filter_queue(queue_for(user), filters, user, today)
        .select_related("child", "setting", "area", "allocated_to")
        # The area's name only: no boundary geometry on a page that draws no map.
        .defer("area__boundary")
        .order_by(*_ordering(order.keys, descending, order.nullable))
    )


def _beyond(keys: tuple[str, ...], values: list[Any], descending: bool) -> Q:
    """Rows after these key values going one way: (k1, k2, ...) > (v1, v2, ...), written so an
    index on the keys can start at v1 (the leading k1 >= v1) and stop after a page."""
    more, at_least = ("lt", "lte") if descending else ("gt", "gte")
    after = Q()
    for index, key in enumerate(keys):
        equal = {keys[i]: values[i] for i in range(index)}
        after |= Q(**equal, **{f"{key}__{more}": values[index]})
    return Q(**{f"{keys[0]}__{at_least}": values[0]}) & after


def _walk(
    queryset: QuerySet[Referral],
    order: QueueSort,
    descending: bool,
    values: list[Any] | None,
    limit: int,
) -> list[Referral]:
    """Up to `limit` rows going one way, from the start (`values` None) or after the row whose
    keys are `values`. With an empty first key allowed, a page after a row is two runs (rows
    with it, then rows without; the reverse going down), each its own query, since one
    condition for both could not start the index at the row; so are the first and last pages
    by setting, so that the index on the names can lead (a row without a setting would
    otherwise need an outer join, which a walk of the setting names cannot serve). The second
    run is read for what the page still needs, and at least one row, so that the number of
    queries does not depend on the data."""
    keys = order.keys
    queryset = queryset.order_by(*_ordering(keys, descending, order.nullable))
    if values is None and not order.joined:  # one index on the referral holds the whole order
        return list(queryset[:limit])
    if not order.nullable:
        return list(queryset.filter(_beyond(keys, values, descending))[:limit])
    with_key = Q(**{f"{keys[0]}__isnull": False})
    without_key = Q(**{f"{order.empty}__isnull": True})
    # Each run with whether its rows lack the first key: that key is then empty on every row
    # and left out of the order, so an index on the rest (waiting_queue_no_setting,
    # waiting_queue_received) serves the run instead of a sort of every such row.
    keyless = (without_key, True)
    runs = [keyless, (with_key, False)] if descending else [(with_key, False), keyless]
    if values is not None:
        if values[0] is None:  # in the run without the first key
            runs = [(without_key & _beyond(keys[1:], values[1:], descending), True)]
            if descending:
                runs.append((with_key, False))
        else:
            runs = [(_beyond(keys, values, descending), False)] + ([] if descending else [keyless])
    rest = _ordering(keys[1:], descending, False)
    rows: list[Referral] = []
    for condition, lacks_key in runs:  # each run read even when the page is full: constant queries
        run = queryset.filter(condition)
        if lacks_key:
            run = run.order_by(*rest)
        rows += run[: max(1, limit - len(rows))]
    return rows[:limit]


def _key_values(referral: Referral, keys: tuple[str, ...]) -> list[Any]:
    values = []
    for key in keys:
        value: Any = referral
        for part in key.split("__"):
            value = None if value is None else getattr(value, part)
        values.append(value)
    return values


def queue_cursor(referral: Referral, sort: str = DEFAULT_SORT) -> str:
    """Where a page starts or ends, for a link: the row's sort keys, opaque to the reader."""
    order, _ = _sort_of(sort)
    values = [
        v.isoformat() if isinstance(v, datetime.date) else v
        for v in _key_values(referral, order.keys)
    ]
    return (
        urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")
    )


def _read_cursor(cursor: str, order: QueueSort) -> list[Any] | None:
    """A cursor's key values, or None if it is not one of ours (a mangled link: page one)."""
    try:
        raw = json.loads(urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(order.keys):
            return None
        values = []
        for index, (key, value) in enumerate(zip(order.keys, raw, strict=True)):
            if value is None:
                if not (index == 0 and order.nullable):
                    return None
                values.append(None)
            elif isinstance(value, str | int) and not isinstance(value, bool):
                values.append(_KEY_TYPES.get(key, str)(value))
            else:
                return None
        return values
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the cursors of its links. `number` is known only for pages
    reached by number (the first, the last, near either end)."""

    rows: list[Referral]
    has_previous: bool
    has_next: bool
    previous_cursor: str = ""
    next_cursor: str = ""
    number: int | None = None
    pages: int = 1
    too_far: int | None = None  # a page number asked for that is not opened directly


# A page number (from an old link) is opened by counting rows from the nearer end only this
# near either end, so its cost stays bounded; the links themselves always use cursors.
NUMBERED_PAGES_FROM_EACH_END = 10


def queue_page(
    queryset: QuerySet[Referral],
    sort: str,
    *,
    count: int,
    per_page: int,
    after: str = "",
    before: str = "",
    number: str = "",
) -> QueuePage:
    """The page of the queue a link asks for: after a row, before a row, the last page, a page
    number near either end, else the first. One query for the rows, one for their routes; the
    rows take two queries (see `_walk`) for a page after or before a row by clock or setting, and
    for the first and last pages by setting, at any size of queue."""
    order, descending = _sort_of(sort)
    pages = max(1, -(-count // per_page))
    wanted = int(number) if number.isdigit() else (pages if number == "last" else 1)
    wanted = min(max(wanted, 1), pages)
    if (cursor := _read_cursor(after or before, order)) is not None:
        going_back = not after
        rows = _walk(queryset, order, descending ^ going_back, cursor, per_page + 1)
        more = len(rows) > per_page
        rows = rows[:per_page]
        if going_back:
            rows.reverse()
        if rows and (more or not going_back):
            return _finish(
                QueuePage(rows, has_previous=more or not going_back, has_next=more or going_back),
                sort,
                pages,
            )
        wanted = 1 if going_back else pages  # back at the start, or past the end
    too_far = None
    if min(wanted - 1, pages - wanted) > NUMBERED_PAGES_FROM_EACH_END:
        too_far, wanted = wanted, 1
    if wanted == 1:
        rows = _walk(queryset, order, descending, None, per_page + 1)
        page = QueuePage(rows[:per_page], False, len(rows) > per_page, number=1, too_far=too_far)
    elif wanted == pages:  # read from the end: the last page costs what the first does
        size = count - (pages - 1) * per_page
        rows = _walk(queryset, order, not descending, None, size + 1)
        page = QueuePage(rows[:size][::-1], len(rows) > size, False, number=pages)
    elif wanted - 1 <= pages - wanted:  # count from the start
        start = (wanted - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        page = QueuePage(
            rows[:per_page], wanted > 1, len(rows) > per_page, number=wanted, too_far=too_far
        )
    else:  # count back from the end, past the last page (which holds the remainder)
        start = count - (pages - 1) * per_page + (pages - wanted - 1) * per_page
        rows = list(queryset.reverse()[start : start + per_page + 1])
        page = QueuePage(rows[:per_page][::-1], len(rows) > per_page, True, number=wanted)
    return _finish(page, sort, pages)


def _finish(page: QueuePage, sort: str, pages: int) -> QueuePage:
    """The page with its routes (one query) and the cursors its Previous and Next links carry."""
    prefetch_related_objects(
        page.rows, Prefetch("current_routes", queryset=ReferralRoute.objects.order_by("route"))
    )
    if not page.rows:
        return replace(page, pages=pages)
    return replace(
        page,
        pages=pages,
        previous_cursor=queue_cursor(page.rows[0], sort),
        next_cursor=queue_cursor(page.rows[-1], sort),
    )


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
    days_left: int | None = None  # in the clock's own counting: working or calendar days
    day_word: str = "day"  # "working day" or "day", so the label matches what is counted

    @property
    def days_left_words(self) -> str:
        """'3 working days left', '1 day late': in the unit the clock counts."""
        if self.days_left is None:
            return ""
        count = abs(self.days_left)
        noun = self.day_word if count == 1 else f"{self.day_word}s"
        return f"{count} {noun} {'left' if self.days_left >= 0 else 'late'}"


def _days_left(clock: ReferralClock, today: datetime.date) -> int:
    if clock.policy.counting == clock.policy.Counting.WORKING_DAYS:
        return clocks.working_days_between(today, clock.due_on)
    return (clock.due_on - today).days


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
                days_left=None if stopped else _days_left(clock, today),
                day_word="working day"
                if clock.policy.counting == clock.policy.Counting.WORKING_DAYS
                else "day",
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


# Chosen filters as removable tags --------------------------------------------------------------


@dataclass(frozen=True)
class ChosenFilter:
    """One filter in force, as the tag that removes it: what it is, and the link without it."""

    heading: str
    label: str
    remove_href: str


def chosen_filters(form: Any, query: Any) -> list[ChosenFilter]:
    """The filters a valid queue form holds, each with a link to the same queue without it
    (the sort kept, from the first page). `query` is the request's query without its page."""
    if not form.is_bound or form.errors:
        return []
    chosen = []
    for name, field in form.fields.items():
        if name == "sort":
            continue
        value = form.data.get(name, "")
        if value in ("", None):
            continue
        choices = dict((str(key), text) for key, text in getattr(field, "choices", []))
        label = choices.get(str(value), str(value)) if choices else " ".join(str(value).split())
        without = query.copy()
        without.pop(name, None)
        encoded = without.urlencode()
        chosen.append(ChosenFilter(str(field.label), str(label), f"?{encoded}" if encoded else "?"))
    return chosen


def count_links(query: Any) -> dict[str, str]:
    """Each count's link: the queue as filtered now, with the count's own filter added."""
    links = {}
    for key, (_, adds) in COUNT_FILTERS.items():
        linked = query.copy()
        for name, value in adds.items():
            linked[name] = value
        links[key] = f"?{linked.urlencode()}"
    return links


# My work ---------------------------------------------------------------------------------------

MY_WORK_LIMIT = 50  # each list's first rows, the most urgent; the triage queue has the rest
REVIEW_WARNING_DAYS = 28  # a funding review shows from four weeks before it is due


@dataclass(frozen=True)
class MyWork:
    referrals: list[Referral]
    actions: list[Any]
    advice: list[Any]
    reviews: list[FundingAward]
    # Consent to talk through with the family (issue 22: parents disagree): the whole team's.
    consent_talks: list[Any] = dataclasses.field(default_factory=list)


def my_work(user: User, today: datetime.date) -> MyWork:
    """An officer's own work, each list most urgent first: the referrals they hold, the Team
    Around the Child actions they own, advice due on referrals they hold or asked it for, and
    inclusion funding reviews due on their referrals. Four queries whatever the numbers, each
    through the access layer (a list the user may not see is empty)."""
    referrals = list(
        queue_for(user)
        .filter(allocated_to=user)
        .select_related("child", "setting")
        .order_by(F("next_due_on").asc(nulls_last=True), "submitted_at", "pk")[:MY_WORK_LIMIT]
    )
    actions = list(
        my_tac_actions(user)
        .filter(done_at__isnull=True)
        .select_related("child")
        .order_by("due_on", "pk")[:MY_WORK_LIMIT]
    )
    advice = list(
        advice_requests_for(user)
        .filter(status=AdviceRequest.Status.REQUESTED)
        .filter(Q(requested_by=user) | Q(referral__allocated_to=user))
        .select_related("referral__child", "professional")
        .order_by("due_on", "pk")[:MY_WORK_LIMIT]
    )
    reviews = list(
        funding_awards_for(user)
        .filter(
            referral__allocated_to=user,
            review_on__lte=today + datetime.timedelta(days=REVIEW_WARNING_DAYS),
            ends_on__gte=today,
        )
        .select_related("referral__child", "setting")
        .order_by("review_on", "pk")[:MY_WORK_LIMIT]
    )
    consent_talks = list(
        consent_talks_for(user)
        .select_related("child")
        .order_by("talk_to_family_since", "pk")[:MY_WORK_LIMIT]
    )
    return MyWork(referrals, actions, advice, reviews, consent_talks)


# Undoing a claim or an allocation ------------------------------------------------------------


def latest_allocation_event(referral: Referral) -> ReferralEvent | None:
    """The referral's latest claim or allocation (an undo is itself one), with who made it."""
    return (
        ReferralEvent.objects.filter(
            referral=referral,
            kind__in=(ReferralEvent.Kind.CLAIMED, ReferralEvent.Kind.ALLOCATED),
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )


def undoable_allocation(referral: Referral) -> ReferralEvent | None:
    """The claim or allocation that can still be undone: the latest one, not itself an undo,
    still in force (the referral is waiting and held by whoever it gave it to)."""
    if referral.status not in Referral.WAITING or referral.allocated_to_id is None:
        return None
    latest = latest_allocation_event(referral)
    if latest is None or latest.detail.get("undoes"):
        return None
    holder = latest.actor_id if latest.kind == ReferralEvent.Kind.CLAIMED else None
    if latest.kind == ReferralEvent.Kind.ALLOCATED:
        holder = latest.detail.get("officer")
    return latest if holder == referral.allocated_to_id else None


def may_undo(user: User, made: ReferralEvent | None) -> bool:
    """Whoever made the claim or allocation undoes it, or a SEND manager."""
    if made is None or not is_send_team(user):
        return False
    return made.actor_id == user.pk or is_send_manager(user)


# The identity bar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who a page is about, for the bar at its top: enough to be sure it is the right child."""

    name: str
    date_of_birth: datetime.date
    age: str
    setting: str
    reference: str
    referral_reference: str = ""


def identity_of(user: User, child: Any, referral: Referral | None = None) -> Identity:
    """The child's identity from the record already read. On a referral, someone who follows
    only what they sent (the child has moved on) sees the setting the referral came from, never
    where the child is now; one query, and only when the two settings differ."""
    setting = child.setting if child.setting_id else None
    if (
        referral is not None
        and child.setting_id != referral.setting_id
        and not children_for(user).filter(pk=child.pk).exists()
    ):
        setting = referral.setting
    return Identity(
        name=child.full_name,
        date_of_birth=child.date_of_birth,
        age=child.age_description,
        setting=setting.name if setting else "Not in a setting",
        reference=child.reference,
        referral_reference=(referral.reference or "") if referral else "",
    )
