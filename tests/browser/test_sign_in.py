"""Sign-in and every role's landing page, in a real browser, each checked with axe-core."""

import pytest
from playwright.sync_api import expect

from earlyyears.models import Role

from ..factories import PASSWORD, ChildFactory, UserFactory, portage_worker_for, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_page_and_sign_in_errors(page, live_server, assert_accessible):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Early years SEND pathway")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Sign in – Early years SEND pathway – Westmoor County Council")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your username")
    expect(summary).to_be_focused()
    assert_accessible(page)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_to_its_landing_page(
    page, live_server, sign_in, assert_accessible, role
):
    if role == Role.PRACTITIONER:
        child = ChildFactory(first_name="Maya", last_name="Patel")
        user = practitioner_at(child.setting, username="someone", first_name="Priya")
    elif role == Role.PORTAGE_WORKER:
        child = ChildFactory(first_name="Maya", last_name="Patel")
        user = portage_worker_for(child, username="someone", first_name="Priya")
    else:
        user = UserFactory(role=role, username="someone", first_name="Priya")
    sign_in(page, "someone", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Priya")
    expect(page.locator(".govuk-caption-l")).to_have_text(role.label)
    assert_accessible(page)
    if role in (Role.PRACTITIONER, Role.PORTAGE_WORKER):
        page.get_by_role("navigation", name="Menu").get_by_role("link").first.click()
        page.get_by_role("link", name="Maya Patel", exact=True).click()
        heading = "Maya Patel" if role == Role.PRACTITIONER else "Home visits"
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert user.pk
