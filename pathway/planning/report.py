"""What the need-by-area page, its map data and its CSV show: for the areas at one level, the
chosen figure for the period, its rate, its trend, the local offer's services and settings with
trained staff, and the areas to look at. All from the aggregates (a fixed number of queries
whatever the number of areas or referrals), suppressed the same way whichever view of them is
asked for.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from earlyyears.exports import csv_bytes
from earlyyears.models import Area
from pathway.models import NeedFiguresState
from pathway.planning.aggregates import (
    figures_and_areas_version,
    figures_key,
    figures_version,
    first_year_with_figures,
    year_cube,
)
from pathway.planning.areas import AreaNode, AreaTree
from pathway.planning.disclosure import (
    SUPPRESSED,
    YearCube,
    suppression_explanation,
    threshold,
)
from pathway.planning.figures import FIGURES, age_label, need_label
from pathway.planning.periods import Period
from pathway.planning.provision import services_by_area, trained_settings_by_area

MEASURES: dict[str, str] = {"count": "Count", "rate": "Rate per 1,000 children under 5"}
LEVELS: dict[str, str] = {
    Area.Kind.WARD: "Wards",
    Area.Kind.LOCALITY: "Localities",
    Area.Kind.DISTRICT: "Districts",
}
CLASS_COUNT = 5
LOOK_AT_LIMIT = 5
TREND_PERIODS = 4


# --- Rates and map classes (pure) ------------------------------------------------------------


def rate_per_1000(count: int | None, population: int) -> float | None:
    """Children (or referrals) per 1,000 children under 5; None when it cannot be given."""
    if count is None or population <= 0:
        return None
    return round(count * 1000 / population, 1)


def class_breaks(values: Sequence[float], classes: int = CLASS_COUNT) -> list[float]:
    """Upper bounds of the map's classes, built only from the values that can be shown (never
    from suppressed cells, which are not in `values`, nor zero, which has its own entry): so
    the key never offers a class no area can be in, such as counts 1 to 4, which are always
    [c]. With `classes` or fewer different values each value is a class of its own; otherwise
    `classes` equal steps from the smallest value shown to the largest, less any step no value
    falls in."""
    shown = sorted({value for value in values if value > 0})
    if len(shown) <= classes:
        return shown
    low, top = shown[0], shown[-1]
    step = (top - low) / classes
    steps = [round(low + step * n, 1) for n in range(1, classes)] + [top]
    kept: list[float] = []
    for upper in steps:
        lower = kept[-1] if kept else -math.inf
        if any(lower < value <= upper for value in shown):
            kept.append(upper)
    return kept


def class_of(value: float | None, breaks: Sequence[float]) -> int:
    """1 to 5 for a positive value, 0 for zero or no figure."""
    if value is None or value <= 0 or not breaks:
        return 0
    for number, upper in enumerate(breaks, start=1):
        if value <= upper:
            return number
    return len(breaks)


def class_ranges(values: Sequence[float], breaks: Sequence[float]) -> list[str]:
    """Each class's range in words: the smallest and largest figure shown in it ("6", "7 to
    9", "2.3 to 4.1"), so the key names only figures an area has."""
    shown = sorted({value for value in values if value > 0})
    out: list[str] = []
    lower = -math.inf
    for upper in breaks:
        members = [value for value in shown if lower < value <= upper]
        first, last = members[0], members[-1]
        out.append(_number(first) if first == last else f"{_number(first)} to {_number(last)}")
        lower = upper
    return out


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

    @property
    def legend(self) -> list[dict[str, Any]]:
        """The key: the classes the areas shown can be in, with their ranges, then "None" and
        "[c]" where an area has them. Every entry can appear on the map."""
        values = [row.value for row in self.rows if row.value is not None]
        out = [
            {"class": str(number), "mark": str(number), "words": f"Class {number}: {words}"}
            for number, words in enumerate(class_ranges(values, self.breaks), start=1)
        ]
        if any(row.count is not None and not row.value for row in self.rows):
            out.append({"class": "0", "mark": "0", "words": "None"})
        if any(row.count is None for row in self.rows):
            out.append({"class": "c", "mark": SUPPRESSED, "words": "Confidential (suppressed)"})
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


def _trend_periods(period: Period) -> list[Period]:
    """The period and the ones before it, oldest first: TREND_PERIODS in all."""
    periods = [period]
    while len(periods) < TREND_PERIODS:
        periods.insert(0, periods[0].previous())
    return periods


def _change(trend: list[float | None], measure: str) -> float | None:
    """The last period's figure less the one before, when both are shown."""
    before, last = trend[-2], trend[-1]
    if before is None or last is None:
        return None
    return round(last - before, 1) if measure == "rate" else last - before


def planning_view(
    query: PlanningQuery,
    today: datetime.date | None = None,
    *,
    state: NeedFiguresState | None = None,
    provision: bool = True,
) -> PlanningView:
    """Everything the page, the map data and the CSV show, from the aggregates: a fixed number
    of queries whatever the number of areas or referrals. Without `provision` the services and
    trained settings are left at 0 (the map data shows neither)."""
    today = today or timezone.localdate()
    state = state or figures_version()
    tree = AreaTree.load()
    trend_periods = _trend_periods(query.period)
    years = sorted({p.year for p in trend_periods})
    cubes = {y: year_cube(query.figure, query.need, y, tree, figures_key(state, y)) for y in years}
    services = services_by_area(tree, query.need, query.age) if provision else {}
    trained = trained_settings_by_area(tree, today) if provision else {}

    def row_for(node: AreaNode) -> AreaRow:
        count = figure_for(cubes, node.pk, query.age, query.period)
        rate, value = _value(count, node.population, query.measure)
        row = AreaRow(node, tree.parent_name(node), count, rate, value)
        row.services = services.get(node.pk, 0)
        row.trained_settings, row.settings = trained.get(node.pk, (0, 0))
        for period in trend_periods:
            c = figure_for(cubes, node.pk, query.age, period)
            row.trend.append(_value(c, node.population, query.measure)[1])
        row.change = _change(row.trend, query.measure)
        return row

    rows = [row_for(node) for node in tree.of_kind(query.level)]
    roots = tree.roots
    total = row_for(tree.nodes[roots[0]]) if len(roots) == 1 else None
    breaks = class_breaks([row.value for row in rows if row.value is not None])
    for row in rows:
        row.css_class = class_of(row.value, breaks)
    return PlanningView(
        query=query,
        rows=rows,
        total=total,
        breaks=breaks,
        trend_periods=trend_periods,
        rose_most=_rose_most(rows),
        look_at=areas_to_look_at(rows),
        state=state,
    )


def _rose_most(rows: Sequence[AreaRow], limit: int = LOOK_AT_LIMIT) -> list[AreaRow]:
    """The areas whose figure rose, largest rise first."""
    rose = [row for row in rows if row.change is not None and row.change > 0]
    rose.sort(key=lambda r: (-r.change, r.node.name))
    return rose[:limit]


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
        row.look_at_reason = _look_at_reason(row, median)
    return picked


def _look_at_reason(row: AreaRow, median: float) -> str:
    reasons = ["at or above the middle of the areas shown" if row.value >= median else ""]
    if row.change is not None and row.change > 0:
        reasons.append(f"up {_shown(row.change)} since the period before")
    reasons.append(f"{row.services} local offer service{'s' if row.services != 1 else ''}")
    reasons.append(f"{row.trained_settings} of {row.settings} settings with trained staff")
    return "; ".join(r for r in reasons if r)


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


# The map data as served, kept in Django's cache (Redis wherever it is configured) under a key
# that carries everything it is made from: the figures' versions for the years read (and when
# they were last rebuilt), the areas' version, the suppression threshold and the query. A
# rebuild or refresh changes the figures' version and an edit of any area (name, population,
# boundary, parent) its version, so an old entry is never read again. It holds counts by area,
# never a child, and decides no access: the view checks the role before it asks for it.
CACHE_SECONDS = 24 * 60 * 60


def boundaries_json(version: str) -> dict[int, str]:
    """Every area's boundary serialised as GeoJSON once per version of the areas, not per
    request."""
    key = f"planning:boundaries:{version}"
    found = cache.get(key)
    if found is None:
        rows = Area.objects.exclude(boundary=None).values_list("pk", "boundary")
        found = {pk: json.dumps(boundary) for pk, boundary in rows if boundary}
        cache.set(key, found, CACHE_SECONDS)
    return found


def geojson_body(query: PlanningQuery, state: NeedFiguresState, version: str | None) -> bytes:
    """The map data for the query, serialised: from the cache when nothing it is made from has
    changed (`version` is the areas' version, None where it cannot be known); worked out (and
    kept) otherwise."""
    if version is None:
        return json.dumps(geojson(planning_view(query, state=state, provision=False))).encode()
    years = sorted({p.year for p in _trend_periods(query.period)})
    parts = [
        version,
        str(state.rebuilt_at),
        str(threshold()),
        *(f"{year}={figures_key(state, year)}" for year in years),
        query.need,
        query.age,
        query.period.key,
        query.figure,
        query.measure,
        query.level,
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    key = f"planning:geojson:{digest}"
    body = cache.get(key)
    if body is None:
        view = planning_view(query, state=state, provision=False)
        body = _geojson_bytes(view, boundaries_json(version))
        cache.set(key, body, CACHE_SECONDS)
    return body


def first_year(state: NeedFiguresState) -> int:
    """The first year with figures (the period list starts there), kept until the figures
    change (a refresh can add an earlier year)."""
    versions = json.dumps(state.year_versions or {}, sort_keys=True)
    stamp = f"{state.version}|{versions}|{state.updated_at}|{state.rebuilt_at}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()
    key = f"planning:first-year:{digest}:{timezone.localdate().year}"
    year = cache.get(key)
    if year is None:
        year = first_year_with_figures()
        cache.set(key, year, CACHE_SECONDS)
    return year


def prepare_map_data() -> bool:
    """Work out, and keep, what the first planner after a refresh or a rebuild would otherwise
    wait for: the suppressed years of the figure the page opens on (every need, this year and
    the years its trend shows) and that view's map data, serialised. Run by the worker after
    the figures change, so the web processes find them in the shared cache. Nothing where
    figures are not kept in Django's cache (SQLite). Returns whether it prepared anything."""
    state, version = figures_and_areas_version()
    if version is None:
        return False
    first_year(state)
    geojson_body(PlanningQuery(), state, version)
    return True


def _geojson_bytes(view: PlanningView, boundaries: dict[int, str]) -> bytes:
    """`geojson(view)` serialised, with each boundary's GeoJSON put in as it was kept."""
    features = []
    for row in view.rows:
        boundary = boundaries.get(row.node.pk)
        if not boundary:
            continue
        properties = {
            "code": row.node.code,
            "name": row.node.name,
            "value": row.shown,
            "class": row.css_class,
            "suppressed": row.count is None,
        }
        features.append(
            f'{{"type": "Feature", "geometry": {boundary}, "properties": {json.dumps(properties)}}}'
        )
    return ('{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}").encode()


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
