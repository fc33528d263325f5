"""Need by area in the browser, as a planner: the map draws with its labels, the chooser
changes need and period, the CSV downloads exactly what is shown; axe on each view; and the
planner is refused child pages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from earlyyears.models import Role
from earlyyears.needs import BroadAreaOfNeed
from pathway.planning import aggregates as planning
from tests.factories import PASSWORD, UserFactory
from tests.pathway.planning.conftest import County, at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def figures():
    planning._CUBES.clear()
    county = County()
    semh = [BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH]
    for ward, n, need in (("W1", 3, semh), ("W2", 7, semh), ("W3", 6, semh), ("W4", 9, semh)):
        for _ in range(n):
            child = county.child(ward, on=at(2025, 2).date())
            county.refer(child, when=at(2025, 2), broad=need)
    planning.rebuild_need_figures()
    UserFactory(role=Role.PLANNER, username="planner")
    return county


def test_planner_uses_the_map_chooser_and_csv(
    page, live_server, sign_in, assert_accessible, figures
):
    sign_in(page, "planner", PASSWORD)
    page.goto(f"{live_server.url}/planning/?period=2025")
    expect(page.get_by_role("heading", name="Need by area", level=1)).to_be_visible()
    expect(page.locator("#planning-map[data-ready='true']")).to_be_attached()
    expect(page.locator(".app-planning-label")).to_have_count(4)
    expect(page.locator(".app-planning-label", has_text="[c]")).to_have_count(2)
    assert_accessible(page)

    page.get_by_label("Need", exact=True).select_option(
        BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH.value
    )
    page.get_by_label("Period", exact=True).select_option("2025-Q1")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#figures-heading")).to_contain_text("social, emotional and mental health")
    expect(page.locator("#figures-heading")).to_contain_text("January to March 2025")
    expect(page.locator("#planning-map[data-ready='true']")).to_be_attached()
    row = page.locator("#figures-table tbody tr", has_text="Ward W3")
    expect(row.locator("td").nth(1)).to_have_text("6")
    expect(
        page.locator("#figures-table tbody tr", has_text="Ward W1").locator("td").nth(1)
    ).to_have_text("[c]")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "need-by-area-2025-Q1-ward.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    header = lines[0]
    rows = {
        line[1]: dict(zip(header, line, strict=True))
        for line in lines[1:]
        if len(line) == len(header)
    }
    assert rows["Ward W3"]["Count"] == "6"
    assert rows["Ward W1"]["Count"] == "[c]"
    assert rows["Ward W3"]["Period"] == "January to March 2025"
    assert rows["Ward W3"]["Need"] == "Social, emotional and mental health"


def test_the_figures_work_without_javascript(browser, live_server, figures):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("planner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/planning/")
    page.get_by_label("Period", exact=True).select_option("2025")
    page.get_by_label("Show as", exact=True).select_option("rate")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#figures-table")).to_contain_text("9.0")
    expect(page.locator("#planning-map")).to_be_hidden()
    context.close()


def test_a_planner_cannot_open_child_pages(page, live_server, sign_in, figures):
    sign_in(page, "planner", PASSWORD)
    child = figures.wards["W1"].resident_children.first()
    referral = child.referrals.first()
    for path in (f"/children/{child.pk}/", f"/referrals/{referral.pk}/", "/triage/", "/children/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status in (403, 404), path
        expect(page.locator("body")).not_to_contain_text(child.last_name)
