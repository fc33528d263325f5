"""Why a referral went where it went, in the reader's words.

`{% routing_reasons referral %}` (staff: the facts, their values and the thresholds, with the
rule and version) or `{% routing_reasons referral "family" %}` (plain and kind, no thresholds).
The referral keeps its reasons as data; the sentences are written here, when shown."""

from __future__ import annotations

from typing import Any

from django import template

from ..routing import reason_sentences, staff_sentence

register = template.Library()


def reason_items(reasons: list[Any], routes: list[str], register_: str = "staff") -> list[dict]:
    """Each reason as a sentence, and (for staff) the rule and version that gave it."""
    if register_ == "family":
        return [{"sentence": s} for s in reason_sentences(reasons, routes, "family")]
    items = []
    for reason in reasons:
        if isinstance(reason, str):
            items.append({"sentence": reason, "stored": True})
        else:
            items.append(
                {
                    "sentence": staff_sentence(reason),
                    "rule": reason.get("rule", ""),
                    "version": reason.get("version"),
                }
            )
    return items


@register.inclusion_tag("pathway/includes/routing_reasons.html")
def routing_reasons(referral: Any, register_: str = "staff") -> dict:
    reasons = list(getattr(referral, "routing_reasons", None) or [])
    routes = list(getattr(referral, "routes", None) or [])
    return {"items": reason_items(reasons, routes, register_), "family": register_ == "family"}


@register.simple_tag
def reasons_of(reasons: list[Any], register_: str = "staff") -> list[dict]:
    """Reasons not on a referral (the rule tester's replay): `{% reasons_of r as items %}`."""
    return reason_items(list(reasons or []), [], register_)
