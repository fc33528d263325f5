"""UK postcodes: one reading of a postcode for the whole service, strict where a record keeps
one and lenient where someone searches."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# [0-9] and [A-Z], not \d and \w: other scripts' digits and letters are not postcodes.
OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?) ?([0-9])([A-Z]{2})$")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def normalise_postcode(value: str) -> str:
    """A full postcode as it is written ("WM1 4AB"); anything else is a ValidationError."""
    compact = _compact(value)
    if not FULL_POSTCODE.match(compact):
        raise ValidationError("Enter a real postcode, like WM1 4AB", code="postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def tidy_postcode(text: str) -> str:
    """What someone typed into a search, in capitals without spaces, with the one space of a
    full postcode ("WM1 4AB"); a district ("WM1") or anything else stays as typed otherwise."""
    compact = _compact(text)
    if FULL_POSTCODE.match(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return compact
