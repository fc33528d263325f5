"""Data protection in a real browser, with axe on every page: a SEND manager opens a child's
record, finds that visit in the audit trail by the child's reference, downloads the entries as
CSV, then opens the child's subject access record."""

from pathlib import Path

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which the strict CSP (rightly) blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def child():
    child = ChildFactory(first_name="Maya", last_name="Patel", reference="WM-04521")
    submitter = practitioner_at(child.setting, username="sam")
    with transaction.atomic():
        create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=submitter,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
        )
    return child


def test_manager_searches_the_audit_trail_and_opens_the_subject_access_record(
    page, live_server, sign_in, assert_accessible, child
):
    UserFactory(role=Role.SEND_MANAGER, username="manager", first_name="Mo", last_name="Khan")
    sign_in(page, "manager", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Patel")

    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert_accessible(page)
    page.get_by_label("Child's reference or record number").fill("WM-04521")
    page.get_by_role("button", name="Search").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text(f"/children/{child.pk}/")
    expect(table).to_contain_text("manager")
    expect(table).to_contain_text("WM-04521")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these entries (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("audit-trail-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert f"/children/{child.pk}/" in text

    # A bad date gets the error summary, not an error page.
    page.get_by_label("Day").first.fill("31")
    page.get_by_label("Month").first.fill("2")
    page.get_by_label("Year").first.fill("2026")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    assert_accessible(page)

    page.goto(f"{live_server.url}/children/{child.pk}/subject-access/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Patel")
    expect(page.locator("#referrals")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Who has viewed or changed these records")
    ).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as json_info:
        page.get_by_role("link", name="Download as JSON").click()
    assert json_info.value.suggested_filename == "subject-access-WM-04521.json"

    page.get_by_role("link", name="Place or lift a legal hold").click()
    page.get_by_label("Why must this child's records be kept?").fill("Tribunal appeal")
    page.get_by_role("button", name="Place a legal hold").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Tribunal appeal")
    assert_accessible(page)
