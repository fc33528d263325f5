"""Routing reasons become data. A referral routed before this keeps its stored sentences unless
its structured match can be rebuilt exactly: its stored facts, replayed through the very rule
set that routed it (published sets never change), must give back word for word the sentences it
stored, written the old way (frozen below). Then the sentences are replaced by the matches; any
other referral keeps its stored text, shown as it was."""

from django.db import migrations

OLD_ROUTE_LABELS = {
    "send_team": "Early Years SEND team",
    "portage": "Portage",
    "early_help": "Early Help Assessment",
    "local_offer": "Signpost to the local offer",
}
OLD_LABELS = {
    "age_months": ("the child's age in months", ""),
    "prime_areas_with_concern": ("the number of prime areas with a concern", ""),
    "areas_with_concern": ("the number of areas of learning with a concern", ""),
    "highest_level": ("the highest level of concern", ""),
    "max_delay_months": ("the largest delay against the child's age, in months", ""),
    "support_cycles_completed": ("the number of complete assess-plan-do-review cycles", ""),
    "family_circumstances_flagged": (
        "family circumstances may need early help",
        "no family circumstances were flagged for early help",
    ),
    "family_agrees_to_early_help": (
        "the family agrees to an Early Help Assessment",
        "the family has not agreed to an Early Help Assessment",
    ),
    "ehc_assessment_requested": (
        "an EHC needs assessment is requested",
        "no EHC needs assessment is requested",
    ),
    "has_diagnosis": ("there is a known diagnosis", "there is no known diagnosis"),
    "wellcomm_result": ("the speech and language screen result", ""),
    "source": ("where the referral came from", ""),
    "broad_areas_of_need": ("the broad areas of need", ""),
}
BOOLEAN = {
    "family_circumstances_flagged",
    "family_agrees_to_early_help",
    "ehc_assessment_requested",
    "has_diagnosis",
}
OLD_OPERATORS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is under",
    "lte": "is at most",
    "gt": "is over",
    "gte": "is at least",
    "in": "is one of",
    "contains": "includes",
}


def _old_words(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return " or ".join(_old_words(v) for v in value) if value else "none"
    return str(value).replace("_", " ")


def old_sentence(match, facts):
    """The sentence the old engine stored for a match (as written up to this migration)."""
    route = OLD_ROUTE_LABELS.get(match["route"], match["route"])
    if not match["conditions"]:
        when = "when no other rule does" if match["fallback"] else "to every referral"
        return f"{route}: “{match['rule']}” applies {when}."
    parts = []
    for condition in match["conditions"]:
        label, negative = OLD_LABELS[condition["fact"]]
        if condition["fact"] in BOOLEAN:
            holds_as = condition["value"] if condition["op"] == "eq" else not condition["value"]
            parts.append(label if holds_as else negative)
        else:
            actual = facts.get(condition["fact"])
            parts.append(
                f"{label} is {_old_words(actual)} "
                f"({OLD_OPERATORS[condition['op']]} {_old_words(condition['value'])})"
            )
    return f"{route}: “{match['rule']}”, because {' and '.join(parts)}."


def rebuild(apps, schema_editor):
    from pathway.routing import evaluate, rule_specs

    Referral = apps.get_model("pathway", "Referral")
    RoutingRule = apps.get_model("pathway", "RoutingRule")
    specs_by_set = {}
    changed = []
    referrals = Referral.objects.only("pk", "facts", "routing_reasons", "rule_set_id")
    for referral in referrals.iterator(chunk_size=500):
        stored = referral.routing_reasons or []
        if not stored or not all(isinstance(reason, str) for reason in stored):
            continue
        if referral.rule_set_id not in specs_by_set:
            rules = RoutingRule.objects.filter(rule_set_id=referral.rule_set_id).order_by(
                "position", "pk"
            )
            try:
                specs_by_set[referral.rule_set_id] = rule_specs(
                    {
                        "id": rule.pk,
                        "name": rule.name,
                        "route": rule.route,
                        "conditions": rule.conditions,
                        "fallback": rule.fallback,
                        "version": rule.rule_set.version,
                    }
                    for rule in rules.select_related("rule_set")
                )
            except ValueError:
                specs_by_set[referral.rule_set_id] = None
        specs = specs_by_set[referral.rule_set_id]
        if specs is None:
            continue
        matches = evaluate(referral.facts or {}, specs).reasons
        if [old_sentence(match, referral.facts or {}) for match in matches] == stored:
            referral.routing_reasons = matches
            changed.append(referral)
        if len(changed) >= 500:
            Referral.objects.bulk_update(changed, ["routing_reasons"])
            changed = []
    if changed:
        Referral.objects.bulk_update(changed, ["routing_reasons"])


def back_to_sentences(apps, schema_editor):
    Referral = apps.get_model("pathway", "Referral")
    changed = []
    for referral in Referral.objects.only("pk", "facts", "routing_reasons").iterator(500):
        stored = referral.routing_reasons or []
        if stored and all(isinstance(reason, dict) for reason in stored):
            referral.routing_reasons = [old_sentence(m, referral.facts or {}) for m in stored]
            changed.append(referral)
    Referral.objects.bulk_update(changed, ["routing_reasons"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("pathway", "0012_triage_sort_indexes")]

    operations = [migrations.RunPython(rebuild, back_to_sentences, elidable=True)]
