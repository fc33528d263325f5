"""What a planning figure counts, and what it is sliced by.

Each stored figure (a `NeedFigure` row) is one area, one month and one slice: a need (every
need, one broad area of need or one EYFS area of learning) and an age band (or all ages). It
holds the counts below.

How the figures add up. `children` counts a child once, in the month and area of their first
concern in the slice ("children newly raised"): so months add up to quarters and years, and
wards add up to districts, without ever counting a child twice. `referrals` and the route
counts are plain counts. Quarters and years are sums of months; rates are per 1,000 children
under 5 in the area, for the period (not annualised).
"""

from __future__ import annotations

from earlyyears.needs import AgeBand, BroadAreaOfNeed, EYFSArea
from pathway.models import Route

# The count of referrals on each route: route -> its column.
ROUTE_FIELDS: dict[str, str] = {route.value: f"route_{route.value}" for route in Route}


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: the first letter lowered, unless the label is a
    name ("Early Years SEND team", "Early Help Assessment": a capital after the first word) or
    starts with an abbreviation ("EYFS")."""
    first, _, rest = label.partition(" ")
    if any(ch.isupper() for ch in rest) or (len(first) > 1 and first.isupper()):
        return label
    return label[:1].lower() + label[1:]


FIGURES: dict[str, str] = {
    "children": "Children newly raised with a concern",
    "referrals": "Referrals (all routes)",
    **{f"route_{route.value}": f"Referrals to {in_sentence(route.label)}" for route in Route},
}
FIGURE_COLUMNS: dict[str, str] = {
    "children": "children",
    "referrals": "referrals",
    **{f"route_{r}": col for r, col in ROUTE_FIELDS.items()},
}

AGE_BANDS: tuple[str, ...] = tuple(AgeBand.values)
# Upper limits (months, exclusive) of each age band, in order; the last band has none.
AGE_LIMITS: tuple[tuple[int, str], ...] = (
    (24, AgeBand.UNDER_2.value),
    (36, AgeBand.TWO.value),
    (48, AgeBand.THREE.value),
)
LAST_AGE_BAND = AgeBand.FOUR_PLUS.value


def age_range_months(age: str) -> tuple[int, int]:
    """The youngest and oldest age, in months, of an age band."""
    lower = 0
    for limit, band in AGE_LIMITS:
        if band == age:
            return lower, limit - 1
        lower = limit
    return lower, 71


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
