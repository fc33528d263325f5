"""The need-by-area page, its map data and its CSV: who may see them, what they show (small
counts as [c], the same figures in every form), bad input, and a fixed number of queries that
never touch referrals."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from earlyyears.models import Area, Role
from earlyyears.needs import BroadAreaOfNeed
from pathway.models import Referral
from pathway.planning import aggregates, report
from pathway.planning.periods import Period
from tests.factories import AreaFactory, UserFactory

from .conftest import at

YEAR = {"period": "2025"}


def fill(county, counts: dict[str, int], year: int = 2025, broad=None) -> None:
    """`counts[ward]` children, each with one concern in March of `year`."""
    for ward, n in counts.items():
        for _ in range(n):
            county.refer(county.child(ward, on=at(year, 3).date()), when=at(year, 3), broad=broad)
    aggregates.rebuild_need_figures()


@pytest.fixture
def planner(county):
    return UserFactory(role=Role.PLANNER, username="planner")


def table_rows(html: str, table_id: str) -> dict[str, list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        if cells and cells[0] != "Area":
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PLANNER, Role.SEND_MANAGER])
def test_planners_and_the_send_manager_see_the_pages(client, county, role):
    fill(county, {"W1": 6})
    client.force_login(UserFactory(role=role))
    for name in ("planning", "planning-geojson", "planning-csv"):
        assert client.get(reverse(name), YEAR).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.PLANNER, Role.SEND_MANAGER)])
def test_every_other_role_is_refused(client, county, role):
    client.force_login(UserFactory(role=role))
    for name in ("planning", "planning-geojson", "planning-csv"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_signed_out_people_are_sent_to_sign_in(client):
    for name in ("planning", "planning-geojson", "planning-csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.django_db
def test_an_inactive_planner_is_refused(client, county, planner):
    planner.is_active = False
    planner.save()
    client.force_login(planner)
    assert client.get(reverse("planning")).status_code in (302, 403)


@pytest.mark.django_db
def test_small_counts_are_shown_as_c_and_never_as_numbers(client, county, planner):
    fill(county, {"W1": 3, "W2": 12, "W3": 7, "W4": 20})
    client.force_login(planner)
    html = client.get(reverse("planning"), YEAR).content.decode()
    rows = table_rows(html, "figures-table")
    assert rows["Ward W1"][1] == "[c]"  # count
    assert rows["Ward W1"][2] == "[c]"  # rate built on it
    # North = 15 is shown, so W2 (12) is hidden too, or W1 could be worked out.
    assert rows["Ward W2"][1] == "[c]"
    assert rows["Ward W3"][1] == "7" and rows["Ward W4"][1] == "20"
    assert rows["Ward W3"][2] == "7.0"  # per 1,000 of 1,000 children
    assert "[c] means the figure is confidential" in html
    # District level: North (15) and South (27) are both shown, and add up to the county.
    html = client.get(reverse("planning"), {**YEAR, "level": "district"}).content.decode()
    rows = table_rows(html, "figures-table")
    assert rows["North"][1] == "15" and rows["South"][1] == "27"


@pytest.mark.django_db
def test_threshold_is_a_setting(client, county, planner, settings):
    settings.PLANNING_SUPPRESSION_THRESHOLD = 8
    fill(county, {"W1": 9, "W2": 9, "W3": 7, "W4": 20})
    client.force_login(planner)
    rows = table_rows(client.get(reverse("planning"), YEAR).content.decode(), "figures-table")
    assert rows["Ward W3"][1] == "[c]"
    assert "between 1 and 7" in client.get(reverse("planning"), YEAR).content.decode()


@pytest.mark.django_db
def test_map_data_and_csv_show_exactly_the_table(client, county, planner):
    fill(county, {"W1": 3, "W2": 12, "W3": 7, "W4": 20})
    client.force_login(planner)
    params = {**YEAR, "measure": "rate"}
    html = client.get(reverse("planning"), params).content.decode()
    table = table_rows(html, "figures-table")
    data = client.get(reverse("planning-geojson"), params).json()
    on_map = {f["properties"]["name"]: f["properties"] for f in data["features"]}
    assert set(on_map) == {"Ward W1", "Ward W2", "Ward W3", "Ward W4"}
    for name, props in on_map.items():
        assert props["value"] == table[name][2]
        assert str(props["class"]) == table[name][3] or table[name][3] == "[c]"
    assert on_map["Ward W1"]["suppressed"] is True and on_map["Ward W1"]["value"] == "[c]"
    assert data["features"][0]["geometry"]["type"] == "Polygon"
    response = client.get(reverse("planning-csv"), params)
    assert response["Content-Disposition"] == 'attachment; filename="need-by-area-2025-ward.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = lines[0], lines[1:]
    by_area = {
        line[1]: dict(zip(header, line, strict=True)) for line in body if len(line) == len(header)
    }
    for name, cells in table.items():
        name = name.removesuffix(" (all areas)")
        assert by_area[name]["Count"] == cells[1].replace(",", "")
        assert by_area[name]["Rate per 1,000 children under 5"] == cells[2]
    assert by_area["Ward W1"]["Count"] == "[c]"
    assert by_area["Westmoor"]["Count"] == "42"  # the county total row
    assert "[c] means" in lines[-1][0]


@pytest.mark.django_db
def test_csv_neutralises_formulas_in_area_names(client, county, planner):
    Area.objects.filter(pk=county.wards["W4"].pk).update(name='=HYPERLINK("http://evil")')
    fill(county, {"W4": 6})
    client.force_login(planner)
    text = client.get(reverse("planning-csv"), YEAR).content.decode()
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


@pytest.mark.django_db
def test_need_age_and_period_choose_the_figures(client, county, planner):
    fill(county, {"W3": 6}, broad=[BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH])
    fill(county, {"W4": 8}, year=2024, broad=[BroadAreaOfNeed.COGNITION_AND_LEARNING])
    client.force_login(planner)

    def count(params, ward):
        html = client.get(reverse("planning"), params).content.decode()
        return table_rows(html, "figures-table")[ward][1]

    assert count({**YEAR, "need": "semh"}, "Ward W3") == "6"
    assert count({**YEAR, "need": "cognition_learning"}, "Ward W4") == "0"
    assert count({"period": "2024", "need": "cognition_learning"}, "Ward W4") == "8"
    assert count({"period": "2025-Q1", "need": "semh"}, "Ward W3") == "6"
    assert count({"period": "2025-Q2", "need": "semh"}, "Ward W3") == "0"
    assert count({**YEAR, "age": "2", "need": "semh"}, "Ward W3") == "6"  # children aged 30 months
    assert count({**YEAR, "age": "4+", "need": "semh"}, "Ward W3") == "0"
    assert count({**YEAR, "figure": "referrals"}, "Ward W3") == "6"


@pytest.mark.django_db
def test_trends_rank_only_figures_that_are_shown(client, county, planner):
    for year, counts in (
        (2024, {"W1": 6, "W2": 10, "W3": 3, "W4": 20}),
        (2025, {"W1": 16, "W2": 12, "W3": 9, "W4": 21}),
    ):
        for ward, n in counts.items():
            for _ in range(n):
                county.refer(county.child(ward), when=at(year, 6))
    aggregates.rebuild_need_figures()
    client.force_login(planner)
    view = report.planning_view(report.PlanningQuery(period=Period("year", 2025)))
    changes = {row.node.name: row.change for row in view.rows}
    assert changes["Ward W1"] == 10  # 2024 to 2025
    assert changes["Ward W3"] is None  # 3 in 2024 is confidential: never ranked
    assert [row.node.name for row in view.rose_most][0] == "Ward W1"
    assert "Ward W3" not in [row.node.name for row in view.rose_most]
    html = client.get(reverse("planning"), YEAR).content.decode()
    assert "Ward W1: up 10" in html


@pytest.mark.django_db
def test_bad_choices_show_an_error_summary_and_defaults(client, county, planner):
    client.force_login(planner)
    response = client.get(
        reverse("planning"),
        {"need": "nonsense", "period": "1999-Q9", "measure": "x", "level": "moon"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select a need from the list" in html
    assert "Select a year, quarter or month from the list" in html
    assert client.get(reverse("planning-geojson"), {"level": "moon"}).status_code == 200
    assert client.get(reverse("planning-csv"), {"period": "<script>"}).status_code == 200


@pytest.mark.django_db
def test_provision_and_training_beside_need(client, county, planner, monkeypatch):
    fill(county, {"W1": 6, "W2": 7})
    services = {county.county.pk: 2, county.wards["W1"].pk: 3}
    monkeypatch.setattr(report, "services_by_area", lambda tree, need, age: services)
    client.force_login(planner)
    rows = table_rows(client.get(reverse("planning"), YEAR).content.decode(), "figures-table")
    assert rows["Ward W1"][4] == "3"
    assert rows["Ward W1"][5] == "0 of 1"


def _queries(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("planning"), params).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db
def test_the_page_runs_a_fixed_number_of_queries_and_never_reads_referrals(client, county, planner):
    fill(county, {"W1": 6, "W2": 7})
    client.force_login(planner)
    small = _queries(client, YEAR)
    aggregates._CUBES.clear()
    for n in range(12):
        AreaFactory(code=f"X{n}", name=f"Extra {n}", parent=county.south)
    fill(county, {"W3": 9, "W4": 30})
    large = _queries(client, YEAR)
    assert len(small) == len(large)
    assert not [sql for sql in large if '"pathway_referral"' in sql or "pathway_referral " in sql]

    # The suppressed figures are kept until the figures change: a second view reads no figures.
    def reads_figures(queries):
        return [sql for sql in queries if '"pathway_needfigure"."area_id"' in sql]

    assert reads_figures(large)
    assert not reads_figures(_queries(client, YEAR))
    county.refer(county.child("W1"), when=at(2025, 4))
    aggregates.refresh_need_figures_for_referral(Referral.objects.order_by("-pk").first().pk)
    assert reads_figures(_queries(client, YEAR))
