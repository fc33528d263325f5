"""Disclosure control (pure: no database): which counts are hidden, so no figure identifies a
child.

Primary suppression: counts from 1 to the threshold minus one are shown as ``[c]``. Secondary
suppression: more cells are hidden until no hidden cell can be worked out from a total.

How suppression stays consistent. Suppression is worked out once for a whole calendar year of
one figure and one need (every area at every level x every age band and "all ages" x the
year, its quarters and its months), treating each parent area, each "all ages" figure, each
quarter and the year as a total of its parts: the year's cube. Every page, map, table and CSV
reads from that one pattern, so comparing two views cannot reveal a hidden cell either.
"""

from __future__ import annotations

import datetime
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from pathway.planning.areas import AreaTree
from pathway.planning.figures import AGE_BANDS
from pathway.planning.periods import Period, periods_of_year

SUPPRESSED = "[c]"
SUPPRESSION_EXPLANATION = (
    "[c] means the figure is confidential: it is between 1 and {low} children or referrals, "
    "or it has been hidden so that a small figure cannot be worked out from the totals."
)


def threshold() -> int:
    """Counts from 1 to threshold - 1 are suppressed (default 5: 1 to 4)."""
    return int(getattr(settings, "PLANNING_SUPPRESSION_THRESHOLD", 5))


def suppression_explanation() -> str:
    return SUPPRESSION_EXPLANATION.format(low=threshold() - 1)


# --- The rules -------------------------------------------------------------------------------


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


def secondary_suppression(
    values: Mapping[Any, int], lines_of: Callable[[Any], Iterable[Line]], limit: int
) -> set[Any]:
    """The cells to hide: every primary cell, then, for each line left with exactly one hidden
    cell, its smallest other non-zero cell (a zero only if nothing else is left), repeated until
    no line has exactly one hidden cell. Deterministic: cells are taken in sorted order and
    ties go to the first cell in the line.

    `values` holds the cells' counts (a cell missing from it counts as 0); `lines_of(cell)`
    gives the lines the cell is in."""
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
        if sum(1 for cell in line.cells if cell in hidden) != 1:
            continue
        chosen = _complementary_cell(line, hidden, values)
        if chosen is None:
            continue
        hidden.add(chosen)
        push(chosen)
    return hidden


def _complementary_cell(line: Line, hidden: set[Any], values: Mapping[Any, int]) -> Any | None:
    """The cell to hide beside a line's one hidden cell: its smallest non-zero shown cell (a
    zero only if nothing else is left), the first in the line on a tie; None if none is left."""
    candidates = [
        (position, cell) for position, cell in enumerate(line.cells) if cell not in hidden
    ]
    nonzero = [(p, c) for p, c in candidates if values.get(c, 0) > 0]
    pool = nonzero or candidates
    if not pool:
        return None
    _, chosen = min(pool, key=lambda pc: (values.get(pc[1], 0), pc[0]))
    return chosen


# --- The suppressed cube for one year ---------------------------------------------------------


class CubeIndex:
    """Cells of a year's cube as small integers (area x age x period), so working out the
    suppression of tens of thousands of cells stays quick in Python."""

    AGES: tuple[str, ...] = ("", *AGE_BANDS)

    def __init__(self, tree: AreaTree, year: int):
        self.tree = tree
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
    values = _year_values(month_rows, index, year)
    hidden = cube_suppression(values, index, limit)
    return YearCube(index, values, hidden)


def cube_suppression(values: Mapping[int, int], index: CubeIndex, limit: int) -> set[int]:
    """`secondary_suppression(values, cube_lines_of(index), limit)`, the same cells, worked out
    several times faster (the first request after a refresh waits for it): each line is a
    number worked out from its cell (no objects), and each line's count of hidden cells is
    kept as cells are hidden instead of counted again whenever the line is looked at.

    Lines, numbered: (ages, area, period), then (area, its own areas, age, period), then
    (year, area, age), then (quarter, area, age, quarter); each cell's lines in the order
    `cube_lines_of` gives them, so the queue, and so the cells chosen, are the same."""
    tree, areas = index.tree, index.areas
    n_periods, n_ages, width = len(index.periods), len(CubeIndex.AGES), index.width
    n_areas = len(areas)
    position = index.area_position
    children = [[position[c] for c in tree.nodes[pk].children] for pk in areas]
    parent = [position.get(tree.nodes[pk].parent_id, -1) for pk in areas]
    area_lines = n_areas * n_periods
    year_lines = area_lines + n_areas * width
    quarter_lines = year_lines + n_areas * n_ages
    n_lines = quarter_lines + n_areas * n_ages * 4
    quarter_of = [0, 1, 2, 3, 4] + [(p - 5) // 3 + 1 for p in range(5, n_periods)]

    def lines_of(cell: int) -> list[int]:
        area, rest = divmod(cell, width)
        age, period = divmod(rest, n_periods)
        out = [area * n_periods + period]
        if children[area]:
            out.append(area_lines + area * width + rest)
        up = parent[area]
        if up >= 0:
            out.append(area_lines + up * width + rest)
        if period <= 4:
            out.append(year_lines + area * n_ages + age)
        if period >= 1:
            out.append(quarter_lines + (area * n_ages + age) * 4 + quarter_of[period] - 1)
        return out

    def cells_of(line: int) -> list[int]:
        """The line's total, then its members (as `Line.cells`)."""
        if line < area_lines:
            area, period = divmod(line, n_periods)
            base = area * width + period
            return [base + a * n_periods for a in range(n_ages)]
        if line < year_lines:
            area, rest = divmod(line - area_lines, width)
            return [area * width + rest] + [k * width + rest for k in children[area]]
        if line < quarter_lines:
            base = (line - year_lines) * n_periods  # area * width + age * n_periods
            return [base, base + 1, base + 2, base + 3, base + 4]
        row, q = divmod(line - quarter_lines, 4)
        base = row * n_periods
        first = 5 + 3 * q
        return [base + q + 1, base + first, base + first + 1, base + first + 2]

    hidden = {cell for cell, value in values.items() if 0 < value < limit}
    count = [0] * n_lines
    pending = bytearray(n_lines)
    queue: deque[int] = deque()
    for cell in hidden:
        for line in lines_of(cell):
            count[line] += 1
    for cell in sorted(hidden):
        for line in lines_of(cell):
            if not pending[line]:
                pending[line] = 1
                queue.append(line)
    get = values.get
    while queue:
        line = queue.popleft()
        pending[line] = 0
        if count[line] != 1:
            continue
        chosen, best = None, None
        for cell in cells_of(line):  # as _complementary_cell: smallest non-zero, first on a tie
            if cell in hidden:
                continue
            value = get(cell, 0)
            key = (value <= 0, value)
            if best is None or key < best:
                chosen, best = cell, key
        if chosen is None:
            continue
        hidden.add(chosen)
        chosen_lines = lines_of(chosen)
        for other in chosen_lines:
            count[other] += 1
        for other in chosen_lines:
            if not pending[other]:
                pending[other] = 1
                queue.append(other)
    return hidden


def _year_values(
    month_rows: Iterable[tuple[int, str, datetime.date, int]], index: CubeIndex, year: int
) -> dict[int, int]:
    """The cube's non-zero cells: each month's count, added into its quarter and the year.
    Rows for other years, unknown areas or unknown age bands are left out."""
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
    return dict(values)
