"""Routing that explains itself: the pure rules engine, with no database.

Every default rule is tried with facts that match it and facts that only just miss it; the
explanations are checked word for word, because triage officers and families read them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyyears.needs import ConcernLevel
from pathway.models import Route
from pathway.routing import (
    DEFAULT_RULES,
    DEVELOPMENTAL_BANDS,
    FACTS,
    OPERATORS,
    Condition,
    RuleSpec,
    delay_months,
    derive_facts,
    evaluate,
    family_sentence,
    rule_specs,
    staff_sentence,
    validate_conditions,
)

DEFAULT_SPECS = rule_specs(DEFAULT_RULES)

PORTAGE = "Under 3 with a delay in two or more prime areas"
EARLY_HELP = "Family circumstances may need early help"
SEVERE = "Severe needs"
EHC = "EHC needs assessment requested"
DELAY = "Delay of 18 months or more"
COMPLEX = "Complex needs: three or more areas of learning"
CYCLES = "Two full support cycles without enough progress"
LOCAL_OFFER = "Emerging needs only: signpost to services in the local offer"
TRIAGE = "Otherwise the SEND team triages"

TRIAGE_REASON = "Sent to the Early Years SEND team because no other rule applied."
LOCAL_OFFER_REASON = (
    "Signposted to services in the local offer because the highest level of concern is "
    "emerging and no other rule applied."
)

# A child about whom nothing would trigger an ordinary rule or the emerging-needs fallback.
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


def facts(**changes):
    return {**QUIET, **changes}


def test_the_default_rules_are_the_ones_these_tests_cover():
    assert [rule["name"] for rule in DEFAULT_RULES] == [
        PORTAGE,
        EARLY_HELP,
        SEVERE,
        EHC,
        DELAY,
        COMPLEX,
        CYCLES,
        LOCAL_OFFER,
        TRIAGE,
    ]
    assert [spec.fallback for spec in DEFAULT_SPECS] == [False] * 7 + [True, True]


# (facts, routes, matched rules, exact reasons or None when only the routes are checked)
ROUTING_CASES = [
    # Portage: under 36 months AND at least two prime areas.
    pytest.param(
        facts(
            age_months=26,
            prime_areas_with_concern=2,
            areas_with_concern=2,
            highest_level="significant",
        ),
        ["portage"],
        [PORTAGE],
        [
            "Sent to the portage service because the child is 2 years, 2 months old (the "
            "threshold is under 3 years) and the child has a concern in two prime areas (the "
            "threshold is two)."
        ],
        id="portage-matches-at-26-months",
    ),
    pytest.param(
        facts(
            age_months=35,
            prime_areas_with_concern=2,
            areas_with_concern=2,
            highest_level="significant",
        ),
        ["portage"],
        [PORTAGE],
        [
            "Sent to the portage service because the child is 2 years, 11 months old (the "
            "threshold is under 3 years) and the child has a concern in two prime areas (the "
            "threshold is two)."
        ],
        id="portage-matches-at-35-months",
    ),
    pytest.param(
        facts(
            age_months=36,
            prime_areas_with_concern=2,
            areas_with_concern=2,
            highest_level="significant",
        ),
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="portage-misses-at-36-months",
    ),
    pytest.param(
        facts(
            age_months=35,
            prime_areas_with_concern=1,
            areas_with_concern=1,
            highest_level="significant",
        ),
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="portage-misses-with-one-prime-area",
    ),
    pytest.param(
        facts(
            age_months=35,
            prime_areas_with_concern=1,
            areas_with_concern=1,
            highest_level="emerging",
        ),
        ["local_offer"],
        [LOCAL_OFFER],
        [LOCAL_OFFER_REASON],
        id="portage-misses-one-emerging-prime-area-goes-to-local-offer",
    ),
    # Early help: family circumstances flagged.
    pytest.param(
        facts(family_circumstances_flagged=True),
        ["early_help"],
        [EARLY_HELP],
        [
            "Sent for an Early Help Assessment because the practitioner says the family's "
            "circumstances may need early help."
        ],
        id="early-help-matches-when-flagged",
    ),
    pytest.param(
        facts(family_circumstances_flagged=False, family_agrees_to_early_help=True),
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="early-help-misses-when-not-flagged-even-if-family-agrees",
    ),
    # Severe needs.
    pytest.param(
        facts(highest_level="severe", areas_with_concern=1),
        ["send_team"],
        [SEVERE],
        ["Sent to the Early Years SEND team because the highest level of concern is severe."],
        id="severe-matches",
    ),
    pytest.param(
        facts(highest_level="significant", areas_with_concern=1),
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="severe-misses-at-significant",
    ),
    # EHC needs assessment requested.
    pytest.param(
        facts(ehc_assessment_requested=True),
        ["send_team"],
        [EHC],
        ["Sent to the Early Years SEND team because an EHC needs assessment is requested."],
        id="ehc-request-matches",
    ),
    pytest.param(
        facts(ehc_assessment_requested=False, has_diagnosis=True),
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="ehc-request-misses-when-not-requested",
    ),
    # Delay of 18 months or more.
    pytest.param(
        facts(max_delay_months=18, areas_with_concern=1, highest_level="significant"),
        ["send_team"],
        [DELAY],
        [
            "Sent to the Early Years SEND team because the child's development is 18 months "
            "behind their age, and the threshold is 18 months."
        ],
        id="delay-matches-at-18",
    ),
    pytest.param(
        facts(max_delay_months=17, areas_with_concern=1, highest_level="emerging"),
        ["local_offer"],
        [LOCAL_OFFER],
        [LOCAL_OFFER_REASON],
        id="delay-misses-at-17",
    ),
    # Complex needs: three or more areas of learning.
    pytest.param(
        facts(areas_with_concern=3, highest_level="significant"),
        ["send_team"],
        [COMPLEX],
        [
            "Sent to the Early Years SEND team because the child has a concern in three areas "
            "of learning, and the threshold is three."
        ],
        id="complex-matches-at-three-areas",
    ),
    pytest.param(
        facts(areas_with_concern=2, highest_level="emerging"),
        ["local_offer"],
        [LOCAL_OFFER],
        [LOCAL_OFFER_REASON],
        id="complex-misses-at-two-areas",
    ),
    # Two full support cycles and a significant or severe level.
    pytest.param(
        facts(support_cycles_completed=2, areas_with_concern=1, highest_level="significant"),
        ["send_team"],
        [CYCLES],
        [
            "Sent to the Early Years SEND team because the setting has completed two cycles of "
            "assess, plan, do and review (the threshold is two) and the highest level of "
            "concern is significant (the rule covers significant or severe)."
        ],
        id="cycles-match-at-two-with-significant",
    ),
    pytest.param(
        facts(support_cycles_completed=1, areas_with_concern=1, highest_level="significant"),
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="cycles-miss-at-one",
    ),
    pytest.param(
        facts(support_cycles_completed=2, areas_with_concern=1, highest_level="emerging"),
        ["local_offer"],
        [LOCAL_OFFER],
        [LOCAL_OFFER_REASON],
        id="cycles-miss-when-level-only-emerging",
    ),
    pytest.param(
        facts(support_cycles_completed=3, areas_with_concern=1, highest_level="severe"),
        ["send_team"],
        [SEVERE, CYCLES],
        None,
        id="cycles-match-with-severe-alongside-severe-rule",
    ),
    # Fallback: emerging needs only.
    pytest.param(
        facts(areas_with_concern=1, highest_level="emerging"),
        ["local_offer"],
        [LOCAL_OFFER],
        [LOCAL_OFFER_REASON],
        id="local-offer-fallback-matches-emerging-only",
    ),
    pytest.param(
        facts(areas_with_concern=1, highest_level="emerging", family_circumstances_flagged=True),
        ["early_help"],
        [EARLY_HELP],
        None,
        id="local-offer-fallback-skipped-when-an-ordinary-rule-matched",
    ),
    # Fallback: the catch-all.
    pytest.param(
        facts(),
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="triage-fallback-when-nothing-else",
    ),
    pytest.param(
        {},
        ["send_team"],
        [TRIAGE],
        [TRIAGE_REASON],
        id="triage-fallback-when-no-facts-at-all",
    ),
]


@pytest.mark.parametrize(("case_facts", "routes", "matched", "reasons"), ROUTING_CASES)
def test_default_rules(case_facts, routes, matched, reasons):
    decision = evaluate(case_facts, DEFAULT_SPECS)
    assert decision.routes == routes
    assert decision.matched_rules == matched
    assert len(decision.reasons) == len(matched)
    if reasons is not None:
        assert decision.sentences == reasons


def test_every_default_rule_has_a_matching_case_with_its_exact_reason():
    explained = set()
    for case in ROUTING_CASES:
        _facts, _routes, matched, reasons = case.values
        if reasons is not None:
            explained.update(matched)
    assert explained == {rule["name"] for rule in DEFAULT_RULES}


def test_several_matching_rules_give_each_route_once_in_rule_order_with_every_reason():
    everything = facts(
        age_months=26,
        prime_areas_with_concern=2,
        areas_with_concern=3,
        highest_level="severe",
        max_delay_months=18,
        support_cycles_completed=2,
        family_circumstances_flagged=True,
        ehc_assessment_requested=True,
    )
    decision = evaluate(everything, DEFAULT_SPECS)
    assert decision.routes == ["portage", "early_help", "send_team"]
    assert decision.matched_rules == [PORTAGE, EARLY_HELP, SEVERE, EHC, DELAY, COMPLEX, CYCLES]
    assert decision.sentences == [
        "Sent to the portage service because the child is 2 years, 2 months old (the threshold "
        "is under 3 years) and the child has a concern in two prime areas (the threshold is "
        "two).",
        "Sent for an Early Help Assessment because the practitioner says the family's "
        "circumstances may need early help.",
        "Sent to the Early Years SEND team because the highest level of concern is severe.",
        "Sent to the Early Years SEND team because an EHC needs assessment is requested.",
        "Sent to the Early Years SEND team because the child's development is 18 months behind "
        "their age, and the threshold is 18 months.",
        "Sent to the Early Years SEND team because the child has a concern in three areas of "
        "learning, and the threshold is three.",
        "Sent to the Early Years SEND team because the setting has completed two cycles of "
        "assess, plan, do and review (the threshold is two) and the highest level of concern "
        "is severe (the rule covers significant or severe).",
    ]
    assert not any("no other rule" in sentence for sentence in decision.sentences)


def test_two_send_team_rules_and_portage_give_two_routes():
    decision = evaluate(
        facts(
            age_months=30, prime_areas_with_concern=2, areas_with_concern=3, highest_level="severe"
        ),
        DEFAULT_SPECS,
    )
    assert decision.routes == ["portage", "send_team"]
    assert decision.matched_rules == [PORTAGE, SEVERE, COMPLEX]
    assert len(decision.reasons) == 3


def test_route_order_follows_rule_order_not_route_choices():
    rules = [
        RuleSpec("Local offer first", "local_offer", (Condition("age_months", "gte", 0),)),
        RuleSpec("Then the SEND team", "send_team", (Condition("age_months", "gte", 0),)),
        RuleSpec("Local offer again", "local_offer", (Condition("age_months", "gte", 0),)),
    ]
    decision = evaluate({"age_months": 12}, rules)
    assert decision.routes == ["local_offer", "send_team"]
    assert decision.matched_rules == [
        "Local offer first",
        "Then the SEND team",
        "Local offer again",
    ]
    assert len(decision.reasons) == 3


# --- fallbacks ----------------------------------------------------------------------------


def always(route, name, *, fallback=False, conditions=()):
    return RuleSpec(name, route, tuple(conditions), fallback=fallback)


def test_fallbacks_only_when_no_ordinary_rule_matched():
    rules = [
        always("send_team", "Catch all", fallback=True),
        RuleSpec("Under 3", "portage", (Condition("age_months", "lt", 36),)),
    ]
    assert evaluate({"age_months": 20}, rules).matched_rules == ["Under 3"]
    assert evaluate({"age_months": 40}, rules).matched_rules == ["Catch all"]


def test_first_matching_fallback_wins_and_later_ones_are_not_applied():
    rules = [
        RuleSpec(
            "Severe fallback",
            "portage",
            (Condition("highest_level", "eq", "severe"),),
            fallback=True,
        ),
        always("local_offer", "First catch all", fallback=True),
        always("send_team", "Second catch all", fallback=True),
    ]
    decision = evaluate({"highest_level": "emerging"}, rules)
    assert decision.routes == ["local_offer"]
    assert decision.matched_rules == ["First catch all"]
    assert decision.sentences == [
        "Signposted to services in the local offer because no other rule applied."
    ]
    assert decision.reasons[0]["rule"] == "First catch all"
    assert evaluate({"highest_level": "severe"}, rules).matched_rules == ["Severe fallback"]


def test_no_rules_at_all_gives_no_route():
    decision = evaluate(QUIET, [])
    assert (decision.routes, decision.reasons, decision.matched_rules) == ([], [], [])


def test_default_fallbacks_emerging_goes_to_local_offer_else_triage():
    emerging = evaluate(facts(highest_level="emerging", areas_with_concern=2), DEFAULT_SPECS)
    assert (emerging.routes, emerging.sentences) == (["local_offer"], [LOCAL_OFFER_REASON])
    nothing = evaluate(facts(highest_level="none"), DEFAULT_SPECS)
    assert (nothing.routes, nothing.sentences) == (["send_team"], [TRIAGE_REASON])
    assert "no other rule applied" in nothing.sentences[0]


# --- explanations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "case_facts", "expected"),
    [
        pytest.param(
            Condition("age_months", "lt", 36),
            {"age_months": 26},
            "the child is 2 years, 2 months old, and the threshold is under 3 years",
            id="lt",
        ),
        pytest.param(
            Condition("age_months", "lte", 36),
            {"age_months": 36},
            "the child is 3 years old, and the threshold is 3 years or less",
            id="lte",
        ),
        pytest.param(
            Condition("max_delay_months", "gt", 6),
            {"max_delay_months": 7},
            "the child's development is 7 months behind their age, and the threshold is more "
            "than 6 months",
            id="gt",
        ),
        pytest.param(
            Condition("wellcomm_result", "ne", "green"),
            {"wellcomm_result": "not_done"},
            "the speech and language screen result is none yet, and the rule excludes green",
            id="ne-with-underscores-as-spaces",
        ),
        pytest.param(
            Condition("wellcomm_result", "in", ["amber", "red"]),
            {"wellcomm_result": "red"},
            "the speech and language screen result is red, and the rule covers amber or red",
            id="in",
        ),
        pytest.param(
            Condition("broad_areas_of_need", "contains", "semh"),
            {"broad_areas_of_need": ["communication_interaction", "semh"]},
            "the broad areas of need include social, emotional and mental health",
            id="contains",
        ),
        pytest.param(
            Condition("has_diagnosis", "eq", True),
            {"has_diagnosis": True},
            "the child has a known diagnosis",
            id="bool-true",
        ),
        pytest.param(
            Condition("has_diagnosis", "eq", False),
            {"has_diagnosis": False},
            "the child has no known diagnosis",
            id="bool-false",
        ),
    ],
)
def test_condition_explanations(condition, case_facts, expected):
    assert condition.holds(case_facts)
    match = RuleSpec("Any name", "send_team", (condition,)).match(case_facts)
    assert staff_sentence(match) == f"Sent to the Early Years SEND team because {expected}."


def test_bool_explanation_takes_the_operator_into_account():
    no_diagnosis = {"has_diagnosis": False}
    ne_true = Condition("has_diagnosis", "ne", True)
    eq_false = Condition("has_diagnosis", "eq", False)
    assert ne_true.holds(no_diagnosis) and eq_false.holds(no_diagnosis)
    # Both hold in exactly the same circumstances, so they must say the same thing.
    said = [
        staff_sentence(RuleSpec("Any", "send_team", (c,)).match(no_diagnosis))
        for c in (ne_true, eq_false)
    ]
    assert said[0] == said[1]
    assert ne_true.sentence() == eq_false.sentence() == "the child has no known diagnosis"


def test_ordinary_rule_without_conditions_does_not_claim_to_be_a_fallback():
    rules = [
        RuleSpec("Under 3", "portage", (Condition("age_months", "lt", 36),)),
        RuleSpec("Everyone is seen by the SEND team", "send_team", ()),
    ]
    decision = evaluate({"age_months": 20}, rules)
    assert decision.routes == ["portage", "send_team"]
    assert decision.sentences[1] == (
        "Sent to the Early Years SEND team, as the rules send every referral there."
    )


# --- conditions on missing facts ----------------------------------------------------------


@pytest.mark.parametrize("op", list(OPERATORS))
def test_a_condition_on_a_missing_fact_never_holds(op):
    value = ["x"] if op == "in" else 1
    assert not Condition("age_months", op, value).holds({})
    assert not Condition("age_months", op, value).holds({"age_months": None})


def test_unknown_operator_at_evaluation_is_an_error():
    with pytest.raises(ValueError, match="Unknown operator 'between'"):
        Condition("age_months", "between", 3).holds({"age_months": 2})


# --- derive_facts -------------------------------------------------------------------------


def test_delay_months_uses_the_top_of_the_band():
    assert delay_months(54, "22-36") == 18
    assert delay_months(53, "22-36") == 17
    assert delay_months(30, "0-11") == 19
    assert delay_months(30, "30-50") == 0  # never negative
    assert delay_months(30, None) == 0
    assert delay_months(30, "") == 0
    assert delay_months(30, "99-100") == 0
    assert {band: top for band, (_low, top, _label) in DEVELOPMENTAL_BANDS.items()} == {
        "0-11": 11,
        "8-20": 20,
        "16-26": 26,
        "22-36": 36,
        "30-50": 50,
        "40-60": 60,
    }


def test_derive_facts_from_nothing():
    assert derive_facts({}, 30, "parent_request") == {
        "age_months": 30,
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
        "source": "parent_request",
        "broad_areas_of_need": [],
    }


def test_derive_facts_from_a_full_concern():
    answers = {
        "development": {
            "communication_language": {"level": "significant", "age_band": "8-20"},
            "physical": {"level": "none", "age_band": "0-11"},  # no concern: no delay counted
            "personal_social_emotional": {"level": "emerging", "age_band": "16-26"},
        },
        "specific_areas": {
            "literacy": {"level": "severe", "age_band": None},
            "mathematics": {"level": "none", "age_band": None},
            "expressive_arts": {"level": "emerging", "age_band": "22-36"},
        },
        "support_cycles": [
            {"tried": "Group work", "complete": True},
            {"tried": "1:1 sessions", "complete": False},
            {"tried": "Visual timetable", "complete": True},
        ],
        "health_family": {
            "family_circumstances": True,
            "ehc_assessment_requested": True,
            "diagnoses": "Global developmental delay",
        },
        "early_help": {"family_agrees": True},
        "checks": {"wellcomm_result": "red"},
        "broad_areas_of_need": ["sensory_physical"],
    }
    result = derive_facts(answers, 40, "setting_concern")
    assert result == {
        "age_months": 40,
        "prime_areas_with_concern": 2,
        "areas_with_concern": 4,
        "highest_level": "severe",
        "max_delay_months": 20,  # 40 months working within 8-20
        "support_cycles_completed": 2,
        "family_circumstances_flagged": True,
        "family_agrees_to_early_help": True,
        "ehc_assessment_requested": True,
        "has_diagnosis": True,
        "wellcomm_result": "red",
        "source": "setting_concern",
        "broad_areas_of_need": [
            "cognition_learning",
            "communication_interaction",
            "semh",
            "sensory_physical",
        ],
    }
    assert type(result["highest_level"]) is str


@pytest.mark.parametrize(
    ("levels", "highest"),
    [
        (["significant", "severe", "emerging"], "severe"),
        (["emerging", "significant"], "significant"),
        (["significant", "emerging"], "significant"),
        (["emerging"], "emerging"),
        (["none", "none"], "none"),
    ],
)
def test_highest_level_is_by_rank_not_by_order_or_alphabet(levels, highest):
    areas = ["communication_language", "physical", "personal_social_emotional"]
    development = {area: {"level": level} for area, level in zip(areas, levels, strict=False)}
    answers = {"development": development}
    assert derive_facts(answers, 30, "setting_concern")["highest_level"] == highest


def test_highest_level_accepts_enum_members_too():
    answers = {"development": {"physical": {"level": ConcernLevel.SIGNIFICANT}}}
    assert derive_facts(answers, 30, "setting_concern")["highest_level"] == "significant"


@pytest.mark.parametrize(
    ("age", "band", "delay"),
    [(54, "22-36", 18), (53, "22-36", 17), (36, "16-26", 10), (24, "16-26", 0)],
)
def test_max_delay_from_age_bands(age, band, delay):
    answers = {
        "development": {
            "communication_language": {"level": "significant", "age_band": band},
            "physical": {"level": "emerging", "age_band": None},
        }
    }
    assert derive_facts(answers, age, "setting_concern")["max_delay_months"] == delay


def test_delay_of_18_months_from_answers_routes_to_the_send_team():
    answers = {
        "development": {"communication_language": {"level": "emerging", "age_band": "22-36"}}
    }
    at_54 = evaluate(derive_facts(answers, 54, "setting_concern"), DEFAULT_SPECS)
    at_53 = evaluate(derive_facts(answers, 53, "setting_concern"), DEFAULT_SPECS)
    assert (at_54.routes, at_54.matched_rules) == (["send_team"], [DELAY])
    assert (at_53.routes, at_53.matched_rules) == (["local_offer"], [LOCAL_OFFER])


def test_only_complete_support_cycles_count():
    answers = {
        "support_cycles": [
            {"tried": "a", "complete": True},
            {"tried": "b", "complete": False},
            {"tried": "c"},
        ]
    }
    assert derive_facts(answers, 30, "setting_concern")["support_cycles_completed"] == 1


@pytest.mark.parametrize(
    ("answers", "flagged", "agrees", "ehc", "diagnosis"),
    [
        ({"health_family": {"family_circumstances": False}}, False, False, False, False),
        ({"health_family": {"family_circumstances": True}}, True, False, False, False),
        ({"early_help": {"family_agrees": True}}, False, True, False, False),
        ({"health_family": {"ehc_assessment_requested": True}}, False, False, True, False),
        ({"health_family": {"diagnoses": "   "}}, False, False, False, False),
        ({"health_family": {"diagnoses": None}}, False, False, False, False),
        ({"health_family": {"diagnoses": "Down syndrome"}}, False, False, False, True),
        ({"health_family": None, "early_help": None}, False, False, False, False),
    ],
)
def test_family_and_health_flags(answers, flagged, agrees, ehc, diagnosis):
    result = derive_facts(answers, 30, "health_notification")
    assert result["family_circumstances_flagged"] is flagged
    assert result["family_agrees_to_early_help"] is agrees
    assert result["ehc_assessment_requested"] is ehc
    assert result["has_diagnosis"] is diagnosis


@pytest.mark.parametrize(
    ("checks", "result"),
    [
        ({}, "not_done"),
        ({"wellcomm_result": ""}, "not_done"),
        ({"wellcomm_result": "amber"}, "amber"),
    ],
)
def test_wellcomm_result(checks, result):
    assert derive_facts({"checks": checks}, 30, "setting_concern")["wellcomm_result"] == result


def test_broad_areas_of_need_from_eyfs_areas_and_explicit_ones_without_duplicates():
    answers = {
        "development": {
            "communication_language": {"level": "emerging"},
            "physical": {"level": "none"},  # no concern: not mapped
        },
        "specific_areas": {
            "literacy": {"level": "significant"},
            "mathematics": {"level": "significant"},
        },
        "broad_areas_of_need": ["communication_interaction", "sensory_physical"],
    }
    assert derive_facts(answers, 30, "setting_concern")["broad_areas_of_need"] == [
        "cognition_learning",
        "communication_interaction",
        "sensory_physical",
    ]


def test_explicit_broad_areas_alone_from_a_health_notification():
    answers = {"broad_areas_of_need": ["semh"], "health_family": {"diagnoses": "Autism"}}
    result = derive_facts(answers, 30, "health_notification")
    assert result["broad_areas_of_need"] == ["semh"]
    assert result["areas_with_concern"] == 0
    assert result["has_diagnosis"] is True


def test_specific_areas_count_as_areas_but_not_prime_areas():
    answers = {
        "development": {"communication_language": {"level": "significant"}},
        "specific_areas": {
            "literacy": {"level": "significant"},
            "understanding_world": {"level": "emerging"},
        },
    }
    result = derive_facts(answers, 30, "setting_concern")
    assert result["prime_areas_with_concern"] == 1
    assert result["areas_with_concern"] == 3
    decision = evaluate(result, DEFAULT_SPECS)
    assert (decision.routes, decision.matched_rules) == (["send_team"], [COMPLEX])


def test_two_prime_areas_under_three_from_answers_route_to_portage():
    answers = {
        "development": {
            "communication_language": {"level": "significant"},
            "personal_social_emotional": {"level": "emerging"},
        }
    }
    assert evaluate(derive_facts(answers, 35, "setting_concern"), DEFAULT_SPECS).routes == [
        "portage"
    ]
    assert evaluate(derive_facts(answers, 36, "setting_concern"), DEFAULT_SPECS).routes == [
        "send_team"
    ]


# --- validate_conditions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            {"fact": "age_months", "op": "lt", "value": 36}, "must be a list", id="dict-not-list"
        ),
        pytest.param("age_months < 36", "must be a list", id="string-not-list"),
        pytest.param(None, "must be a list", id="none-not-list"),
        pytest.param(["age_months < 36"], "needs exactly", id="item-not-a-dict"),
        pytest.param([{"fact": "age_months", "op": "lt"}], "needs exactly", id="missing-value"),
        pytest.param([{"fact": "age_months", "value": 36}], "needs exactly", id="missing-op"),
        pytest.param([{"op": "lt", "value": 36}], "needs exactly", id="missing-fact"),
        pytest.param(
            [{"fact": "age_months", "op": "lt", "value": 36, "note": "x"}],
            "needs exactly",
            id="extra-key",
        ),
        pytest.param(
            [{"fact": "shoe_size", "op": "lt", "value": 36}],
            "Unknown fact 'shoe_size'",
            id="unknown-fact",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "between", "value": 36}],
            "Unknown operator 'between'",
            id="unknown-operator",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "<", "value": 36}],
            "Unknown operator '<'",
            id="symbol-operator",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "lt", "value": True}],
            "age_months needs a whole number",
            id="bool-for-int",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "lt", "value": "36"}],
            "age_months needs a whole number",
            id="string-for-int",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "lt", "value": 35.5}],
            "age_months needs a whole number",
            id="float-for-int",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "lt", "value": None}],
            "age_months needs a whole number",
            id="null-for-int",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "in", "value": [24, "36"]}],
            "age_months needs a whole number",
            id="string-inside-in-list-for-int",
        ),
        pytest.param(
            [{"fact": "has_diagnosis", "op": "eq", "value": "yes"}],
            "has_diagnosis needs a bool value",
            id="string-for-bool",
        ),
        pytest.param(
            [{"fact": "has_diagnosis", "op": "eq", "value": 1}],
            "has_diagnosis needs a bool value",
            id="int-for-bool",
        ),
        pytest.param(
            [{"fact": "source", "op": "eq", "value": 3}],
            "source needs a str value",
            id="int-for-str",
        ),
        pytest.param(
            [{"fact": "broad_areas_of_need", "op": "contains", "value": 3}],
            "broad_areas_of_need needs a str value",
            id="int-for-list-item",
        ),
        pytest.param(
            [{"fact": "highest_level", "op": "eq", "value": "high"}],
            "highest_level must be one of none, emerging, significant, severe",
            id="level-not-a-choice",
        ),
        pytest.param(
            [{"fact": "wellcomm_result", "op": "eq", "value": "purple"}],
            "wellcomm_result must be one of not_done, green, amber, red",
            id="wellcomm-not-a-choice",
        ),
        pytest.param(
            [{"fact": "highest_level", "op": "in", "value": ["severe", "Severe"]}],
            "highest_level must be one of",
            id="in-list-with-a-bad-choice",
        ),
        pytest.param(
            [{"fact": "highest_level", "op": "in", "value": "severe"}],
            "“is one of” needs a list of values for highest_level",
            id="in-without-a-list",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "in", "value": 36}],
            "“is one of” needs a list of values for age_months",
            id="in-with-a-number",
        ),
        pytest.param(
            [
                {"fact": "age_months", "op": "lt", "value": 36},
                {"fact": "nope", "op": "eq", "value": 1},
            ],
            "Unknown fact 'nope'",
            id="second-condition-bad",
        ),
    ],
)
def test_validate_conditions_refuses(raw, message):
    with pytest.raises(ValueError, match=message):
        validate_conditions(raw)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param([], id="empty"),
        pytest.param([{"fact": "age_months", "op": "lt", "value": 24}], id="int"),
        pytest.param([{"fact": "age_months", "op": "in", "value": [24, 36]}], id="int-in"),
        pytest.param([{"fact": "age_months", "op": "in", "value": []}], id="empty-in"),
        pytest.param([{"fact": "highest_level", "op": "eq", "value": "severe"}], id="choice"),
        pytest.param(
            [{"fact": "wellcomm_result", "op": "in", "value": ["amber", "red"]}], id="choice-in"
        ),
        pytest.param([{"fact": "has_diagnosis", "op": "eq", "value": False}], id="bool"),
        pytest.param([{"fact": "source", "op": "ne", "value": "parent_request"}], id="str"),
        pytest.param(
            [{"fact": "broad_areas_of_need", "op": "contains", "value": "semh"}], id="list"
        ),
    ],
)
def test_validate_conditions_accepts(raw):
    conditions = validate_conditions(raw)
    assert conditions == tuple(Condition(c["fact"], c["op"], c["value"]) for c in raw)


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda rule: rule["name"])
def test_every_default_rule_validates(rule):
    assert len(validate_conditions(rule["conditions"])) == len(rule["conditions"])
    assert rule["route"] in Route.values


def test_rule_specs_carry_id_and_route_as_plain_strings():
    (spec,) = rule_specs(
        [{"id": 7, "name": "N", "route": Route.PORTAGE, "conditions": [], "fallback": 1}]
    )
    assert spec == RuleSpec("N", "portage", (), fallback=True, rule_id=7)
    assert type(spec.route) is str


def test_rule_specs_refuse_rules_that_do_not_parse():
    with pytest.raises(ValueError, match="Unknown fact"):
        rule_specs(
            [
                {
                    "name": "N",
                    "route": "portage",
                    "conditions": [{"fact": "x", "op": "eq", "value": 1}],
                }
            ]
        )


def test_rule_specs_refuse_a_dict_instead_of_a_list_of_conditions():
    with pytest.raises(ValueError, match="must be a list"):
        rule_specs([{"name": "Under 3", "route": "portage", "conditions": {}}])


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param({"fact": "age_months", "op": "contains", "value": 3}, id="contains-on-int"),
        pytest.param({"fact": "broad_areas_of_need", "op": "lt", "value": "semh"}, id="lt-on-list"),
        pytest.param(
            {"fact": "has_diagnosis", "op": "contains", "value": True}, id="contains-on-bool"
        ),
    ],
)
def test_conditions_that_validate_can_always_be_evaluated(raw):
    try:
        conditions = validate_conditions([raw])
    except ValueError:
        return  # refusing the operator for this fact is fine
    evaluate(
        derive_facts({"broad_areas_of_need": ["semh"]}, 30, "setting_concern"),
        [RuleSpec("Odd rule", "portage", conditions)],
    )


def test_ordering_on_concern_levels_follows_their_rank():
    try:
        (condition,) = validate_conditions(
            [{"fact": "highest_level", "op": "gte", "value": "significant"}]
        )
    except ValueError:
        return  # refusing ordering on words is fine too
    assert condition.holds({"highest_level": "severe"})


# --- property: evaluate never raises with the default rules --------------------------------


def strategy_for(fact) -> st.SearchStrategy:
    if fact.choices and fact.kind is list:
        return st.lists(st.sampled_from(fact.choices), max_size=4)
    if fact.choices:
        return st.sampled_from(fact.choices)
    if fact.kind is bool:
        return st.booleans()
    if fact.kind is int:
        return st.integers(min_value=-(10**6), max_value=10**6)
    if fact.kind is list:
        return st.lists(st.text(max_size=20), max_size=5)
    return st.text(max_size=30)


ARBITRARY_FACTS = st.fixed_dictionaries(
    {},
    optional={name: st.one_of(st.none(), strategy_for(fact)) for name, fact in FACTS.items()},
)

FALLBACK_NAMES = {spec.name for spec in DEFAULT_SPECS if spec.fallback}


@settings(max_examples=300, deadline=None)
@given(ARBITRARY_FACTS)
def test_evaluate_never_raises_and_always_routes(arbitrary):
    decision = evaluate(arbitrary, DEFAULT_SPECS)
    assert decision.routes
    assert len(decision.routes) == len(set(decision.routes))
    assert set(decision.routes) <= set(Route.values)
    assert len(decision.reasons) == len(decision.matched_rules) >= 1
    fallbacks = [name for name in decision.matched_rules if name in FALLBACK_NAMES]
    if fallbacks:
        assert decision.matched_rules == fallbacks[:1]  # one fallback, and only on its own
    assert all(sentence.endswith(".") for sentence in decision.sentences)
    assert all(family_sentence(match).endswith(".") for match in decision.reasons)


LEVELS = st.sampled_from([level.value for level in ConcernLevel])
BANDS = st.sampled_from([None, *DEVELOPMENTAL_BANDS])
AREA_ANSWER = st.fixed_dictionaries({"level": LEVELS, "age_band": BANDS})
ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "development": st.dictionaries(
            st.sampled_from(["communication_language", "physical", "personal_social_emotional"]),
            AREA_ANSWER,
        ),
        "specific_areas": st.dictionaries(
            st.sampled_from(["literacy", "mathematics", "understanding_world", "expressive_arts"]),
            AREA_ANSWER,
        ),
        "support_cycles": st.lists(st.fixed_dictionaries({"complete": st.booleans()}), max_size=6),
        "health_family": st.fixed_dictionaries(
            {},
            optional={
                "family_circumstances": st.booleans(),
                "ehc_assessment_requested": st.booleans(),
                "diagnoses": st.text(max_size=10),
            },
        ),
        "early_help": st.fixed_dictionaries({"family_agrees": st.booleans()}),
        "checks": st.fixed_dictionaries(
            {"wellcomm_result": st.sampled_from(["not_done", "green", "amber", "red"])}
        ),
        "broad_areas_of_need": st.lists(
            st.sampled_from(
                ["communication_interaction", "cognition_learning", "semh", "sensory_physical"]
            )
        ),
    },
)


@settings(max_examples=300, deadline=None)
@given(
    ANSWERS,
    st.integers(min_value=0, max_value=84),
    st.sampled_from(["setting_concern", "health_notification", "parent_request"]),
)
def test_derived_facts_have_the_declared_types_and_always_route(answers, age, source):
    derived = derive_facts(answers, age, source)
    assert set(derived) == set(FACTS)
    for name, fact in FACTS.items():
        assert type(derived[name]) is fact.kind, name
        if fact.choices and fact.kind is list:
            assert set(derived[name]) <= set(fact.choices), name
        elif fact.choices:
            assert derived[name] in fact.choices, name
    assert 0 <= derived["prime_areas_with_concern"] <= min(3, derived["areas_with_concern"])
    assert derived["max_delay_months"] >= 0
    decision = evaluate(derived, DEFAULT_SPECS)
    assert decision.routes and len(decision.routes) == len(set(decision.routes))
