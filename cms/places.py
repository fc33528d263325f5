"""Places for the local offer, without its page models: postcodes as text, distances, and the
areas a service offered in one area reaches.

The page models, the selectors and the directory's form all use these, so this module
imports nothing else of `cms`."""

from __future__ import annotations

import math

from earlyyears.models import Area
from earlyyears.postcodes import FULL_POSTCODE, OUTWARD
from earlyyears.postcodes import tidy_postcode as normalise_postcode


def is_postcode(text: str) -> bool:
    compact = normalise_postcode(text).replace(" ", "")
    return bool(FULL_POSTCODE.match(compact) or OUTWARD.match(compact))


def postcode_keys(text: str) -> list[str]:
    """The keys to look a postcode up by, best first: its sector ("WM1 3"), then its district."""
    postcode = normalise_postcode(text)
    match = FULL_POSTCODE.match(postcode.replace(" ", ""))
    return [f"{match.group(1)} {match.group(2)}", match.group(1)] if match else [postcode]


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in miles."""
    r = 3958.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def areas_above(area: Area) -> set[int]:
    """The area and every area it is inside."""
    ids = {area.pk}
    parent_id = area.parent_id
    while parent_id and parent_id not in ids:
        ids.add(parent_id)
        parent_id = Area.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def area_family_ids(area: Area) -> set[int]:
    """The area, every area above it and every area inside it: a county-wide service reaches
    a ward, and a ward's service is in its district."""
    ids = areas_above(area)
    frontier = {area.pk}
    while frontier:
        frontier = (
            set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids
