"""A support plan in a real browser, checked with axe on every page: a practitioner starts it
from the child's page (the outcomes check flags a service written as an outcome), then takes it
through two assess-plan-do-review cycles."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pathway.models import SupportPlan

from ..factories import PASSWORD, ChildFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(scope, group: str, day) -> None:
    fields = scope.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def review(page, assert_accessible, number: int, overall: str) -> None:
    page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review cycle {number}")
    assert_accessible(page)
    today = timezone.localdate()
    fill_date(page, "Date of the review", today)
    outcome = page.get_by_role("group", name="Outcome 1: Maya will ask for help")
    outcome.get_by_label("Good progress").check()
    page.get_by_role("group", name="Progress overall").get_by_label(overall).check()
    page.get_by_label("The family's views").fill(f"Review {number}: Mum hears more words at home")
    page.get_by_label("The child's views").fill("Maya chose the bubbles")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Review of cycle {number} saved"
    )


def test_a_support_plan_through_two_review_cycles(page, live_server, sign_in, assert_accessible):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner_at(child.setting, username="senco", first_name="Kate", last_name="Brown")
    today = timezone.localdate()

    sign_in(page, "senco", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Start a support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a support plan")
    assert_accessible(page)

    page.get_by_role("button", name="Start the plan").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the tier of support")
    expect(summary).to_contain_text("Add at least one outcome")
    assert_accessible(page)

    page.get_by_role("group", name="Tier of support").get_by_label("Targeted", exact=True).check()
    first = page.get_by_role("group", name="Outcome 1")
    first.get_by_label("What the child will be able to do").fill(
        "Speech and language therapy sessions"
    )
    fill_date(first, "By when", today + datetime.timedelta(weeks=26))
    help_row = page.get_by_role("group", name="Help 1")
    help_row.get_by_label("What help").fill("Small-group language sessions")
    help_row.get_by_label("Who gives it").fill("Kate Brown, SENCO")
    help_row.get_by_label("How often").fill("3 times a week for 15 minutes")
    fill_date(help_row, "From", today)
    page.get_by_label("What we will do in this cycle").fill("Story time in a small group")
    page.get_by_role("button", name="Start the plan").click()
    expect(summary).to_contain_text("reads like a provider or a professional")
    assert_accessible(page)
    assert not SupportPlan.objects.exists()

    first.get_by_label("What the child will be able to do").fill(
        "Maya will ask for help using two or three words"
    )
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support plan")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Maya will ask for help using two or three words")
    expect(main).to_contain_text("Small-group language sessions")
    assert_accessible(page)

    review(page, assert_accessible, 1, "Some progress")
    page.get_by_role("link", name="Start the next cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start cycle 2")
    assert_accessible(page)
    fill_date(page, "Review date", today + datetime.timedelta(weeks=8))
    page.get_by_label("What we will do in this cycle").fill("Add a second word to requests")
    page.get_by_role("button", name="Start the cycle").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Cycle 2 started")

    review(page, assert_accessible, 2, "Good progress: needs are being met")
    main = page.get_by_role("main")
    expect(main.locator(".govuk-tag", has_text="Reviewed")).to_have_count(2)
    expect(main).to_contain_text("Review 2: Mum hears more words at home")
    expect(main).to_contain_text(f"{today.day} {today:%B %Y}")
    assert_accessible(page)
    plan = SupportPlan.objects.get()
    assert plan.cycles.filter(reviewed_on__isnull=False).count() == 2
