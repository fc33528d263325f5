"""Publishes version 1 of the routing rules, so a new installation routes from its first concern."""

from django.db import migrations
from django.utils import timezone


def publish_default_rules(apps, schema_editor):
    from pathway.routing import DEFAULT_RULES

    RoutingRuleSet = apps.get_model("pathway", "RoutingRuleSet")
    RoutingRule = apps.get_model("pathway", "RoutingRule")
    if RoutingRuleSet.objects.exists():
        return
    rule_set = RoutingRuleSet.objects.create(
        version=1,
        status="published",
        notes="Default rules shipped with the service.",
        published_at=timezone.now(),
    )
    RoutingRule.objects.bulk_create(
        RoutingRule(
            rule_set=rule_set,
            position=(index + 1) * 10,
            name=rule["name"],
            route=str(rule["route"]),
            conditions=rule["conditions"],
            fallback=rule.get("fallback", False),
        )
        for index, rule in enumerate(DEFAULT_RULES)
    )


class Migration(migrations.Migration):
    dependencies = [("pathway", "0001_initial")]

    operations = [migrations.RunPython(publish_default_rules, migrations.RunPython.noop)]
