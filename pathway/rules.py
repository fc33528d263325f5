"""The published routing rules, read from the database for the pure routing function.
Shared: the ways in route with them, and the rule tester compares versions with them."""

from __future__ import annotations

from .models import RoutingRuleSet
from .routing import rule_specs


class RoutingNotConfigured(Exception):
    pass


def published_rule_set() -> RoutingRuleSet:
    rule_set = RoutingRuleSet.objects.filter(status=RoutingRuleSet.Status.PUBLISHED).first()
    if rule_set is None:
        raise RoutingNotConfigured("No routing rules are published")
    return rule_set


def rules_of(rule_set: RoutingRuleSet):
    return rule_specs(
        {
            "id": rule.pk,
            "name": rule.name,
            "route": rule.route,
            "conditions": rule.conditions,
            "fallback": rule.fallback,
            "version": rule_set.version,
        }
        for rule in rule_set.rules.all()
    )
