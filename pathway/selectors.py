"""Reads for the pathway's pages; every one starts from the access layer's querysets."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from earlyyears.models import Child
from earlyyears.needs import EYFSArea
from earlyyears.templatetags.govuk_style import govuk_date

from .access import referral_events_for, referrals_for
from .forms import EARLY_HELP_NEEDS
from .guidance import signposting
from .models import Referral, ReferralEvent, Route, RoutingRuleSet
from .routing import DEVELOPMENTAL_BANDS, evaluate
from .rules import published_rule_set, rules_of

LEVELS = {
    "none": "No concern",
    "emerging": "Emerging",
    "significant": "Significant",
    "severe": "Severe",
}


def child_timeline(user, child: Child) -> list[ReferralEvent]:
    """The child's case history: the events on the child's referrals the user may see."""
    return list(
        referral_events_for(user)
        .filter(referral__child=child)
        .exclude(kind=ReferralEvent.Kind.VIEWED)
        .select_related("actor", "referral")
        .order_by("-at", "-pk")[:100]
    )


def support_cycle_words(cycle: dict[str, Any]) -> str:
    """'Small group sessions. From 6 January 2026 to 6 March 2026. Outcome: some progress.'
    Dates as GOV.UK writes them, and no question marks where a date was not given."""
    started = govuk_date(_day(cycle.get("started_on")))
    reviewed = govuk_date(_day(cycle.get("reviewed_on")))
    if started and reviewed:
        when = f"From {started} to {reviewed}."
    elif started:
        when = f"Started {started}."
    elif reviewed:
        when = f"Reviewed {reviewed}."
    else:
        when = "Dates not given."
    outcome = (cycle.get("outcome") or "").replace("_", " ")
    tried = (cycle.get("tried") or "Not described").rstrip(".")
    return f"{tried}. {when} " + (f"Outcome: {outcome}." if outcome else "Not reviewed yet.")


def _day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def answer_sections(referral: Referral) -> list[dict[str, Any]]:
    """The referral's answers as headed question-and-answer lists, for people to read."""
    answers = referral.answers or {}
    sections = []
    development = {**(answers.get("development") or {}), **(answers.get("specific_areas") or {})}
    if development:
        rows = []
        for area, item in development.items():
            label = EYFSArea(area).label if area in EYFSArea.values else area
            value = LEVELS.get(item.get("level"), item.get("level"))
            if item.get("age_band") in DEVELOPMENTAL_BANDS:
                value += f"; working within {DEVELOPMENTAL_BANDS[item['age_band']][2]}"
            if item.get("evidence"):
                value += f". {item['evidence']}"
            rows.append((label, value))
        sections.append({"title": "Development", "rows": rows})
    cycles = answers.get("support_cycles") or []
    if cycles:
        sections.append(
            {
                "title": "What the setting has tried",
                "rows": [
                    (f"Cycle {n}", support_cycle_words(c)) for n, c in enumerate(cycles, start=1)
                ],
            }
        )
    health = answers.get("health_family") or {}
    if health:
        rows = [
            ("Known diagnoses", health.get("diagnoses") or "None given"),
            (
                "EHC needs assessment requested",
                "Yes" if health.get("ehc_assessment_requested") else "No",
            ),
            (
                "Family circumstances may need early help",
                "Yes" if health.get("family_circumstances") else "No",
            ),
        ]
        sections.append({"title": "Health and family", "rows": rows})
    early_help = answers.get("early_help") or {}
    if early_help:
        labels = dict(EARLY_HELP_NEEDS)
        sections.append(
            {
                "title": "Early help",
                "rows": [
                    (
                        "What the family might need help with",
                        "; ".join(labels.get(code, code) for code in early_help.get("needs") or [])
                        or "Not given",
                    ),
                    ("More about it", early_help.get("details") or "Nothing added"),
                    (
                        "The family agreed to an Early Help Assessment",
                        "Yes" if early_help.get("family_agrees") else "No",
                    ),
                ],
            }
        )
    family = answers.get("family") or {}
    if family.get("family_views"):
        sections.append(
            {"title": "The family's views", "rows": [("In their words", family["family_views"])]}
        )
    return sections


@dataclass
class RuleSetComparison:
    current_version: int
    candidate_version: int
    tried: int = 0
    before: Counter = field(default_factory=Counter)
    after: Counter = field(default_factory=Counter)
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def route_rows(self) -> list[tuple[str, int, int]]:
        return [(label, self.before[code], self.after[code]) for code, label in Route.choices]


def compare_rule_sets(
    candidate: RoutingRuleSet, *, user, limit: int = 1000, referral_ids: list[int] | None = None
) -> RuleSetComparison:
    """Replays the stored facts of recent referrals the user may see (the SEND manager: all),
    or of the given ones (a case review's sample), through the published and candidate rules."""
    current = published_rule_set()
    current_rules, candidate_rules = rules_of(current), rules_of(candidate)
    comparison = RuleSetComparison(current.version, candidate.version)
    recent = referrals_for(user).only("pk", "reference", "facts").order_by("-submitted_at")
    if referral_ids is not None:
        recent = recent.filter(pk__in=referral_ids)
    recent = recent[:limit]
    for referral in recent:
        before = evaluate(referral.facts, current_rules)
        after = evaluate(referral.facts, candidate_rules)
        comparison.tried += 1
        comparison.before.update(before.routes)
        comparison.after.update(after.routes)
        if before.routes != after.routes:
            comparison.changes.append(
                {
                    "referral": referral,
                    "before": [Route(r).label for r in before.routes],
                    "after": [Route(r).label for r in after.routes],
                    "reasons": after.reasons,
                }
            )
    return comparison


def signposting_for(referral: Referral, today: datetime.date | None = None) -> list:
    """Local offer services for the child's age, needs and home area, to show beside the
    routing result: help the family can use while the referral is decided."""
    today = today or timezone.localdate()
    return signposting(
        referral.child.age_in_months(today), list(referral.broad_areas_of_need), referral.area
    )
