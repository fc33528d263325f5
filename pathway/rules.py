"""The published routing rules, read from the database for the pure routing function.
Shared: the ways in route with them, and the rule tester compares versions with them.

A published rule set never changes (the rule editor edits drafts only, and publishing makes a
new version), so its parsed rules are kept in the shared cache under the version's identity.
Every submission still asks the database which version is published (one small query), so a
version published a moment ago is used by the very next submission, in every process."""

from __future__ import annotations

import logging

from django.core.cache import cache

from .models import RoutingRuleSet
from .routing import RuleSpec, rule_specs

logger = logging.getLogger(__name__)

# Published rules do not change; the limit only bounds what an unused version keeps.
RULES_CACHE_SECONDS = 24 * 60 * 60


class RoutingNotConfigured(Exception):
    pass


def published_rule_set() -> RoutingRuleSet:
    rule_set = RoutingRuleSet.objects.filter(status=RoutingRuleSet.Status.PUBLISHED).first()
    if rule_set is None:
        raise RoutingNotConfigured("No routing rules are published")
    return rule_set


def rules_of(rule_set: RoutingRuleSet) -> list[RuleSpec]:
    """The rules of any version, read now (drafts change, so they are never cached)."""
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


def _cache_key(rule_set: RoutingRuleSet) -> str:
    # The id alone could name another set once a database is rebuilt (a test's rolled-back
    # rows, a restored backup); with the version and the moment it was published it cannot.
    published = rule_set.published_at.isoformat() if rule_set.published_at else "seeded"
    return f"pathway:published-rules:{rule_set.pk}:{rule_set.version}:{published}"


def published_rules() -> tuple[RoutingRuleSet, list[RuleSpec]]:
    """The published version and its parsed rules: one query for which version is published,
    the rules themselves from the shared cache once any process has read them."""
    rule_set = published_rule_set()
    key = _cache_key(rule_set)
    try:
        specs = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: a submission never waits on it
        logger.warning("Could not read the routing rules from the cache", exc_info=True)
        return rule_set, rules_of(rule_set)
    if specs is None:
        specs = rules_of(rule_set)
        try:
            cache.set(key, specs, RULES_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("Could not keep the routing rules in the cache", exc_info=True)
    return rule_set, list(specs)
