"""Routing that explains itself.

`evaluate` is a pure function: facts about a referral and a list of rules in, the routes and the
reasons out. A reason is data (the rule and its version, each fact with its value and the
threshold); `staff_sentence` and `family_sentence` write it in plain words when it is shown, so
the words can improve without touching a referral. Rules are data (RoutingRule records,
versioned in rule sets); the facts are derived once from the referral's answers and kept with
it, so any rule set can be replayed against past referrals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from earlyyears.dates import age_words as age
from earlyyears.dates import plural
from earlyyears.needs import EYFS_TO_BROAD_AREA, PRIME_AREAS, BroadAreaOfNeed, ConcernLevel

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


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_words(count: int) -> str:
    """GOV.UK style writes small counts in words in running text: 'two or more prime areas'."""
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else str(count)


def _or(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@dataclass(frozen=True)
class Fact:
    """A fact rules can test, and the words for it.

    `staff` and `rule` are sentences about the child with `{q}` for the value or the comparison;
    `family` gives, for an actual value, a kind sentence for the family (no thresholds, no
    jargon). `unit` says how a number reads: "months", "age" or a count noun ("prime area")."""

    label: str
    kind: type
    choices: tuple[str, ...] = ()
    ordered: bool = False  # choices run from least to most concern, so under/over make sense
    unit: str = ""
    staff: str = ""
    rule: str = ""
    words: Mapping[str, str] = field(default_factory=dict)  # staff words for each choice
    family: Any = None  # a function of the actual value (and the condition's value for lists)
    staff_yes: str = ""
    staff_no: str = ""
    negated: str = ""  # the sentence for "is not", where "not" cannot go before the value

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

    def word(self, value: Any) -> str:
        """One value in staff words: '18 months', 'two prime areas', 'severe'."""
        if self.kind is bool:
            return "yes" if value else "no"
        if self.kind is int:
            if self.unit == "months":
                return plural(value, "month")
            if self.unit == "age":
                return age(value)
            noun = self.unit if value == 1 else _nouns(self.unit)
            return f"{number_words(value)} {noun}"
        return self.words.get(value, str(value).replace("_", " "))

    def bare(self, value: Any) -> str:
        """A threshold on its own: 'two' for a count, '18 months', '3 years'."""
        if self.kind is int and self.unit not in ("months", "age"):
            return number_words(value)
        return self.word(value)


def _age_limit(months: int) -> str:
    """'3' for 36 months (as in 'under 3'), else '30 months old'."""
    return str(months // 12) if months and months % 12 == 0 else f"{plural(months, 'month')} old"


def _nouns(unit: str) -> str:
    irregular = {
        "area of learning": "areas of learning",
        "cycle of assess, plan, do and review": "cycles of assess, plan, do and review",
    }
    return irregular.get(unit, f"{unit}s")


def compare_words(fact: Fact, op: str, value: Any) -> str:
    """The comparison as it reads inside the fact's sentence: 'under 3', '18 months or more',
    'two or more prime areas', 'significant or severe'."""
    if fact.kind is int:
        if op == "in":
            if fact.unit in ("age", "months"):
                tail = " months old" if fact.unit == "age" else " months"
                return _or([str(v) for v in value]) + tail
            return f"{_or([number_words(v) for v in value])} {_nouns(fact.unit)}"
        if fact.unit == "age":
            limit = _age_limit(value)
            return {
                "lt": f"under {limit}",
                "lte": f"{limit} or younger",
                "gt": f"older than {limit}",
                "gte": f"{limit} or older",
                "eq": f"exactly {plural(value, 'month')} old",
                "ne": f"any age other than {plural(value, 'month')}",
            }[op]
        amount = fact.word(value)
        if fact.unit == "months":
            return {
                "lt": f"less than {amount}",
                "lte": f"{amount} or less",
                "gt": f"more than {amount}",
                "gte": f"{amount} or more",
                "eq": f"exactly {amount}",
                "ne": f"other than {amount}",
            }[op]
        nouns = _nouns(fact.unit)
        return {
            "lt": f"fewer than {amount}",
            "lte": f"{number_words(value)} or fewer {nouns}",
            "gt": f"more than {amount}",
            "gte": f"{number_words(value)} or more {nouns}",
            "eq": f"exactly {amount}",
            "ne": f"a number of {nouns} other than {number_words(value)}",
        }[op]
    if op == "in":
        return _or([fact.word(v) for v in value])
    if op == "ne":
        return f"not {fact.word(value)}"
    if op in ("lt", "lte", "gt", "gte") and fact.ordered:
        return _or([fact.word(v) for v in _ordered_range(fact, op, value)])
    return fact.word(value)


def _ordered_range(fact: Fact, op: str, value: Any) -> list[str]:
    at = fact.choices.index(value)
    picks = {
        "lt": fact.choices[:at],
        "lte": fact.choices[: at + 1],
        "gt": fact.choices[at + 1 :],
        "gte": fact.choices[at:],
    }[op]
    return list(picks) or [value]


def threshold_words(fact: Fact, op: str, value: Any) -> str:
    """What the rule asked for, said after the actual value; blank when saying it would only
    repeat the value (a yes/no fact, or 'is' on a choice)."""
    if fact.kind in (bool, list) or op == "eq":
        return ""
    if op == "in":
        return f"the rule covers {_or([fact.bare(v) for v in value])}"
    if op == "ne":
        return f"the rule excludes {fact.bare(value)}"
    if fact.kind is int:
        limit = (
            f"{value // 12} years"
            if fact.unit == "age" and value % 12 == 0 and value
            else fact.bare(value)
        )
        return (
            "the threshold is "
            + {
                "lt": f"under {limit}",
                "lte": f"{limit} or less",
                "gt": f"more than {limit}",
                "gte": limit,
            }[op]
        )
    return f"the rule covers {_or([fact.word(v) for v in _ordered_range(fact, op, value)])}"


def _family_count(noun: str, none: str, template: str) -> Any:
    def words(value: Any, _: Any = None) -> str:
        if not value:
            return none
        if value == 3 and "three main areas" in template:
            return template.replace("{n} of the three", "all three")
        return template.format(n=number_words(value), noun=noun if value == 1 else f"{noun}s")

    return words


def _family_choice(table: Mapping[Any, str]) -> Any:
    return lambda value, _=None: table.get(value, "")


def _family_needs(_actual: Any, item: Any = None) -> str:
    label = dict(BroadAreaOfNeed.choices).get(item, str(item or "").replace("_", " "))
    return f"your child may need help with {label[:1].lower()}{label[1:]}"


FACTS: dict[str, Fact] = {
    "age_months": Fact(
        "The child's age",
        int,
        unit="age",
        staff="the child is {q} old",
        rule="the child is {q}",
        family=lambda value, _=None: f"your child is {age(value)} old",
    ),
    "prime_areas_with_concern": Fact(
        "Prime areas with a concern",
        int,
        unit="prime area",
        staff="the child has a concern in {q}",
        family=_family_count(
            "area",
            "the setting has no concern in the three main areas of early development",
            "your child needs some extra help in {n} of the three main areas of early development",
        ),
    ),
    "areas_with_concern": Fact(
        "Areas of learning with a concern",
        int,
        unit="area of learning",
        staff="the child has a concern in {q}",
        family=_family_count(
            "area",
            "the setting has not named an area where your child needs extra help",
            "your child needs some extra help in {n} {noun} of their learning and development",
        ),
    ),
    "highest_level": Fact(
        "The highest level of concern",
        str,
        tuple(level.value for level in ConcernLevel),
        ordered=True,
        staff="the highest level of concern is {q}",
        words={
            "none": "none",
            "emerging": "emerging",
            "significant": "significant",
            "severe": "severe",
        },
        family=_family_choice(
            {
                "none": "the setting has not raised a particular concern",
                "emerging": "the setting has noticed some early signs that your child may need "
                "a little extra help",
                "significant": "the setting thinks your child needs extra help with their "
                "development",
                "severe": "the setting thinks your child needs a lot of extra help with their "
                "development",
            }
        ),
    ),
    "max_delay_months": Fact(
        "The largest delay against the child's age",
        int,
        unit="months",
        staff="the child's development is {q} behind their age",
        family=lambda value, _=None: (
            "some of your child's development is behind what we usually see at their age"
            if value
            else "your child's development is in line with their age"
        ),
    ),
    "support_cycles_completed": Fact(
        "Complete cycles of support in the setting",
        int,
        unit="cycle of assess, plan, do and review",
        staff="the setting has completed {q}",
        family=_family_count(
            "round",
            "the setting has not yet finished a round of extra support with your child",
            "the setting has already tried {n} {noun} of extra support with your child",
        ),
    ),
    "family_circumstances_flagged": Fact(
        "Family circumstances may need early help",
        bool,
        staff_yes="the practitioner says the family's circumstances may need early help",
        staff_no="the practitioner has not flagged the family's circumstances for early help",
        family=_family_choice(
            {
                True: "the setting thinks your family might find some extra support helpful",
                False: "the setting has not asked for support for your family",
            }
        ),
    ),
    "family_agrees_to_early_help": Fact(
        "The family agrees to an Early Help Assessment",
        bool,
        staff_yes="the family agrees to an Early Help Assessment",
        staff_no="the family has not agreed to an Early Help Assessment",
        family=_family_choice(
            {
                True: "you agreed to an Early Help Assessment",
                False: "you have not agreed to an Early Help Assessment",
            }
        ),
    ),
    "ehc_assessment_requested": Fact(
        "An EHC needs assessment is requested",
        bool,
        staff_yes="an EHC needs assessment is requested",
        staff_no="no EHC needs assessment is requested",
        family=_family_choice(
            {
                True: "an Education, Health and Care needs assessment has been asked for",
                False: "nobody has asked for an Education, Health and Care needs assessment",
            }
        ),
    ),
    "has_diagnosis": Fact(
        "The child has a known diagnosis",
        bool,
        staff_yes="the child has a known diagnosis",
        staff_no="the child has no known diagnosis",
        family=_family_choice(
            {True: "your child has a diagnosis", False: "your child does not have a diagnosis"}
        ),
    ),
    "wellcomm_result": Fact(
        "The speech and language screen result",
        str,
        ("not_done", "green", "amber", "red"),
        ordered=True,
        staff="the speech and language screen result is {q}",
        words={"not_done": "none yet", "green": "green", "amber": "amber", "red": "red"},
        family=_family_choice(
            {
                "not_done": "your child has not had a speech and language check yet",
                "green": "your child's speech and language check was on track",
                "amber": "your child's speech and language check showed they may need a "
                "little help with talking and understanding",
                "red": "your child's speech and language check showed they need help with "
                "talking and understanding",
            }
        ),
    ),
    "source": Fact(
        "Where the referral came from",
        str,
        ("setting_concern", "health_notification", "parent_request"),
        staff="the referral came from {q}",
        negated="the referral did not come from {q}",
        words={
            "setting_concern": "an early years setting",
            "health_notification": "a health notification",
            "parent_request": "a parent or carer",
        },
        family=_family_choice(
            {
                "setting_concern": "your child's setting shared a concern with us",
                "health_notification": "a health professional told us about your child",
                "parent_request": "you asked us for help",
            }
        ),
    ),
    "broad_areas_of_need": Fact(
        "The broad areas of need",
        list,
        tuple(BroadAreaOfNeed.values),
        staff="the broad areas of need include {q}",
        words={value: label[:1].lower() + label[1:] for value, label in BroadAreaOfNeed.choices},
        family=_family_needs,
    ),
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

    def sentence(self) -> str:
        """The condition as a rule reads it: 'the child is under 3'."""
        return condition_words(self.fact, self.op, self.value)

    def as_match(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """What a referral keeps of this condition: the fact, the test, and the value it had."""
        actual = facts.get(self.fact)
        return {
            "fact": self.fact,
            "op": self.op,
            "value": list(self.value) if isinstance(self.value, tuple) else self.value,
            "actual": list(actual) if isinstance(actual, tuple) else actual,
        }


def condition_words(fact_name: str, op: str, value: Any) -> str:
    fact = FACTS[fact_name]
    if fact.kind is bool:
        holds_as = bool(value) if op == "eq" else not value
        return fact.staff_yes if holds_as else fact.staff_no
    if op == "ne" and fact.negated:
        return fact.negated.format(q=fact.word(value))
    return (fact.rule or fact.staff).format(q=compare_words(fact, op, value))


@dataclass(frozen=True)
class RuleSpec:
    name: str
    route: str
    conditions: tuple[Condition, ...] = ()
    fallback: bool = False
    rule_id: int | None = None
    version: int | None = None

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(condition.holds(facts) for condition in self.conditions)

    def match(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The structured reason a referral keeps: the rule and its version, each condition
        with its threshold and the fact's value. Sentences are made from it when shown."""
        return {
            "rule": self.name,
            "rule_id": self.rule_id,
            "version": self.version,
            "route": self.route,
            "fallback": self.fallback,
            "conditions": [condition.as_match(facts) for condition in self.conditions],
        }

    def sentence(self) -> str:
        """The rule as a sentence for the rules page: 'Send to the portage service when the
        child is under 3 and the child has a concern in two or more prime areas.'"""
        action = ROUTE_ACTIONS.get(self.route, self.route)
        if not self.conditions:
            if self.fallback:
                return f"If no other rule applies, {action[:1].lower()}{action[1:]}."
            return f"{action} every referral."
        when = _and([condition.sentence() for condition in self.conditions])
        if self.fallback:
            return f"If no other rule applies, {action[:1].lower()}{action[1:]} when {when}."
        return f"{action} when {when}."


ROUTE_ACTIONS = {
    Route.SEND_TEAM: "Send to the Early Years SEND team",
    Route.PORTAGE: "Send to the portage service",
    Route.EARLY_HELP: "Suggest an Early Help Assessment",
    Route.LOCAL_OFFER: "Signpost to services in the local offer",
}
STAFF_ROUTES = {
    Route.SEND_TEAM: "Sent to the Early Years SEND team",
    Route.PORTAGE: "Sent to the portage service",
    Route.EARLY_HELP: "Sent for an Early Help Assessment",
    Route.LOCAL_OFFER: "Signposted to services in the local offer",
}
FAMILY_ROUTES = {
    Route.SEND_TEAM: "We have asked the Early Years SEND team to look at how best to help your "
    "child",
    Route.PORTAGE: "We have asked the portage service, who visit families at home, to get in touch",
    Route.EARLY_HELP: "We have suggested an Early Help Assessment, to find out what support "
    "your family might find helpful",
    Route.LOCAL_OFFER: "We have pointed you to services in the local offer that you can use "
    "straight away",
}


def _staff_clause(condition: Mapping[str, Any], *, alone: bool) -> str:
    fact = FACTS[condition["fact"]]
    op, value, actual = condition["op"], condition["value"], condition.get("actual")
    if fact.kind is bool:
        return fact.staff_yes if actual else fact.staff_no
    if fact.kind is list:
        return fact.staff.format(q=fact.word(value))
    stated = fact.staff.format(q=fact.word(actual))
    threshold = threshold_words(fact, op, value)
    if not threshold:
        return stated
    return f"{stated}, and {threshold}" if alone else f"{stated} ({threshold})"


def staff_sentence(match: Mapping[str, Any] | str) -> str:
    """A match as the SEND team reads it: 'Sent to the Early Years SEND team because the
    child's development is 32 months behind their age, and the threshold is 18 months.'
    A stored sentence (a referral from before reasons were kept as data) is shown as it is."""
    if isinstance(match, str):
        return match
    lead = STAFF_ROUTES.get(match["route"], str(match["route"]))
    conditions = match.get("conditions") or []
    if not conditions:
        if match.get("fallback"):
            return f"{lead} because no other rule applied."
        return f"{lead}, as the rules send every referral there."
    alone = len(conditions) == 1 and not match.get("fallback")
    clauses = [_staff_clause(condition, alone=alone) for condition in conditions]
    if match.get("fallback"):
        clauses.append("no other rule applied")
    return f"{lead} because {_and(clauses)}."


def _family_clause(condition: Mapping[str, Any]) -> str:
    fact = FACTS[condition["fact"]]
    return fact.family(condition.get("actual"), condition.get("value"))


def family_sentence(match: Mapping[str, Any]) -> str:
    """A match as the family reads it: what happens next and why, kindly, with no thresholds
    and no jargon: 'We have asked the portage service, who visit families at home, to get in
    touch, because your child is 2 years, 2 months old and needs some extra help in two of the
    three main areas of early development.'"""
    lead = FAMILY_ROUTES.get(match["route"], str(match["route"]))
    clauses = list(dict.fromkeys(_family_clause(c) for c in match.get("conditions") or []))
    if not clauses:
        return f"{lead}."
    return f"{lead}, because {_and(clauses)}."


def reason_sentences(
    reasons: Sequence[Mapping[str, Any] | str], routes: Sequence[str], register: str = "staff"
) -> list[str]:
    """The sentences for a referral's stored reasons, in the reader's register.

    A referral routed before reasons were kept as data holds sentences; staff see them as
    stored, and families see what happens next on each route (the old sentences were written
    for staff)."""
    if register == "family":
        if reasons and all(not isinstance(reason, str) for reason in reasons):
            return list(dict.fromkeys(family_sentence(reason) for reason in reasons))
        return [f"{FAMILY_ROUTES[route]}." for route in routes if route in FAMILY_ROUTES]
    return [staff_sentence(reason) for reason in reasons]


def family_next_steps(routes: Sequence[str]) -> str:
    """What happens next, for the family's text: the routes only, never the reasons (a text
    never carries a child's health details). 'We have asked the portage service, who visit
    families at home, to get in touch.'"""
    return " ".join(f"{FAMILY_ROUTES[route]}." for route in routes if route in FAMILY_ROUTES)


@dataclass
class RoutingDecision:
    routes: list[str] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)  # one match per rule
    matched_rules: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        return [staff_sentence(reason) for reason in self.reasons]


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
            decision.reasons.append(rule.match(facts))
            decision.matched_rules.append(rule.name)
    if not decision.routes:
        for rule in (r for r in rules if r.fallback):
            if rule.matches(facts):
                decision.routes.append(rule.route)
                decision.reasons.append(rule.match(facts))
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
            version=rule.get("version"),
        )
        for rule in rules
    ]
