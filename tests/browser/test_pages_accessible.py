"""Every other page of the pathway, in a real browser as the role that uses it, checked with
axe-core: the register, routing rules and their tester, messages, observations, the health
notification and the family's request."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import Referral
from pathway.services import copy_rule_set, create_referral, published_rule_set

from ..factories import PASSWORD, ChildFactory, UserFactory, portage_worker_for, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def referral():
    child = ChildFactory(first_name="Maya", last_name="Patel")
    submitter = practitioner_at(child.setting, username="sam")
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=submitter,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
        )


def test_send_manager_pages(page, live_server, sign_in, assert_accessible, referral):
    manager = UserFactory(role=Role.SEND_MANAGER, username="manager")
    copy_rule_set(published_rule_set(), manager)
    sign_in(page, "manager", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    nav = page.get_by_role("navigation", name="Referrals")
    nav.get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification register")
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    assert_accessible(page)
    nav.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    assert_accessible(page)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Settings and people").click()
    page.get_by_role("navigation", name="Settings and people").get_by_role(
        "link", name="Routing rules"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Routing rules")
    assert_accessible(page)
    page.get_by_role("link", name="Test and publish version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test routing rules version 2")
    expect(page.get_by_role("main")).to_contain_text("0 referrals would be routed differently")
    assert_accessible(page)


def test_practitioner_records_an_observation(page, live_server, sign_in, assert_accessible):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner_at(child.setting, username="sam")
    sign_in(page, "sam", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    page.get_by_role("link", name="Maya Patel").click()
    page.get_by_role("link", name="Add an observation").click()
    page.get_by_role("button", name="Save observation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Communication and language").check()
    group = page.get_by_role("group", name="Date of the observation")
    group.get_by_label("Day").fill("12")
    group.get_by_label("Month").fill("3")
    group.get_by_label("Year").fill("2026")
    page.get_by_label("What did you see?").fill("Pointed at the ball and said 'ba'.")
    page.get_by_role("button", name="Save observation").click()
    expect(page.get_by_role("main")).to_contain_text("Pointed at the ball")
    assert_accessible(page)


def test_health_professional_notifies(page, live_server, sign_in, assert_accessible):
    UserFactory(role=Role.PROFESSIONAL, username="slt")
    ChildFactory()  # an area to choose
    sign_in(page, "slt", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Notify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("health notification")
    page.get_by_role("button", name="Send notification").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_portage_worker_sends_a_family_request(page, live_server, sign_in, assert_accessible):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    portage_worker_for(child, username="pw")
    sign_in(page, "pw", PASSWORD)
    page.get_by_role("link", name="Send a family's request for help").click()
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Maya Patel").check()
    page.get_by_label("Communication and interaction").check()
    page.get_by_label("The family's views, in their words").fill("We want help with talking.")
    page.get_by_label("Parent or carer making the request").fill("Anita Patel")
    group = page.get_by_role("group", name="Date of the request")
    group.get_by_label("Day").fill("2")
    group.get_by_label("Month").fill("4")
    group.get_by_label("Year").fill("2026")
    page.get_by_label("The Early Years SEND team").check()
    page.get_by_role("group", name="Is the family asking").get_by_label("No").check()
    page.get_by_role("group", name="Are there family circumstances").get_by_label("No").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Sent to the Early Years SEND team")
    assert_accessible(page)
