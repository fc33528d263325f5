"""The EHC timeline in a real browser, with axe on every page: a SEND officer records a request
for an EHC needs assessment (back-dated), is refused a decision dated before it, decides to
assess, records an exception to the 20 weeks, sends the draft and issues the final plan; the
timeline shows each step and the letters, and the case list shows the review now due."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def child():
    child = ChildFactory(first_name="Maya", last_name="Patel")
    submitter = practitioner_at(child.setting, username="sam")
    with transaction.atomic():
        create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=submitter,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            consent={"consent_given_by": "A parent", "share_with": ["send_team", "health"]},
        )
    return child


def _date(page, label: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def _step(page, assert_accessible, link: str) -> None:
    page.get_by_role("link", name=link).click()
    assert_accessible(page)


def test_request_to_final_plan_with_one_exception(
    page, live_server, sign_in, assert_accessible, child
):
    UserFactory(role=Role.SEND_OFFICER, username="officer", first_name="Olu", last_name="Ade")
    sign_in(page, "officer", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/ehc/")
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC needs assessment and plan")
    assert_accessible(page)

    # The request, received in September 2025 (back-dated: the clocks are already run).
    _step(page, assert_accessible, "Record a request for an assessment")
    page.get_by_label("The child's early years setting or school").check()
    _date(page, "Date the request was received", 1, 9, 2025)
    page.get_by_label("Female").check()
    page.get_by_label("Ethnicity").select_option(label="Indian")
    page.get_by_label("If there is no unique pupil number, why not?").select_option(
        label="Under 6 and not yet given a unique pupil number"
    )
    page.get_by_role("button", name="Record the request").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Decide whether to assess by 13 October 2025")
    assert_accessible(page)

    # A decision dated before the request is refused, with the GOV.UK error summary.
    _step(page, assert_accessible, "Decide whether to assess")
    page.get_by_label("Yes, assess").check()
    _date(page, "Date of the decision", 20, 8, 2025)
    page.get_by_label("Reason for the decision").fill("Needs across every prime area")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date of the decision must be on or after the date the request was received "
        "(1 September 2025)"
    )
    assert_accessible(page)
    _date(page, "Date of the decision", 6, 10, 2025)
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("Decided to assess")

    # One exception: advice asked for while the nursery was shut.
    _step(page, assert_accessible, "Record an exception to the 20 weeks")
    page.get_by_label("Advice was asked for during the setting's holiday").check()
    page.get_by_label("Reason the exception applies").fill("The nursery closed for half term")
    _date(page, "Date the exception started", 20, 10, 2025)
    _date(page, "Date the exception ended", 31, 10, 2025)
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("An exception applies: working to 31 January 2026")
    assert_accessible(page)

    _step(page, assert_accessible, "Send the draft plan")
    _date(page, "Date the draft was sent", 5, 1, 2026)
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("Draft plan sent to the family")

    _step(page, assert_accessible, "Issue the final plan, or decide not to")
    page.get_by_label("Issue the final plan").check()
    _date(page, "Date of the decision", 28, 1, 2026)
    page.get_by_label("What the letter should say").fill("Weekly speech and language therapy")
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("Final EHC plan issued")
    expect(main).to_contain_text("Hold the review meeting by 28 July 2026")
    expect(main).to_contain_text("Exception to the 20 weeks")
    expect(
        page.get_by_role("link", name="Download the letter: The final EHC plan (PDF)")
    ).to_be_visible()
    assert_accessible(page)

    # The case list: the review is now the next thing due (and overdue on today's date).
    page.goto(f"{live_server.url}/ehc/")
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC needs assessments and plans")
    expect(page.get_by_role("main")).to_contain_text("Hold the review meeting")
    assert_accessible(page)
