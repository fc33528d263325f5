"""The heatmap's data kept in the cache (issue 18): served again without working it out, never
stale after a refresh, a rebuild or a change to an area, and never to someone who may no longer
see it. On databases without row versions (SQLite) it is not kept, and the same holds."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from earlyyears.models import Area, Role
from pathway.planning import aggregates, report, tasks
from tests.factories import UserFactory

from .conftest import at
from .test_pages import YEAR, fill


def features(client, params=YEAR) -> dict[str, dict]:
    response = client.get(reverse("planning-geojson"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return {f["properties"]["name"]: f for f in response.json()["features"]}


@pytest.fixture
def planner(county, client):
    user = UserFactory(role=Role.PLANNER, username="planner")
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_the_same_map_data_as_worked_out_and_a_warm_request_reads_no_figures(
    client, county, planner
):
    fill(county, {"W1": 3, "W2": 12, "W3": 7, "W4": 20})
    first = features(client)
    view = report.planning_view(report.PlanningQuery(period=report.Period("year", 2025)))
    expected = {f["properties"]["name"]: f for f in report.geojson(view)["features"]}
    assert first == expected
    with CaptureQueriesContext(connection) as captured:
        assert features(client) == first
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    if connection.vendor == "postgresql":
        assert '"pathway_needfigure"' not in sql and "boundary" not in sql


@pytest.mark.django_db
def test_a_refresh_or_a_rebuild_shows_at_once(client, county, planner):
    fill(county, {"W2": 12})
    assert features(client)["Ward W2"]["properties"]["value"] == "12"
    referral = county.refer(county.child("W2", on=at(2025, 3).date()), when=at(2025, 3))
    aggregates.refresh_need_figures_for_referral(referral.pk)
    assert features(client)["Ward W2"]["properties"]["value"] == "13"
    county.refer(county.child("W2", on=at(2025, 3).date()), when=at(2025, 3))
    aggregates.rebuild_need_figures()
    assert features(client)["Ward W2"]["properties"]["value"] == "14"


@pytest.mark.django_db
def test_a_changed_area_shows_at_once(client, county, planner):
    fill(county, {"W2": 12})
    before = features(client)["Ward W2"]
    ward = Area.objects.get(name="Ward W2")
    square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    # A bulk update (no save(), no signals), as an import may do.
    Area.objects.filter(pk=ward.pk).update(
        boundary={"type": "Polygon", "coordinates": square}, name="Ward W2 renamed"
    )
    after = features(client)
    assert "Ward W2" not in after
    assert after["Ward W2 renamed"]["geometry"]["coordinates"] == square
    assert after["Ward W2 renamed"]["geometry"] != before["geometry"]
    Area.objects.filter(pk=ward.pk).update(under_5_population=12_000)
    rate = features(client, {**YEAR, "measure": "rate"})["Ward W2 renamed"]["properties"]
    assert rate["value"] == "1.0"


@pytest.mark.django_db
def test_the_role_is_checked_on_every_request_even_when_the_data_is_kept(client, county, planner):
    fill(county, {"W2": 12})
    assert client.get(reverse("planning-geojson"), YEAR).status_code == 200
    planner.role = Role.SEND_OFFICER
    planner.save()
    assert client.get(reverse("planning-geojson"), YEAR).status_code == 403
    planner.role = Role.PLANNER
    planner.is_active = False
    planner.save()
    assert client.get(reverse("planning-geojson"), YEAR).status_code in (302, 403)


def _figures_read(captured) -> bool:
    return any('"pathway_needfigure"' in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
def test_after_a_refresh_the_worker_prepares_what_the_page_opens_on(client, county, planner):
    """The first planner after a refresh finds the map data and the suppressed years ready,
    in the shared cache, even in a process that has never worked them out; and they are the
    figures worked out from nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("figures are kept in Django's cache on PostgreSQL only")
    fill(county, {"W1": 6, "W2": 12})
    referral = county.refer(county.child("W2", on=at(2025, 3).date()), when=at(2025, 3))
    tasks.refresh_need_figures.run(referral.pk)  # as a worker runs it: not eagerly
    aggregates._CUBES.clear()  # another process: nothing in its memory
    with CaptureQueriesContext(connection) as captured:
        prepared = client.get(reverse("planning-geojson"))
    assert prepared.status_code == 200
    assert not _figures_read(captured)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("planning")).status_code == 200
    assert not _figures_read(captured)
    cache.clear()
    aggregates._CUBES.clear()
    with CaptureQueriesContext(connection) as captured:
        worked_out = client.get(reverse("planning-geojson"))
    assert _figures_read(captured)
    assert prepared.json() == worked_out.json()
    assert features(client, YEAR)["Ward W2"]["properties"]["value"] == "13"


@pytest.mark.django_db
def test_a_refresh_run_in_the_request_prepares_nothing(client, county, planner):
    """Eager tasks (the embedded default) run in the submitter's request: no extra work there."""
    fill(county, {"W2": 12})
    referral = county.refer(county.child("W2", on=at(2025, 3).date()), when=at(2025, 3))
    cache.clear()
    aggregates._CUBES.clear()
    tasks.refresh_need_figures.apply(args=[referral.pk]).get()
    assert not aggregates._CUBES
    assert features(client, YEAR)["Ward W2"]["properties"]["value"] == "13"


@pytest.mark.django_db
def test_without_row_versions_nothing_is_prepared(county):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite and other databases only")
    fill(county, {"W2": 12})
    assert report.prepare_map_data() is False


@pytest.mark.django_db
def test_the_year_added_up_by_postgresql_is_the_year_added_up_in_python(county):
    """On PostgreSQL the months are added into quarters and the year by the database: the
    same cells and counts as `disclosure.build_cube` from the month rows, so the same cells
    hidden."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from pathway.models import NeedFigure
    from pathway.planning.areas import AreaTree
    from pathway.planning.disclosure import build_cube

    fill(county, {"W1": 3, "W2": 12, "W3": 7, "W4": 20})
    county.refer(county.child("W1", on=at(2025, 7).date()), when=at(2025, 7))
    county.refer(county.child("W3", age_months=44, on=at(2025, 11).date()), when=at(2025, 11))
    aggregates.rebuild_need_figures()
    tree = AreaTree.load()
    for figure, column in (("children", "children"), ("referrals", "referrals")):
        rows = NeedFigure.objects.filter(broad_area="", eyfs_area="").values_list(
            "area_id", "age_band", "month", column
        )
        expected = build_cube(rows, tree, 2025, 5)
        cube = aggregates._read_cube(figure, "", 2025, tree, 5)
        assert cube.values == expected.values and cube.values
        assert cube.hidden == expected.hidden and cube.hidden
