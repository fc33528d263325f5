"""A move of setting in a real browser, checked with axe on every page: the lead setting's
SENCO opens the child's settings from the child's page, records a move (first with mistakes,
shown in the error summary and nothing saved), with the family's agreement to pass the support
plan on; the new setting's practitioner then sees the child, where they came from, and the plan;
the setting left no longer opens the child."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import Attendance, Child
from pathway.support_plans import services as plans

from ..factories import PASSWORD, ChildFactory, SettingFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(scope, group: str, day) -> None:
    fields = scope.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_a_move_of_setting(page, live_server, sign_in, assert_accessible):
    today = timezone.localdate()
    child = ChildFactory(first_name="Maya", last_name="Patel")
    old = practitioner_at(child.setting, username="senco", first_name="Kate", last_name="Brown")
    new_setting = SettingFactory(name="Willow Tree Nursery", urn="EY765432")
    practitioner_at(new_setting, username="willow", first_name="Sam", last_name="Lee")
    plans.create_plan(
        old,
        child,
        tier="targeted",
        strengths="Maya loves music",
        outcomes=[plans.OutcomeRow("Maya will ask for help using two words", today)],
        provision=[],
        cycle=plans.CycleStart(today, today + datetime.timedelta(weeks=8), "Story time"),
    )

    sign_in(page, "senco", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Settings Maya Patel attends").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings Maya attends")
    assert_accessible(page)
    page.get_by_role("link", name="Record a move of setting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a move of setting")
    assert_accessible(page)

    page.get_by_role("textbox", name="Setting the child is moving to").fill("Nowhere Nursery")
    page.get_by_role("button", name="Record the move").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("No setting has that Ofsted URN or name")
    expect(summary).to_contain_text("Enter the date of the move")
    assert_accessible(page)
    assert not Attendance.objects.filter(ended_on__isnull=False).exists()

    page.get_by_role("textbox", name="Setting the child is moving to").fill("ey765432")
    fill_date(page, "Date of the move", today)
    page.get_by_role("group", name="Which setting leads").get_by_label(
        "The setting the child is moving to"
    ).check()
    page.get_by_role("group", name="Has the family agreed").get_by_label("Yes").check()
    page.get_by_role("button", name="Record the move").click()
    banners = page.locator(".govuk-notification-banner")
    expect(banners.filter(has_text="Move to Willow Tree Nursery recorded")).to_be_visible()
    expect(banners.filter(has_text="no longer attends your setting")).to_be_visible()
    assert_accessible(page)
    assert Child.objects.get(pk=child.pk).setting == new_setting
    response = page.goto(f"{live_server.url}/children/{child.pk}/")
    assert response.status == 404

    page.context.clear_cookies()
    sign_in(page, "willow", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/settings/")
    expect(page.locator("table").first).to_contain_text("Willow Tree Nursery")
    expect(page.locator("table").nth(1)).to_contain_text(child.setting.name)
    assert_accessible(page)
    page.goto(f"{live_server.url}/children/{child.pk}/support-plan/")
    expect(page.locator("main")).to_contain_text("Maya will ask for help using two words")
    assert_accessible(page)
