"""A 'could we have acted earlier?' review in a real browser, with axe on every page: the SEND
manager draws a sample and sets the panel, a reviewer from a family's perspective records
findings on a case, and the manager reads the findings and opens a draft of the routing rules."""

import datetime

import pytest
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, label: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_review_from_sample_to_findings_to_a_rule_draft(
    page, live_server, sign_in, assert_accessible
):
    UserFactory(role=Role.SEND_MANAGER, username="manager", first_name="Helen")
    UserFactory(role=Role.CASE_REVIEWER, username="forum", first_name="Sam", last_name="Reed")
    officer = UserFactory(role=Role.SEND_OFFICER, username="officer")
    for number in range(3):
        child = ChildFactory(first_name=f"Maya{number}", last_name="Patel")
        create_referral(
            child=child,
            source="setting_concern",
            submitted_by=officer,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            notify=False,
        )
    today = datetime.date.today()

    sign_in(page, "manager", PASSWORD)
    page.goto(f"{live_server.url}/case-reviews/")
    assert_accessible(page)
    page.get_by_role("button", name="Start a case review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a case review")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the review")
    assert_accessible(page)
    page.get_by_label("Name of the review").fill("Autumn review")
    page.get_by_label("At random from every case in the period").check()
    fill_date(page, "Concerns raised from", today - datetime.timedelta(days=30))
    fill_date(page, "Concerns raised until", today)
    page.get_by_label("How many cases").fill("2")
    page.get_by_label("Seed (optional)").fill("1234")
    fill_date(page, "Reviewers can see the cases from", today)
    fill_date(page, "Reviewers can see the cases until", today + datetime.timedelta(days=28))
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text("2 cases drawn with seed 1234")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Who").select_option(label="Sam Reed (Case reviewer (family perspective))")
    page.get_by_label("A family's perspective (for example a parent carer forum member)").check()
    page.get_by_role("button", name="Add to the panel").click()
    expect(page.get_by_text("Sam Reed is on the panel for this review.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "forum", PASSWORD)
    page.goto(f"{live_server.url}/case-reviews/")
    page.get_by_role("link", name="Autumn review").click()
    page.get_by_role("link", name="Case 1:").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("M.P.")
    expect(page.get_by_text("Maya")).to_have_count(0)
    assert_accessible(page)
    for stage in ("Noticing", "Raising a concern", "Routing", "Deciding", "Providing support"):
        page.get_by_role(
            "group", name=f"{stage}: could something have been done earlier?"
        ).get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Routing: could something have been done earlier?").get_by_label(
        "Yes, it could have been done earlier"
    ).check()
    page.get_by_role("button", name="Save your findings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select why routing could have been earlier"
    )
    assert_accessible(page)
    page.locator("input[name='routing_causes']").nth(2).check()  # waited for a threshold
    page.get_by_role("button", name="Save your findings").click()
    expect(page.get_by_text("Your findings are saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Findings from the panel")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "manager", PASSWORD)
    page.goto(f"{live_server.url}/case-reviews/")
    page.get_by_role("link", name="Autumn review").click()
    page.get_by_role("link", name="See the findings so far").click()
    expect(page.get_by_text("In 1 of the 1 cases reviewed so far (100%)")).to_be_visible()
    expect(page.get_by_role("cell", name="Waited for a threshold")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What should change in the routing rules, and why").fill(
        "Send severe speech delays to portage without waiting for the 18-month gap"
    )
    page.get_by_role("button", name="Make a draft of the rules").click()
    expect(page.get_by_text("The 2 cases of the review “Autumn review”")).to_be_visible()
    assert_accessible(page)
