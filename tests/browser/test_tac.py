"""A Team Around the Child meeting in a real browser, checked with axe on every page: a SEND
officer records it with attendees and actions; the action's owner finds it on "My actions" and
marks it done."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import TacAction

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, group: str, day) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_officer_records_a_meeting_and_the_owner_marks_the_action_done(
    page, live_server, sign_in, assert_accessible
):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner_at(child.setting, username="senco", first_name="Kate", last_name="Brown")
    UserFactory(role=Role.SEND_OFFICER, username="officer", first_name="Priya", last_name="Shah")
    today = timezone.localdate()

    sign_in(page, "officer", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Record a Team Around the Child meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record a Team Around the Child meeting"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the meeting")
    assert_accessible(page)

    fill_date(page, "Date of the meeting", today)
    first = page.get_by_role("group", name="Attendee 1")
    first.get_by_label("Name").fill("Ellie Ward")
    first.get_by_label("Discipline").select_option(label="Speech and language therapy")
    for n in range(2, 5):
        page.get_by_role("group", name=f"Attendee {n}").get_by_label("Name").fill(f"Person {n}")
        page.get_by_role("group", name=f"Attendee {n}").get_by_label("Discipline").select_option(
            label="Health visiting"
        )
    page.get_by_role("button", name="Add another attendee").click()
    fifth = page.get_by_role("group", name="Attendee 5")
    expect(fifth).to_be_visible()
    expect(first.get_by_label("Name")).to_have_value("Ellie Ward")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    fifth.get_by_label("Name").fill("Asha Patel")
    fifth.get_by_label("Discipline").select_option(label="Parent or carer")
    fifth.get_by_label("Attended").uncheck()
    page.get_by_label("Notes").fill("Maya is using more signs at nursery.")
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("What is to be done").fill("Start a visual timetable")
    action.get_by_label("Who will do it").select_option(label="Kate Brown (Nursery practitioner)")
    fill_date(page.get_by_role("group", name="Action 1"), "Due date", today)
    parent = page.get_by_role("group", name="Action 2")
    parent.get_by_label("What is to be done").fill("Use the timetable at home")
    parent.get_by_label("Or the name of someone without an account").fill("Asha Patel")
    fill_date(parent, "Due date", today + datetime.timedelta(days=14))
    fill_date(page, "Next review date", today + datetime.timedelta(days=42))
    page.get_by_role("button", name="Save meeting").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Team Around the Child meeting")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Ellie Ward")
    expect(main).to_contain_text("No, sent apologies")
    expect(main).to_contain_text("Start a visual timetable")
    assert_accessible(page)
    assert TacAction.objects.count() == 2

    page.context.clear_cookies()
    sign_in(page, "senco", PASSWORD)
    page.goto(f"{live_server.url}/actions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    expect(page.get_by_role("main")).to_contain_text("Start a visual timetable")
    expect(page.get_by_role("main")).to_contain_text("Due today")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as done")
    expect(page.get_by_role("main")).to_contain_text("You have no open actions.")
    assert_accessible(page)
    assert TacAction.objects.filter(done_at__isnull=False).count() == 1
