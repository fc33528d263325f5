# ruff: noqa: E501 (the tables read best one case a line)
"""Every reason and every rule, word for word, for staff and for families.

Table-driven over every default rule (a referral that matches it, and the sentences staff and
the family read) and every fact (each comparison it allows, as a rule reads it, and a match on
it as staff and the family read it). No sentence may repeat its own clause, name its rule, or
show a code."""

from __future__ import annotations

import re

import pytest

from pathway.routing import (
    DEFAULT_RULES,
    FACTS,
    Condition,
    RuleSpec,
    condition_words,
    evaluate,
    family_sentence,
    reason_sentences,
    rule_specs,
    staff_sentence,
)

DEFAULT_SPECS = rule_specs(DEFAULT_RULES)

QUIET = {
    "age_months": 40,
    "prime_areas_with_concern": 0,
    "areas_with_concern": 0,
    "highest_level": "none",
    "max_delay_months": 0,
    "support_cycles_completed": 0,
    "family_circumstances_flagged": False,
    "family_agrees_to_early_help": False,
    "ehc_assessment_requested": False,
    "has_diagnosis": False,
    "wellcomm_result": "not_done",
    "source": "setting_concern",
    "broad_areas_of_need": [],
}

# rule name, facts that match it (and no ordinary rule before it), the rule as a sentence,
# the reason for staff, the reason for the family.
DEFAULT_RULE_CASES = [
    (
        "Under 3 with a delay in two or more prime areas",
        {"age_months": 26, "prime_areas_with_concern": 2, "highest_level": "significant"},
        "Send to the portage service when the child is under 3 and the child has a concern in "
        "two or more prime areas.",
        "Sent to the portage service because the child is 2 years, 2 months old (the threshold "
        "is under 3 years) and the child has a concern in two prime areas (the threshold is "
        "two).",
        "We have asked the portage service, who visit families at home, to get in touch, "
        "because your child is 2 years, 2 months old and your child needs some extra help in "
        "two of the three main areas of early development.",
    ),
    (
        "Family circumstances may need early help",
        {"family_circumstances_flagged": True},
        "Suggest an Early Help Assessment when the practitioner says the family's "
        "circumstances may need early help.",
        "Sent for an Early Help Assessment because the practitioner says the family's "
        "circumstances may need early help.",
        "We have suggested an Early Help Assessment, to find out what support your family "
        "might find helpful, because the setting thinks your family might find some extra "
        "support helpful.",
    ),
    (
        "Severe needs",
        {"highest_level": "severe", "areas_with_concern": 1},
        "Send to the Early Years SEND team when the highest level of concern is severe.",
        "Sent to the Early Years SEND team because the highest level of concern is severe.",
        "We have asked the Early Years SEND team to look at how best to help your child, "
        "because the setting thinks your child needs a lot of extra help with their "
        "development.",
    ),
    (
        "EHC needs assessment requested",
        {"ehc_assessment_requested": True},
        "Send to the Early Years SEND team when an EHC needs assessment is requested.",
        "Sent to the Early Years SEND team because an EHC needs assessment is requested.",
        "We have asked the Early Years SEND team to look at how best to help your child, "
        "because an Education, Health and Care needs assessment has been asked for.",
    ),
    (
        "Delay of 18 months or more",
        {"max_delay_months": 32, "age_months": 54},
        "Send to the Early Years SEND team when the child's development is 18 months or more "
        "behind their age.",
        "Sent to the Early Years SEND team because the child's development is 32 months behind "
        "their age, and the threshold is 18 months.",
        "We have asked the Early Years SEND team to look at how best to help your child, "
        "because some of your child's development is behind what we usually see at their age.",
    ),
    (
        "Complex needs: three or more areas of learning",
        {"areas_with_concern": 4, "highest_level": "significant"},
        "Send to the Early Years SEND team when the child has a concern in three or more areas "
        "of learning.",
        "Sent to the Early Years SEND team because the child has a concern in four areas of "
        "learning, and the threshold is three.",
        "We have asked the Early Years SEND team to look at how best to help your child, "
        "because your child needs some extra help in four areas of their learning and "
        "development.",
    ),
    (
        "Two full support cycles without enough progress",
        {"support_cycles_completed": 3, "highest_level": "significant", "areas_with_concern": 1},
        "Send to the Early Years SEND team when the setting has completed two or more cycles "
        "of assess, plan, do and review and the highest level of concern is significant or "
        "severe.",
        "Sent to the Early Years SEND team because the setting has completed three cycles of "
        "assess, plan, do and review (the threshold is two) and the highest level of concern "
        "is significant (the rule covers significant or severe).",
        "We have asked the Early Years SEND team to look at how best to help your child, "
        "because the setting has already tried three rounds of extra support with your child "
        "and the setting thinks your child needs extra help with their development.",
    ),
    (
        "Emerging needs only: signpost to services in the local offer",
        {"highest_level": "emerging", "areas_with_concern": 1},
        "If no other rule applies, signpost to services in the local offer when the highest "
        "level of concern is emerging.",
        "Signposted to services in the local offer because the highest level of concern is "
        "emerging and no other rule applied.",
        "We have pointed you to services in the local offer that you can use straight away, "
        "because the setting has noticed some early signs that your child may need a little "
        "extra help.",
    ),
    (
        "Otherwise the SEND team triages",
        {"highest_level": "significant", "areas_with_concern": 1},
        "If no other rule applies, send to the Early Years SEND team.",
        "Sent to the Early Years SEND team because no other rule applied.",
        "We have asked the Early Years SEND team to look at how best to help your child.",
    ),
]


def clauses(sentence: str) -> list[str]:
    """A sentence's clauses: split at 'because', 'and', commas and brackets."""
    parts = re.split(r"\bbecause\b|\band\b|,|\(|\)|\.$", sentence)
    return [part.strip().lower() for part in parts if part.strip()]


def repeats_itself(sentence: str) -> bool:
    """The same clause twice, or the same run of five words twice."""
    found = clauses(sentence)
    if len(found) != len(set(found)):
        return True
    words = re.findall(r"[\w']+", sentence.lower())
    runs = [tuple(words[i : i + 5]) for i in range(len(words) - 4)]
    return len(runs) != len(set(runs))


def readable(sentence: str) -> None:
    assert not repeats_itself(sentence), sentence
    assert "_" not in sentence and "{" not in sentence and "[" not in sentence, sentence
    assert "(is " not in sentence and " eq " not in sentence, sentence
    assert sentence[0].isupper() and sentence.endswith("."), sentence


def test_the_table_covers_every_default_rule():
    assert [case[0] for case in DEFAULT_RULE_CASES] == [rule["name"] for rule in DEFAULT_RULES]


@pytest.mark.parametrize(
    ("name", "changes", "rule", "staff", "family"),
    DEFAULT_RULE_CASES,
    ids=[case[0] for case in DEFAULT_RULE_CASES],
)
def test_every_default_rule_in_words(name, changes, rule, staff, family):
    spec = next(spec for spec in DEFAULT_SPECS if spec.name == name)
    assert spec.sentence() == rule
    decision = evaluate({**QUIET, **changes}, DEFAULT_SPECS)
    (match,) = [m for m in decision.reasons if m["rule"] == name]
    assert staff_sentence(match) == staff
    assert family_sentence(match) == family
    for sentence in (rule, staff, family):
        readable(sentence)
        assert name not in sentence  # the rule's name is not its reason


def test_a_match_keeps_the_rule_its_version_the_facts_and_the_thresholds():
    (spec,) = rule_specs(
        [{**DEFAULT_RULES[4], "id": 7, "version": 3}]  # Delay of 18 months or more
    )
    assert spec.match({**QUIET, "max_delay_months": 32}) == {
        "rule": "Delay of 18 months or more",
        "rule_id": 7,
        "version": 3,
        "route": "send_team",
        "fallback": False,
        "conditions": [{"fact": "max_delay_months", "op": "gte", "value": 18, "actual": 32}],
    }


# fact, comparison, value, the rule's words
RULE_WORDS = [
    ("age_months", "lt", 36, "the child is under 3"),
    ("age_months", "lt", 30, "the child is under 30 months old"),
    ("age_months", "lte", 36, "the child is 3 or younger"),
    ("age_months", "gt", 24, "the child is older than 2"),
    ("age_months", "gte", 48, "the child is 4 or older"),
    ("age_months", "eq", 30, "the child is exactly 30 months old"),
    ("age_months", "ne", 30, "the child is any age other than 30 months"),
    ("age_months", "in", [24, 30], "the child is 24 or 30 months old"),
    ("prime_areas_with_concern", "gte", 2, "the child has a concern in two or more prime areas"),
    ("prime_areas_with_concern", "lt", 1, "the child has a concern in fewer than one prime area"),
    ("prime_areas_with_concern", "eq", 1, "the child has a concern in exactly one prime area"),
    ("prime_areas_with_concern", "in", [2, 3], "the child has a concern in two or three prime areas"),
    ("areas_with_concern", "gte", 3, "the child has a concern in three or more areas of learning"),
    ("areas_with_concern", "lte", 2, "the child has a concern in two or fewer areas of learning"),
    ("areas_with_concern", "gt", 1, "the child has a concern in more than one area of learning"),
    ("highest_level", "eq", "severe", "the highest level of concern is severe"),
    ("highest_level", "ne", "none", "the highest level of concern is not none"),
    ("highest_level", "in", ["significant", "severe"], "the highest level of concern is significant or severe"),
    ("highest_level", "gte", "significant", "the highest level of concern is significant or severe"),
    ("highest_level", "lt", "significant", "the highest level of concern is none or emerging"),
    ("max_delay_months", "gte", 18, "the child's development is 18 months or more behind their age"),
    ("max_delay_months", "lt", 6, "the child's development is less than 6 months behind their age"),
    ("max_delay_months", "gt", 1, "the child's development is more than 1 month behind their age"),
    ("support_cycles_completed", "gte", 2, "the setting has completed two or more cycles of assess, plan, do and review"),
    ("support_cycles_completed", "eq", 1, "the setting has completed exactly one cycle of assess, plan, do and review"),
    ("family_circumstances_flagged", "eq", True, "the practitioner says the family's circumstances may need early help"),
    ("family_circumstances_flagged", "ne", True, "the practitioner has not flagged the family's circumstances for early help"),
    ("family_agrees_to_early_help", "eq", True, "the family agrees to an Early Help Assessment"),
    ("family_agrees_to_early_help", "eq", False, "the family has not agreed to an Early Help Assessment"),
    ("ehc_assessment_requested", "eq", True, "an EHC needs assessment is requested"),
    ("ehc_assessment_requested", "ne", True, "no EHC needs assessment is requested"),
    ("has_diagnosis", "eq", True, "the child has a known diagnosis"),
    ("has_diagnosis", "ne", True, "the child has no known diagnosis"),
    ("wellcomm_result", "eq", "red", "the speech and language screen result is red"),
    ("wellcomm_result", "gte", "amber", "the speech and language screen result is amber or red"),
    ("wellcomm_result", "ne", "not_done", "the speech and language screen result is not none yet"),
    ("source", "eq", "parent_request", "the referral came from a parent or carer"),
    ("source", "ne", "setting_concern", "the referral did not come from an early years setting"),
    ("source", "in", ["health_notification", "parent_request"], "the referral came from a health notification or a parent or carer"),
    ("broad_areas_of_need", "contains", "semh", "the broad areas of need include social, emotional and mental health"),
    ("broad_areas_of_need", "contains", "sensory_physical", "the broad areas of need include sensory and/or physical needs"),
]  # fmt: skip


def test_the_rule_words_cover_every_fact():
    assert {row[0] for row in RULE_WORDS} == set(FACTS)


@pytest.mark.parametrize(("fact", "op", "value", "words"), RULE_WORDS)
def test_every_fact_reads_as_a_rule(fact, op, value, words):
    assert op in FACTS[fact].operators
    assert condition_words(fact, op, value) == words
    readable(f"Send to the SEND team when {words}.")


# fact, comparison, threshold, the child's value, staff's reason, the family's
MATCH_WORDS = [
    ("age_months", "lt", 36, 26,
     "the child is 2 years, 2 months old, and the threshold is under 3 years",
     "your child is 2 years, 2 months old"),
    ("age_months", "gte", 48, 49,
     "the child is 4 years, 1 month old, and the threshold is 4 years",
     "your child is 4 years, 1 month old"),
    ("prime_areas_with_concern", "gte", 2, 3,
     "the child has a concern in three prime areas, and the threshold is two",
     "your child needs some extra help in all three main areas of early development"),
    ("prime_areas_with_concern", "eq", 1, 1,
     "the child has a concern in one prime area",
     "your child needs some extra help in one of the three main areas of early development"),
    ("areas_with_concern", "gte", 3, 5,
     "the child has a concern in five areas of learning, and the threshold is three",
     "your child needs some extra help in five areas of their learning and development"),
    ("areas_with_concern", "lt", 1, 0,
     "the child has a concern in no areas of learning, and the threshold is under one",
     "the setting has not named an area where your child needs extra help"),
    ("highest_level", "in", ["significant", "severe"], "severe",
     "the highest level of concern is severe, and the rule covers significant or severe",
     "the setting thinks your child needs a lot of extra help with their development"),
    ("highest_level", "eq", "emerging", "emerging",
     "the highest level of concern is emerging",
     "the setting has noticed some early signs that your child may need a little extra help"),
    ("max_delay_months", "gte", 18, 32,
     "the child's development is 32 months behind their age, and the threshold is 18 months",
     "some of your child's development is behind what we usually see at their age"),
    ("max_delay_months", "lt", 2, 0,
     "the child's development is 0 months behind their age, and the threshold is under 2 "
     "months",
     "your child's development is in line with their age"),
    ("support_cycles_completed", "gte", 2, 2,
     "the setting has completed two cycles of assess, plan, do and review, and the threshold "
     "is two",
     "the setting has already tried two rounds of extra support with your child"),
    ("support_cycles_completed", "lt", 1, 0,
     "the setting has completed no cycles of assess, plan, do and review, and the threshold "
     "is under one",
     "the setting has not yet finished a round of extra support with your child"),
    ("family_circumstances_flagged", "eq", True, True,
     "the practitioner says the family's circumstances may need early help",
     "the setting thinks your family might find some extra support helpful"),
    ("family_agrees_to_early_help", "eq", False, False,
     "the family has not agreed to an Early Help Assessment",
     "you have not agreed to an Early Help Assessment"),
    ("ehc_assessment_requested", "eq", True, True,
     "an EHC needs assessment is requested",
     "an Education, Health and Care needs assessment has been asked for"),
    ("has_diagnosis", "ne", True, False,
     "the child has no known diagnosis",
     "your child does not have a diagnosis"),
    ("wellcomm_result", "gte", "amber", "red",
     "the speech and language screen result is red, and the rule covers amber or red",
     "your child's speech and language check showed they need help with talking and "
     "understanding"),
    ("wellcomm_result", "eq", "not_done", "not_done",
     "the speech and language screen result is none yet",
     "your child has not had a speech and language check yet"),
    ("source", "eq", "health_notification", "health_notification",
     "the referral came from a health notification",
     "a health professional told us about your child"),
    ("source", "ne", "parent_request", "setting_concern",
     "the referral came from an early years setting, and the rule excludes a parent or carer",
     "your child's setting shared a concern with us"),
    ("broad_areas_of_need", "contains", "communication_interaction",
     ["communication_interaction", "semh"],
     "the broad areas of need include communication and interaction",
     "your child may need help with communication and interaction"),
]  # fmt: skip


def test_the_match_words_cover_every_fact():
    assert {row[0] for row in MATCH_WORDS} == set(FACTS)


@pytest.mark.parametrize(("fact", "op", "value", "actual", "staff", "family"), MATCH_WORDS)
def test_every_fact_explains_a_match_to_staff_and_family(fact, op, value, actual, staff, family):
    condition = Condition(fact, op, value)
    assert condition.holds({fact: actual})
    match = RuleSpec("A name", "send_team", (condition,)).match({fact: actual})
    staff_words = f"Sent to the Early Years SEND team because {staff}."
    family_words = (
        f"We have asked the Early Years SEND team to look at how best to help your child, "
        f"because {family}."
    )
    assert staff_sentence(match) == staff_words
    assert family_sentence(match) == family_words
    readable(staff_words)
    readable(family_words)


def test_referrals_made_before_keep_their_stored_text_for_staff_and_routes_for_families():
    stored = ["Portage: “Under 3”, because the child's age in months is 26 (is under 36)."]
    assert reason_sentences(stored, ["portage"]) == stored
    assert reason_sentences(stored, ["portage"], "family") == [
        "We have asked the portage service, who visit families at home, to get in touch."
    ]


def test_the_same_family_reason_from_two_rules_is_said_once():
    decision = evaluate(
        {**QUIET, "highest_level": "severe", "areas_with_concern": 3}, DEFAULT_SPECS
    )
    family = reason_sentences(decision.reasons, decision.routes, "family")
    assert len(decision.reasons) == 2 and len(family) == 2  # different reasons, both said
    assert len(set(family)) == len(family)


def test_the_checker_catches_a_repeated_clause():
    assert repeats_itself(
        "Early help, because family circumstances may need early help, and family "
        "circumstances may need early help."
    )
    assert not repeats_itself("Sent to the portage service because the child is under 3.")
