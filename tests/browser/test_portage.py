"""A portage worker in a real browser: the caseload, a home visit, "All about me" completed
with the family, its print view and its PDF; axe-core on every page."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import OutboxMessage
from pathway.models import AllAboutMe, ConsentRecord, PortageVisit, Referral, ReferralEvent
from pathway.services import create_referral

from ..factories import (
    PASSWORD,
    ChildFactory,
    FamilyContactFactory,
    portage_worker_for,
    practitioner_at,
)

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_portage_worker_visits_and_completes_all_about_me(
    page, live_server, sign_in, assert_accessible
):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    FamilyContactFactory(child=child, name="Priya Patel")
    # The family agrees to share with the portage service (issue 22: consent in one place).
    ConsentRecord.objects.update_or_create(child=child, agency="portage", defaults={"given": True})
    with transaction.atomic():
        create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=practitioner_at(child.setting, username="sam"),
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            notify=False,
        )
    portage_worker_for(child, username="pat", first_name="Pat", last_name="Green")
    today = timezone.localdate()
    visited = today - datetime.timedelta(days=1)
    next_visit = today + datetime.timedelta(days=13)

    sign_in(page, "pat", PASSWORD)
    page.goto(f"{live_server.url}/portage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    row = page.get_by_role("row", name="Maya Patel")
    expect(row).to_contain_text("No visits yet")
    expect(row).to_contain_text("Not done")
    assert_accessible(page)

    # A home visit: an empty form shows the error summary first.
    row.get_by_role("link", name="Record a visit for Maya Patel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a home visit")
    page.get_by_role("button", name="Save visit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the visit")
    assert_accessible(page)
    fill_date(page, "Date of the visit", visited)
    page.get_by_label("Goals", exact=True).fill("Turn-taking with a ball")
    page.get_by_label("Progress", exact=True).fill("Rolled the ball back three times.")
    page.get_by_label("Next steps", exact=True).fill("Practise at bath time")
    fill_date(page, "Date of the next visit", next_visit)
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home visits")
    expect(page.get_by_role("main")).to_contain_text("Home visit saved.")
    expect(page.get_by_role("main")).to_contain_text("Rolled the ball back three times.")
    assert_accessible(page)

    # "All about me", together with the family: the family's own record (issue 22).
    page.get_by_role("link", name="Complete “All about me” with the family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Complete “All about me” with the family"
    )
    assert_accessible(page)
    page.get_by_label("What people like about me").fill("My giggle and my dancing")
    page.get_by_role("button", name="Save “All about me”").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the family member you are completing this with"
    )
    assert_accessible(page)
    page.get_by_label("Name of the family member you are completing this with").fill("Priya Patel")
    page.get_by_label("Their relationship to the child").fill("Mother")
    page.get_by_label("What is important to me").fill("My nani and my blue blanket")
    page.get_by_label("What works for me").fill("Show me, then wait for me to try")
    page.get_by_role("button", name="Save “All about me”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All about me")
    expect(page.get_by_role("main")).to_contain_text("assisted by")
    expect(page.get_by_role("heading", name="What works for me")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("My nani and my blue blanket")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the latest version as a PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"all-about-me-{child.reference}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Back on the caseload: the visit and the paperwork show.
    page.goto(f"{live_server.url}/portage/")
    row = page.get_by_role("row", name="Maya Patel")
    expect(row).to_contain_text(f"{visited:%-d %B %Y}")
    expect(row).to_contain_text(f"{next_visit:%-d %B %Y}")
    expect(row).to_contain_text("Done")
    assert_accessible(page)

    # The child's page carries the portage section.
    row.get_by_role("link", name="Maya Patel", exact=True).click()
    page.get_by_role("link", name="See Maya Patel’s record").click()
    expect(page.get_by_role("heading", name="Portage")).to_be_visible()
    assert_accessible(page)

    assert PortageVisit.objects.get().next_visit_on == next_visit
    assert AllAboutMe.objects.get().completed_with == "Priya Patel"
    assert OutboxMessage.objects.filter(template="portage_visit_family").count() == 1
    assert ReferralEvent.objects.filter(kind=ReferralEvent.Kind.PORTAGE).count() == 1
