"""The SEN2 return in a real browser, with axe on every page: a SEND officer sees a problem by
child and item, follows its link, records the child's details, and produces the extract."""

import datetime

import pytest
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import EhcRequest
from pathway.sen2.selectors import next_collection, period
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_fixes_a_problem_and_produces_the_extract(
    page, live_server, sign_in, assert_accessible, settings
):
    settings.LA_NUMBER = "938"
    officer = UserFactory(role=Role.SEND_OFFICER, username="officer", first_name="Priya")
    child = ChildFactory(first_name="Maya", last_name="Patel")
    referral = create_referral(
        child=child,
        source="setting_concern",
        submitted_by=officer,
        answers={"development": {"communication_language": {"level": "severe"}}},
        setting=child.setting,
        notify=False,
    )
    year = next_collection(datetime.date.today())
    start, _ = period(year)
    EhcRequest.objects.create(
        child=child,
        referral=referral,
        source=EhcRequest.Source.SETTING,
        received_on=start + datetime.timedelta(days=40),
        assess_decision="Y",
        assess_decision_on=start + datetime.timedelta(days=70),
        issue_decision="Y",
        issue_decision_on=start + datetime.timedelta(days=150),
        stage=EhcRequest.Stage.PLAN,
        created_by=officer,
    )

    sign_in(page, "officer", PASSWORD)
    page.goto(f"{live_server.url}/sen2/")
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN2 return: the early years part")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Produce the extract")).to_have_count(0)
    page.get_by_role("link", name="Record the child's primary need").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Details for the SEN2 return")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the child's primary need")
    assert_accessible(page)
    page.get_by_label("Primary need").select_option(
        label="Speech, language and communication needs"
    )
    page.get_by_label("Female").check()
    page.get_by_label("Ethnicity").select_option(label="Black African")
    page.get_by_label("If there is no unique pupil number, why").select_option(
        label="Under 6 and not yet given a unique pupil number"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Details for the SEN2 return saved.")).to_be_visible()
    expect(page.get_by_text("None: the extract can be produced.")).to_be_visible()
    page.get_by_role("button", name="Produce the extract").click()
    expect(page.get_by_text("Extract produced")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[href*='/sen2/extracts/']").first.click()
    assert download.value.suggested_filename.startswith(f"sen2-{year}-")
