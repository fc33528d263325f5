"""The concern wizard's plain-English changes in a real browser, with axe on each changed page
(issue 20): pages name their section rather than counting steps, the family step offers the
child's existing contacts, and check your answers shows every answer with GOV.UK dates."""

import re

import pytest
from playwright.sync_api import expect

from earlyyears.models import FamilyContact
from pathway.models import Referral

from ..factories import PASSWORD, ChildFactory, FamilyContactFactory, practitioner_at
from .test_concern_wizard import continue_, fill_date

pytestmark = pytest.mark.django_db(transaction=True)


def test_practitioner_chooses_an_existing_contact_and_checks_every_answer(
    page, live_server, sign_in, assert_accessible
):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    FamilyContactFactory(child=child, name="Asha Patel", mobile_phone="+447700900222")
    practitioner_at(child.setting, username="sam", first_name="Sam")
    contacts_before = FamilyContact.objects.count()
    sign_in(page, "sam", PASSWORD)
    page.get_by_role("link", name="Raise a concern about a child").click()
    page.get_by_role("button", name="Start now").click()

    caption = page.locator(".govuk-caption-l")
    expect(caption).to_contain_text("About the child")
    page.get_by_label("Maya Patel", exact=False).check()
    continue_(page)

    expect(caption).to_contain_text("Development")
    expect(caption).not_to_contain_text(re.compile(r"step \d+ of \d+", re.IGNORECASE))
    page.get_by_role("group", name="Communication and language: is there a concern?").get_by_label(
        "Significant"
    ).check()
    page.get_by_label("Communication and language: what have you seen?").fill("About ten words.")
    page.get_by_role("group", name="Physical development: is there a concern?").get_by_label(
        "No concern"
    ).check()
    pse = "Personal, social and emotional development"
    page.get_by_role("group", name=f"{pse}: is there a concern?").get_by_label("No concern").check()
    page.get_by_role("group", name="Do you also have concerns").get_by_label("No").check()
    continue_(page)

    cycle = page.get_by_role("group", name="Cycle 1")
    fill_date(cycle, "Plan started", "6", "1", "2026")
    fill_date(cycle, "Plan reviewed", "6", "3", "2026")
    cycle.get_by_label("What was tried").fill("Small group language sessions")
    cycle.get_by_label("Outcome at review").select_option("some_progress")
    continue_(page)

    page.get_by_role("group", name="Has the child had their 2-year").get_by_label(
        "No, or not yet"
    ).check()
    page.get_by_role("group", name="Speech and language screen").get_by_label("Not done").check()
    continue_(page)

    page.get_by_role("group", name="Hearing check").get_by_label("Checked: no concerns").check()
    page.get_by_role("group", name="Vision check").get_by_label("Not known").check()
    page.get_by_role("group", name="Are there family circumstances").get_by_label("No").check()
    page.get_by_role("group", name="Is the family or setting asking").get_by_label("No").check()
    continue_(page)

    # The family step: the child's contact is offered; "someone else" needs a name.
    expect(page.get_by_role("heading", level=1)).to_have_text("The family's views and consent")
    expect(caption).to_contain_text("The family")
    page.get_by_label("What does the family say about their child?").fill("She loves music.")
    fill_date(page, "Date consent was given", "20", "3", "2026")
    page.get_by_label("The Early Years SEND team").check()
    page.get_by_role("group", name="Would they like updates").get_by_label("No").check()
    page.get_by_role("group", name="Who gave consent?").get_by_label("Someone else").check()
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the parent or carer who gave consent"
    )
    assert_accessible(page)
    page.get_by_role("group", name="Who gave consent?").get_by_label("Asha Patel (mother)").check()
    continue_(page)

    # Check your answers: every support answer, GOV.UK dates, no ISO date.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending the concern"
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text("Cycle 1: plan reviewed")
    expect(main).to_contain_text("6 March 2026")
    expect(main).to_contain_text("Asha Patel (mother)")
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", main.inner_text())
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Sent to the Early Years SEND team")
    assert_accessible(page)
    referral = Referral.objects.get()
    assert referral.consent_given_by == "Asha Patel"
    assert FamilyContact.objects.count() == contacts_before
