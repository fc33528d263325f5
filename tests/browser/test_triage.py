"""The SEND team's journey in a real browser: triage queue -> claim -> decision, the setting
answering a question, a manager re-allocating, funding and caseloads; axe on every page."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def referrals():
    child = ChildFactory(first_name="Maya", last_name="Patel")
    other = ChildFactory(first_name="Leo", last_name="Brown", setting=child.setting)
    submitter = practitioner_at(child.setting, username="sam")
    made = []
    for who in (child, other):
        with transaction.atomic():
            made.append(
                create_referral(
                    child=who,
                    source=Referral.Source.SETTING_CONCERN,
                    submitted_by=submitter,
                    answers={"development": {"communication_language": {"level": "severe"}}},
                    setting=child.setting,
                    notify=False,
                )
            )
    return made


def test_triage_claim_and_decide(page, live_server, sign_in, assert_accessible, referrals):
    maya, leo = referrals
    UserFactory(role=Role.SEND_OFFICER, username="officer", first_name="Laura")
    sign_in(page, "officer", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    expect(page.get_by_role("link", name=maya.reference)).to_be_visible()
    assert_accessible(page)
    # filter the queue
    page.get_by_label("Allocated to").select_option("none")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=leo.reference)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=maya.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {maya.reference}")
    assert_accessible(page)
    page.get_by_role("button", name="Claim this referral").click()
    expect(page.get_by_role("main")).to_contain_text(f"You have claimed referral {maya.reference}")
    page.get_by_role("link", name="Make a decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Decide on referral {maya.reference}"
    )
    assert_accessible(page)
    # an incomplete decision is explained
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the decision")
    assert_accessible(page)
    page.get_by_label("Ask the setting for more information").check()
    page.get_by_label("Reason for the decision").fill("We need the latest review first")
    page.get_by_label("Question for the setting").fill("What did the last review show?")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("main")).to_contain_text("More information requested")
    expect(page.get_by_role("main")).to_contain_text("Waiting for the setting")
    assert_accessible(page)


def test_setting_answers_and_officer_awards_funding(
    page, live_server, sign_in, assert_accessible, referrals
):
    from pathway.casework import services as casework

    maya, _ = referrals
    officer = UserFactory(role=Role.SEND_OFFICER, username="officer")
    casework.claim(maya, officer)
    casework.decide(
        maya,
        "more_information",
        by=officer,
        reason="Need the review",
        question="What did the last review show?",
    )
    sign_in(page, "sam", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Concerns").click()
    page.get_by_role("navigation", name="Concerns").get_by_role("link", name="Questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions from the SEND team")
    assert_accessible(page)
    page.get_by_role("link", name=f"Maya Patel, referral {maya.reference}").click()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your answer")
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Good progress with Makaton; still few words.")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_role("main")).to_contain_text("Your answer has been sent")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "officer", PASSWORD)
    page.goto(f"{live_server.url}/referrals/{maya.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Good progress with Makaton")
    page.get_by_role("link", name="Make a decision").click()
    page.get_by_label("Award inclusion funding").check()
    page.get_by_label("Reason for the decision").fill("Extra adult for small-group work")
    page.get_by_label("Funding amount in pounds").fill("1200")
    page.get_by_label("Hours of extra support a week").fill("5")
    for name, (day, month, year) in {
        "starts_on": ("5", "1", "2027"),
        "ends_on": ("26", "3", "2027"),
        "review_on": ("1", "3", "2027"),
    }.items():
        page.locator(f"#id_{name}_0").fill(day)
        page.locator(f"#id_{name}_1").fill(month)
        page.locator(f"#id_{name}_2").fill(year)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("main")).to_contain_text("£1,200.00 to")
    page.goto(f"{live_server.url}/funding/?year=2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inclusion funding")
    expect(page.get_by_role("main")).to_contain_text("£1,200.00")
    assert_accessible(page)


def test_manager_reallocates_and_sees_caseloads(
    page, live_server, sign_in, assert_accessible, referrals
):
    from pathway.casework import services as casework

    maya, _ = referrals
    first = UserFactory(role=Role.SEND_OFFICER, username="first", first_name="Ada")
    UserFactory(role=Role.SEND_OFFICER, username="second", first_name="Ben", last_name="Ng")
    UserFactory(role=Role.SEND_MANAGER, username="manager")
    casework.claim(maya, first)
    sign_in(page, "manager", PASSWORD)
    page.goto(f"{live_server.url}/referrals/{maya.pk}/")
    page.get_by_role("link", name="Re-allocate").click()
    assert_accessible(page)
    page.get_by_label("Officer").select_option(label="Ben Ng")
    page.get_by_label("Reason (optional)").fill("Balancing caseloads")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("main")).to_contain_text("is allocated to Ben Ng")
    expect(page.get_by_role("main")).to_contain_text("Re-allocated from")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    page.get_by_role("navigation", name="Referrals").get_by_role("link", name="Caseloads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseloads")
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/{maya.pk}/sharing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who this referral is shared with")
    page.get_by_role("button", name="Share on a lawful basis").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the service")
    assert_accessible(page)
    page.get_by_role("group", name="Service").last.get_by_label("Early help services").check()
    page.get_by_label("The lawful basis for sharing without consent").fill("Safeguarding")
    page.get_by_role("button", name="Share on a lawful basis").click()
    expect(page.get_by_role("main")).to_contain_text("Shared on a lawful basis")
    assert_accessible(page)
