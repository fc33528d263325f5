"""Bringing in an existing caseload in a real browser, with axe on every page: a SEND manager
downloads nothing by hand but follows the steps, uploads children with one bad row, sees the
row, column and what to do, brings in the good rows, then the child's referral and EHC request,
and finds the EHC clock counting from the date the request was really received."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import Child, Role
from pathway.ehc import rules
from pathway.models import EhcRequest, Referral

from ..factories import PASSWORD, SettingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_send_manager_brings_in_a_small_caseload(
    page, live_server, sign_in, assert_accessible, tmp_path
):
    UserFactory(role=Role.SEND_MANAGER, username="manager", first_name="Sam")
    setting = SettingFactory(urn="EY900001", name="Acorns Day Nursery")
    today = timezone.localdate()
    received = today - datetime.timedelta(weeks=10)
    children = write(
        tmp_path,
        "children.csv",
        "Child reference,First name,Last name,Date of birth,Postcode,Setting URN\n"
        f"OLD-1,Maya,Patel,14/03/2023,WM1 4AB,{setting.urn}\n"
        f"OLD-2,Leo,Brown,31/02/2023,WM1 4AB,{setting.urn}\n",
    )
    referrals = write(
        tmp_path,
        "referrals.csv",
        "Referral reference,Child reference,Date received,Who referred,Status\n"
        f"R-77,OLD-1,{received:%d/%m/%Y},Concern from an early years setting,Accepted\n",
    )
    ehc = write(
        tmp_path,
        "ehc.csv",
        "Child reference,Date request received,Who made the request\n"
        f"OLD-1,{received:%d/%m/%Y},Parent\n",
    )

    sign_in(page, "manager", PASSWORD)
    page.goto(f"{live_server.url}/caseload-import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring in your existing caseload")
    assert_accessible(page)

    page.get_by_role("link", name="1. Children").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import children")
    assert_accessible(page)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file")
    assert_accessible(page)
    page.get_by_label("Upload a file").set_input_files(children)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check children.csv")
    problem = page.locator("table.govuk-table tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("3")
    expect(problem).to_contain_text("Date of birth")
    expect(problem).to_contain_text("must be a real date written as day/month/year")
    assert_accessible(page)
    assert Child.objects.count() == 0  # the check saved nothing
    page.get_by_role("button", name="Apply the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how to apply the file")
    page.get_by_label("Bring in every row without a problem").check()
    page.get_by_role("button", name="Apply the file").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Children imported")
    expect(page.locator(".govuk-panel")).to_contain_text("1 new")
    assert_accessible(page)
    assert list(Child.objects.values_list("reference", flat=True)) == ["OLD-1"]

    page.get_by_role("link", name="Back to bringing in your caseload").click()
    page.get_by_role("link", name="3. Referrals").click()
    page.get_by_label("Upload a file").set_input_files(referrals)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_label("Bring in nothing unless every row is right").check()
    page.get_by_role("button", name="Apply the file").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Referrals imported")
    assert Referral.objects.get().status == Referral.Status.ACCEPTED

    page.get_by_role("link", name="Back to bringing in your caseload").click()
    page.get_by_role("link", name="5. EHC requests and plans").click()
    page.get_by_label("Upload a file").set_input_files(ehc)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_label("Bring in nothing unless every row is right").check()
    page.get_by_role("button", name="Apply the file").click()
    expect(page.locator(".govuk-panel")).to_contain_text("EHC requests and plans imported")
    assert_accessible(page)

    child = Child.objects.get()
    case = EhcRequest.objects.get()
    assert case.next_due_on == rules.send_by(rules.weeks_after(received, 6))
    page.goto(f"{live_server.url}/children/{child.pk}/ehc/")
    expect(page.locator("main")).to_contain_text(f"{case.next_due_on:%-d %B %Y}")
    assert_accessible(page)
