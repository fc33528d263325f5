"""The early help coordinator's journey in a real browser, checked with axe on every page: the
list, the referral pack, its JSON and PDF downloads, acceptance and the outcome."""

import datetime
import json

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import FamilyContact, Role
from pathway.models import EarlyHelpHandoff, Referral, ShareWith
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def referral():
    child = ChildFactory(first_name="Maya", last_name="Patel")
    submitter = practitioner_at(child.setting, username="sam")
    FamilyContact.objects.create(
        child=child,
        name="Asha Patel",
        relationship=FamilyContact.Relationship.MOTHER,
        mobile_phone="+447700900222",
        is_primary=True,
    )
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=submitter,
            answers={
                "development": {"communication_language": {"level": "significant"}},
                "health_family": {"family_circumstances": True},
                "early_help": {"needs": ["housing"], "details": "", "family_agrees": True},
                "family": {"family_views": "We need somewhere settled to live."},
            },
            setting=child.setting,
            consent={
                "consent_given_by": "Asha Patel",
                "consent_given_on": datetime.date(2026, 3, 2),
                "share_with": [ShareWith.EARLY_HELP],
            },
            notify=False,
        )


def test_coordinator_accepts_and_records_the_outcome(
    page, live_server, sign_in, assert_accessible, referral
):
    UserFactory(role=Role.EARLY_HELP_COORDINATOR, username="coordinator")
    sign_in(page, "coordinator", PASSWORD)
    page.goto(f"{live_server.url}/early-help/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early help referrals")
    expect(page.get_by_role("link", name="Waiting (1)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Early help referral pack")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Maya Patel")
    expect(main).to_contain_text("Asha Patel")
    expect(main).to_contain_text("+447700900222")
    expect(main).to_contain_text("Housing")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as JSON").click()
    download = info.value
    assert download.suggested_filename == f"early-help-pack-{referral.reference}.json"
    with open(download.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["schema_version"] and data["child"]["first_name"] == "Maya"
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as PDF").click()
    download = info.value
    assert download.suggested_filename == f"early-help-pack-{referral.reference}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.get_by_role("link", name="Accept or decline").click()
    page.get_by_role("button", name="Save response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether early help accepts this referral"
    )
    assert_accessible(page)
    page.get_by_label("Yes, accept it").check()
    page.get_by_label("Reason").fill("The family hub knows the family")
    page.get_by_role("button", name="Save response").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("accepted")
    expect(page.get_by_role("main")).to_contain_text("Accepted by early help")
    assert_accessible(page)

    page.get_by_role("link", name="Record the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the outcome")
    assert_accessible(page)
    page.get_by_label("Family support without a full assessment").check()
    page.get_by_label("Notes").fill("Housing officer involved")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_role("main")).to_contain_text("Closed with an outcome")
    assert EarlyHelpHandoff.objects.get(referral=referral).outcome == "family_support"

    page.get_by_role("link", name="Back to early help referrals").click()
    page.get_by_role("link", name="Closed (1)").click()
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    assert_accessible(page)
