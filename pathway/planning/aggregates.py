"""Planning figures: need by area, against provision and trained staff.

Three parts, so each rule is tested without HTTP:

- **Aggregates** (`rebuild_need_figures`, `refresh_need_figures_for_referral`): `NeedFigure`
  rows by area (every level), month and slice, written by one INSERT ... SELECT ... GROUP BY
  in the database; the page reads only these rows, never referrals.
- **Disclosure control** (pure functions: `is_primary`, `secondary_suppression`, `rate_per_1000`,
  `class_breaks`): counts from 1 to the threshold minus one are shown as ``[c]``, and more
  cells are hidden until no hidden cell can be worked out from a total.
- **Selectors** (`planning_view`, `csv_rows`): the chosen figure for the areas at one level,
  its rate, trend, the local offer's services and settings with trained staff, all from the
  aggregates, suppressed the same way whichever view of them is asked for.

How the figures add up. `children` counts a child once, in the month and area of their first
concern in the slice ("children newly raised"): so months add up to quarters and years, and
wards add up to districts, without ever counting a child twice. `referrals` and the route
counts are plain counts. Quarters and years are sums of months; rates are per 1,000 children
under 5 in the area, for the period (not annualised).

How suppression stays consistent. Suppression is worked out once for a whole calendar year of
one figure and one need (every area at every level x every age band and "all ages" x the
year, its quarters and its months), treating each parent area, each "all ages" figure, each
quarter and the year as a total of its parts. Every page, map, table and CSV reads from that
one pattern, so comparing two views cannot reveal a hidden cell either.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from cms.models import ServicePage
from cms.selectors import age_filter, needs_filter, published_services
from earlyyears.exports import csv_bytes, neutralise
from earlyyears.models import Area, Setting
from earlyyears.needs import AgeBand, BroadAreaOfNeed, EYFSArea
from pathway.models import NeedFigure, NeedFiguresState, Referral, Route
from training.models import LEARNER_ROLES

SUPPRESSED = "[c]"
SUPPRESSION_EXPLANATION = (
    "[c] means the figure is confidential: it is between 1 and {low} children or referrals, "
    "or it has been hidden so that a small figure cannot be worked out from the totals."
)
ROUTE_FIELDS: dict[str, str] = {route.value: f"route_{route.value}" for route in Route}
AGE_BANDS: tuple[str, ...] = tuple(AgeBand.values)
# Upper limits (months, exclusive) of each age band, in order; the last band has none.
AGE_LIMITS: tuple[tuple[int, str], ...] = (
    (24, AgeBand.UNDER_2.value),
    (36, AgeBand.TWO.value),
    (48, AgeBand.THREE.value),
)
LAST_AGE_BAND = AgeBand.FOUR_PLUS.value
CLASS_COUNT = 5
LOOK_AT_LIMIT = 5
TREND_PERIODS = 4


def threshold() -> int:
    """Counts from 1 to threshold - 1 are suppressed (default 5: 1 to 4)."""
    return int(getattr(settings, "PLANNING_SUPPRESSION_THRESHOLD", 5))


def suppression_explanation() -> str:
    return SUPPRESSION_EXPLANATION.format(low=threshold() - 1)


# --- Disclosure control (pure) ---------------------------------------------------------------


def is_primary(value: int, limit: int) -> bool:
    """A count that could identify a child: from 1 to limit - 1. Zero is published."""
    return 0 < value < limit


@dataclass(frozen=True)
class Line:
    """An additive relation: `total` is (at most) the sum of `members`. If exactly one cell of
    a line is hidden, the total and the other members give it away."""

    total: Any
    members: tuple[Any, ...]

    @property
    def cells(self) -> tuple[Any, ...]:
        return (self.total, *self.members)


def lines_index(lines: Iterable[Line]) -> Callable[[Any], list[Line]]:
    """For a list of lines: a function giving the lines a cell is in."""
    by_cell: dict[Any, list[Line]] = defaultdict(list)
    for line in lines:
        if line.members:
            for cell in line.cells:
                by_cell[cell].append(line)
    return lambda cell: by_cell.get(cell, [])


def secondary_suppression(
    values: Mapping[Any, int], lines_of: Callable[[Any], Iterable[Line]], limit: int
) -> set[Any]:
    """The cells to hide: every primary cell, then, for each line left with exactly one hidden
    cell, its smallest other non-zero cell (a zero only if nothing else is left), repeated until
    no line has exactly one hidden cell. Deterministic: cells are taken in sorted order and
    ties go to the first cell in the line.

    `values` holds the cells' counts (a cell missing from it counts as 0); `lines_of(cell)`
    gives the lines the cell is in (`lines_index` builds it from a list)."""
    hidden = {cell for cell, value in values.items() if is_primary(value, limit)}
    queue: deque[Line] = deque()
    pending: set[int] = set()

    def push(cell: Any) -> None:
        for line in lines_of(cell):
            if id(line) not in pending:
                pending.add(id(line))
                queue.append(line)

    for cell in sorted(hidden):
        push(cell)
    while queue:
        line = queue.popleft()
        pending.discard(id(line))
        cells = line.cells
        if sum(1 for cell in cells if cell in hidden) != 1:
            continue
        candidates = [(position, cell) for position, cell in enumerate(cells) if cell not in hidden]
        nonzero = [(p, c) for p, c in candidates if values.get(c, 0) > 0]
        pool = nonzero or candidates
        if not pool:
            continue
        _, chosen = min(pool, key=lambda pc: (values.get(pc[1], 0), pc[0]))
        hidden.add(chosen)
        push(chosen)
    return hidden


def rate_per_1000(count: int | None, population: int) -> float | None:
    """Children (or referrals) per 1,000 children under 5; None when it cannot be given."""
    if count is None or population <= 0:
        return None
    return round(count * 1000 / population, 1)


def class_breaks(values: Sequence[float], classes: int = CLASS_COUNT) -> list[float]:
    """Upper bounds of `classes` equal-width classes from 0 to the largest value shown (never
    from suppressed cells, which are not in `values`)."""
    top = max(values, default=0)
    if top <= 0:
        return []
    step = top / classes
    return [round(step * n, 1) for n in range(1, classes)] + [top]


def class_of(value: float | None, breaks: Sequence[float]) -> int:
    """1 to 5 for a positive value, 0 for zero or no figure."""
    if value is None or value <= 0 or not breaks:
        return 0
    for number, upper in enumerate(breaks, start=1):
        if value <= upper:
            return number
    return len(breaks)


def safe_csv_cell(value: Any) -> str:
    """A cell as the CSV download writes it (the project's one exporter neutralises it)."""
    return neutralise("" if value is None else str(value))


# --- The area tree ---------------------------------------------------------------------------


@dataclass
class AreaNode:
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    own_population: int
    boundary: Any = None
    children: list[int] = field(default_factory=list)
    population: int = 0


class AreaTree:
    """Every area, loaded in one query; areas are few (hundreds) and nest a few levels."""

    def __init__(self, nodes: Iterable[AreaNode]):
        self.nodes = {node.pk: node for node in nodes}
        for node in self.nodes.values():
            if node.parent_id in self.nodes:
                self.nodes[node.parent_id].children.append(node.pk)
        for node in self.nodes.values():
            node.children.sort(key=lambda pk: (self.nodes[pk].name, pk))
        for node in self.nodes.values():
            node.population = node.own_population or sum(
                self.nodes[pk].own_population for pk in self.descendants(node.pk)
            )

    @classmethod
    def load(cls, with_boundaries: bool = False) -> AreaTree:
        fields = ["pk", "code", "name", "kind", "parent_id", "under_5_population"]
        if with_boundaries:
            fields.append("boundary")
        rows = Area.objects.order_by("pk").values_list(*fields)
        return cls(
            AreaNode(
                row[0], row[1], row[2], row[3], row[4], row[5], row[6] if with_boundaries else None
            )
            for row in rows
        )

    def ancestors(self, pk: int) -> list[int]:
        """The area and every area above it."""
        chain, seen = [], set()
        while pk in self.nodes and pk not in seen:
            chain.append(pk)
            seen.add(pk)
            pk = self.nodes[pk].parent_id
        return chain

    def descendants(self, pk: int) -> list[int]:
        out, frontier, seen = [], list(self.nodes[pk].children), {pk}
        while frontier:
            nxt = frontier.pop()
            if nxt in seen:
                continue
            seen.add(nxt)
            out.append(nxt)
            frontier.extend(self.nodes[nxt].children)
        return out

    @property
    def roots(self) -> list[int]:
        return sorted(pk for pk, node in self.nodes.items() if node.parent_id not in self.nodes)

    def of_kind(self, kind: str) -> list[AreaNode]:
        nodes = [node for node in self.nodes.values() if node.kind == kind]
        return sorted(nodes, key=lambda n: (self.parent_name(n), n.name, n.pk))

    def parent_name(self, node: AreaNode) -> str:
        parent = self.nodes.get(node.parent_id)
        return parent.name if parent else ""


# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # "year", "quarter" or "month"
    year: int
    number: int = 1  # quarter 1-4 or month 1-12

    @property
    def key(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.year} (January to December)"
        if self.kind == "quarter":
            first = calendar.month_name[3 * self.number - 2]
            last = calendar.month_name[3 * self.number]
            return f"{first} to {last} {self.year}"
        return f"{calendar.month_name[self.number]} {self.year}"

    @property
    def short_label(self) -> str:
        if self.kind == "quarter":
            return f"Q{self.number} {self.year}"
        if self.kind == "month":
            return f"{calendar.month_abbr[self.number]} {self.year}"
        return str(self.year)

    @property
    def months(self) -> list[datetime.date]:
        if self.kind == "year":
            return [datetime.date(self.year, m, 1) for m in range(1, 13)]
        if self.kind == "quarter":
            return [
                datetime.date(self.year, m, 1)
                for m in range(3 * self.number - 2, 3 * self.number + 1)
            ]
        return [datetime.date(self.year, self.number, 1)]

    def previous(self) -> Period:
        if self.kind == "year":
            return Period("year", self.year - 1)
        size = 4 if self.kind == "quarter" else 12
        if self.number == 1:
            return Period(self.kind, self.year - 1, size)
        return Period(self.kind, self.year, self.number - 1)

    @classmethod
    def parse(cls, key: str) -> Period | None:
        try:
            if len(key) == 4:
                return cls("year", int(key))
            year, rest = key.split("-", 1)
            if rest.upper().startswith("Q") and 1 <= int(rest[1:]) <= 4:
                return cls("quarter", int(year), int(rest[1:]))
            if 1 <= int(rest) <= 12 and len(rest) == 2:
                return cls("month", int(year), int(rest))
        except ValueError:
            return None
        return None

    @classmethod
    def of_month(cls, kind: str, month: datetime.date) -> Period:
        if kind == "year":
            return cls("year", month.year)
        if kind == "quarter":
            return cls("quarter", month.year, (month.month - 1) // 3 + 1)
        return cls("month", month.year, month.month)


def periods_of_year(year: int) -> list[Period]:
    return (
        [Period("year", year)]
        + [Period("quarter", year, q) for q in range(1, 5)]
        + [Period("month", year, m) for m in range(1, 13)]
    )


def period_choices(first_year: int, last_year: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """Years, quarters and months from the first year with figures to this year, newest first."""
    years = list(range(last_year, first_year - 1, -1))
    return [
        ("Years", [(Period("year", y).key, Period("year", y).label) for y in years]),
        (
            "Quarters",
            [(p.key, p.label) for y in years for p in reversed(periods_of_year(y)[1:5])],
        ),
        (
            "Months",
            [(p.key, p.label) for y in years for p in reversed(periods_of_year(y)[5:])],
        ),
    ]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- Aggregates: the rebuild -----------------------------------------------------------------


def _quoted(values: Iterable[str]) -> str:
    """Literal lists of our own vocabulary codes (constants, never user input)."""
    codes = list(values)
    assert all(code.replace("_", "").replace("-", "").replace("+", "").isalnum() for code in codes)
    return ", ".join(f"'{code}'" for code in codes)


def _age_band_sql(age: str) -> str:
    cases = " ".join(f"WHEN {age} < {limit} THEN '{band}'" for limit, band in AGE_LIMITS)
    return f"CASE WHEN {age} IS NULL THEN '' {cases} ELSE '{LAST_AGE_BAND}' END"


def _dialect() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {
            "age": "CASE WHEN jsonb_typeof(r.facts -> 'age_months') = 'number' "
            "THEN (r.facts ->> 'age_months')::numeric END",
            "broad": "SELECT b.id, x.value AS code FROM base b CROSS JOIN LATERAL "
            "jsonb_array_elements_text(CASE WHEN jsonb_typeof(b.broad) = 'array' "
            "THEN b.broad ELSE '[]'::jsonb END) AS x(value)",
            "eyfs": "SELECT b.id, e.key AS code FROM base b CROSS JOIN LATERAL "
            "jsonb_each(CASE WHEN jsonb_typeof(b.answers -> '{section}') = 'object' "
            "THEN b.answers -> '{section}' ELSE '{{}}'::jsonb END) AS e "
            "WHERE e.value ->> 'level' NOT IN ('', 'none')",
            "month": "CAST(DATE_TRUNC('month', r.submitted_at AT TIME ZONE %s) AS date)",
        }
    return {
        "age": "CASE WHEN json_type(r.facts, '$.age_months') IN ('integer', 'real') "
        "THEN json_extract(r.facts, '$.age_months') END",
        "broad": "SELECT b.id, x.value AS code FROM base b, json_each(CASE WHEN "
        "json_type(b.broad) = 'array' THEN b.broad ELSE '[]' END) AS x",
        "eyfs": "SELECT b.id, e.key AS code FROM base b, json_each(CASE WHEN "
        "json_type(b.answers, '$.{section}') = 'object' THEN json_extract(b.answers, "
        "'$.{section}') ELSE '{{}}' END) AS e WHERE e.type = 'object' AND "
        "json_extract(e.value, '$.level') NOT IN ('', 'none')",
        "month": "django_date_trunc('month', django_datetime_cast_date(r.submitted_at, %s, "
        "'UTC'), NULL, NULL)",
    }


COUNT_COLUMNS = ("children", "referrals", *ROUTE_FIELDS.values())
CELL_COLUMNS = ("area_id", "month", "broad_area", "eyfs_area", "age_band", *COUNT_COLUMNS)
SLICE_COLUMNS = ("broad_area", "eyfs_area", "age_band")


def _cell_ctes(base_where: str = "", cells_where: str = "") -> str:
    """The common table expressions that turn referrals into cells by their own area (no
    rolling up): `base` (the referrals, with month and age band), `slices` (every need a
    referral is about, and ''), `expanded` (x age band and '', numbered per child and slice so
    the first concern is 1), `routes` (current routes) and `cells`. Parameters, in order: the
    time zone, then any in `base_where`, then any in `cells_where`."""
    d = _dialect()
    route_cols = ", ".join(
        f"MAX(CASE WHEN route = '{route}' THEN 1 ELSE 0 END) AS {col}"
        for route, col in ROUTE_FIELDS.items()
    )
    route_sums = ", ".join(f"SUM(COALESCE(rt.{col}, 0)) AS {col}" for col in ROUTE_FIELDS.values())
    ages = " UNION ALL ".join(["SELECT '' AS band"] + [f"SELECT '{band}'" for band in AGE_BANDS])
    # A referral's needs are a set (routing.derive_facts) and its prime and specific areas are
    # two different sets of keys, so no referral is counted twice in a slice.
    eyfs = " UNION ALL ".join(
        d["eyfs"].format(section=section) for section in ("development", "specific_areas")
    )
    # Only our own constants are interpolated; values are always parameters.
    return f"""
base AS (
    SELECT r.id, r.child_id, r.area_id, r.submitted_at, {d["month"]} AS month,
           {_age_band_sql("(" + d["age"] + ")")} AS age_band,
           r.broad_areas_of_need AS broad, r.answers AS answers
    FROM pathway_referral r
    {base_where}
),
slices AS (
    SELECT b.id, '' AS broad_area, '' AS eyfs_area FROM base b
    UNION ALL
    SELECT x.id, x.code, '' FROM ({d["broad"]}) x
    WHERE x.code IN ({_quoted(BroadAreaOfNeed.values)})
    UNION ALL
    SELECT y.id, '', y.code FROM ({eyfs}) y
    WHERE y.code IN ({_quoted(EYFSArea.values)})
),
ages AS ({ages}),
expanded AS (
    SELECT b.id, b.area_id, b.month, b.submitted_at, s.broad_area, s.eyfs_area,
           g.band AS age_band,
           ROW_NUMBER() OVER (
               PARTITION BY b.child_id, s.broad_area, s.eyfs_area, g.band
               ORDER BY b.submitted_at, b.id
           ) AS nth
    FROM base b
    JOIN slices s ON s.id = b.id
    JOIN ages g ON g.band = '' OR g.band = b.age_band
),
routes AS (
    SELECT referral_id, {route_cols}
    FROM pathway_referralroute
    WHERE referral_id IN (SELECT id FROM base)
    GROUP BY referral_id
),
cells AS (
    SELECT e.area_id, e.month, e.broad_area, e.eyfs_area, e.age_band,
           SUM(CASE WHEN e.nth = 1 THEN 1 ELSE 0 END) AS children,
           COUNT(*) AS referrals, {route_sums}
    FROM expanded e
    LEFT JOIN routes rt ON rt.referral_id = e.id
    {cells_where}
    GROUP BY e.area_id, e.month, e.broad_area, e.eyfs_area, e.age_band
)"""  # noqa: S608


def _rebuild_sql() -> str:
    """Every cell of every area: the cells by own area, rolled up to every area above through
    the area tree (a recursive closure). Parameters: the time zone."""
    sums = ", ".join(f"SUM(x.{col})" for col in COUNT_COLUMNS)
    return f"""
WITH RECURSIVE closure(area_id, ancestor_id) AS (
    SELECT id, id FROM earlyyears_area
    UNION ALL
    SELECT c.area_id, a.parent_id FROM closure c
    JOIN earlyyears_area a ON a.id = c.ancestor_id
    WHERE a.parent_id IS NOT NULL
), {_cell_ctes()}
INSERT INTO pathway_needfigure ({", ".join(CELL_COLUMNS)})
SELECT c.ancestor_id, x.month, x.broad_area, x.eyfs_area, x.age_band, {sums}
FROM cells x
JOIN closure c ON c.area_id = x.area_id
GROUP BY c.ancestor_id, x.month, x.broad_area, x.eyfs_area, x.age_band
"""  # noqa: S608


def _refresh_sql() -> str:
    """One area's cells for one month: its own referrals' cells (with each child's other
    referrals, so 'first concern' is right) plus the stored cells of the areas inside it, which
    are done first. Parameters: time zone; area, start, end (whose children); area, start, end
    (whose cells); area, month (the areas inside it); area, month (the row's)."""
    base_where = (
        "WHERE r.child_id IN (SELECT child_id FROM pathway_referral "
        "WHERE area_id = %s AND submitted_at >= %s AND submitted_at < %s)"
    )
    cells_where = "WHERE e.area_id = %s AND e.submitted_at >= %s AND e.submitted_at < %s"
    slices = ", ".join(SLICE_COLUMNS)
    counts = ", ".join(COUNT_COLUMNS)
    sums = ", ".join(f"SUM({col})" for col in COUNT_COLUMNS)
    return f"""
WITH {_cell_ctes(base_where, cells_where)},
inside AS (
    SELECT {slices}, {counts} FROM pathway_needfigure
    WHERE area_id IN (SELECT id FROM earlyyears_area WHERE parent_id = %s) AND month = %s
)
INSERT INTO pathway_needfigure ({", ".join(CELL_COLUMNS)})
SELECT %s, %s, {slices}, {sums}
FROM (SELECT {slices}, {counts} FROM cells UNION ALL SELECT {slices}, {counts} FROM inside) u
GROUP BY {slices}
"""  # noqa: S608


def _fast_settings(cursor, *, big: bool) -> None:
    """PostgreSQL: no JIT (these statements' cost estimates are far off, and compiling costs
    more than it saves), and room to sort a full rebuild in memory."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")
        if big:
            cursor.execute("SET LOCAL work_mem = '256MB'")


def _lock_state() -> NeedFiguresState:
    """Rebuilds and refreshes take turns (the state row is locked on PostgreSQL)."""
    NeedFiguresState.objects.get_or_create(pk=1)
    return NeedFiguresState.objects.select_for_update().get(pk=1)


def _bump(state: NeedFiguresState, *, years: Iterable[int] = ()) -> None:
    """A rebuild (no years) changes every figure; a refresh only its months' years."""
    now = timezone.now()
    state.updated_at = now
    if years:
        versions = dict(state.year_versions or {})
        for year in years:
            versions[str(year)] = versions.get(str(year), 0) + 1
        state.year_versions = versions
    else:
        state.version += 1
        state.year_versions = {}
        state.rebuilt_at = now
        state.rows = NeedFigure.objects.count()
    state.save()


def figures_key(state: NeedFiguresState, year: int) -> str:
    """Changes whenever a figure of the year may have changed."""
    return f"{state.version}.{(state.year_versions or {}).get(str(year), 0)}"


def rebuild_need_figures() -> int:
    """Every figure from scratch, in one transaction (readers see the old figures until it
    commits). Idempotent: run twice, the same rows. Returns the number of rows."""
    tz = timezone.get_current_timezone_name()
    with transaction.atomic():
        state = _lock_state()
        with connection.cursor() as cursor:
            _fast_settings(cursor, big=True)
            cursor.execute("DELETE FROM pathway_needfigure")
            cursor.execute(_rebuild_sql(), [tz])
        _bump(state)
        return state.rows


def _local_month_window(month: datetime.date) -> tuple[Any, Any]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(add_months(month, 1), datetime.time.min, tzinfo=tz)
    adapt = connection.ops.adapt_datetimefield_value
    return adapt(start), adapt(end)


def refresh_need_figures_for_referral(referral_id: int) -> int:
    """Work out again every cell a referral touches: for each month in which its child has a
    referral, the cells of those referrals' areas and of every area above them, lowest first
    (a back-dated referral can move a child's first concern, so all the child's months are
    redone). Each area's cells are its own referrals' plus the sum of the areas inside it, so
    a refresh reads a few hundred rows, not the county's month. Idempotent; returns the rows
    written."""
    child_id = Referral.objects.filter(pk=referral_id).values_list("child_id", flat=True).first()
    if child_id is None:
        return 0
    tree = AreaTree.load()
    tz = timezone.get_current_timezone()
    by_month: dict[datetime.date, set[int]] = defaultdict(set)
    for area_id, submitted_at in Referral.objects.filter(child_id=child_id).values_list(
        "area_id", "submitted_at"
    ):
        by_month[month_start(submitted_at.astimezone(tz).date())].update(tree.ancestors(area_id))
    depth = {pk: len(tree.ancestors(pk)) for targets in by_month.values() for pk in targets}
    written = 0
    with transaction.atomic():
        state = _lock_state()
        with connection.cursor() as cursor:
            _fast_settings(cursor, big=False)
            for month, targets in sorted(by_month.items()):
                for area_id in sorted(targets, key=lambda pk: (-depth[pk], pk)):
                    written += _refresh_cells(cursor, area_id, month)
        _bump(state, years={month.year for month in by_month})
    return written


def _refresh_cells(cursor, area_id: int, month: datetime.date) -> int:
    start, end = _local_month_window(month)
    day = connection.ops.adapt_datefield_value(month)
    tz = timezone.get_current_timezone_name()
    cursor.execute(
        "DELETE FROM pathway_needfigure WHERE area_id = %s AND month = %s", [area_id, day]
    )
    params = [tz, area_id, start, end, area_id, start, end, area_id, day, area_id, day]
    cursor.execute(_refresh_sql(), params)
    return max(cursor.rowcount, 0)


def figures_version() -> NeedFiguresState:
    return NeedFiguresState.objects.filter(pk=1).first() or NeedFiguresState(pk=1)


# --- The suppressed cube for one year --------------------------------------------------------

FIGURES: dict[str, str] = {
    "children": "Children newly raised with a concern",
    "referrals": "Referrals (all routes)",
    **{f"route_{route.value}": f"Referrals to {route.label.lower()}" for route in Route},
}
FIGURE_COLUMNS: dict[str, str] = {
    "children": "children",
    "referrals": "referrals",
    **{f"route_{r}": col for r, col in ROUTE_FIELDS.items()},
}
MEASURES: dict[str, str] = {"count": "Count", "rate": "Rate per 1,000 children under 5"}
LEVELS: dict[str, str] = {
    Area.Kind.WARD: "Wards",
    Area.Kind.LOCALITY: "Localities",
    Area.Kind.DISTRICT: "Districts",
}


def need_slice(need: str) -> tuple[str, str]:
    """'' (every need), a broad area of need or an EYFS area -> (broad_area, eyfs_area)."""
    if need in BroadAreaOfNeed.values:
        return need, ""
    if need in EYFSArea.values:
        return "", need
    return "", ""


def need_label(need: str) -> str:
    if need in BroadAreaOfNeed.values:
        return BroadAreaOfNeed(need).label
    if need in EYFSArea.values:
        return f"{EYFSArea(need).label} (area of learning)"
    return "Every need"


def age_label(age: str) -> str:
    return AgeBand(age).label if age in AGE_BANDS else "All ages"


class CubeIndex:
    """Cells of a year's cube as small integers (area x age x period), so working out the
    suppression of tens of thousands of cells stays quick in Python."""

    AGES: tuple[str, ...] = ("", *AGE_BANDS)

    def __init__(self, tree: AreaTree, year: int):
        self.tree = tree
        self.year = year
        self.areas = sorted(tree.nodes)
        self.area_position = {pk: n for n, pk in enumerate(self.areas)}
        self.periods = [p.key for p in periods_of_year(year)]  # year, 4 quarters, 12 months
        self.period_position = {key: n for n, key in enumerate(self.periods)}
        self.age_position = {age: n for n, age in enumerate(self.AGES)}
        self.width = len(self.AGES) * len(self.periods)

    def cell(self, area_id: int, age: str, period_key: str) -> int | None:
        area = self.area_position.get(area_id)
        age_n = self.age_position.get(age)
        period = self.period_position.get(period_key)
        if area is None or age_n is None or period is None:
            return None
        return area * self.width + age_n * len(self.periods) + period

    def parts(self, cell: int) -> tuple[int, int, int]:
        """(area position, age position, period position)."""
        area, rest = divmod(cell, self.width)
        age, period = divmod(rest, len(self.periods))
        return area, age, period


@dataclass
class YearCube:
    """One figure, one need, one calendar year: the values and the hidden cells."""

    index: CubeIndex
    values: dict[int, int]
    hidden: set[int]

    def get(self, area_id: int, age: str, period: Period) -> int | None:
        cell = self.index.cell(area_id, age, period.key)
        if cell is None:
            return 0
        if cell in self.hidden:
            return None
        return self.values.get(cell, 0)


def cube_lines_of(index: CubeIndex) -> Callable[[int], list[Line]]:
    """The totals a cell of the year's cube is in: its parent area's figure (and, for a parent,
    its own areas'), all ages (the bands), its quarter (a quarter's months), the year (its
    quarters). Lines are made once and shared, so each is one object."""
    tree, areas, n_periods = index.tree, index.areas, len(index.periods)
    position = index.area_position
    children = [[position[c] for c in tree.nodes[pk].children] for pk in areas]
    parent = [position.get(tree.nodes[pk].parent_id, -1) for pk in areas]
    n_ages = len(CubeIndex.AGES)
    months_of_quarter = {q: list(range(5 + 3 * (q - 1), 8 + 3 * (q - 1))) for q in range(1, 5)}
    made: dict[tuple, Line] = {}

    width = index.width

    def ages_line(area: int, period: int) -> Line:
        key = ("ages", area, period)
        if key not in made:
            base = area * width + period
            made[key] = Line(base, tuple(base + a * n_periods for a in range(1, n_ages)))
        return made[key]

    def area_line(area: int, age: int, period: int) -> Line:
        key = ("area", area, age, period)
        if key not in made:
            offset = age * n_periods + period
            made[key] = Line(
                area * width + offset, tuple(k * width + offset for k in children[area])
            )
        return made[key]

    def year_line(area: int, age: int) -> Line:
        key = ("year", area, age)
        if key not in made:
            base = area * width + age * n_periods
            made[key] = Line(base, tuple(base + q for q in range(1, 5)))
        return made[key]

    def quarter_line(area: int, age: int, quarter: int) -> Line:
        key = ("quarter", area, age, quarter)
        if key not in made:
            base = area * width + age * n_periods
            made[key] = Line(base + quarter, tuple(base + m for m in months_of_quarter[quarter]))
        return made[key]

    def lines_of(c: int) -> list[Line]:
        area, age, period = index.parts(c)
        out = [ages_line(area, period)]
        if children[area]:
            out.append(area_line(area, age, period))
        if parent[area] >= 0:
            out.append(area_line(parent[area], age, period))
        if period <= 4:  # the year, or one of its quarters
            out.append(year_line(area, age))
        if period >= 1:  # a quarter, or one of its months
            quarter = period if period <= 4 else (period - 5) // 3 + 1
            out.append(quarter_line(area, age, quarter))
        return out

    return lines_of


def build_cube(
    month_rows: Iterable[tuple[int, str, datetime.date, int]], tree: AreaTree, year: int, limit: int
) -> YearCube:
    """From month figures (area, age band, month, count) to the suppressed year (pure)."""
    index = CubeIndex(tree, year)
    n_periods = len(index.periods)
    ages = {age: n * n_periods for n, age in enumerate(CubeIndex.AGES)}
    months = {datetime.date(year, m, 1): 4 + m for m in range(1, 13)}  # month 1 is period 5
    values: dict[int, int] = defaultdict(int)
    for area_id, age, month, count in month_rows:
        period = months.get(month)
        area = index.area_position.get(area_id)
        if not count or period is None or area is None or age not in ages:
            continue
        base = area * index.width + ages[age]
        values[base + period] += count
        values[base + (period - 5) // 3 + 1] += count
        values[base] += count
    values = dict(values)
    hidden = secondary_suppression(values, cube_lines_of(index), limit)
    return YearCube(index, values, hidden)


_CUBES: OrderedDict[str, YearCube] = OrderedDict()
_CUBES_KEPT = 64


def year_cube(figure: str, need: str, year: int, tree: AreaTree, version: str) -> YearCube:
    """The suppressed figures for a year, kept in memory until the figures (or the areas)
    change: the key carries the figures' version and the shape of the area tree."""
    limit = threshold()
    shape = hash(tuple((pk, node.parent_id) for pk, node in sorted(tree.nodes.items())))
    key = f"{version}:{limit}:{shape}:{figure}:{need}:{year}"
    if key in _CUBES:
        _CUBES.move_to_end(key)
        return _CUBES[key]
    broad, eyfs = need_slice(need)
    rows = NeedFigure.objects.filter(
        broad_area=broad,
        eyfs_area=eyfs,
        month__gte=datetime.date(year, 1, 1),
        month__lt=datetime.date(year + 1, 1, 1),
    ).values_list("area_id", "age_band", "month", FIGURE_COLUMNS[figure])
    cube = build_cube(rows, tree, year, limit)
    _CUBES[key] = cube
    while len(_CUBES) > _CUBES_KEPT:
        _CUBES.popitem(last=False)
    return cube


# --- Provision and training ------------------------------------------------------------------


def services_by_area(tree: AreaTree, need: str, age: str) -> dict[int, int]:
    """Local offer services serving this need (and age band) that reach each area: a service
    for an area reaches the areas inside it and the areas above it (as the directory does)."""
    services = published_services().filter(status=ServicePage.Status.ACTIVE)
    if need in BroadAreaOfNeed.values:
        services = services.filter(needs_filter([need]))
    elif need in EYFSArea.values:
        services = services.filter(needs_filter([need], "eyfs_areas"))
    if age in AGE_BANDS:
        youngest, oldest = _age_range(age)
        services = services.filter(age_filter(youngest, oldest))
    links = ServicePage.service_areas.through.objects.filter(
        servicepage_id__in=services.values("pk")
    ).values_list("servicepage_id", "area_id")
    reach: dict[int, set[int]] = defaultdict(set)
    for service_id, area_id in links:
        if area_id not in tree.nodes:
            continue
        for pk in (*tree.ancestors(area_id), *tree.descendants(area_id)):
            reach[pk].add(service_id)
    return {pk: len(ids) for pk, ids in reach.items()}


def _age_range(age: str) -> tuple[int, int]:
    lower = 0
    for limit, band in AGE_LIMITS:
        if band == age:
            return lower, limit - 1
        lower = limit
    return lower, 71


def trained_settings_by_area(tree: AreaTree, today: datetime.date) -> dict[int, tuple[int, int]]:
    """(settings with at least one member of staff holding a current training completion,
    active settings) in each area and every area above it."""
    active = Setting.objects.filter(registration_status=Setting.RegistrationStatus.ACTIVE)
    trained_q = Q(
        memberships__user__is_active=True,
        memberships__user__role__in=list(LEARNER_ROLES),
        memberships__user__training_completions__renew_by__gte=today,
    )
    rows = active.values("area_id").annotate(
        total=Count("pk", distinct=True), trained=Count("pk", filter=trained_q, distinct=True)
    )
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for pk in tree.ancestors(row["area_id"]):
            out[pk][0] += row["trained"]
            out[pk][1] += row["total"]
    return {pk: (v[0], v[1]) for pk, v in out.items()}


# --- The page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanningQuery:
    need: str = ""
    age: str = ""
    period: Period = field(default_factory=lambda: Period("year", timezone.localdate().year))
    figure: str = "children"
    measure: str = "count"
    level: str = Area.Kind.WARD


@dataclass
class AreaRow:
    node: AreaNode
    parent: str
    count: int | None
    rate: float | None
    value: float | None  # what the map shows: count or rate
    css_class: int = 0
    services: int = 0
    trained_settings: int = 0
    settings: int = 0
    trend: list[float | None] = field(default_factory=list)
    change: float | None = None
    look_at_reason: str = ""

    @property
    def shown(self) -> str:
        return _shown(self.value)

    @property
    def count_shown(self) -> str:
        return SUPPRESSED if self.count is None else f"{self.count:,}"

    @property
    def rate_shown(self) -> str:
        if self.count is None:
            return SUPPRESSED
        return "" if self.rate is None else f"{self.rate:.1f}"

    @property
    def change_shown(self) -> str:
        if self.change is None:
            return SUPPRESSED if self.count is None else "not available"
        return f"{self.change:+.1f}" if isinstance(self.change, float) else f"{self.change:+d}"

    @property
    def trend_shown(self) -> list[str]:
        return [_shown(v) for v in self.trend]


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _shown(value: float | int | None) -> str:
    if value is None:
        return SUPPRESSED
    return f"{value:.1f}" if isinstance(value, float) else f"{value:,}"


@dataclass
class PlanningView:
    query: PlanningQuery
    rows: list[AreaRow]
    total: AreaRow | None
    breaks: list[float]
    trend_periods: list[Period]
    rose_most: list[AreaRow]
    look_at: list[AreaRow]
    state: NeedFiguresState
    tree: AreaTree

    @property
    def legend(self) -> list[dict[str, Any]]:
        """Class 1 to 5, with their ranges, for the key."""
        out, lower = [], None
        for number, upper in enumerate(self.breaks, start=1):
            if lower is None:
                words = f"more than 0, up to {_number(upper)}"
            else:
                words = f"more than {_number(lower)}, up to {_number(upper)}"
            out.append({"number": number, "range": words})
            lower = upper
        return out

    @property
    def previous_period(self) -> Period:
        return self.trend_periods[-2]

    @property
    def value_heading(self) -> str:
        if self.query.measure == "rate":
            return "Rate per 1,000 children under 5"
        return "Count"


def _value(count: int | None, population: int, measure: str) -> tuple[float | None, float | None]:
    rate = rate_per_1000(count, population)
    return rate, (rate if measure == "rate" else count)


def figure_for(cubes: dict[int, YearCube], area_id: int, age: str, period: Period) -> int | None:
    return cubes[period.year].get(area_id, age, period)


def planning_view(query: PlanningQuery, today: datetime.date | None = None) -> PlanningView:
    """Everything the page, the map data and the CSV show, from the aggregates: a fixed number
    of queries whatever the number of areas or referrals."""
    today = today or timezone.localdate()
    state = figures_version()
    tree = AreaTree.load()
    trend_periods = [query.period]
    while len(trend_periods) < TREND_PERIODS:
        trend_periods.insert(0, trend_periods[0].previous())
    years = sorted({p.year for p in trend_periods})
    cubes = {y: year_cube(query.figure, query.need, y, tree, figures_key(state, y)) for y in years}
    services = services_by_area(tree, query.need, query.age)
    trained = trained_settings_by_area(tree, today)

    def row_for(node: AreaNode) -> AreaRow:
        count = figure_for(cubes, node.pk, query.age, query.period)
        rate, value = _value(count, node.population, query.measure)
        row = AreaRow(node, tree.parent_name(node), count, rate, value)
        row.services = services.get(node.pk, 0)
        row.trained_settings, row.settings = trained.get(node.pk, (0, 0))
        for period in trend_periods:
            c = figure_for(cubes, node.pk, query.age, period)
            row.trend.append(_value(c, node.population, query.measure)[1])
        before, last = row.trend[-2], row.trend[-1]
        if before is not None and last is not None:
            row.change = round(last - before, 1) if query.measure == "rate" else last - before
        return row

    rows = [row_for(node) for node in tree.of_kind(query.level)]
    roots = tree.roots
    total = row_for(tree.nodes[roots[0]]) if len(roots) == 1 else None
    breaks = class_breaks([row.value for row in rows if row.value is not None])
    for row in rows:
        row.css_class = class_of(row.value, breaks)
    rose = [row for row in rows if row.change is not None and row.change > 0]
    rose.sort(key=lambda r: (-r.change, r.node.name))
    return PlanningView(
        query=query,
        rows=rows,
        total=total,
        breaks=breaks,
        trend_periods=trend_periods,
        rose_most=rose[:LOOK_AT_LIMIT],
        look_at=areas_to_look_at(rows),
        state=state,
        tree=tree,
    )


def areas_to_look_at(rows: Sequence[AreaRow], limit: int = LOOK_AT_LIMIT) -> list[AreaRow]:
    """Areas where need is high or rising and provision is thin (pure, on the rows shown).

    An area is considered when its figure is shown (not [c]) and it is at or above the median
    of the areas shown, or it rose over the periods compared. They are ordered by need per
    local service: the figure divided by one more than the number of services, highest first;
    then by the smaller share of settings with trained staff."""
    shown = [row for row in rows if row.value is not None and row.value > 0]
    if not shown:
        return []
    median = statistics.median(row.value for row in shown)
    candidates = [
        row for row in shown if row.value >= median or (row.change is not None and row.change > 0)
    ]

    def trained_share(row: AreaRow) -> float:
        return row.trained_settings / row.settings if row.settings else 0.0

    candidates.sort(
        key=lambda r: (-(r.value / (1 + r.services)), trained_share(r), r.node.name, r.node.pk)
    )
    picked = candidates[:limit]
    for row in picked:
        reasons = ["at or above the middle of the areas shown" if row.value >= median else ""]
        if row.change is not None and row.change > 0:
            reasons.append(f"up {_shown(row.change)} since the period before")
        reasons.append(f"{row.services} local offer service{'s' if row.services != 1 else ''}")
        reasons.append(f"{row.trained_settings} of {row.settings} settings with trained staff")
        row.look_at_reason = "; ".join(r for r in reasons if r)
    return picked


# --- Map data and CSV ------------------------------------------------------------------------


def geojson(view: PlanningView) -> dict[str, Any]:
    """The areas at the chosen level with their figures joined in: exactly the table's values."""
    boundaries = dict(
        Area.objects.filter(pk__in=[row.node.pk for row in view.rows]).values_list("pk", "boundary")
    )
    features = []
    for row in view.rows:
        boundary = boundaries.get(row.node.pk)
        if not boundary:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": boundary,
                "properties": {
                    "code": row.node.code,
                    "name": row.node.name,
                    "value": row.shown,
                    "class": row.css_class,
                    "suppressed": row.count is None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def csv_rows(view: PlanningView) -> list[list[str]]:
    q = view.query
    header = [
        "Area code",
        "Area",
        "Part of",
        "Period",
        "Figure",
        "Need",
        "Age",
        "Count",
        "Rate per 1,000 children under 5",
        "Map class (1 to 5)",
        "Local offer services for this need",
        "Settings with trained staff",
        "Settings",
    ]
    rows = [header]
    context = [q.period.label, FIGURES[q.figure], need_label(q.need), age_label(q.age)]
    lines = [(row, True) for row in view.rows]
    if view.total is not None:
        lines.append((view.total, False))
    for row, on_map in lines:
        rows.append(
            [
                row.node.code,
                row.node.name,
                row.parent,
                *context,
                row.count_shown.replace(",", ""),
                row.rate_shown,
                str(row.css_class) if on_map and row.css_class else "",
                str(row.services),
                str(row.trained_settings),
                str(row.settings),
            ]
        )
    return rows


def csv_content(view: PlanningView) -> bytes:
    """The table, then a line explaining suppressed counts, as CSV."""
    return csv_bytes([*csv_rows(view), [], [suppression_explanation()]])


def first_year_with_figures() -> int:
    first = (
        NeedFigure.objects.filter(broad_area="", eyfs_area="")
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    return first.year if first else timezone.localdate().year
