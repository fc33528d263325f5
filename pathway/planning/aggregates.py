"""The stored planning figures: `NeedFigure` rows by area (every level), month and slice.

Written by the full rebuild (nightly, and after a merge) and by one referral's refresh (after
each new concern), both by the SQL in `sql.py`, run in the database; read back a year at a
time with disclosure control applied (`year_cube`). The page reads only these rows, never
referrals. `NeedFiguresState` carries a version for each year, so the suppressed years kept in
memory are dropped whenever a figure of theirs may have changed.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from pathway.models import NeedFigure, NeedFigureRefresh, NeedFiguresState, Referral
from pathway.planning.areas import AREAS_VERSION_SQL, AreaParents, AreaTree, areas_version
from pathway.planning.disclosure import (
    CubeIndex,
    YearCube,
    build_cube,
    cube_suppression,
    threshold,
)
from pathway.planning.figures import FIGURE_COLUMNS, need_slice
from pathway.planning.periods import add_months, month_start
from pathway.planning.sql import rebuild_sql, refresh_sql

# --- Writing: the rebuild and the refresh ----------------------------------------------------


def rebuild_need_figures() -> int:
    """Every figure from scratch, in one transaction (readers see the old figures until it
    commits). Idempotent: run twice, the same rows. Returns the number of rows."""
    tz = timezone.get_current_timezone_name()
    with transaction.atomic():
        state = _lock_state()
        # Cells waiting now are in the rebuild (its statement starts after this one); any added
        # while it runs stay on the list for their own refresh.
        NeedFigureRefresh.objects.all().delete()
        with connection.cursor() as cursor:
            _fast_settings(cursor, big=True)
            cursor.execute("DELETE FROM pathway_needfigure")
            cursor.execute(rebuild_sql(), [tz])
        _bump(state)
        return state.rows


def refresh_need_figures_for_referral(referral_id: int) -> int:
    """Work out again every cell a referral touches: for each month in which its child has a
    referral, the cells of those referrals' areas and of every area above them, lowest first
    (a back-dated referral can move a child's first concern, so all the child's months are
    redone). Each area's cells are its own referrals' plus the sum of the areas inside it, so
    a refresh reads a few hundred rows, not the county's month.

    The cells are put on the waiting list (`NeedFigureRefresh`) first, and the refresh works
    out every cell waiting when its turn comes: after a burst of submissions the first refresh
    does each cell once and the rest find nothing to do, rather than each waiting its turn to
    redo the county's. Idempotent; returns the rows written."""
    parents = AreaParents.load()
    if not queue_cells_of_referral(referral_id, parents):
        return 0
    return _refresh_waiting_cells(parents)


def queue_cells_of_referral(referral_id: int, parents: AreaParents | None = None) -> bool:
    """Put the cells a referral touches on the waiting list (committed at once, outside any
    transaction, so the refresh whose turn comes first sees them). False for no referral."""
    child_id = Referral.objects.filter(pk=referral_id).values_list("child_id", flat=True).first()
    if child_id is None:
        return False
    parents = parents or AreaParents.load()
    cells = {
        (area_id, month)
        for month, targets in _areas_by_month(child_id, parents).items()
        for area_id in targets
    }
    NeedFigureRefresh.objects.bulk_create(
        [NeedFigureRefresh(area_id=area_id, month=month) for area_id, month in cells],
        ignore_conflicts=True,
    )
    return True


def _refresh_waiting_cells(parents: AreaParents) -> int:
    """Every cell on the waiting list, in one transaction, taking turns with the rebuild and
    other refreshes. Cells added while it runs are left for the refresh that added them."""
    written = 0
    with transaction.atomic():
        state = _lock_state()
        waiting = list(NeedFigureRefresh.objects.values_list("pk", "area_id", "month"))
        if not waiting:
            return 0
        NeedFigureRefresh.objects.filter(pk__in=[pk for pk, _, _ in waiting]).delete()
        cells = sorted(
            {(month, area_id) for _, area_id, month in waiting},
            key=lambda cell: (cell[0], -len(parents.ancestors(cell[1])), cell[1]),
        )
        with connection.cursor() as cursor:
            _fast_settings(cursor, big=False)
            for month, area_id in cells:
                written += _refresh_cells(cursor, area_id, month)
        _bump(state, years={month.year for month, _ in cells})
    return written


def _areas_by_month(child_id: int, parents: AreaParents) -> dict[datetime.date, set[int]]:
    """The months (local time) in which the child has a referral, each with the areas of those
    referrals and every area above them."""
    tz = timezone.get_current_timezone()
    by_month: dict[datetime.date, set[int]] = defaultdict(set)
    for area_id, submitted_at in Referral.objects.filter(child_id=child_id).values_list(
        "area_id", "submitted_at"
    ):
        by_month[month_start(submitted_at.astimezone(tz).date())].update(parents.ancestors(area_id))
    return by_month


def _refresh_cells(cursor, area_id: int, month: datetime.date) -> int:
    start, end = _local_month_window(month)
    day = connection.ops.adapt_datefield_value(month)
    tz = timezone.get_current_timezone_name()
    cursor.execute(
        "DELETE FROM pathway_needfigure WHERE area_id = %s AND month = %s", [area_id, day]
    )
    params = [tz, area_id, start, end, area_id, start, end, area_id, day, area_id, day]
    cursor.execute(refresh_sql(), params)
    return max(cursor.rowcount, 0)


def _local_month_window(month: datetime.date) -> tuple[Any, Any]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(add_months(month, 1), datetime.time.min, tzinfo=tz)
    adapt = connection.ops.adapt_datetimefield_value
    return adapt(start), adapt(end)


def _fast_settings(cursor, *, big: bool) -> None:
    """PostgreSQL: no JIT (these statements' cost estimates are far off, and compiling costs
    more than it saves), and room to sort a full rebuild in memory."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")
        if big:
            cursor.execute("SET LOCAL work_mem = '256MB'")


# --- The figures' version --------------------------------------------------------------------


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


def figures_version() -> NeedFiguresState:
    return NeedFiguresState.objects.filter(pk=1).first() or NeedFiguresState(pk=1)


def figures_and_areas_version() -> tuple[NeedFiguresState, str | None]:
    """The two versions the map data is kept under (`figures_version`, `areas_version`), in
    one query on PostgreSQL: the heatmap's warm request reads nothing else of its own."""
    if connection.vendor != "postgresql":
        return figures_version(), None
    state = (
        NeedFiguresState.objects.filter(pk=1)
        .annotate(areas_version=RawSQL(AREAS_VERSION_SQL, ()))  # noqa: S611 - no parameters
        .first()
    )
    if state is None:
        return NeedFiguresState(pk=1), areas_version()
    return state, state.areas_version


def figures_key(state: NeedFiguresState, year: int) -> str:
    """Changes whenever a figure of the year may have changed (and, with the time of the last
    rebuild in it, is not the same in a database started again from nothing)."""
    rebuilt = state.rebuilt_at.timestamp() if state.rebuilt_at else 0
    return f"{state.version}.{(state.year_versions or {}).get(str(year), 0)}.{rebuilt}"


# --- Reading: a year of figures, suppressed --------------------------------------------------

# Kept in each process on purpose (issue 17): the key carries the figures' version, read from
# the database on every request, so another process's rebuild or refresh changes the key and an
# old cube is never read again; a cube holds counts by area (never a child) and decides no
# access (the planning page checks the role first). On PostgreSQL each cube is also put in
# Django's cache (Redis where configured) under the same key, so a cube worked out once, by a
# worker after a refresh (`report.prepare_map_data`) or by another web process, is read, not
# worked out again: suppressing a year is what made the first request after a refresh slow.
_CUBES: OrderedDict[str, YearCube] = OrderedDict()
_CUBES_KEPT = 64
CUBE_CACHE_SECONDS = 24 * 60 * 60


def year_cube(figure: str, need: str, year: int, tree: AreaTree, version: str) -> YearCube:
    """The suppressed figures for a year, kept until the figures (or the areas) change: the
    key carries the figures' version and the shape of the area tree."""
    limit = threshold()
    shape = tuple((pk, node.parent_id) for pk, node in sorted(tree.nodes.items()))
    key = f"{version}:{limit}:{hash(shape)}:{figure}:{need}:{year}"
    if key in _CUBES:
        _CUBES.move_to_end(key)
        return _CUBES[key]
    shared = _shared_cube_key(f"{limit}:{shape}:{figure}:{need}:{year}", version)
    kept = cache.get(shared) if shared else None
    if kept is not None:
        values, hidden = kept
        cube = YearCube(CubeIndex(tree, year), values, hidden)
    else:
        cube = _read_cube(figure, need, year, tree, limit)
        if shared:
            cache.set(shared, (cube.values, cube.hidden), CUBE_CACHE_SECONDS)
    _CUBES[key] = cube
    while len(_CUBES) > _CUBES_KEPT:
        _CUBES.popitem(last=False)
    return cube


def _read_cube(figure: str, need: str, year: int, tree: AreaTree, limit: int) -> YearCube:
    """A year of one figure and need from the stored months, suppressed. On PostgreSQL the
    months are added into quarters and the year, and put at their place in the cube, by the
    database (one row a cell, not one a month to add up in Python)."""
    broad, eyfs = need_slice(need)
    column = FIGURE_COLUMNS[figure]
    months = NeedFigure.objects.filter(
        broad_area=broad,
        eyfs_area=eyfs,
        month__gte=datetime.date(year, 1, 1),
        month__lt=datetime.date(year + 1, 1, 1),
        **{f"{column}__gt": 0},  # a missing cell is a zero: no need to read them
    )
    if connection.vendor != "postgresql":
        rows = months.values_list("area_id", "age_band", "month", column)
        return build_cube(rows, tree, year, limit)
    index = CubeIndex(tree, year)
    values = _cube_values(months, column, index)
    return YearCube(index, values, cube_suppression(values, index, limit))


def _cube_values(months, column: str, index: CubeIndex) -> dict[int, int]:
    """`disclosure._year_values`, worked out by PostgreSQL: each cell's number in the cube
    (area x age x period, periods being the year, its quarters, then its months) and its
    count, for the month rows of `months`."""
    n_periods = len(index.periods)
    sql, params = months.values("area_id", "age_band", "month", column).query.sql_with_params()
    statement = f"""
        WITH rows AS (
            SELECT a.n - 1 AS area, g.n - 1 AS age,
                   EXTRACT(MONTH FROM f.month)::int AS month, f.{column} AS value
            FROM ({sql}) f
            JOIN unnest(%s::int[]) WITH ORDINALITY AS a(id, n) ON a.id = f.area_id
            JOIN unnest(%s::text[]) WITH ORDINALITY AS g(band, n) ON g.band = f.age_band
        )
        SELECT area * {index.width} + age * {n_periods} + period, SUM(value)
        FROM (
            SELECT area, age, 4 + month AS period, value FROM rows
            UNION ALL SELECT area, age, (month - 1) / 3 + 1, value FROM rows
            UNION ALL SELECT area, age, 0, value FROM rows
        ) cells
        GROUP BY 1
    """  # noqa: S608 - our own column name and integers; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, index.areas, list(CubeIndex.AGES)])
        return {cell: int(total) for cell, total in cursor.fetchall()}


def _shared_cube_key(text: str, version: str) -> str | None:
    """The cube's key in Django's cache: the figures' version, the areas' row versions (so a
    database started again, whose versions and ids repeat, never reads another's cube) and
    what the cube is of. None where there are no row versions (SQLite: this process's memory
    only, as before)."""
    areas = areas_version()
    if areas is None:
        return None
    digest = hashlib.sha256(f"{version}|{areas}|{text}".encode()).hexdigest()
    return f"planning:cube:{digest}"


def first_year_with_figures() -> int:
    first = (
        NeedFigure.objects.filter(broad_area="", eyfs_area="")
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    return first.year if first else timezone.localdate().year
