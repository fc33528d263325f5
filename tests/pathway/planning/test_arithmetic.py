"""The arithmetic, on hand-built figures: counts, rates, periods, primary and secondary
suppression (rows, columns, totals, the area hierarchy, ages and periods), map classes, CSV
cells. Pure functions: no database."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections import defaultdict

import pytest

from earlyyears.exports import csv_bytes
from pathway.planning.areas import AreaNode, AreaTree
from pathway.planning.disclosure import (
    Line,
    build_cube,
    cube_lines_of,
    is_primary,
    secondary_suppression,
)
from pathway.planning.periods import Period
from pathway.planning.report import class_breaks, class_of, rate_per_1000


def lines_index(lines: list[Line]):
    """For hand-written lines: a function giving the lines a cell is in."""
    by_cell: dict = defaultdict(list)
    for line in lines:
        if line.members:
            for cell in line.cells:
                by_cell[cell].append(line)
    return lambda cell: by_cell.get(cell, [])


def table_lines(rows: int, cols: int) -> list[Line]:
    """A rows x cols table with a total column ("T" at column index cols), a total row and
    a grand total: cells are (r, c) with r == rows or c == cols for totals."""
    lines = [Line((r, cols), tuple((r, c) for c in range(cols))) for r in range(rows + 1)]
    lines += [Line((rows, c), tuple((r, c) for r in range(rows))) for c in range(cols + 1)]
    return lines


def table(values: list[list[int]]) -> dict[tuple[int, int], int]:
    """Cells of a table, with row, column and grand totals added."""
    rows, cols = len(values), len(values[0])
    out = {(r, c): values[r][c] for r in range(rows) for c in range(cols)}
    for r in range(rows):
        out[(r, cols)] = sum(values[r])
    for c in range(cols):
        out[(rows, c)] = sum(values[r][c] for r in range(rows))
    out[(rows, cols)] = sum(sum(row) for row in values)
    return out


def recoverable(values, hidden, lines) -> set:
    """Hidden cells an attacker can work out from a single line (total minus the rest)."""
    found = set()
    for line in lines:
        unknown = [cell for cell in line.cells if cell in hidden]
        if len(unknown) == 1:
            found.add(unknown[0])
    return found


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [(0, 5, False), (1, 5, True), (4, 5, True), (5, 5, False), (2, 3, True), (3, 3, False)],
)
def test_primary_suppression_hides_one_to_threshold_minus_one(value, limit, expected):
    assert is_primary(value, limit) is expected


def test_no_small_counts_means_nothing_hidden():
    values = table([[10, 20], [30, 0]])
    lines = table_lines(2, 2)
    assert secondary_suppression(values, lines_index(lines), 5) == set()


def test_a_single_small_cell_in_a_row_takes_a_second_cell_with_it():
    values = table([[3, 10, 12], [20, 25, 30], [40, 41, 42]])
    lines = table_lines(3, 3)
    hidden = secondary_suppression(values, lines_index(lines), 5)
    assert (0, 0) in hidden
    # Its row and column each hide another cell (the smallest), and those need partners too.
    assert (0, 1) in hidden and (1, 0) in hidden
    assert (1, 1) in hidden  # completes the rectangle: no line is left with one hidden cell
    assert recoverable(values, hidden, lines) == set()
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_the_next_smallest_non_zero_cell_is_chosen_not_a_zero():
    values = {"total": 12, "a": 2, "b": 0, "c": 10}
    hidden = secondary_suppression(values, lines_index([Line("total", ("a", "b", "c"))]), 5)
    assert hidden == {"a", "c"}


def test_a_zero_is_hidden_only_when_nothing_else_is_left():
    values = {"total": 3, "a": 3, "b": 0}
    # The total is primary too here, so two cells are hidden already.
    assert secondary_suppression(values, lines_index([Line("total", ("a", "b"))]), 5) == {
        "total",
        "a",
    }
    values = {"total": 7, "a": 3, "b": 0}
    hidden = secondary_suppression(values, lines_index([Line("total", ("a", "b"))]), 5)
    assert hidden == {"a", "total"}  # the total (7) is smaller than nothing else non-zero


def test_the_total_itself_can_be_the_complementary_cell():
    values = {"total": 9, "a": 4, "b": 5}
    hidden = secondary_suppression(values, lines_index([Line("total", ("a", "b"))]), 5)
    assert hidden == {"a", "b"}  # b (5) is smaller than the total (9)


def test_two_small_cells_in_a_line_protect_each_other():
    values = {"total": 50, "a": 2, "b": 3, "c": 45}
    hidden = secondary_suppression(values, lines_index([Line("total", ("a", "b", "c"))]), 5)
    assert hidden == {"a", "b"}


def test_suppression_iterates_across_linked_lines_until_stable():
    # A district total is shown, and the county total over districts: hiding a ward hides a
    # second ward; if that makes a district the only hidden cell in the county line, another
    # district goes too.
    values = {
        "county": 60,
        "north": 3,
        "south": 57,
        "n1": 3,
        "n2": 0,
        "s1": 27,
        "s2": 30,
    }
    lines = [
        Line("county", ("north", "south")),
        Line("north", ("n1", "n2")),
        Line("south", ("s1", "s2")),
    ]
    hidden = secondary_suppression(values, lines_index(lines), 5)
    assert hidden == {"north", "n1", "south", "s1"}
    assert recoverable(values, hidden, lines) == set()


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_leave_a_hidden_cell_recoverable(seed):
    import random

    rng = random.Random(seed)
    rows, cols = rng.randint(2, 6), rng.randint(2, 5)
    grid = [[rng.choice([0, 1, 2, 3, 4, 5, 8, 13, 30]) for _ in range(cols)] for _ in range(rows)]
    values = table(grid)
    lines = table_lines(rows, cols)
    hidden = secondary_suppression(values, lines_index(lines), 5)
    assert {cell for cell, v in values.items() if 0 < v < 5} <= hidden
    assert recoverable(values, hidden, lines) == set()


def test_suppression_is_the_same_whatever_order_the_cells_come_in():
    values = table([[3, 10, 12, 1], [20, 2, 30, 9], [40, 41, 4, 7]])
    lines = table_lines(3, 4)
    first = secondary_suppression(values, lines_index(lines), 5)
    reordered = dict(reversed(list(values.items())))
    assert secondary_suppression(reordered, lines_index(list(reversed(lines))), 5) == first


def test_threshold_is_a_parameter():
    values = {"t": 13, "a": 6, "b": 7}
    assert secondary_suppression(values, lines_index([Line("t", ("a", "b"))]), 5) == set()
    assert secondary_suppression(values, lines_index([Line("t", ("a", "b"))]), 7) == {"a", "b"}


# --- Rates, classes, periods -----------------------------------------------------------------


def test_rates_per_thousand_children_under_five():
    assert rate_per_1000(12, 2400) == 5.0
    assert rate_per_1000(1, 3000) == 0.3
    assert rate_per_1000(0, 1000) == 0.0
    assert rate_per_1000(None, 1000) is None  # built on a suppressed count: suppressed too
    assert rate_per_1000(5, 0) is None  # no population: no rate


def test_classes_are_five_equal_steps_from_the_smallest_shown_to_the_largest():
    breaks = class_breaks([5.0, 10.0, 6.0, 7.0, 8.0, 9.0, 15.0])
    assert breaks == [7.0, 9.0, 11.0, 15.0]  # (11, 13] holds no figure: no class for it
    assert [class_of(v, breaks) for v in (0, 5, 7, 7.5, 9, 10, 15)] == [0, 1, 1, 2, 2, 3, 4]
    assert class_of(None, breaks) == 0
    assert class_breaks([]) == [] and class_breaks([0, 0]) == []


@pytest.mark.parametrize(
    ("key", "previous"),
    [
        ("2025", "2024"),
        ("2025-Q1", "2024-Q4"),
        ("2025-Q3", "2025-Q2"),
        ("2025-01", "2024-12"),
        ("2025-07", "2025-06"),
    ],
)
def test_periods_parse_and_step_back(key, previous):
    period = Period.parse(key)
    assert period.key == key
    assert period.previous().key == previous


@pytest.mark.parametrize("bad", ["", "20x5", "2025-Q5", "2025-13", "2025-1", "abc-Q1", "2025-Q"])
def test_bad_period_keys_are_refused(bad):
    assert Period.parse(bad) is None


# --- The year cube: hierarchy, ages and periods together --------------------------------------


def small_tree() -> AreaTree:
    return AreaTree(
        [
            AreaNode(1, "C", "County", "county", None, 0),
            AreaNode(2, "D1", "North", "district", 1, 0),
            AreaNode(3, "D2", "South", "district", 1, 0),
            AreaNode(4, "W1", "Ash", "ward", 2, 1000),
            AreaNode(5, "W2", "Birch", "ward", 2, 2000),
            AreaNode(6, "W3", "Cedar", "ward", 3, 1500),
            AreaNode(7, "W4", "Damson", "ward", 3, 500),
        ]
    )


def month_rows(ward_counts: dict[int, dict[str, dict[int, int]]], year: int) -> list[tuple]:
    """Month figures for wards (by age band and month), rolled up to districts and county the
    way the rebuild does, with 'all ages' the sum of the bands."""
    tree = small_tree()
    cells: dict[tuple, int] = {}
    for ward, by_age in ward_counts.items():
        for age, by_month in by_age.items():
            for month, count in by_month.items():
                for area in tree.ancestors(ward):
                    for band in ("", age):
                        key = (area, band, datetime.date(year, month, 1))
                        cells[key] = cells.get(key, 0) + count
    return [(a, b, m, c) for (a, b, m), c in cells.items()]


def test_population_of_a_parent_is_its_own_or_the_sum_of_its_areas():
    tree = small_tree()
    assert tree.nodes[2].population == 3000
    assert tree.nodes[1].population == 5000
    assert tree.ancestors(5) == [5, 2, 1]
    assert sorted(tree.descendants(2)) == [4, 5]


def test_cube_sums_months_into_quarters_and_years():
    rows = month_rows({4: {"2": {1: 10, 2: 5, 4: 7}}, 6: {"3": {1: 20}}}, 2025)
    cube = build_cube(rows, small_tree(), 2025, 5)
    assert cube.get(4, "2", Period.parse("2025-Q1")) == 15
    assert cube.get(4, "", Period.parse("2025")) == 22
    assert cube.get(2, "", Period.parse("2025-Q2")) == 7
    assert cube.get(1, "", Period.parse("2025")) == 42
    assert cube.get(7, "", Period.parse("2025")) == 0


def cube_is_safe(cube, tree, year) -> set:
    """Every line of the cube: no hidden cell is alone in one."""
    lines_of = cube_lines_of(cube.index)
    all_lines = {line for cell in cube.values for line in lines_of(cell)}
    all_lines |= {line for cell in cube.hidden for line in lines_of(cell)}
    return recoverable(cube.values, cube.hidden, all_lines)


def test_cube_hides_a_small_ward_and_enough_around_it():
    counts = {
        4: {"2": {1: 3}},  # Ash: 3 in January, age 2: primary
        5: {"2": {1: 20, 5: 12}, "3": {1: 9}},
        6: {"3": {3: 30, 7: 6}},
        7: {"4+": {2: 11, 11: 8}},
    }
    tree = small_tree()
    cube = build_cube(month_rows(counts, 2025), tree, 2025, 5)
    january, quarter, year = (Period.parse(k) for k in ("2025-01", "2025-Q1", "2025"))
    assert cube.get(4, "2", january) is None
    assert cube.get(4, "", january) is None  # Ash's all-ages January is the same 3
    # North's January total is shown, so Birch's January must be hidden as well...
    assert cube.get(2, "", january) is not None
    assert cube.get(5, "", january) is None
    # ...and no hidden cell is alone in any total: ward, district, county, age, quarter, year.
    assert cube_is_safe(cube, tree, 2025) == set()
    # Ash's quarter and year are 3 as well: hidden.
    assert cube.get(4, "", quarter) is None and cube.get(4, "", year) is None


@pytest.mark.parametrize("seed", range(15))
def test_random_cubes_are_safe(seed):
    import random

    rng = random.Random(seed)
    counts = {
        ward: {
            age: {month: rng.choice([0, 0, 1, 2, 3, 6, 9]) for month in rng.sample(range(1, 13), 4)}
            for age in rng.sample(["0-1", "2", "3", "4+"], 2)
        }
        for ward in (4, 5, 6, 7)
    }
    tree = small_tree()
    cube = build_cube(month_rows(counts, 2024), tree, 2024, 5)
    primary = {key for key, value in cube.values.items() if 0 < value < 5}
    assert primary <= cube.hidden
    assert cube_is_safe(cube, tree, 2024) == set()


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-3.5", "-3.5"),  # a negative number is a number, not a formula
        ("[c]", "[c]"),
        ("Ward 1", "Ward 1"),
        (None, ""),
    ],
)
def test_csv_cells_cannot_be_formulas(value, expected):
    """The planning CSV is written by the project's one exporter, which neutralises cells."""
    text = csv_bytes([[value]], bom=False).decode()
    assert next(csv.reader(io.StringIO(text))) == [expected]


def test_every_pair_of_hidden_cells_in_a_table_line_is_not_alone():
    # A direct check of the rule on every line of a 4 x 4 table with one small cell per row.
    grid = [[1, 9, 9, 9], [9, 2, 9, 9], [9, 9, 3, 9], [9, 9, 9, 4]]
    values = table(grid)
    lines = table_lines(4, 4)
    hidden = secondary_suppression(values, lines_index(lines), 5)
    for line in lines:
        assert sum(1 for c in line.cells if c in hidden) != 1
    assert all((r, r) in hidden for r, _ in itertools.product(range(4), [0]))


# --- The cube's own suppression: the generic rule's cells, faster ------------------------------


def wide_tree(districts: int = 4, wards: int = 9) -> AreaTree:
    """A county, its districts and their wards (areas named so children sort apart from ids)."""
    nodes = [AreaNode(1, "C", "County", "county", None, 0)]
    for d in range(districts):
        nodes.append(AreaNode(10 + d, f"D{d}", f"District {9 - d}", "district", 1, 0))
        for w in range(wards):
            pk = 100 + d * wards + w
            nodes.append(AreaNode(pk, f"W{pk}", f"Ward {(w * 7) % wards}", "ward", 10 + d, 900))
    return AreaTree(nodes)


def rolled_up(tree: AreaTree, ward_counts: dict, year: int) -> list[tuple]:
    cells: dict[tuple, int] = defaultdict(int)
    for (ward, age, month), count in ward_counts.items():
        for area in tree.ancestors(ward):
            for band in ("", age):
                cells[(area, band, datetime.date(year, month, 1))] += count
    return [(a, b, m, c) for (a, b, m), c in cells.items()]


@pytest.mark.parametrize("seed", range(12))
def test_the_cube_suppression_hides_exactly_the_cells_the_generic_rule_hides(seed):
    """`build_cube` uses `cube_suppression`; it must choose the very cells the generic rule
    chooses over the cube's lines (same queue, same ties), on sparse and dense years alike."""
    import random

    from pathway.planning.disclosure import CubeIndex, _year_values, cube_suppression

    rng = random.Random(seed)
    tree = wide_tree(districts=rng.randint(1, 5), wards=rng.randint(1, 12))
    wards = [pk for pk, node in tree.nodes.items() if node.kind == "ward"]
    small = rng.choice([[0, 1, 2, 3], [0, 0, 1, 4, 6, 9, 20], [0, 5, 8, 30, 1]])
    counts = {
        (ward, age, month): rng.choice(small)
        for ward in wards
        for age in ("0-1", "2", "3", "4+")
        for month in range(1, 13)
        if rng.random() < 0.6
    }
    index = CubeIndex(tree, 2025)
    values = _year_values(rolled_up(tree, counts, 2025), index, 2025)
    for limit in (3, 5):
        expected = secondary_suppression(values, cube_lines_of(index), limit)
        assert cube_suppression(values, index, limit) == expected
    cube = build_cube(rolled_up(tree, counts, 2025), tree, 2025, 5)
    assert cube.hidden == secondary_suppression(cube.values, cube_lines_of(cube.index), 5)
