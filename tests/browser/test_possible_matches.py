"""Reconciliation in a real browser, with axe on every page: a health notification about a
child the notifier cannot see makes its own record; a SEND manager finds the pair on the
possible-matches list, compares them, merges them, and undoes the merge. A practitioner then
checks a number the notification supplied."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import Child, FamilyContact, Role
from pathway import services
from pathway.models import ChildMerge, Referral

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which the strict CSP (rightly) blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def pair():
    child = ChildFactory(first_name="Maya", last_name="Patel", reference="WM-04521")
    practitioner_at(child.setting, username="sam")
    FamilyContact.objects.create(
        child=child, name="Priya Patel", relationship="mother", mobile_phone="+447700900001"
    )
    with transaction.atomic():
        services.create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=child.setting.memberships.get().user,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            notify=False,
        )
    professional = UserFactory(role=Role.PROFESSIONAL, username="doctor")
    with transaction.atomic():
        services.submit_health_notification(
            professional,
            {
                "first_name": "Maya",
                "last_name": "Patel",
                "date_of_birth": child.date_of_birth,
                "postcode": "WM9 9ZZ",
                "area": child.area,
                "broad_areas_of_need": ["communication_interaction"],
                "diagnoses": "",
                "parent_name": "Priya Patel",
                "parent_mobile": "+447700900999",
                "sms_consent": "yes",
                "ehc_assessment_requested": "no",
            },
        )
    UserFactory(role=Role.SEND_MANAGER, username="manager", first_name="Mo", last_name="Khan")
    return child


def test_manager_merges_then_undoes_and_the_setting_checks_the_number(
    page, live_server, sign_in, assert_accessible, pair
):
    sign_in(page, "manager", PASSWORD)
    page.get_by_role("link", name="Possible matches").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible matches")
    expect(page.get_by_role("table").first).to_contain_text("WM-04521")
    assert_accessible(page)

    page.get_by_role("link", name="Compare").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is this the same child?")
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether these are the same child"
    )
    assert_accessible(page)
    page.get_by_label("Same child: keep record WM-04521").check()
    page.get_by_label("How you checked").fill("Spoke to the nursery and the health visitor")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Merged")
    provisional = Child.objects.get(merged_into=pair)
    assert provisional.record_status == Child.RecordStatus.MERGED

    page.goto(f"{live_server.url}/children/{pair.pk}/")
    expect(page.get_by_role("heading", level=2, name="Referrals")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Waiting to be checked")
    assert_accessible(page)

    page.goto(f"{live_server.url}/children/possible-matches/")
    page.get_by_role("link", name="Undo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo a merge")
    assert_accessible(page)
    page.get_by_label("Why are you undoing this merge?").fill("The dates of birth were mistyped")
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Merge undone")
    assert ChildMerge.objects.get().is_undone
    assert Child.objects.get(pk=provisional.pk).merged_into_id is None
    assert_accessible(page)


def test_the_setting_confirms_a_number_from_someone_else(
    page, live_server, sign_in, assert_accessible, pair
):
    mother = pair.family_contacts.get()
    mother.details.create(
        kind="mobile", value="+447700900222", source="health", status="unconfirmed"
    )
    sign_in(page, "sam", PASSWORD)
    page.goto(f"{live_server.url}/children/{pair.pk}/")
    page.get_by_role("link", name="Check Priya Patel's details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check Priya Patel's details")
    assert_accessible(page)
    page.get_by_role("group", name="Mobile: +447700900222").get_by_label("Confirm").check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.locator("body")).to_contain_text("+447700900222")
    mother.refresh_from_db()
    assert mother.mobile_phone == "+447700900222"
    assert_accessible(page)


def test_the_send_team_sets_safeguarding_flags(page, live_server, sign_in, assert_accessible, pair):
    sign_in(page, "manager", PASSWORD)
    page.goto(f"{live_server.url}/children/{pair.pk}/")
    page.get_by_role("link", name="Safeguarding flags").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding flags")
    assert_accessible(page)
    page.get_by_label("The child's address must not be disclosed").check()
    page.get_by_label("Do not contact").check()
    page.get_by_role("button", name="Save flags").click()
    expect(page.locator(".govuk-warning-text").first).to_contain_text(
        "the address must not be disclosed"
    )
    expect(page.locator("body")).to_contain_text("Do not contact")
    assert_accessible(page)
    pair.refresh_from_db()
    assert pair.address_withheld
    assert pair.family_contacts.get().do_not_contact
