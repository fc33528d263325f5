"""A SEND officer runs an Early Years panel in a real browser: schedules it, adds members,
builds the agenda from waiting referrals, records attendance, decides each item, marks it held
and publishes the minutes; axe-core on every page."""

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import PanelMeeting, Referral, ReferralEvent
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def _referral(first_name: str, last_name: str) -> Referral:
    child = ChildFactory(first_name=first_name, last_name=last_name)
    submitter = practitioner_at(child.setting)
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=submitter,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            notify=False,
        )


def test_send_officer_runs_a_panel_from_agenda_to_minutes(
    page, live_server, sign_in, assert_accessible
):
    UserFactory(role=Role.SEND_OFFICER, username="officer", first_name="Olu", last_name="Ade")
    maya = _referral("Maya", "Patel")
    leo = _referral("Leo", "Brown")
    today = timezone.localdate()
    sign_in(page, "officer", PASSWORD)
    main = page.get_by_role("main")

    page.goto(f"{live_server.url}/panels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early Years panels")
    assert_accessible(page)

    # Schedule: an empty form shows the error summary first.
    page.get_by_role("link", name="Schedule a panel").click()
    page.get_by_role("button", name="Schedule the panel").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the panel")
    assert_accessible(page)
    group = page.get_by_role("group", name="Date of the panel")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Start time (optional)").fill("9:30am")
    page.get_by_label("Location (optional)").fill("Shire Hall, room 2")
    page.get_by_role("button", name="Schedule the panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Early Years panel, {today:%-d %B %Y}"
    )
    assert_accessible(page)

    # Members.
    page.get_by_role("link", name="Add or remove members").click()
    assert_accessible(page)
    for name, agency in (("Priya Shah", "Health"), ("Tom Reed", "Education")):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("group", name="Agency").get_by_label(agency, exact=True).check()
        page.get_by_role("button", name="Add member").click()
        expect(main).to_contain_text(f"{name} is a member of this panel")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the panel").first.click()

    # Agenda: tick both waiting referrals, then put Leo first.
    page.get_by_role("link", name="Add referrals to the agenda").click()
    expect(main).to_contain_text("Maya Patel")
    assert_accessible(page)
    page.get_by_label(f"Add referral {maya.reference}").check()
    page.get_by_label(f"Add referral {leo.reference}").check()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(main).to_contain_text("2 referrals added to the agenda")
    page.get_by_role("button", name=f"Move down referral {maya.reference}").click()
    items = page.locator("ol.app-card-list > li h3")
    expect(items.first).to_contain_text(leo.reference)
    assert_accessible(page)

    # Attendance.
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_role("group", name="Priya Shah").get_by_label("Present").check()
    page.get_by_role("group", name="Tom Reed").get_by_label("Sent apologies").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(main).to_contain_text("1 present, 1 sent apologies")

    # Decide each item; a missing reason first shows the error summary.
    page.get_by_role("link", name=f"Record the decision for referral {leo.reference}").click()
    page.get_by_label("Panel discussion (optional)").fill("Setting report and SLT view discussed")
    page.get_by_role("group", name="Decision").get_by_label("Accept onto a route").check()
    page.get_by_role("group", name="Routes").get_by_label("Portage").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for the decision"
    )
    assert_accessible(page)
    page.get_by_label("Reason for the decision").fill("Home visiting suits the family best")
    page.get_by_role("button", name="Record the decision").click()
    expect(main).to_contain_text(f"Decision recorded for {leo.reference}")

    page.get_by_role("link", name=f"Record the decision for referral {maya.reference}").click()
    page.get_by_role("group", name="Decision").get_by_label("Signpost to the local offer").check()
    page.get_by_label("Reason for the decision").fill("Needs can be met by universal services")
    page.get_by_role("button", name="Record the decision").click()
    expect(main).to_contain_text(f"Decision recorded for {maya.reference}")
    assert_accessible(page)

    # Mark held, then the minutes.
    page.get_by_role("link", name="Mark the panel as held").click()
    assert_accessible(page)
    page.get_by_role("button", name="Mark the panel as held").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Minutes of the Early Years panel, {today:%-d %B %Y}"
    )
    expect(main).to_contain_text(f"{leo.reference} (LB)")
    expect(main).to_contain_text("Home visiting suits the family best")
    expect(main).to_contain_text("Priya Shah")
    expect(main).not_to_contain_text("Maya Patel")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the minutes").click()
    expect(main).to_contain_text("The minutes are published")
    expect(page.get_by_role("button", name="Publish the minutes")).to_have_count(0)
    assert_accessible(page)

    meeting = PanelMeeting.objects.get()
    assert meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED
    assert ReferralEvent.objects.filter(
        referral=leo, kind=ReferralEvent.Kind.PANEL, summary__startswith="Added to the agenda"
    ).exists()
