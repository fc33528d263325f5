"""Advice requests in a real browser, checked with axe on every page: a SEND officer asks for
speech and language therapy advice; the therapist signs in, finds it on their list, saves a
draft, then sends it; the officer reads the answers on the referral page."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.advice import services as advice
from pathway.models import AdviceTemplate, Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def referral():
    child = ChildFactory(first_name="Maya", last_name="Patel")
    submitter = practitioner_at(child.setting, username="sam")
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=submitter,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            consent={"consent_given_by": "A parent", "share_with": ["send_team", "health"]},
        )


def test_officer_asks_for_advice_and_the_therapist_gives_it(
    page, live_server, sign_in, assert_accessible, referral
):
    UserFactory(role=Role.SEND_OFFICER, username="officer", first_name="Olu", last_name="Ade")
    UserFactory(
        role=Role.PROFESSIONAL,
        username="priya",
        first_name="Priya",
        last_name="Shah",
        job_title="Speech and language therapist",
        organisation="Westmoor Community NHS Trust",
        email="priya@example.org",
    )
    referral_url = f"{live_server.url}/referrals/{referral.pk}/"

    # The officer asks.
    sign_in(page, "officer", PASSWORD)
    page.goto(referral_url)
    page.get_by_role("link", name="Ask for advice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for advice")
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the kind of advice you need")
    expect(summary).to_contain_text("Enter a message for the professional")
    assert_accessible(page)
    page.get_by_label("Speech and language therapy advice").check()
    page.get_by_label("Who should give it?").select_option(
        label="Priya Shah, Speech and language therapist, Westmoor Community NHS Trust"
    )
    due = page.get_by_role("group", name="Due date")
    expect(due.get_by_label("Year")).not_to_have_value("")  # six weeks, suggested
    page.get_by_label("Message to the professional").fill(
        "Is Maya's language delay specific or general?"
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    expect(page.get_by_role("main")).to_contain_text("Waiting for advice")
    expect(page.get_by_role("main")).to_contain_text(
        "Asked Priya Shah, Speech and language therapist"
    )
    assert_accessible(page)

    # The therapist answers: a draft first, then the advice.
    page.context.clear_cookies()
    sign_in(page, "priya", PASSWORD)
    page.goto(f"{live_server.url}/advice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice requests")
    assert_accessible(page)
    page.get_by_role("link", name="Maya Patel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Speech and language therapy advice for Maya Patel"
    )
    expect(page.get_by_role("main")).to_contain_text("Is Maya's language delay specific")
    assert_accessible(page)
    page.get_by_label("Attention and listening").fill("Fleeting attention in groups.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("main")).to_contain_text("Your draft has been saved")
    expect(page.get_by_label("Attention and listening")).to_have_value(
        "Fleeting attention in groups."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Send advice").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your advice on understanding of language")
    assert_accessible(page)
    answers = {
        "Understanding of language": "Follows one-step instructions with gesture.",
        "Talking (expressive language) and speech sounds": "Single words, about 20.",
        "Social communication and interaction": "Shares attention with familiar adults.",
        "Eating, drinking and swallowing": "Not assessed: no concerns raised.",
        "What outcomes should the child work towards?": "Two-word phrases by the summer.",
        "What provision does the child need to reach them?": "Small-group language, daily.",
    }
    for label, text in answers.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Send advice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice requests")
    expect(page.get_by_role("main")).to_contain_text("has been sent to the Early Years SEND team")
    expect(page.get_by_role("main")).to_contain_text("There are no requests waiting for advice")
    assert_accessible(page)

    # The officer reads the advice on the case.
    page.context.clear_cookies()
    sign_in(page, "officer", PASSWORD)
    page.goto(referral_url)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Advice given")
    expect(main).to_contain_text("Fleeting attention in groups.")
    expect(main).to_contain_text("Two-word phrases by the summer.")
    expect(main).to_contain_text("Speech and language therapy advice given by Priya Shah")
    assert_accessible(page)


def test_officer_reads_a_request_and_withdraws_it(
    page, live_server, sign_in, assert_accessible, referral
):
    officer = UserFactory(role=Role.SEND_OFFICER, username="officer")
    therapist = UserFactory(role=Role.PROFESSIONAL, first_name="Priya", last_name="Shah")
    with transaction.atomic():
        advice.request_advice(
            referral,
            by=officer,
            template=AdviceTemplate.objects.get(discipline="ot"),
            professional=therapist,
            due_on=timezone.localdate() + datetime.timedelta(days=42),
            message="Sensory needs at lunchtime?",
        )
    sign_in(page, "officer", PASSWORD)
    page.goto(f"{live_server.url}/advice/")
    expect(page.get_by_role("main")).to_contain_text("Occupational therapy")
    assert_accessible(page)
    page.get_by_role("link", name="Maya Patel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Occupational therapy advice for Maya Patel"
    )
    expect(page.get_by_role("main")).to_contain_text("Waiting for the professional")
    assert_accessible(page)
    page.get_by_role("link", name="Withdraw this request").click()
    page.get_by_role("button", name="Withdraw the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    assert_accessible(page)
    page.get_by_label("Why are you withdrawing this request?").fill("Advice already on file")
    page.get_by_role("button", name="Withdraw the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Withdrawn")
    expect(main).to_contain_text("Reason: Advice already on file")
    assert_accessible(page)
