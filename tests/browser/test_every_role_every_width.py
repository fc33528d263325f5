"""Each role's main journey in a real browser at 1280 px, with axe (WCAG 2.2 AA rules) on every
page and the page never wider than the window; the key pages again at 320 px (a phone, or 400%
zoom on a laptop) and 768 px (a tablet). The header has at most seven items, the rest of a
section's pages in its sub-navigation, which the journeys use."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import Role
from earlyyears.needs import BroadAreaOfNeed
from pathway.models import Referral
from pathway.planning import aggregates as planning
from pathway.services import create_referral
from tests.cms.helpers import Places, make_service
from tests.pathway.planning.conftest import County, at

from ..factories import PASSWORD, ChildFactory, UserFactory, portage_worker_for, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 320, "height": 800}
LONG_URL = (
    "https://www.example.org/services/early-years/speech-and-language/"
    "chatter-drop-in-sessions-for-families-with-children-under-five?utm_source=local-offer"
)


def fits(page) -> None:
    """The page never scrolls sideways: the document is no wider than the window."""
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > window:
        culprits = page.evaluate(
            """(window) => [...document.querySelectorAll("main *")]
                .filter((e) => e.getBoundingClientRect().right > window)
                .filter((e) => !e.closest(".app-table-pane"))
                .slice(-3)
                .map((e) => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 60)}`)""",
            window,
        )
        raise AssertionError(
            f"{page.url} is {width} px wide in a {window} px window; widest: {culprits}"
        )


def check(page, assert_accessible) -> None:
    assert_accessible(page)
    fits(page)


def at_widths(page, assert_accessible, *paths: str, base: str, widths=(PHONE, TABLET)) -> None:
    """Each page at each narrow width: axe clean and no sideways scroll; then back to 1280."""
    for size in widths:
        page.set_viewport_size(size)
        for path in paths:
            page.goto(f"{base}{path}")
            check(page, assert_accessible)
    page.set_viewport_size(DESKTOP)


def menu(page, label: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=label).click()


def sub(page, section: str, label: str) -> None:
    nav = page.get_by_role("navigation", name=section)
    nav.get_by_role("link", name=label, exact=True).click()


def top_level_count(page) -> int:
    return page.locator(".govuk-service-navigation__list > li").count()


@pytest.fixture
def referral():
    child = ChildFactory(first_name="Maya", last_name="Patel")
    submitter = practitioner_at(child.setting, username="sam", first_name="Sam")
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=submitter,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            consent={"consent_given_by": "A parent", "share_with": ["send_team", "health"]},
            notify=False,
        )


def test_practitioner_follows_children_and_raises_a_concern(
    page, live_server, sign_in, assert_accessible, referral
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "sam", PASSWORD)
    check(page, assert_accessible)
    assert top_level_count(page) <= 7
    menu(page, "Children")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")
    check(page, assert_accessible)
    page.get_by_role("link", name="Maya Patel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Patel")
    check(page, assert_accessible)
    menu(page, "Concerns")
    expect(page.get_by_role("heading", level=1)).to_have_text("My concerns")
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    check(page, assert_accessible)
    sub(page, "Concerns", "Questions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions from the SEND team")
    check(page, assert_accessible)
    sub(page, "Concerns", "My concerns")
    page.get_by_role("link", name="Raise a new concern").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page, assert_accessible)
    at_widths(page, assert_accessible, "/children/", "/concerns/", base=live_server.url)


def test_send_officer_triages(page, live_server, sign_in, assert_accessible, referral):
    UserFactory(role=Role.SEND_OFFICER, username="officer", first_name="Laura")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "officer", PASSWORD)
    assert top_level_count(page) <= 7
    menu(page, "Referrals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    check(page, assert_accessible)
    page.get_by_role("link", name=referral.reference).first.click()
    expect(page.get_by_role("main")).to_contain_text("Maya Patel")
    # A referral belongs to Referrals: its sub-navigation is there.
    expect(page.get_by_role("navigation", name="Referrals")).to_be_visible()
    check(page, assert_accessible)
    for label, heading in (
        ("Caseloads", "Caseloads"),
        ("Register", "Notification register"),
        ("Possible matches", "Possible matches"),
        ("Panels", "panels"),
        ("Funding", "Inclusion funding"),
        ("Messages", "Messages"),
    ):
        sub(page, "Referrals", label)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check(page, assert_accessible)
    menu(page, "Children")
    check(page, assert_accessible)
    sub(page, "Children", "My actions")
    check(page, assert_accessible)
    at_widths(
        page,
        assert_accessible,
        "/triage/",
        f"/referrals/{referral.pk}/",
        "/children/",
        base=live_server.url,
    )


def test_send_manager_runs_the_service(page, live_server, sign_in, assert_accessible, referral):
    UserFactory(role=Role.SEND_MANAGER, username="manager")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "manager", PASSWORD)
    assert top_level_count(page) <= 7
    check(page, assert_accessible)
    menu(page, "Settings and people")
    expect(page.get_by_role("heading", level=1)).to_have_text("Routing rules")
    check(page, assert_accessible)
    sub(page, "Settings and people", "Audit trail")
    check(page, assert_accessible)
    sub(page, "Settings and people", "Account changes")
    check(page, assert_accessible)
    menu(page, "Referrals")
    sub(page, "Referrals", "Download referrals")
    check(page, assert_accessible)
    menu(page, "Planning")
    expect(page.get_by_role("heading", level=1)).to_have_text("Need by area")
    check(page, assert_accessible)
    sub(page, "Planning", "Starting school")
    expect(page.get_by_role("heading", level=1)).to_have_text("Starting school")
    check(page, assert_accessible)


def test_early_help_coordinator_sees_their_list(page, live_server, sign_in, assert_accessible):
    UserFactory(role=Role.EARLY_HELP_COORDINATOR, username="eh")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "eh", PASSWORD)
    assert top_level_count(page) <= 7
    menu(page, "Early help")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Early help")
    check(page, assert_accessible)
    menu(page, "Advice requests")
    check(page, assert_accessible)
    at_widths(page, assert_accessible, "/early-help/", base=live_server.url)


def test_portage_worker_sees_their_caseload(page, live_server, sign_in, assert_accessible):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    portage_worker_for(child, username="pw")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "pw", PASSWORD)
    assert top_level_count(page) <= 7
    menu(page, "Caseload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    check(page, assert_accessible)
    page.get_by_role("link", name="Maya Patel", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home visits")
    check(page, assert_accessible)
    sub(page, "Caseload", "My actions")
    check(page, assert_accessible)
    menu(page, "My concerns")
    check(page, assert_accessible)
    at_widths(page, assert_accessible, "/portage/", "/concerns/", base=live_server.url)


def test_health_professional_notifies_and_sees_advice_requests(
    page, live_server, sign_in, assert_accessible
):
    UserFactory(role=Role.PROFESSIONAL, username="slt")
    ChildFactory()  # an area to choose
    page.set_viewport_size(DESKTOP)
    sign_in(page, "slt", PASSWORD)
    assert top_level_count(page) <= 7
    menu(page, "Notify")
    expect(page.get_by_role("heading", level=1)).to_contain_text("health notification")
    check(page, assert_accessible)
    menu(page, "Advice and actions")
    check(page, assert_accessible)
    sub(page, "Advice and actions", "Advice requests")
    check(page, assert_accessible)


def test_training_lead_sees_coverage(page, live_server, sign_in, assert_accessible):
    UserFactory(role=Role.TRAINER, username="trainer")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "trainer", PASSWORD)
    assert top_level_count(page) <= 7
    menu(page, "Training coverage")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Training")
    check(page, assert_accessible)
    at_widths(page, assert_accessible, "/training/coverage/", base=live_server.url)


@pytest.fixture
def offer():
    for name in ("django_tasks", "wagtail"):
        logging.getLogger(name).setLevel(logging.WARNING)
    places = Places()
    service = make_service(places, "Chatter speech and language drop-in", area=places.wards[0])
    service.website = LONG_URL
    service.save()
    return service


def test_the_local_offer_at_every_width(page, live_server, assert_accessible, offer):
    """Signed out, as families and editors checking their work see it: a long website address
    wraps rather than widening a phone's page."""
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/local-offer/")
    check(page, assert_accessible)
    page.get_by_role("link", name="Chatter speech and language drop-in").click()
    expect(page.get_by_role("link", name=LONG_URL)).to_be_visible()
    check(page, assert_accessible)
    path = page.url.removeprefix(live_server.url)
    at_widths(page, assert_accessible, "/local-offer/", path, base=live_server.url)


@pytest.fixture
def figures():
    planning._CUBES.clear()
    county = County()
    semh = [BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH]
    for ward, n in (("W1", 3), ("W2", 7), ("W3", 6), ("W4", 9)):
        for _ in range(n):
            child = county.child(ward, on=at(2025, 2).date())
            county.refer(child, when=at(2025, 2), broad=semh)
    planning.rebuild_need_figures()
    UserFactory(role=Role.PLANNER, username="planner")
    return county


def test_planner_explores_the_map(page, live_server, sign_in, assert_accessible, figures):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "planner", PASSWORD)
    assert top_level_count(page) <= 7
    page.goto(f"{live_server.url}/planning/?period=2025")
    expect(page.locator("#planning-map[data-ready='true']")).to_be_attached()
    # The key offers only classes an area is in: W3's 6 and W4's 9 (each its own class), and
    # [c] (W1's 3, and W2, which would give W1 away from their district's total).
    legend = page.locator(".app-planning-legend li")
    expect(legend).to_have_text(["1 Class 1: 6", "2 Class 2: 9", "[c] Confidential (suppressed)"])
    check(page, assert_accessible)

    # Keyboard: each area is a link named with its figure; focus shows the name beside it.
    areas = page.locator(".app-planning-area")
    expect(areas).to_have_count(4)
    page.get_by_role("button", name="Show figures").focus()  # the map comes next
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("Ward W1: [c]"), focused
    expect(page.locator(".app-planning-hover")).to_contain_text("Ward W1")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(".app-planning-hover")).to_contain_text("Ward W3: count 6 (class 1)")
    page.keyboard.press("Escape")
    expect(page.locator(".app-planning-hover")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/planning/?period=2025#area-W3")
    row = page.locator("#area-W3")
    expect(row).to_be_focused()
    expect(row).to_have_text("Ward W3")

    # Mouse: hovering names the area; clicking goes to its row.
    areas.nth(3).hover()
    expect(page.locator(".app-planning-hover")).to_contain_text("Ward W4: count 9 (class 2)")
    areas.nth(3).click()
    expect(page.locator("#area-W4")).to_be_focused()

    # Narrow: the tables scroll in their own panes, and every option of every select (so the
    # chosen one, whichever it is) is read whole.
    for size in (PHONE, TABLET, DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/planning/?period=2025")
        expect(page.locator("#planning-map[data-ready='true']")).to_be_attached()
        check(page, assert_accessible)
        for name in ("need", "age", "period", "figure", "measure", "level"):
            clipped = page.evaluate(
                """(name) => {
                    const select = document.querySelector(`select[name=${name}]`);
                    const style = getComputedStyle(select);
                    const room = select.clientWidth - parseFloat(style.paddingLeft)
                        - parseFloat(style.paddingRight);
                    const probe = document.createElement("span");
                    probe.style.font = style.font;
                    probe.style.whiteSpace = "pre";
                    document.body.appendChild(probe);
                    const cut = [];
                    for (const option of select.options) {
                        probe.textContent = option.text;
                        const needed = probe.getBoundingClientRect().width;
                        if (needed > room) cut.push(`${option.text}: ${needed} > ${room}`);
                    }
                    probe.remove();
                    return cut.join("; ");
                }""",
                name,
            )
            assert clipped == "", clipped


def test_the_map_shows_a_placeholder_while_it_loads(
    page, live_server, sign_in, assert_accessible, figures
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "planner", PASSWORD)
    held = []
    page.route("**/planning/areas.geojson*", lambda route: held.append(route))
    page.goto(f"{live_server.url}/planning/?period=2025")
    placeholder = page.locator("#planning-map .app-planning-map__placeholder")
    expect(placeholder).to_have_text("Loading the map of wards…")
    expect(page.locator("#planning-map")).to_have_attribute("aria-busy", "true")
    assert_accessible(page)
    page.wait_for_function("() => true")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(page.locator("#planning-map[data-ready='true']")).to_be_attached()
    expect(placeholder).to_have_count(0)
