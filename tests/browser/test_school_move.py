"""A child's move to school in a real browser, with axe on every page: the setting's SENCO sees
the checklist on the child's page, names the school, writes the hand-over record with the
family's agreement, downloads it and records that the school has it; a planner reads the
school-entry forecast."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.dates import born_in_intake
from earlyyears.models import Role

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate  # called in each test: a run may cross midnight
YEAR = TODAY().year + 1 if TODAY().month >= 9 else TODAY().year


def fill_date(page, group: str, day: datetime.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_the_senco_prepares_the_move_and_hands_over_the_record(
    page, live_server, sign_in, assert_accessible
):
    child = ChildFactory(
        first_name="Maya",
        last_name="Patel",
        date_of_birth=born_in_intake(YEAR)[0] + datetime.timedelta(days=100),
    )
    practitioner_at(child.setting, username="senco", first_name="Kate", last_name="Brown")

    sign_in(page, "senco", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Move to school")).to_be_visible()
    expect(page.get_by_text(f"Maya starts Reception in September {YEAR}.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Update the move to school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move to school")
    assert_accessible(page)
    page.get_by_label("School", exact=True).fill("Hilltop Primary School")
    page.get_by_label("School's unique reference number (URN) (optional)").fill("12345")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the URN as 6 digits, like 123456")
    assert_accessible(page)
    page.get_by_label("School's unique reference number (URN) (optional)").fill("123456")
    fill_date(page, "Transition meeting", TODAY() + datetime.timedelta(days=14))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Move to school saved.")).to_be_visible()
    expect(page.get_by_text("Hilltop Primary School").first).to_be_visible()

    page.get_by_role("link", name="Write a hand-over record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Write a hand-over record for the school"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what the child is good at and enjoys"
    )
    assert_accessible(page)
    page.get_by_label("What the child is good at and enjoys").fill("Loves the sand tray.")
    page.get_by_label("What the child finds hard").fill("Loud rooms at lunchtime.")
    page.get_by_label("What helps the child").fill("A visual timetable.")
    page.get_by_label("Who in the family agreed to share this with the school").fill("Asha Patel")
    fill_date(page, "When they agreed", TODAY())
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand-over record for the school")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the record as a PDF").click()
    assert download.value.suggested_filename == f"school-hand-over-{child.reference}.pdf"

    page.get_by_label("By secure email").check()
    page.get_by_label("Who received it").fill("office@hilltop.sch.uk")
    fill_date(page, "Date sent", TODAY())
    page.get_by_role("button", name="Record as sent").click()
    expect(page.get_by_text("Recorded as sent to the school.")).to_be_visible()
    expect(
        page.get_by_text(f"Sent on {TODAY().day} {TODAY():%B %Y} (by secure email)")
    ).to_be_visible()
    assert_accessible(page)


def test_a_planner_reads_the_forecast(page, live_server, sign_in, assert_accessible):
    UserFactory(role=Role.PLANNER, username="planner")
    sign_in(page, "planner", PASSWORD)
    page.goto(f"{live_server.url}/planning/starting-school/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Starting school")
    expect(page.get_by_text(f"Starting school in September {YEAR}, by districts")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Areas").select_option(label="Wards")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_text(f"Starting school in September {YEAR}, by wards")).to_be_visible()
    assert_accessible(page)
