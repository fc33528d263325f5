"""The school-entry forecast: for each coming Reception intake, how many children known to the
pathway will start school, by area and broad area of need, so schools and the council can plan
ahead. Counts only, with the heatmaps' disclosure control: 1 to 4 is hidden, and more is hidden
where a hidden count could be worked out from a total."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from earlyyears.dates import born_in_intake
from earlyyears.models import Child
from earlyyears.needs import BroadAreaOfNeed
from pathway.models import SupportTier
from pathway.planning.areas import AreaTree
from pathway.planning.disclosure import SUPPRESSED, Line, secondary_suppression, threshold

ALL = "children"
TOTAL = 0  # the row for every area together
NO_PLAN = "tier:none"
NEEDS: tuple[tuple[str, str], ...] = tuple((need.value, need.label) for need in BroadAreaOfNeed)
# Each child is in exactly one tier column (their support plan's tier, or none), so the tiers
# add up to the children; needs do not (a child may have more than one).
TIERS: tuple[tuple[str, str], ...] = (
    *((f"tier:{tier.value}", tier.label) for tier in SupportTier),
    (NO_PLAN, "No support plan"),
)
COLUMNS: tuple[tuple[str, str], ...] = ((ALL, "Children"), *NEEDS, *TIERS)


@dataclass(frozen=True)
class ForecastRow:
    name: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Forecast:
    year: int
    level: str
    columns: tuple[tuple[str, str], ...]
    needs: int
    tiers: int
    rows: tuple[ForecastRow, ...]
    total: ForecastRow


def intake_children(year: int):
    """Children known to the pathway (at least one referral) who start Reception that year:
    their age group's, unless a different year was recorded for them."""
    first, last = born_in_intake(year)
    in_age_group = Q(date_of_birth__range=(first, last)) & (
        Q(school_move__isnull=True) | Q(school_move__intake_year__isnull=True)
    )
    return (
        Child.objects.exclude(record_status=Child.RecordStatus.MERGED)
        .filter(in_age_group | Q(school_move__intake_year=year))
        .filter(referrals__isnull=False)
    )


def _counts(year: int, tree: AreaTree, level: str) -> dict[tuple[int, str], int]:
    """Children per (area at the level, column): each child once per column."""
    needs_of: dict[int, set[str]] = defaultdict(set)
    area_of: dict[int, int] = {}
    tier_of: dict[int, str] = {}
    rows = intake_children(year).values_list(
        "pk", "area_id", "referrals__broad_areas_of_need", "support_plan__tier"
    )
    for child_id, area_id, needs, tier in rows.iterator(chunk_size=5000):
        area_of[child_id] = area_id
        needs_of[child_id].update(needs or ())
        tier_of[child_id] = f"tier:{tier}" if tier else NO_PLAN
    counts: dict[tuple[int, str], int] = defaultdict(int)
    at_level: dict[int, int | None] = {}
    for child_id, area_id in area_of.items():
        if area_id not in at_level:
            at_level[area_id] = next(
                (pk for pk in tree.ancestors(area_id) if tree.nodes[pk].kind == level), None
            )
        area = at_level[area_id]
        if area is None:
            continue
        counts[(area, ALL)] += 1
        counts[(area, tier_of[child_id])] += 1
        for need in needs_of[child_id]:
            counts[(area, need)] += 1
    return counts


def school_entry_forecast(year: int, level: str, tree: AreaTree | None = None) -> Forecast:
    tree = tree or AreaTree.load()
    areas = tree.of_kind(level)
    counts = _counts(year, tree, level)
    values: dict[tuple[int, str], int] = {}
    lines: dict[tuple[int, str], list[Line]] = defaultdict(list)
    for column, _ in COLUMNS:
        members = tuple((area.pk, column) for area in areas)
        for cell in members:
            values[cell] = counts.get(cell, 0)
        values[(TOTAL, column)] = sum(values[cell] for cell in members)
        # Areas add up to the total of each column.
        line = Line(total=(TOTAL, column), members=members)
        for cell in line.cells:
            lines[cell].append(line)
    for area in [*areas, None]:
        pk = TOTAL if area is None else area.pk
        line = Line(total=(pk, ALL), members=tuple((pk, tier) for tier, _ in TIERS))
        for cell in line.cells:
            lines[cell].append(line)
    hidden = secondary_suppression(values, lambda cell: lines[cell], threshold())

    def row(name: str, pk: int) -> ForecastRow:
        return ForecastRow(
            name,
            tuple(
                SUPPRESSED if (pk, column) in hidden else f"{values[(pk, column)]:,}"
                for column, _ in COLUMNS
            ),
        )

    return Forecast(
        year=year,
        level=level,
        columns=COLUMNS,
        needs=len(NEEDS),
        tiers=len(TIERS),
        rows=tuple(row(area.name, area.pk) for area in areas),
        total=row("All areas", TOTAL),
    )
