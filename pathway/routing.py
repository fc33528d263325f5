"""Routing that explains itself.

`evaluate` is a pure function: facts about a referral and a list of rules in, the routes and the
reasons (in plain words) out. Rules are data (RoutingRule records, versioned in rule sets); the
facts are derived once from the referral's answers and kept with it, so any rule set can be
replayed against past referrals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from earlyyears.needs import EYFS_TO_BROAD_AREA, PRIME_AREAS, ConcernLevel

from .models import Route

LEVEL_RANK = {
    ConcernLevel.NONE: 0,
    ConcernLevel.EMERGING: 1,
    ConcernLevel.SIGNIFICANT: 2,
    ConcernLevel.SEVERE: 3,
}

# Development Matters age bands (months): the child's developmental age in an area.
DEVELOPMENTAL_BANDS: dict[str, tuple[int, int, str]] = {
    "0-11": (0, 11, "Birth to 11 months"),
    "8-20": (8, 20, "8 to 20 months"),
    "16-26": (16, 26, "16 to 26 months"),
    "22-36": (22, 36, "22 to 36 months"),
    "30-50": (30, 50, "30 to 50 months"),
    "40-60": (40, 60, "40 to 60 months"),
}


@dataclass(frozen=True)
class Fact:
    label: str
    kind: type
    choices: tuple[str, ...] = ()
    ordered: bool = False  # choices run from least to most concern, so under/over make sense
    negative: str = ""  # for yes/no facts: the words when the fact does not hold

    @property
    def operators(self) -> tuple[str, ...]:
        if self.kind is bool:
            return ("eq", "ne")
        if self.kind is list:
            return ("contains",)
        if self.kind is int or self.ordered:
            return ("eq", "ne", "lt", "lte", "gt", "gte", "in")
        return ("eq", "ne", "in")

    def comparable(self, value: Any) -> Any:
        return self.choices.index(value) if self.ordered and value in self.choices else value


FACTS: dict[str, Fact] = {
    "age_months": Fact("the child's age in months", int),
    "prime_areas_with_concern": Fact("the number of prime areas with a concern", int),
    "areas_with_concern": Fact("the number of areas of learning with a concern", int),
    "highest_level": Fact(
        "the highest level of concern",
        str,
        tuple(level.value for level in ConcernLevel),
        ordered=True,
    ),
    "max_delay_months": Fact("the largest delay against the child's age, in months", int),
    "support_cycles_completed": Fact("the number of complete assess-plan-do-review cycles", int),
    "family_circumstances_flagged": Fact(
        "family circumstances may need early help",
        bool,
        negative="no family circumstances were flagged for early help",
    ),
    "family_agrees_to_early_help": Fact(
        "the family agrees to an Early Help Assessment",
        bool,
        negative="the family has not agreed to an Early Help Assessment",
    ),
    "ehc_assessment_requested": Fact(
        "an EHC needs assessment is requested",
        bool,
        negative="no EHC needs assessment is requested",
    ),
    "has_diagnosis": Fact(
        "there is a known diagnosis", bool, negative="there is no known diagnosis"
    ),
    "wellcomm_result": Fact(
        "the speech and language screen result",
        str,
        ("not_done", "green", "amber", "red"),
        ordered=True,
    ),
    "source": Fact("where the referral came from", str),
    "broad_areas_of_need": Fact("the broad areas of need", list),
}

OPERATORS: dict[str, str] = {
    "eq": "is",
    "ne": "is not",
    "lt": "is under",
    "lte": "is at most",
    "gt": "is over",
    "gte": "is at least",
    "in": "is one of",
    "contains": "includes",
}


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: Any

    def holds(self, facts: Mapping[str, Any]) -> bool:
        actual = facts.get(self.fact)
        if actual is None:
            return False
        fact = FACTS[self.fact]
        try:
            match self.op:
                case "eq":
                    return actual == self.value
                case "ne":
                    return actual != self.value
                case "in":
                    return actual in self.value
                case "contains":
                    return self.value in actual
            left, right = fact.comparable(actual), fact.comparable(self.value)
            match self.op:
                case "lt":
                    return left < right
                case "lte":
                    return left <= right
                case "gt":
                    return left > right
                case "gte":
                    return left >= right
        except TypeError:
            return False  # a fact of an unexpected type never matches; it never breaks routing
        raise ValueError(f"Unknown operator {self.op!r}")

    def explain(self, facts: Mapping[str, Any]) -> str:
        """E.g. 'the child's age in months is 26 (is under 36)'."""
        fact = FACTS[self.fact]
        actual = facts.get(self.fact)
        if fact.kind is bool:
            holds_as = self.value if self.op == "eq" else not self.value
            return fact.label if holds_as else fact.negative
        return f"{fact.label} is {_words(actual)} ({OPERATORS[self.op]} {_words(self.value)})"


def _words(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return " or ".join(_words(v) for v in value) if value else "none"
    return str(value).replace("_", " ")


@dataclass(frozen=True)
class RuleSpec:
    name: str
    route: str
    conditions: tuple[Condition, ...] = ()
    fallback: bool = False
    rule_id: int | None = None

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(condition.holds(facts) for condition in self.conditions)

    def reason(self, facts: Mapping[str, Any]) -> str:
        route = Route(self.route).label
        if not self.conditions:
            when = "when no other rule does" if self.fallback else "to every referral"
            return f"{route}: “{self.name}” applies {when}."
        because = " and ".join(c.explain(facts) for c in self.conditions)
        return f"{route}: “{self.name}”, because {because}."


@dataclass
class RoutingDecision:
    routes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    matched_rules: list[str] = field(default_factory=list)


def validate_conditions(raw: Any) -> tuple[Condition, ...]:
    """Turns stored JSON into conditions, refusing unknown facts, operators or value types."""
    if not isinstance(raw, list):
        raise ValueError("Conditions must be a list")
    conditions = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"fact", "op", "value"}:
            raise ValueError('Each condition needs exactly "fact", "op" and "value"')
        if item["fact"] not in FACTS:
            raise ValueError(f"Unknown fact {item['fact']!r}; known: {', '.join(FACTS)}")
        if item["op"] not in OPERATORS:
            raise ValueError(f"Unknown operator {item['op']!r}; known: {', '.join(OPERATORS)}")
        fact = FACTS[item["fact"]]
        if item["op"] not in fact.operators:
            allowed = ", ".join(f"“{OPERATORS[op]}”" for op in fact.operators)
            raise ValueError(f"{item['fact']} can only be tested with {allowed}")
        values = item["value"] if item["op"] == "in" else [item["value"]]
        if item["op"] == "in" and not isinstance(item["value"], list):
            raise ValueError(f"“is one of” needs a list of values for {item['fact']}")
        expected = str if fact.kind is list else fact.kind
        for value in values:
            if fact.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{item['fact']} needs a whole number")
            if not isinstance(value, expected):
                raise ValueError(f"{item['fact']} needs a {expected.__name__} value")
            if fact.choices and value not in fact.choices:
                raise ValueError(f"{item['fact']} must be one of {', '.join(fact.choices)}")
        conditions.append(Condition(item["fact"], item["op"], item["value"]))
    return tuple(conditions)


def evaluate(facts: Mapping[str, Any], rules: Sequence[RuleSpec]) -> RoutingDecision:
    """Every ordinary rule that matches adds its route; fallbacks only when none matched."""
    decision = RoutingDecision()
    for rule in (r for r in rules if not r.fallback):
        if rule.matches(facts):
            if rule.route not in decision.routes:
                decision.routes.append(rule.route)
            decision.reasons.append(rule.reason(facts))
            decision.matched_rules.append(rule.name)
    if not decision.routes:
        for rule in (r for r in rules if r.fallback):
            if rule.matches(facts):
                decision.routes.append(rule.route)
                decision.reasons.append(rule.reason(facts))
                decision.matched_rules.append(rule.name)
                break
    return decision


def delay_months(age_months: int, band: str | None) -> int:
    """Delay against the child's age: age minus the top of the developmental band reached."""
    if not band or band not in DEVELOPMENTAL_BANDS:
        return 0
    return max(age_months - DEVELOPMENTAL_BANDS[band][1], 0)


def derive_facts(answers: Mapping[str, Any], age_months: int, source: str) -> dict[str, Any]:
    """The facts rules can test, from a referral's structured answers."""
    development: dict[str, dict] = {
        **(answers.get("development") or {}),
        **(answers.get("specific_areas") or {}),
    }
    concerns = {
        area: item
        for area, item in development.items()
        if item.get("level") and item["level"] != ConcernLevel.NONE
    }
    highest = max(
        (item["level"] for item in concerns.values()),
        key=lambda level: LEVEL_RANK.get(level, 0),
        default=ConcernLevel.NONE.value,
    )
    delays = [delay_months(age_months, item.get("age_band")) for item in concerns.values()]
    cycles = answers.get("support_cycles") or []
    health = answers.get("health_family") or {}
    early_help = answers.get("early_help") or {}
    checks = answers.get("checks") or {}
    broad = sorted({EYFS_TO_BROAD_AREA[area] for area in concerns if area in EYFS_TO_BROAD_AREA})
    broad = sorted(set(broad) | set(answers.get("broad_areas_of_need") or []))
    return {
        "age_months": age_months,
        "prime_areas_with_concern": sum(1 for area in concerns if area in PRIME_AREAS),
        "areas_with_concern": len(concerns),
        "highest_level": str(highest),
        "max_delay_months": max(delays, default=0),
        "support_cycles_completed": sum(1 for cycle in cycles if cycle.get("complete")),
        "family_circumstances_flagged": bool(health.get("family_circumstances")),
        "family_agrees_to_early_help": bool(early_help.get("family_agrees")),
        "ehc_assessment_requested": bool(health.get("ehc_assessment_requested")),
        "has_diagnosis": bool((health.get("diagnoses") or "").strip()),
        "wellcomm_result": checks.get("wellcomm_result") or "not_done",
        "source": source,
        "broad_areas_of_need": [str(b) for b in broad],
    }


DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "Under 3 with a delay in two or more prime areas",
        "route": Route.PORTAGE,
        "conditions": [
            {"fact": "age_months", "op": "lt", "value": 36},
            {"fact": "prime_areas_with_concern", "op": "gte", "value": 2},
        ],
    },
    {
        "name": "Family circumstances may need early help",
        "route": Route.EARLY_HELP,
        "conditions": [{"fact": "family_circumstances_flagged", "op": "eq", "value": True}],
    },
    {
        "name": "Severe needs",
        "route": Route.SEND_TEAM,
        "conditions": [{"fact": "highest_level", "op": "eq", "value": "severe"}],
    },
    {
        "name": "EHC needs assessment requested",
        "route": Route.SEND_TEAM,
        "conditions": [{"fact": "ehc_assessment_requested", "op": "eq", "value": True}],
    },
    {
        "name": "Delay of 18 months or more",
        "route": Route.SEND_TEAM,
        "conditions": [{"fact": "max_delay_months", "op": "gte", "value": 18}],
    },
    {
        "name": "Complex needs: three or more areas of learning",
        "route": Route.SEND_TEAM,
        "conditions": [{"fact": "areas_with_concern", "op": "gte", "value": 3}],
    },
    {
        "name": "Two full support cycles without enough progress",
        "route": Route.SEND_TEAM,
        "conditions": [
            {"fact": "support_cycles_completed", "op": "gte", "value": 2},
            {"fact": "highest_level", "op": "in", "value": ["significant", "severe"]},
        ],
    },
    {
        "name": "Emerging needs only: signpost to services in the local offer",
        "route": Route.LOCAL_OFFER,
        "conditions": [{"fact": "highest_level", "op": "eq", "value": "emerging"}],
        "fallback": True,
    },
    {
        "name": "Otherwise the SEND team triages",
        "route": Route.SEND_TEAM,
        "conditions": [],
        "fallback": True,
    },
)


def rule_specs(rules: Iterable[Mapping[str, Any]]) -> list[RuleSpec]:
    return [
        RuleSpec(
            name=rule["name"],
            route=str(rule["route"]),
            conditions=validate_conditions(rule.get("conditions", [])),
            fallback=bool(rule.get("fallback")),
            rule_id=rule.get("id"),
        )
        for rule in rules
    ]
