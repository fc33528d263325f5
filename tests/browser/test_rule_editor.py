"""The SEND manager changes a routing rule in the service, tests it against past referrals and
publishes it; a practitioner's next concern then shows the new reason. axe on every page."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import Referral
from pathway.services import create_referral, start_draft
from tests.pathway.wizard_helpers import post_step, walk_to_check

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at
from ..otp import VerifiedClient

pytestmark = pytest.mark.django_db(transaction=True)

TWO_PRIME = {
    "development": {
        "communication_language": {"level": "significant", "age_band": "8-20"},
        "personal_social_emotional": {"level": "emerging", "age_band": "16-26"},
    }
}


def test_manager_edits_tests_and_publishes_a_rule_and_a_practitioner_sees_it(
    page, live_server, sign_in, assert_accessible
):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner = practitioner_at(child.setting, username="sam", first_name="Sam")
    with transaction.atomic():
        past = create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=practitioner,
            answers=TWO_PRIME,
            setting=child.setting,
            notify=False,
        )
    UserFactory(role=Role.SEND_MANAGER, username="manager", first_name="Helen")
    sign_in(page, "manager", PASSWORD)

    page.get_by_role("link", name="Routing rules").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Routing rules")
    expect(
        page.get_by_text("Send to the portage service when the child is under 3")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Copy as a new draft of version 1").click()
    expect(page.get_by_text("Version 2 created as a draft")).to_be_visible()
    assert_accessible(page)

    # Change the portage rule's age: under 2 instead of under 3.
    page.get_by_role("link", name="Change Under 3 with a delay in two or more prime areas").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change")
    assert_accessible(page)
    page.get_by_role("link", name="Change condition 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The child's age")
    assert_accessible(page)
    page.get_by_label("Value").fill("far too old")
    page.get_by_role("button", name="Save the condition").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a whole number")
    assert_accessible(page)
    page.get_by_label("Is under").check()
    page.get_by_label("Value").fill("24")
    page.get_by_role("button", name="Save the condition").click()
    expect(page.get_by_text("Condition saved: the child is under 2.")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_have_text(
        "Send to the portage service when the child is under 2 and the child has a concern "
        "in two or more prime areas."
    )
    # Rename it, so the new reason is told apart.
    page.get_by_label("Name of the rule").fill("Under 2 with a delay in two or more prime areas")
    page.get_by_role("button", name="Save the rule").click()

    # Test against past referrals, then publish.
    page.get_by_role("link", name="Test and publish version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test routing rules version 2")
    expect(page.get_by_text("1 referral would be routed differently")).to_be_visible()
    row = page.get_by_role("row", name=past.reference)
    expect(row).to_contain_text("Portage")
    expect(row).to_contain_text("Sent to the Early Years SEND team because no other rule applied")
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Version 2 is now published.")).to_be_visible()
    assert_accessible(page)

    # A practitioner's next concern (the wizard walked by the test client) is routed by it.
    other = ChildFactory(
        first_name="Zara",
        last_name="Ahmed",
        setting=child.setting,
        date_of_birth=timezone.localdate() - datetime.timedelta(days=548),  # 18 months
    )
    client = VerifiedClient()  # signed in through both steps, as the browser is
    client.force_login(practitioner)
    draft = start_draft(practitioner, setting=child.setting)
    walk_to_check(client, draft, child={"child": str(other.pk)})
    sent = post_step(client, draft, "check", {})
    assert sent.url == f"/referrals/{Referral.objects.get(draft=draft).pk}/sent/"
    referral = Referral.objects.get(draft=draft)
    assert referral.rule_set.version == 2

    page.get_by_role("button", name="Sign out").first.click()
    sign_in(page, "sam", PASSWORD, f"/referrals/{referral.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    reasons = page.locator("h2:has-text('Why it was routed this way') + p + ul")
    expect(reasons).to_contain_text(
        "Sent to the portage service because the child is 1 year, 6 months old (the threshold "
        "is under 2 years) and the child has a concern in two prime areas (the threshold is "
        "two)."
    )
    expect(reasons).to_contain_text("Rule: Under 2 with a delay in two or more prime areas")
    expect(reasons).to_contain_text("(version 2)")
    assert_accessible(page)
