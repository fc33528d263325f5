"""The rule editor in the service: the SEND manager changes a draft's rules with GOV.UK forms
that offer only what makes sense for each fact; published versions cannot be edited; bad input
gets an error summary and nothing saved; nobody else may use it."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathway.models import RoutingRule, RoutingRuleSet
from pathway.services import copy_rule_set, published_rule_set

pytestmark = pytest.mark.django_db

PORTAGE_RULE = "Under 3 with a delay in two or more prime areas"


def text(response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(page))


@pytest.fixture
def draft(world) -> RoutingRuleSet:
    return copy_rule_set(published_rule_set(), world.send_manager)


@pytest.fixture
def manager(client, world):
    client.force_login(world.send_manager)
    return client


def rule(rule_set: RoutingRuleSet, name: str = PORTAGE_RULE) -> RoutingRule:
    return rule_set.rules.get(name=name)


def test_the_rules_page_reads_every_rule_as_a_sentence(manager, draft):
    response = manager.get(reverse("routing-rules"))
    page, markup = text(response), response.content.decode()
    assert (
        "Send to the portage service when the child is under 3 and the child has a concern in "
        "two or more prime areas." in page
    )
    assert "If no other rule applies, send to the Early Years SEND team." in page
    assert (
        "Send to the Early Years SEND team when the setting has completed two or more cycles of "
        "assess, plan, do and review and the highest level of concern is significant or "
        "severe." in page
    )
    for code in ("age_months", " lt ", "gte", "family_circumstances_flagged", "['significant"):
        assert code not in page
    assert "the rules editor" not in page  # no link to the Django admin any more
    assert reverse("edit-rule", args=[draft.version, rule(draft).pk]) in markup
    published = rule(published_rule_set())
    assert reverse("edit-rule", args=[1, published.pk]) not in markup


def test_the_manager_changes_a_condition_and_the_sentence_follows(manager, draft):
    portage = rule(draft)
    url = reverse("change-condition", args=[draft.version, portage.pk, 0])
    form = manager.get(url)
    assert form.status_code == 200
    assert re.search(r'value="lt" id="[^"]+" checked', form.content.decode())
    response = manager.post(url, {"op": "lt", "number": "24"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("edit-rule", args=[2, portage.pk])
    portage.refresh_from_db()
    assert portage.conditions[0] == {"fact": "age_months", "op": "lt", "value": 24}
    assert "Condition saved: the child is under 2." in text(response)
    assert "Send to the portage service when the child is under 2 and" in text(response)
    # The published version is untouched.
    assert rule(published_rule_set()).conditions[0]["value"] == 36


def test_adding_a_condition_asks_for_the_fact_then_offers_only_what_it_allows(manager, draft):
    severe = rule(draft, "Severe needs")
    choose = reverse("choose-fact", args=[2, severe.pk])
    response = manager.post(choose, {"fact": "has_diagnosis"})
    assert response.url == reverse("add-condition", args=[2, severe.pk, "has_diagnosis"])
    page = manager.get(response.url).content.decode()
    assert 'name="holds"' in page and 'name="op"' not in page and 'name="number"' not in page
    manager.post(response.url, {"holds": "yes"})
    severe.refresh_from_db()
    assert severe.conditions[-1] == {"fact": "has_diagnosis", "op": "eq", "value": True}

    levels = manager.get(reverse("add-condition", args=[2, severe.pk, "highest_level"]))
    page = levels.content.decode()
    assert 'name="values"' in page and 'name="number"' not in page
    for level in ("none", "emerging", "significant", "severe"):
        assert f'value="{level}"' in page
    needs = manager.get(reverse("add-condition", args=[2, severe.pk, "broad_areas_of_need"]))
    assert 'name="op"' not in needs.content.decode()
    assert "Social, emotional and mental health" in text(needs)


@pytest.mark.parametrize(
    ("fact", "data", "error"),
    [
        ("age_months", {"op": "lt", "number": "3 years"}, "Enter a whole number, like 18"),
        ("age_months", {"op": "lt", "number": "200"}, "Enter a number from 0 to 96"),
        ("prime_areas_with_concern", {"op": "gte", "number": "4"}, "from 0 to 3"),
        ("age_months", {"op": "lt", "number": "24, 36"}, "Enter one number, or choose"),
        ("age_months", {"number": "24"}, "Select a comparison"),
        ("highest_level", {"op": "eq", "values": ["significant", "severe"]}, "Select one value"),
        ("highest_level", {"op": "eq"}, "Select a value"),
        ("has_diagnosis", {}, "Select when the rule applies"),
        ("age_months", {"op": "between", "number": "3"}, "Select a valid choice"),
    ],
)
def test_bad_answers_get_an_error_summary_and_nothing_is_saved(manager, draft, fact, data, error):
    portage = rule(draft)
    before = list(portage.conditions)
    response = manager.post(reverse("add-condition", args=[2, portage.pk, fact]), data)
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page and error in page
    portage.refresh_from_db()
    assert portage.conditions == before


def test_one_of_takes_several_values(manager, draft):
    portage = rule(draft)
    url = reverse("add-condition", args=[2, portage.pk, "wellcomm_result"])
    manager.post(url, {"op": "in", "values": ["amber", "red"]})
    portage.refresh_from_db()
    assert portage.conditions[-1] == {
        "fact": "wellcomm_result",
        "op": "in",
        "value": ["amber", "red"],
    }


def test_an_unknown_fact_goes_back_to_the_list_of_facts(manager, draft):
    portage = rule(draft)
    response = manager.get(reverse("add-condition", args=[2, portage.pk, "shoe_size"]))
    assert response.url == reverse("choose-fact", args=[2, portage.pk])


def test_a_rule_is_added_renamed_and_removed(manager, draft):
    response = manager.post(
        reverse("add-rule", args=[2]),
        {"name": "Diagnosis known", "route": "send_team", "position": "3"},
    )
    added = draft.rules.get(name="Diagnosis known")
    assert response.url == reverse("edit-rule", args=[2, added.pk])
    assert (added.route, added.fallback, added.position, added.conditions) == (
        "send_team",
        False,
        3,
        [],
    )
    manager.post(
        reverse("edit-rule", args=[2, added.pk]),
        {"name": "A known diagnosis", "route": "portage", "position": "4", "fallback": "on"},
    )
    added.refresh_from_db()
    assert (added.name, added.route, added.position, added.fallback) == (
        "A known diagnosis",
        "portage",
        4,
        True,
    )
    manager.post(reverse("delete-rule", args=[2, added.pk]))
    assert not draft.rules.filter(pk=added.pk).exists()


def test_a_rule_without_a_name_or_route_is_refused(manager, draft):
    count = draft.rules.count()
    response = manager.post(reverse("add-rule", args=[2]), {"name": " ", "position": "1"})
    assert "There is a problem" in text(response)
    assert draft.rules.count() == count


def test_a_condition_is_removed(manager, draft):
    portage = rule(draft)
    manager.post(reverse("remove-condition", args=[2, portage.pk, 0]))
    portage.refresh_from_db()
    assert portage.conditions == [{"fact": "prime_areas_with_concern", "op": "gte", "value": 2}]
    assert manager.post(reverse("remove-condition", args=[2, portage.pk, 5])).status_code == 404


def test_notes_are_saved_on_a_draft(manager, draft):
    manager.post(reverse("rule-set-notes", args=[2]), {"notes": "Portage from birth to two"})
    draft.refresh_from_db()
    assert draft.notes == "Portage from birth to two"


def test_published_and_retired_rules_cannot_be_edited(manager, draft, world):
    published = published_rule_set()
    portage = rule(published)
    for name, args in (
        ("edit-rule", [1, portage.pk]),
        ("delete-rule", [1, portage.pk]),
        ("choose-fact", [1, portage.pk]),
        ("change-condition", [1, portage.pk, 0]),
        ("add-condition", [1, portage.pk, "age_months"]),
        ("remove-condition", [1, portage.pk, 0]),
        ("rule-set-notes", [1]),
        ("add-rule", [1]),
        ("edit-rule", [2, portage.pk]),  # a published rule through a draft's number
    ):
        assert (
            manager.post(reverse(name, args=args), {"op": "lt", "number": "2"}).status_code == 404
        )
    portage.refresh_from_db()
    assert portage.conditions[0]["value"] == 36
    manager.post(reverse("test-rule-set", args=[2]))  # publish the draft: now read-only too
    assert manager.get(reverse("edit-rule", args=[2, rule(draft).pk])).status_code == 404


def test_the_service_refuses_an_edit_to_a_draft_published_meanwhile(draft, world):
    from pathway.rulebook import services as edits
    from pathway.services import publish_rule_set

    portage = rule(draft)
    publish_rule_set(draft, world.send_manager)
    with pytest.raises(edits.NotADraft):
        edits.save_condition(portage, {"fact": "age_months", "op": "lt", "value": 24}, 0)
    portage.refresh_from_db()
    assert portage.conditions[0]["value"] == 36


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
def test_only_the_send_manager_may_edit(client, world, draft, role):
    portage = rule(draft)
    client.force_login(getattr(world, role))
    for name, args in (
        ("edit-rule", [2, portage.pk]),
        ("add-rule", [2]),
        ("choose-fact", [2, portage.pk]),
        ("add-condition", [2, portage.pk, "age_months"]),
        ("change-condition", [2, portage.pk, 0]),
        ("remove-condition", [2, portage.pk, 0]),
        ("delete-rule", [2, portage.pk]),
        ("rule-set-notes", [2]),
    ):
        assert client.post(reverse(name, args=args), {"op": "lt", "number": "2"}).status_code == 403
    portage.refresh_from_db()
    assert portage.conditions[0]["value"] == 36


def test_the_django_admin_no_longer_edits_rules(client, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    assert "routingruleset" not in client.get(reverse("admin:index")).content.decode()


def test_the_rules_page_reads_in_the_same_number_of_queries_however_many_versions(manager, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(reverse("routing-rules")).status_code == 200
        return len(queries)

    copy_rule_set(published_rule_set(), world.send_manager)
    few = count()
    for _ in range(4):
        copy_rule_set(published_rule_set(), world.send_manager)
    assert count() == few
