"""Navigation by task: at most seven top-level items for any role, the rest in the sub-navigation
of their section, and every page a role could reach from the header before still reachable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from earlyyears.navigation import (
    MOST_TOP_LEVEL_ITEMS,
    links_for,
    navigation_for,
    subnavigation_for,
)
from earlyyears.roles import Role

from ..factories import UserFactory

# What each role had in the header before navigation was grouped by task (one flat row), less
# "Home" (the service name links there): every one must still be reachable.
BEFORE: dict[str, set[str]] = {
    Role.PRACTITIONER: {
        "children", "my-concerns", "information-requests", "my-actions", "local-offer",
        "advice-list", "/training/",
    },
    Role.PORTAGE_WORKER: {
        "portage-caseload", "my-concerns", "my-actions", "local-offer", "advice-list", "/training/",
    },
    Role.SEND_OFFICER: {
        "children", "triage-queue", "caseloads", "panel-list", "funding", "referrals-export",
        "notification-register", "possible-matches", "message-log", "my-actions", "local-offer",
        "advice-list", "/training/",
    },
    Role.SEND_MANAGER: {
        "children", "triage-queue", "caseloads", "panel-list", "funding", "referrals-export",
        "notification-register", "possible-matches", "message-log", "routing-rules",
        "audit-search", "account-changes", "my-actions", "local-offer", "advice-list",
        "/training/", "planning",
    },
    Role.EARLY_HELP_COORDINATOR: {"early-help-list", "local-offer", "advice-list"},
    Role.PROFESSIONAL: {"health-notification", "my-actions", "local-offer", "advice-list"},
    Role.TRAINER: {"training-coverage", "wagtailadmin_home"},
    Role.PLANNER: {"planning"},
    Role.ADMIN: {"wagtailadmin_home", "admin:index"},
    Role.PROVIDER: {"local-offer"},  # added later: their services are in Wagtail's admin
    Role.CASE_REVIEWER: {"case-reviews"},  # added later: the reviews they sit on
}  # fmt: skip


def _url(target: str) -> str:
    return target if target.startswith("/") else reverse(target)


def reachable(user) -> set[str]:
    """Every URL in the header, or in the sub-navigation of a page the header leads to."""
    urls = set()
    for item in navigation_for(user, "/"):
        urls.add(item.url)
        urls.update(sub.url for sub in subnavigation_for(user, item.url))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_at_most_seven_top_level_items(role):
    user = UserFactory(role=role)
    items = navigation_for(user, "/")
    # Sign out is the one more item in the header's list: the seven include it.
    assert 1 <= len(items) + 1 <= MOST_TOP_LEVEL_ITEMS, [i.label for i in items]


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_page_a_role_could_reach_before_is_still_reachable(role):
    user = UserFactory(role=role)
    assert {_url(name) for name in BEFORE[role]} <= reachable(user)
    # And every link the registry gives the role (including ones added since) is reachable.
    assert {_url(link.url) for link in links_for(user)} <= reachable(user)


@pytest.mark.django_db
def test_the_manager_works_by_task():
    manager = UserFactory(role=Role.SEND_MANAGER)
    labels = [item.label for item in navigation_for(manager, "/")]
    assert labels == [
        "Children",
        "Referrals",
        "Planning",
        "Training",
        "Local offer",
        "Settings and people",
    ]


@pytest.mark.django_db
def test_a_page_in_a_section_shows_its_sub_navigation_with_the_page_marked():
    officer = UserFactory(role=Role.SEND_OFFICER)
    caseloads = reverse("caseloads")
    top = {item.label: item for item in navigation_for(officer, caseloads)}
    assert top["Referrals"].active and not top["Children"].active
    sub = subnavigation_for(officer, caseloads)
    assert [item.label for item in sub][:5] == [
        "Triage",
        "My work",
        "Caseloads",
        "Register",
        "Possible matches",
    ]
    marked = [item for item in sub if item.active]
    assert [(m.label, m.current) for m in marked] == [("Caseloads", True)]


@pytest.mark.django_db
def test_a_page_with_no_link_of_its_own_shows_its_section():
    """A referral, or a panel's page, sits in Referrals; a child's record in Children."""
    officer = UserFactory(role=Role.SEND_OFFICER)
    referral = reverse("referral-detail", args=[1])
    top = {item.label: item for item in navigation_for(officer, referral)}
    assert top["Referrals"].active
    sub = subnavigation_for(officer, referral)
    assert sub and not any(item.active for item in sub)
    panel = reverse("panel-detail", args=[3])
    marked = [item for item in subnavigation_for(officer, panel) if item.active]
    assert [(m.label, m.current) for m in marked] == [("Panels", False)]
    child = reverse("child-detail", args=[5])
    assert {i.label for i in navigation_for(officer, child) if i.active} == {"Children"}


@pytest.mark.django_db
def test_a_section_with_one_page_is_named_for_the_page_and_has_no_sub_navigation():
    portage = UserFactory(role=Role.PORTAGE_WORKER)
    concerns = reverse("my-concerns")
    items = {i.label: i for i in navigation_for(portage, concerns)}
    assert items["My concerns"].active and items["My concerns"].current
    assert subnavigation_for(portage, concerns) == []
    # with a second page, the section takes its own name and lists both
    planner = UserFactory(role=Role.PLANNER)
    items = navigation_for(planner, reverse("planning"))
    assert [(i.label, i.active) for i in items] == [("Planning", True)]
    sub = subnavigation_for(planner, reverse("planning"))
    assert [i.label for i in sub] == [
        "Need by area",
        "Starting school",
        "Family surveys",
        "Self-evaluation",
    ]


@pytest.mark.django_db
def test_a_practitioner_follows_concerns():
    practitioner = UserFactory(role=Role.PRACTITIONER)
    labels = [item.label for item in navigation_for(practitioner, "/")]
    assert labels == ["Children", "Concerns", "Training", "Local offer"]
    sub = subnavigation_for(practitioner, reverse("information-requests"))
    assert [item.label for item in sub] == ["My concerns", "Questions"]


def test_signed_out_visitors_see_the_local_offer_only():
    from django.contrib.auth.models import AnonymousUser

    assert [item.label for item in navigation_for(AnonymousUser(), "/")] == ["Local offer"]
    assert subnavigation_for(AnonymousUser(), "/local-offer/") == []


@pytest.mark.django_db
def test_the_page_shows_the_section_and_its_sub_navigation(client):
    officer = UserFactory(role=Role.SEND_OFFICER)
    client.force_login(officer)
    html = client.get(reverse("caseloads")).content.decode()
    header = html.split("<main", 1)[0]
    assert header.count('class="govuk-service-navigation__item') == 4 + 1  # and Sign out
    assert '<nav class="moj-sub-navigation' in header and 'aria-label="Referrals"' in header
    assert f'href="{reverse("caseloads")}" aria-current="page">Caseloads<' in header
    assert f'href="{reverse("triage-queue")}">Triage<' in header
    html = client.get(reverse("home")).content.decode()
    assert "moj-sub-navigation" not in html


@pytest.mark.django_db
def test_a_role_whose_main_task_is_referrals_sees_them_first():
    early_help = UserFactory(role=Role.EARLY_HELP_COORDINATOR)
    labels = [item.label for item in navigation_for(early_help, "/")]
    assert labels == ["Early help", "Advice requests", "Local offer"]
    professional = UserFactory(role=Role.PROFESSIONAL)
    labels = [item.label for item in navigation_for(professional, "/")]
    assert labels == ["Notify", "Advice and actions", "Local offer"]
