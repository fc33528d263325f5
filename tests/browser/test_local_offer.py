"""The local offer in a real browser, signed out: search, filter, open a service and see its map,
checked with axe-core; and the same journey with JavaScript switched off."""

import logging
import re

import pytest
from playwright.sync_api import expect

from tests.cms.helpers import Places, make_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def offer():
    for name in ("django_tasks", "wagtail"):
        logging.getLogger(name).setLevel(logging.WARNING)
    places = Places()
    ward1, _, ward3, _ = places.wards
    make_service(
        places,
        "Chatter speech and language drop-in",
        area=ward1,
        point=(-2.55, 52.95),
        description="Talk to a speech and language therapist.",
    )
    make_service(
        places,
        "Speech sounds sensory group",
        area=ward3,
        point=(-2.55, 52.65),
        needs=("sensory_physical",),
        free=False,
    )
    make_service(
        places,
        "Portage home visiting",
        area=places.north,
        needs=("communication_interaction", "cognition_learning"),
    )
    return places


def search_and_filter(page, base_url: str) -> None:
    page.goto(f"{base_url}/local-offer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Local offer")
    page.get_by_label("Search the local offer").fill("speech")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_have_text("2 services found")
    page.get_by_label("Communication and interaction").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(results.get_by_role("heading", level=2)).to_have_text("1 service found")
    expect(page.get_by_label("Search the local offer")).to_have_value("speech")
    page.get_by_role("link", name="Chatter speech and language drop-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chatter speech and language drop-in")
    expect(page.locator(".app-location")).to_contain_text("12 Mill Road")
    expect(page.locator("#service-map-description")).to_contain_text(
        "shown inside the boundary of Ward 1"
    )


def test_search_filter_open_a_service_and_see_the_map(page, live_server, assert_accessible, offer):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/local-offer/")
    assert_accessible(page)
    search_and_filter(page, live_server.url)
    service_map = page.locator("#service-map")
    expect(service_map).to_be_visible()
    expect(service_map).to_have_class(re.compile(r"\bapp-map--ready\b"))
    # The ward's outline and the service's marker are drawn as SVG paths (no tiles needed).
    expect(service_map.locator("path")).to_have_count(2)
    assert_accessible(page)
    assert problems == []


def test_errors_are_shown_in_the_govuk_pattern(page, live_server, assert_accessible, offer):
    page.goto(f"{live_server.url}/local-offer/")
    page.get_by_label("Near a postcode").fill("SW1A 1AA")
    page.get_by_role("button", name="Apply filters").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("We do not have SW1A 1AA on our map")
    expect(page).to_have_title(
        "Error: Local offer – Early years SEND pathway – Westmoor County Council"
    )
    assert_accessible(page)


def test_the_directory_works_without_javascript(browser, live_server, offer, axe_source):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(8000)
    try:
        search_and_filter(page, live_server.url)
        # No map without JavaScript: the address and a link to a map stand in for it, and
        # no caption describes a map that is not there.
        expect(page.locator("#service-map")).to_be_hidden()
        expect(page.locator("#service-map-description")).to_be_hidden()
        expect(page.get_by_role("link", name="on a map (OpenStreetMap")).to_be_visible()
        page.goto(f"{live_server.url}/local-offer/?postcode=WM1+1AB&distance=5")
        expect(page.locator("#results")).to_contain_text("miles away")
        page.goto(f"{live_server.url}/local-offer/?page=abc")
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a page number")
    finally:
        context.close()
