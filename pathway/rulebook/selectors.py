"""Reads for the rule editor: versions with their rules as sentences, and one draft rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from pathway.models import RoutingRule, RoutingRuleSet
from pathway.routing import FACTS, Condition, RuleSpec


@dataclass
class RuleRow:
    rule: RoutingRule
    sentence: str
    conditions: list[str]
    problem: str = ""  # a stored condition the engine refuses (only possible in old drafts)


def _sentences(rule: RoutingRule) -> RuleRow:
    try:
        conditions = tuple(Condition(c["fact"], c["op"], c["value"]) for c in rule.conditions or [])
        spec = RuleSpec(rule.name, rule.route, conditions, rule.fallback)
        return RuleRow(rule, spec.sentence(), [c.sentence() for c in conditions])
    except (KeyError, TypeError, ValueError, IndexError) as error:
        return RuleRow(rule, rule.name, [], problem=f"A condition cannot be read ({error})")


def rule_rows(rule_set: RoutingRuleSet) -> list[RuleRow]:
    return [_sentences(rule) for rule in rule_set.rules.all()]


def recent_rule_sets(limit: int = 10) -> list[tuple[RoutingRuleSet, list[RuleRow]]]:
    """The newest versions (drafts first by version), each with its rules as sentences: two
    queries however many rules."""
    rule_sets = list(RoutingRuleSet.objects.prefetch_related("rules")[:limit])
    return [(rule_set, rule_rows(rule_set)) for rule_set in rule_sets]


def rule_set_by_version(version: int, *, draft: bool = False) -> RoutingRuleSet:
    rule_set = RoutingRuleSet.objects.filter(version=version).first()
    if rule_set is None or (draft and rule_set.status != RoutingRuleSet.Status.DRAFT):
        raise Http404("No such draft")
    return rule_set


def draft_rule(version: int, rule_id: int) -> RoutingRule:
    """A rule of a draft version, or 404: published rules are not edited."""
    rule = (
        RoutingRule.objects.select_related("rule_set")
        .filter(pk=rule_id, rule_set__version=version, rule_set__status="draft")
        .first()
    )
    if rule is None:
        raise Http404("No such rule in a draft")
    return rule


def condition_at(rule: RoutingRule, index: int) -> dict[str, Any]:
    conditions = rule.conditions or []
    if not 0 <= index < len(conditions) or conditions[index].get("fact") not in FACTS:
        raise Http404("No such condition")
    return conditions[index]


def rule_rows_for(rule: RoutingRule) -> RuleRow:
    return _sentences(rule)
