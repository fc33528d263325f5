"""The SEND team's caseworking screens in a real browser at 1280 and 320 px (and 800, where the
filter used to overlap): the triage queue (filter, remove a tag, sort, page), a referral with
the identity bar, my work, and undoing a claim; axe on every page, keyboard only where it
matters, focus visible, and the page itself never scrolling sideways."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.casework import services as casework
from pathway.models import Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, SettingFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}
TABLET = {"width": 800, "height": 1000}
WAITING_TAG = "Remove this filter: Waiting, Up to a week"
NOT_ALLOCATED_TAG = "Remove this filter: Allocated to, No one yet"


@pytest.fixture
def queue():
    """30 waiting referrals (more than a page), the officer who works them, and a manager."""
    setting = SettingFactory(name="Acorns Day Nursery")
    submitter = practitioner_at(setting, username="sam")
    officer = UserFactory(
        role=Role.SEND_OFFICER, username="officer", first_name="Laura", last_name="Hughes"
    )
    UserFactory(role=Role.SEND_MANAGER, username="manager", first_name="Ben", last_name="Ng")
    made = []
    for index in range(30):
        child = ChildFactory(
            setting=setting, first_name=f"Child{index:02d}", last_name="Okafor-Williams"
        )
        with transaction.atomic():
            made.append(
                create_referral(
                    child=child,
                    source=Referral.Source.SETTING_CONCERN,
                    submitted_by=submitter,
                    answers={"development": {"communication_language": {"level": "severe"}}},
                    setting=setting,
                    submitted_at=timezone.now() - datetime.timedelta(days=index),
                    notify=False,
                )
            )
    casework.claim(made[0], officer)
    return made, officer


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(
            (e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
        ).slice(0, 8).map((e) => `${e.className}: ${e.getBoundingClientRect().right}`)"""
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths} at {page.url}: {wide}"


def _focus_is_visible(page) -> None:
    """GOV.UK's focus state: the yellow background (or outline) on the focused element."""
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return [s.backgroundColor, s.outlineStyle, s.boxShadow]; }"""
    )
    assert style[0] == "rgb(255, 221, 0)" or style[1] != "none" or style[2] != "none", style


def _row_heights(page) -> list[float]:
    return page.evaluate(
        """() => [...document.querySelectorAll('table.app-case-list tbody tr')].map(
            (row) => row.getBoundingClientRect().height)"""
    )


def _boxes_overlap(boxes) -> list:
    clashes = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["width"] - 1
                and b["x"] < a["x"] + a["width"] - 1
                and a["y"] < b["y"] + b["height"] - 1
                and b["y"] < a["y"] + a["height"] - 1
            ):
                clashes.append((a, b))
    return clashes


def test_triage_queue_filter_tags_sort_and_pages(
    page, live_server, sign_in, assert_accessible, queue
):
    made, _officer = queue
    page.set_viewport_size(WIDE)
    sign_in(page, "officer", PASSWORD)
    page.goto(f"{live_server.url}/triage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    _no_sideways_scroll(page)
    assert_accessible(page)
    # Full width: the main column is wider than GOV.UK's 960 px.
    width = page.evaluate("() => document.querySelector('main').getBoundingClientRect().width")
    assert width > 1100
    # One line per row: a reference never breaks, and a row is one line tall.
    reference = page.locator("table.app-case-list tbody tr").first.locator("td").first
    lines = reference.evaluate("cell => cell.querySelector('a').getClientRects().length")
    assert lines == 1
    # One line per row: the table is as wide as its rows, in its own pane.
    assert max(_row_heights(page)) < 50, _row_heights(page)
    page.set_viewport_size({"width": 1920, "height": 900})
    assert max(_row_heights(page)) < 50, _row_heights(page)
    _no_sideways_scroll(page)
    page.set_viewport_size(WIDE)

    # A count links to its list: "allocated to you" lists the one claimed referral.
    page.get_by_role("link", name="1 allocated to you").click()
    expect(page.locator("table.app-case-list tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name=made[0].reference)).to_be_visible()
    assert_accessible(page)

    # Filter by the keyboard: not allocated, then remove the tag.
    page.goto(f"{live_server.url}/triage/")
    page.get_by_label("Allocated to").select_option("none")
    page.get_by_label("Waiting", exact=True).select_option("0-7")
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Selected filters")).to_be_visible()
    expect(page.locator("table.app-case-list tbody tr")).to_have_count(7)  # days 1 to 7
    assert_accessible(page)
    tag = page.get_by_role("link", name=WAITING_TAG)
    tag.focus()
    _focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=WAITING_TAG)).to_have_count(0)
    expect(page.get_by_role("link", name=NOT_ALLOCATED_TAG)).to_be_visible()
    expect(page.locator("table.app-case-list tbody tr")).to_have_count(25)  # 29: a page of 25

    # Sort by child, Z to A, by the keyboard: sorted on the server over every row.
    sort = page.get_by_role("link", name="Child (sort)")
    sort.focus()
    _focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Child")
    page.get_by_role("link", name="Child (sort)").click()
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Child")
    first = page.locator("table.app-case-list tbody tr").first
    expect(first).to_contain_text("Child29")  # the last name A to Z is the same: first names
    assert_accessible(page)

    # Next page: the rest, filters and sort kept.
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("table.app-case-list tbody tr")).to_have_count(4)
    expect(page.get_by_role("link", name=NOT_ALLOCATED_TAG)).to_be_visible()
    expect(page.locator("table.app-case-list tbody tr").last).to_contain_text("Child01")
    assert_accessible(page)
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("heading", name="Selected filters")).to_have_count(0)


def test_triage_queue_at_320_and_800_px(page, live_server, sign_in, assert_accessible, queue):
    sign_in(page, "officer", PASSWORD)
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server.url}/triage/?allocated=none")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    _no_sideways_scroll(page)
    # The filter is behind MOJ's "Show filter" button; the table scrolls in its own pane.
    show = page.get_by_role("button", name="Show filter")
    expect(show).to_be_visible()
    expect(page.get_by_text("Scroll the table sideways to see every column.")).to_be_visible()
    assert_accessible(page)
    pane = page.locator(".app-table-pane")
    pane.focus()
    _focus_is_visible(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.app-table-pane').scrollLeft > 0")
    _no_sideways_scroll(page)
    show.click()
    expect(page.get_by_label("Allocated to")).to_be_visible()
    expect(page.get_by_role("link", name=NOT_ALLOCATED_TAG)).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)

    # 800 px (a tablet, or 200% zoom on a laptop): the filter's fields never overlap and stay
    # on the screen.
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/triage/")
    button = page.get_by_role("button", name="Show filter")
    if button.count():
        button.click()
    groups = page.locator(".app-filter .govuk-form-group")
    boxes = [groups.nth(i).bounding_box() for i in range(groups.count())]
    assert len(boxes) >= 8
    assert _boxes_overlap(boxes) == []
    for control in page.locator(".app-filter select, .app-filter input:not([type=hidden])").all():
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= TABLET["width"], box
    _no_sideways_scroll(page)
    assert_accessible(page)


def test_referral_with_identity_bar_and_undo_a_claim(
    page, live_server, sign_in, assert_accessible, queue
):
    made, officer = queue
    claimed = made[0]
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        if viewport is WIDE:
            sign_in(page, "officer", PASSWORD)
        page.goto(f"{live_server.url}/referrals/{claimed.pk}/")
        bar = page.get_by_role("region", name="The child this page is about")
        expect(bar).to_contain_text(claimed.child.full_name)
        expect(bar).to_contain_text(claimed.child.reference)
        expect(bar).to_contain_text("Acorns Day Nursery")
        expect(bar).to_contain_text(claimed.reference)
        expect(page.get_by_role("navigation", name="Parts of this referral")).to_be_visible()
        _no_sideways_scroll(page)
        assert_accessible(page)
    page.set_viewport_size(WIDE)
    page.get_by_role("link", name=f"Undo this claim of referral {claimed.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Undo the claim of referral {claimed.reference}"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Undo the claim").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why it was a mistake")
    assert_accessible(page)
    page.get_by_label("Why was it a mistake?").fill("Claimed the wrong child")
    page.get_by_role("button", name="Undo the claim").click()
    expect(page.get_by_role("main")).to_contain_text(
        f"The claim of referral {claimed.reference} is undone."
    )
    timeline = page.locator(".moj-timeline")
    expect(timeline).to_contain_text("Claim by Laura Hughes undone: allocated to no one")
    expect(timeline).to_contain_text("Reason: Claimed the wrong child")
    expect(page.get_by_role("button", name="Claim this referral")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(NARROW)
    _no_sideways_scroll(page)


def test_my_work_at_1280_and_320(page, live_server, sign_in, assert_accessible, queue):
    made, _officer = queue
    sign_in(page, "officer", PASSWORD)
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/my-work/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My work")
        expect(page.get_by_role("link", name=made[0].reference)).to_be_visible()
        expect(page.get_by_text("You own no open actions.")).to_be_visible()
        _no_sideways_scroll(page)
        assert_accessible(page)
    page.get_by_role("link", name=made[0].reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {made[0].reference}")
