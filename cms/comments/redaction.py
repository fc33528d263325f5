"""A first pass at redacting a family's comment before a moderator reads it through.

Only what a pattern can find with confidence (email addresses, phone numbers, postcodes, long
numbers such as an NHS number, dates that may be a birthday). Names and other details are for
the moderator: the suggestion is where they start, never what is published unread."""

from __future__ import annotations

import re

REMOVED = "[removed]"

PATTERNS = [
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # email addresses
    # UK postcodes, full (WM1 2AB) or outward and inward run together (WM12AB)
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    # phone numbers: 0 or +44 then 9 or 10 more digits, spaces or dashes between
    re.compile(r"(?<![\w+])(\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\w)"),
    re.compile(r"\b\d(\s?\d){7,}\b"),  # long numbers (NHS numbers, references)
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),  # dates like 3/4/2022
]


def suggest_redaction(text: str) -> str:
    """The text with the details a pattern recognises replaced by [removed]."""
    for pattern in PATTERNS:
        text = pattern.sub(REMOVED, text)
    return text


def unredacted_details(text: str) -> bool:
    """Whether the text still has something a pattern recognises as personal details."""
    return suggest_redaction(text) != text
