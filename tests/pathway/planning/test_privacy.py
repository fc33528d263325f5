"""A planner sees area figures and nothing child-level: every URL of the pathway (and the
children and messages pages) refuses them, with real ids of a real child and referral."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver

from pathway.models import Referral
from pathway.services import create_referral, start_draft

SKIP = {
    "planning/",
    "planning/areas.geojson",
    "planning/need-by-area.csv",
    "planning/starting-school/",  # area counts with the same disclosure control
    "funding/budgets/",  # money by fund, year and area: no child, no count of children
    "support-plans/schema.json",  # the published JSON schema: no data
    # Family surveys: planners read the list and the results on purpose (anonymous answers as
    # counts with the same disclosure control; tests/pathway/family_survey).
    "family-surveys/",
    "feedback/thank-you/",  # the words a family sees after answering: no data
    "family-surveys/<int:survey_id>/results/",
    "family-surveys/<int:survey_id>/results.csv",
    # The partnership self-evaluation: planners read it on purpose (judgements about services
    # and aggregate figures with planning's disclosure control; tests/pathway/self_evaluation).
    *(
        "self-evaluation/" + tail
        for tail in (
            "",
            "<int:year>/",
            "<int:year>/edit/",
            "<int:year>/versions/",
            "<int:year>/compare/",
            "<int:year>/versions/<int:number>/",
            "<int:year>/versions/<int:number>/agree/",
            "<int:year>/versions/<int:number>/figures/",
            "<int:year>/versions/<int:number>/report/",
            "<int:year>/versions/<int:number>/report.pdf",
        )
    ),
}


def pathway_routes() -> list[str]:
    """Every route the pathway app serves (its own and its included modules)."""
    import pathway.urls

    out: list[str] = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                out.append(prefix + str(pattern.pattern))

    walk(pathway.urls.urlpatterns)
    return out


@pytest.fixture
def ids(world):
    referral = create_referral(
        child=world.child_a,
        source=Referral.Source.SETTING_CONCERN,
        submitted_by=world.practitioner_a,
        answers={"broad_areas_of_need": ["semh"]},
        setting=world.setting_a,
        notify=False,
    )
    draft = start_draft(world.practitioner_a, setting=world.setting_a, child=world.child_a)
    return {"child_id": world.child_a.pk, "referral_id": referral.pk, "draft_id": draft.pk}


def fill_in(route: str, ids: dict) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if name in ids:
            return str(ids[name])
        return {"int": "1", "uuid": str(ids["draft_id"]), "str": "child"}.get(converter, "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.mark.django_db
def test_a_planner_reaches_no_child_level_page(client, world, ids):
    client.force_login(world.planner)
    routes = [r for r in pathway_routes() if r not in SKIP]
    assert len(routes) > 30  # the sweep really covers the pathway
    urls = [fill_in(route, ids) for route in routes] + ["/children/", "/messages/"]
    reached = {}
    for url in urls:
        status = client.get(url).status_code
        if status not in (403, 404, 405):
            reached[url] = status
    assert reached == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/children/{child_id}/", "/referrals/{referral_id}/", "/triage/", "/register/"]
)
def test_a_planner_is_refused_the_obvious_child_pages(client, world, ids, url):
    client.force_login(world.planner)
    response = client.get(url.format(**ids))
    assert response.status_code in (403, 404)
    assert world.child_a.last_name not in response.content.decode()


@pytest.mark.django_db
def test_the_planning_pages_never_name_a_child(client, world, ids):
    from pathway.planning import aggregates as planning

    planning.rebuild_need_figures()
    client.force_login(world.planner)
    for url in (
        "/planning/",
        "/planning/areas.geojson",
        "/planning/need-by-area.csv",
        "/planning/starting-school/",
        "/funding/budgets/",
    ):
        body = client.get(url).content.decode()
        assert world.child_a.first_name not in body
        assert world.child_a.last_name not in body
        assert Referral.objects.get(pk=ids["referral_id"]).reference not in body
