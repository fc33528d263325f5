"""Writes to draft routing rules, for the rule editor. Published and retired versions never
change (every referral points at the exact rules that routed it), so each write locks the rule
set and refuses anything but a draft; every condition goes through the engine's own
`validate_conditions`, the same check publishing makes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from pathway.models import RoutingRule, RoutingRuleSet
from pathway.routing import validate_conditions


class NotADraft(ValueError):
    """Only a draft version can be edited."""


def _locked_draft(rule_set: RoutingRuleSet) -> RoutingRuleSet:
    locked = RoutingRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if locked.status != RoutingRuleSet.Status.DRAFT:
        raise NotADraft(f"Version {locked.version} is {locked.get_status_display().lower()}")
    return locked


def save_rule(
    rule_set: RoutingRuleSet,
    *,
    rule: RoutingRule | None = None,
    name: str,
    route: str,
    fallback: bool,
    position: int | None = None,
) -> RoutingRule:
    """Add a rule to a draft (last, with no conditions yet) or change its name, route, order."""
    with transaction.atomic():
        _locked_draft(rule_set)
        if rule is None:
            last = rule_set.rules.aggregate(last=Max("position"))["last"]
            rule = RoutingRule(rule_set=rule_set, conditions=[])
            rule.position = position if position is not None else (last or 0) + 1
        elif position is not None:
            rule.position = position
        rule.name, rule.route, rule.fallback = name.strip(), route, fallback
        rule.save()
        return rule


def delete_rule(rule: RoutingRule) -> None:
    with transaction.atomic():
        _locked_draft(rule.rule_set)
        rule.delete()


def save_condition(rule: RoutingRule, condition: dict[str, Any], index: int | None = None) -> None:
    """Add a condition (index None) or replace one; refuses one the engine would refuse."""
    with transaction.atomic():
        _locked_draft(rule.rule_set)
        conditions = list(RoutingRule.objects.select_for_update().get(pk=rule.pk).conditions)
        if index is None:
            conditions.append(condition)
        elif 0 <= index < len(conditions):
            conditions[index] = condition
        else:
            raise ValueError("That condition is no longer there")
        validate_conditions(conditions)
        rule.conditions = conditions
        rule.save(update_fields=["conditions"])


def remove_condition(rule: RoutingRule, index: int) -> None:
    with transaction.atomic():
        _locked_draft(rule.rule_set)
        conditions = list(RoutingRule.objects.select_for_update().get(pk=rule.pk).conditions)
        if not 0 <= index < len(conditions):
            raise ValueError("That condition is no longer there")
        del conditions[index]
        rule.conditions = conditions
        rule.save(update_fields=["conditions"])


def save_notes(rule_set: RoutingRuleSet, notes: str) -> None:
    with transaction.atomic():
        locked = _locked_draft(rule_set)
        locked.notes = notes.strip()
        locked.save(update_fields=["notes"])
        rule_set.notes = locked.notes
