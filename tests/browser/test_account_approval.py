"""A SEND manager approves an administrator's change to a colleague's account, in a real
browser with axe on each page: the list of changes, the change itself, its error message."""

import re

import pytest
from playwright.sync_api import expect

from earlyyears.accounts import services as accounts
from earlyyears.models import Role, User

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which the strict CSP (rightly) blocks."""
    return {**browser_context_args, "bypass_csp": True}


def test_a_manager_approves_an_email_change(page, live_server, sign_in, assert_accessible):
    admin = UserFactory(role=Role.ADMIN, username="boss", is_staff=True, is_superuser=True)
    colleague = UserFactory(
        role=Role.SEND_OFFICER, username="officer", email="officer@westmoor.example"
    )
    accounts.submit(admin, colleague, {"email": "officer.new@westmoor.example"})
    UserFactory(role=Role.SEND_MANAGER, username="manager")

    sign_in(page, "manager", PASSWORD)
    page.get_by_role("link", name="Settings and people").first.click()
    page.get_by_role("link", name="Account changes").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account changes to approve")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^officer\W+review the change")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("officer")
    expect(page.locator(".govuk-summary-list")).to_contain_text("officer.new@westmoor.example")
    assert_accessible(page)

    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether you approve")
    assert_accessible(page)
    page.get_by_label("Yes, approve it").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Approved: the change to officer is made.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account changes to approve")
    assert User.objects.get(username="officer").email == "officer.new@westmoor.example"
