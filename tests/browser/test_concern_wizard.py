"""A practitioner raises a concern in a real browser: every step, leaving and resuming,
changing an answer from check-your-answers, and sending; axe-core on every page."""

import pytest
from playwright.sync_api import expect

from pathway.models import Referral

from ..factories import PASSWORD, ChildFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def continue_(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_practitioner_raises_a_concern(page, live_server, sign_in, assert_accessible):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner_at(child.setting, username="sam", first_name="Sam")
    sign_in(page, "sam", PASSWORD)

    page.get_by_role("link", name="Raise a concern about a child").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    # Child: an empty submit shows the error summary first.
    expect(page.get_by_role("heading", level=1)).to_have_text("About the child")
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the child")
    assert_accessible(page)
    page.get_by_label("Maya Patel", exact=False).check()
    continue_(page)

    # Development: guidance beside the questions; then leave and come back later.
    expect(page.get_by_role("heading", level=1)).to_have_text("The child's development")
    page.get_by_text("Signs to look out for at this age").first.click()
    assert_accessible(page)
    page.get_by_role("group", name="Communication and language: is there a concern?").get_by_label(
        "Significant"
    ).check()
    page.get_by_label("Communication and language: the age band").select_option("8-20")
    page.get_by_label("Communication and language: what have you seen?").fill(
        "Says about ten words and does not point to share interest."
    )
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My concerns")
    assert_accessible(page)
    page.get_by_role("link", name="Continue the concern about Maya Patel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The child's development")
    page.get_by_role("group", name="Communication and language: is there a concern?").get_by_label(
        "Significant"
    ).check()
    page.get_by_role("group", name="Physical development: is there a concern?").get_by_label(
        "No concern"
    ).check()
    pse = "Personal, social and emotional development"
    page.get_by_role("group", name=f"{pse}: is there a concern?").get_by_label("Emerging").check()
    page.get_by_label(f"{pse}: what have you seen?").fill("Plays alone; upset by changes.")
    page.get_by_role("group", name="Do you also have concerns").get_by_label("No").check()
    continue_(page)

    # Support cycles (a formset), then checks.
    expect(page.get_by_role("heading", level=1)).to_have_text("What the setting has already tried")
    assert_accessible(page)
    cycle = page.get_by_role("group", name="Cycle 1")
    fill_date(cycle, "Plan started", "6", "1", "2026")
    fill_date(cycle, "Plan reviewed", "6", "3", "2026")
    cycle.get_by_label("What was tried").fill("Small group language sessions twice a week")
    cycle.get_by_label("Outcome at review").select_option("some_progress")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Checks and screens")
    assert_accessible(page)
    page.get_by_label("Yes: some concerns").check()
    fill_date(page, "Date of the progress check", "3", "2", "2026")
    page.get_by_label("Red: significant concerns").check()
    fill_date(page, "Date of the screen", "4", "2", "2026")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Health and family")
    assert_accessible(page)
    page.get_by_role("group", name="Hearing check").get_by_label("Checked: no concerns").check()
    page.get_by_role("group", name="Vision check").get_by_label("Not known").check()
    page.get_by_role("group", name="Are there family circumstances").get_by_label("Yes").check()
    page.get_by_role("group", name="Is the family or setting asking").get_by_label("No").check()
    continue_(page)

    # Conditional early help step, shown because family circumstances were flagged.
    expect(page.get_by_role("heading", level=1)).to_have_text("Help for the family")
    assert_accessible(page)
    page.get_by_label("Housing").check()
    page.get_by_role("group", name="Has the family agreed").get_by_label("Yes").check()
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("The family's views and consent")
    assert_accessible(page)
    page.get_by_label("What does the family say about their child?").fill(
        "She loves music; we worry she is not talking yet."
    )
    page.get_by_label("Name of the parent or carer who gave consent").fill("Anita Patel")
    page.get_by_label("Their relationship to the child").select_option("mother")
    fill_date(page, "Date consent was given", "20", "3", "2026")
    page.get_by_label("The Early Years SEND team").check()
    page.get_by_label("The portage service").check()
    page.get_by_role("group", name="Would they like updates").get_by_label("Yes").check()
    page.get_by_label("Mobile number for text messages").fill("07700 900 321")
    continue_(page)

    # Check answers; change one answer and come straight back.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending the concern"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Change is the family or setting asking").click()
    page.get_by_role("group", name="Is the family or setting asking").get_by_label("Yes").check()
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending the concern"
    )
    page.get_by_role("button", name="Accept and send").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Sent to the Early Years SEND team")
    assert_accessible(page)
    referral = Referral.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(referral.reference)
    assert set(referral.routes) == {"portage", "early_help", "send_team"}
    expect(page.get_by_role("main")).to_contain_text("EHC needs assessment requested")

    page.get_by_role("link", name="See the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    assert_accessible(page)
    page.get_by_role("link", name="Back to Maya Patel").click()
    expect(page.get_by_role("main")).to_contain_text(referral.reference)
    assert_accessible(page)
