"""A Disability Access Fund application in a real browser, from the evidence to the payment:
the setting applies with the award letter, the SEND officer approves it with reasons, approves
the payment, downloads the payment file and records it paid; the setting sees it paid. axe-core
on every page."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pathway.funds.rules import financial_year_of
from pathway.models import FundBudget, FundPayment, FundType

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% award letter\n"


def fill_date(page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_daf_application_from_evidence_to_payment(page, live_server, sign_in, assert_accessible):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner_at(child.setting, username="sam")
    UserFactory(role="send_officer", username="olu", first_name="Olu")
    daf = FundType.objects.get(kind=FundType.Kind.DISABILITY_ACCESS)
    today = timezone.localdate()
    FundBudget.objects.create(fund_type=daf, financial_year=financial_year_of(today), amount=20000)

    # The setting applies, from the funds open to the child.
    sign_in(page, "sam", PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/funding/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for funding")
    assert_accessible(page)
    page.get_by_role("link", name="Apply to the Disability Access Fund").click()
    expect(page.get_by_text("£938.00 a year for each child")).to_be_visible()
    page.get_by_role("button", name="Send application").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter what the money will pay for")
    expect(summary).to_contain_text("Confirm that the child gets Disability Living Allowance")
    expect(summary).to_contain_text("Select the evidence file")
    assert_accessible(page)
    page.get_by_label("What the money will pay for").fill("Ear defenders and a quiet den")
    page.get_by_label("The child gets Disability Living Allowance").check()
    page.get_by_label("The family has chosen our setting to receive it this year").check()
    page.get_by_label("Evidence file").set_input_files(
        {"name": "dla-letter.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("What the evidence is").fill("Disability Living Allowance letter")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator("main .govuk-summary-list .govuk-tag")).to_have_text(
        "Waiting for a decision"
    )
    expect(page.get_by_role("link", name="Disability Living Allowance letter")).to_be_visible()
    application_url = page.url
    assert_accessible(page)

    # The SEND officer decides, with the budget in view.
    page.context.clear_cookies()
    sign_in(page, "olu", PASSWORD)
    page.goto(application_url)
    page.get_by_role("link", name="Decide this application").click()
    expect(page.get_by_text("has £20,000.00 left")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Approve").check()
    page.get_by_label("Reasons for the decision").fill("The letter shows the child gets DLA")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("main .govuk-summary-list .govuk-tag")).to_have_text("Approved")
    expect(page.get_by_role("cell", name="£938.00")).to_be_visible()

    # The payment: approved, in the payment file, then recorded as paid.
    page.goto(f"{live_server.url}/funding/payments/")
    assert_accessible(page)
    page.get_by_role("button", name="Approve payment").click()
    expect(page.get_by_role("row").nth(1)).to_contain_text("Approved for payment")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the payment file (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "938.00" in content and "Maya" not in content
    page.get_by_role("link", name="Record as paid").click()
    assert_accessible(page)
    fill_date(page, "Date it was paid", today)
    page.get_by_role("button", name="Record as paid").click()
    expect(page.get_by_role("row").nth(1)).to_contain_text("Paid on")
    assert FundPayment.objects.get().status == FundPayment.Status.PAID

    # The setting sees it paid.
    page.context.clear_cookies()
    sign_in(page, "sam", PASSWORD)
    page.goto(application_url)
    expect(page.get_by_role("cell", name="Paid on")).to_be_visible()
    assert_accessible(page)
