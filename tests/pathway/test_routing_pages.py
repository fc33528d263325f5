"""The routing rules pages: who may manage them, copying, testing a draft against the referrals
already made, publishing. The editor itself: tests/pathway/rulebook/."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pathway.models import Referral, RoutingRule, RoutingRuleSet
from pathway.routing import DEFAULT_RULES
from pathway.services import create_referral

from ..factories import ChildFactory

pytestmark = pytest.mark.django_db

PORTAGE_RULE = "Under 3 with a delay in two or more prime areas"
PORTAGE_UNDER_24 = [
    {"fact": "age_months", "op": "lt", "value": 24},
    {"fact": "prime_areas_with_concern", "op": "gte", "value": 2},
]

TWO_PRIME = {
    "development": {
        "communication_language": {"level": "significant", "age_band": None},
        "personal_social_emotional": {"level": "significant", "age_band": None},
    }
}
TWO_PRIME_AND_FAMILY = {**TWO_PRIME, "health_family": {"family_circumstances": True}}
EMERGING_ONLY = {"development": {"physical": {"level": "emerging", "age_band": None}}}
ONE_SEVERE = {"development": {"communication_language": {"level": "severe", "age_band": None}}}


def rules_snapshot(rule_set: RoutingRuleSet) -> list[tuple]:
    return [
        (rule.position, rule.name, rule.route, rule.conditions, rule.fallback)
        for rule in rule_set.rules.all()
    ]


def version(number: int) -> RoutingRuleSet:
    return RoutingRuleSet.objects.get(version=number)


def born_months_ago(months: int) -> datetime.date:
    """A date of birth giving exactly `months` completed months on the day routing runs
    (create_referral takes the date from timezone.now())."""
    today = timezone.now().date()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return datetime.date(year, month + 1, 1)


def refer(world, age_months: int, answers: dict) -> Referral:
    child = ChildFactory(setting=world.setting_a, date_of_birth=born_months_ago(age_months))
    assert child.age_in_months(timezone.now().date()) == age_months
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers=answers,
            setting=world.setting_a,
        )


def copy_of_version_1(client, world) -> RoutingRuleSet:
    client.force_login(world.send_manager)
    response = client.post(reverse("copy-rule-set", args=[1]), follow=True)
    assert response.redirect_chain == [(reverse("routing-rules"), 302)]
    return version(2)


def table_rows(page: str) -> list[list[str]]:
    """Each table row's cell texts, tags stripped and entities decoded."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- who may manage routing ----------------------------------------------------------------


def test_version_1_is_published_from_the_default_rules():
    (only,) = RoutingRuleSet.objects.all()
    assert (only.version, only.status) == (1, RoutingRuleSet.Status.PUBLISHED)
    assert [
        (name, route, conditions, fallback)
        for _, name, route, conditions, fallback in rules_snapshot(only)
    ] == [
        (rule["name"], str(rule["route"]), rule["conditions"], rule.get("fallback", False))
        for rule in DEFAULT_RULES
    ]


def test_send_manager_sees_the_rule_sets(client, world):
    client.force_login(world.send_manager)
    response = client.get(reverse("routing-rules"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Version 1" in page and "Published" in page
    for rule in DEFAULT_RULES:
        assert rule["name"] in page
    assert reverse("copy-rule-set", args=[1]) in page


@pytest.mark.parametrize(
    "role",
    [
        "send_officer",
        "practitioner_a",
        "portage_a",
        "planner",
        "early_help",
        "professional",
        "trainer",
        "admin",
    ],
)
def test_only_the_send_manager_may_manage_routing(client, world, role):
    draft = copy_of_version_1(client, world)
    client.force_login(getattr(world, role))
    assert client.get(reverse("routing-rules")).status_code == 403
    assert client.post(reverse("copy-rule-set", args=[1])).status_code == 403
    assert client.get(reverse("test-rule-set", args=[2])).status_code == 403
    assert client.post(reverse("test-rule-set", args=[2])).status_code == 403
    assert RoutingRuleSet.objects.count() == 2
    draft.refresh_from_db()
    assert draft.status == RoutingRuleSet.Status.DRAFT
    assert version(1).status == RoutingRuleSet.Status.PUBLISHED


def test_an_inactive_send_manager_may_not_manage_routing(client, world):
    world.send_manager.is_active = False
    world.send_manager.save()
    client.force_login(world.send_manager)
    response = client.get(reverse("routing-rules"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "routing-rules", []),
        ("post", "copy-rule-set", [1]),
        ("get", "test-rule-set", [1]),
        ("post", "test-rule-set", [1]),
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, method, name, args):
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('sign-in')}?next={url}"
    assert RoutingRuleSet.objects.count() == 1


def test_copy_refuses_get(client, world):
    client.force_login(world.send_manager)
    assert client.get(reverse("copy-rule-set", args=[1])).status_code == 405
    assert RoutingRuleSet.objects.count() == 1


def test_unknown_versions_are_not_found(client, world):
    client.force_login(world.send_manager)
    assert client.post(reverse("copy-rule-set", args=[99])).status_code == 404
    assert client.get(reverse("test-rule-set", args=[99])).status_code == 404


# --- copying --------------------------------------------------------------------------------


def test_copy_makes_a_draft_version_2_with_the_same_rules(client, world):
    before = rules_snapshot(version(1))
    client.force_login(world.send_manager)
    response = client.post(reverse("copy-rule-set", args=[1]), follow=True)
    assert response.redirect_chain == [(reverse("routing-rules"), 302)]
    assert shown_messages(response) == ["Version 2 created as a draft: edit its rules."]
    draft = version(2)
    assert draft.status == RoutingRuleSet.Status.DRAFT
    assert draft.created_by == world.send_manager
    assert draft.notes == "Copied from version 1"
    assert draft.published_at is None
    assert rules_snapshot(draft) == before
    original = version(1)
    assert original.status == RoutingRuleSet.Status.PUBLISHED
    assert rules_snapshot(original) == before
    assert set(draft.rules.values_list("pk", flat=True)).isdisjoint(
        original.rules.values_list("pk", flat=True)
    )
    page = html.unescape(response.content.decode())
    assert "Version 2" in page and "Draft" in page
    assert reverse("test-rule-set", args=[2]) in page
    assert reverse("test-rule-set", args=[1]) not in page  # only drafts are tested


def test_editing_the_copy_leaves_the_published_version_alone(client, world):
    draft = copy_of_version_1(client, world)
    RoutingRule.objects.filter(rule_set=draft, name=PORTAGE_RULE).update(
        conditions=PORTAGE_UNDER_24
    )
    assert version(1).rules.get(name=PORTAGE_RULE).conditions == DEFAULT_RULES[0]["conditions"]


def test_each_copy_gets_the_next_version(client, world):
    copy_of_version_1(client, world)
    client.post(reverse("copy-rule-set", args=[1]))
    assert list(RoutingRuleSet.objects.values_list("version", "status")) == [
        (3, "draft"),
        (2, "draft"),
        (1, "published"),
    ]


# --- the tester -----------------------------------------------------------------------------


@pytest.fixture
def referrals(world):
    """Five referrals routed by version 1, two of which a portage threshold of 24 months
    would route differently."""
    return {
        "portage_at_30": refer(world, 30, TWO_PRIME),
        "portage_at_20": refer(world, 20, TWO_PRIME),
        "portage_and_early_help_at_30": refer(world, 30, TWO_PRIME_AND_FAMILY),
        "emerging_at_40": refer(world, 40, EMERGING_ONLY),
        "severe_at_30": refer(world, 30, ONE_SEVERE),
    }


def test_referrals_are_routed_by_version_1(referrals):
    assert {name: referral.routes for name, referral in referrals.items()} == {
        "portage_at_30": ["portage"],
        "portage_at_20": ["portage"],
        "portage_and_early_help_at_30": ["portage", "early_help"],
        "emerging_at_40": ["local_offer"],
        "severe_at_30": ["send_team"],
    }
    assert {referral.rule_set.version for referral in referrals.values()} == {1}


def test_tester_shows_which_referrals_a_changed_rule_would_reroute(client, world, referrals):
    draft = copy_of_version_1(client, world)
    changed = RoutingRule.objects.filter(rule_set=draft, name=PORTAGE_RULE).update(
        conditions=PORTAGE_UNDER_24
    )
    assert changed == 1

    response = client.get(reverse("test-rule-set", args=[2]))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert response.context["error"] is None
    assert (comparison.current_version, comparison.candidate_version, comparison.tried) == (1, 2, 5)
    changes = {
        change["referral"].reference: (change["before"], change["after"])
        for change in comparison.changes
    }
    assert changes == {
        referrals["portage_at_30"].reference: (["Portage"], ["Early Years SEND team"]),
        referrals["portage_and_early_help_at_30"].reference: (
            ["Portage", "Early Help Assessment"],
            ["Early Help Assessment"],
        ),
    }
    assert comparison.route_rows == [
        ("Early Years SEND team", 1, 2),
        ("Portage", 3, 1),
        ("Early Help Assessment", 1, 1),
        ("Signpost to the local offer", 1, 1),
    ]

    page = response.content.decode()
    rows = table_rows(page)
    for counts in (
        ["Early Years SEND team", "1", "2"],
        ["Portage", "3", "1"],
        ["Early Help Assessment", "1", "1"],
        ["Signpost to the local offer", "1", "1"],
    ):
        assert counts in rows
    change_rows = {row[0]: row[1:] for row in rows if row and row[0].startswith("EY")}
    assert set(change_rows) == {
        referrals["portage_at_30"].reference,
        referrals["portage_and_early_help_at_30"].reference,
    }
    moved = change_rows[referrals["portage_at_30"].reference]
    assert moved[:2] == ["Portage", "Early Years SEND team"]
    assert moved[2] == (
        "Sent to the Early Years SEND team because no other rule applied. "
        "Rule: Otherwise the SEND team triages"
    )
    both = change_rows[referrals["portage_and_early_help_at_30"].reference]
    assert both[:2] == ["Portage, Early Help Assessment", "Early Help Assessment"]
    assert "Family circumstances may need early help" in both[2]
    for unchanged in ("portage_at_20", "emerging_at_40", "severe_at_30"):
        assert referrals[unchanged].reference not in page
    assert "2 referrals would be routed differently" in page
    assert "Publish version 2" in page


def test_tester_on_an_unchanged_copy_shows_no_changes(client, world, referrals):
    copy_of_version_1(client, world)
    response = client.get(reverse("test-rule-set", args=[2]))
    comparison = response.context["comparison"]
    assert comparison.tried == 5 and comparison.changes == []
    assert all(before == after for _label, before, after in comparison.route_rows)
    assert "0 referrals would be routed differently" in response.content.decode()


def test_publishing_routes_new_referrals_by_the_new_version(client, world, referrals):
    draft = copy_of_version_1(client, world)
    RoutingRule.objects.filter(rule_set=draft, name=PORTAGE_RULE).update(
        conditions=PORTAGE_UNDER_24
    )
    response = client.post(reverse("test-rule-set", args=[2]), follow=True)
    assert response.redirect_chain == [(reverse("routing-rules"), 302)]
    assert shown_messages(response) == ["Version 2 is now published."]

    published, retired = version(2), version(1)
    assert published.status == RoutingRuleSet.Status.PUBLISHED
    assert published.published_by == world.send_manager
    assert published.published_at is not None
    assert retired.status == RoutingRuleSet.Status.RETIRED
    assert RoutingRuleSet.objects.filter(status="published").count() == 1

    new = refer(world, 30, TWO_PRIME)
    assert new.rule_set.version == 2
    assert new.routes == ["send_team"]
    assert new.routing_reasons == [
        {
            "rule": "Otherwise the SEND team triages",
            "rule_id": version(2).rules.get(name="Otherwise the SEND team triages").pk,
            "version": 2,
            "route": "send_team",
            "fallback": True,
            "conditions": [],
        }
    ]
    assert list(new.current_routes.values_list("route", flat=True)) == ["send_team"]
    assert new.events.get(kind="routed").detail["rule_set_version"] == 2

    for name, referral in referrals.items():
        stored = Referral.objects.get(pk=referral.pk)
        assert stored.rule_set.version == 1, name
        assert stored.routes == referral.routes, name
    under_24 = refer(world, 20, TWO_PRIME)
    assert (under_24.rule_set.version, under_24.routes) == (2, ["portage"])


def test_published_versions_are_not_published_again(client, world):
    copy_of_version_1(client, world)
    client.post(reverse("test-rule-set", args=[2]))
    retired_at = version(1).published_at
    response = client.post(reverse("test-rule-set", args=[1]))
    assert response.status_code == 200  # shown, not published
    assert version(1).status == RoutingRuleSet.Status.RETIRED
    assert version(1).published_at == retired_at
    assert version(2).status == RoutingRuleSet.Status.PUBLISHED
    assert "Publish version 1" not in response.content.decode()


@pytest.mark.parametrize(
    ("conditions", "error"),
    [
        pytest.param(
            [{"fact": "shoe_size", "op": "lt", "value": 3}],
            "Unknown fact 'shoe_size'",
            id="unknown-fact",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "between", "value": 3}],
            "Unknown operator 'between'",
            id="unknown-operator",
        ),
        pytest.param("age_months < 24", "Conditions must be a list", id="text-not-a-list"),
        pytest.param(
            [{"fact": "age_months", "op": "lt", "value": "24"}],
            "age_months needs a whole number",
            id="string-for-int",
        ),
        pytest.param(
            [{"fact": "age_months", "op": "lt"}],
            'Each condition needs exactly "fact"',
            id="missing-value",
        ),
    ],
)
def test_a_draft_with_broken_conditions_is_not_published(
    client, world, referrals, conditions, error
):
    draft = copy_of_version_1(client, world)
    RoutingRule.objects.filter(rule_set=draft, name=PORTAGE_RULE).update(conditions=conditions)

    tester = client.get(reverse("test-rule-set", args=[2]))
    assert tester.status_code == 200
    assert tester.context["comparison"] is None
    tester_page = html.unescape(tester.content.decode())
    assert "There is a problem" in tester_page
    assert error in tester_page
    assert "Publish version 2" not in tester_page

    response = client.post(reverse("test-rule-set", args=[2]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("routing-rules"), 302)]
    (message,) = shown_messages(response)
    assert message.startswith("Version 2 cannot be published: ")
    assert error in message
    assert error in html.unescape(response.content.decode())

    assert version(1).status == RoutingRuleSet.Status.PUBLISHED
    assert version(2).status == RoutingRuleSet.Status.DRAFT
    assert version(2).published_at is None
    assert refer(world, 30, TWO_PRIME).rule_set.version == 1


def test_a_draft_whose_operator_does_not_suit_the_fact_is_not_published(client, world):
    draft = copy_of_version_1(client, world)
    RoutingRule.objects.filter(rule_set=draft, name=PORTAGE_RULE).update(
        conditions=[{"fact": "age_months", "op": "contains", "value": 3}]
    )
    client.post(reverse("test-rule-set", args=[2]))
    assert version(1).status == RoutingRuleSet.Status.PUBLISHED


def test_the_tester_does_not_crash_on_an_operator_that_does_not_suit_the_fact(
    client, world, referrals
):
    draft = copy_of_version_1(client, world)
    RoutingRule.objects.filter(rule_set=draft, name=PORTAGE_RULE).update(
        conditions=[{"fact": "age_months", "op": "contains", "value": 3}]
    )
    response = client.get(reverse("test-rule-set", args=[2]))
    assert response.status_code == 200


def test_a_draft_with_a_dict_for_conditions_is_not_published(client, world):
    draft = copy_of_version_1(client, world)
    RoutingRule.objects.filter(rule_set=draft, name=PORTAGE_RULE).update(conditions={})
    client.post(reverse("test-rule-set", args=[2]))
    assert version(1).status == RoutingRuleSet.Status.PUBLISHED
