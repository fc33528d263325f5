"""Who sees what, in a real browser (issue 22): on a 320 px phone with axe on every page, a
parent opens "Who can see information about Amara", withdraws consent for health professionals,
and the therapist asked for advice loses the referral on their very next request; the SEND
team records the family's agreement again on the staff page and access comes back."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import FamilyContact, OutboxMessage, Role
from pathway.advice import services as advice
from pathway.families import services as families
from pathway.models import AdviceTemplate, Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, SettingFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_parent_withdraws_consent_for_health_and_the_therapist_loses_access(
    page, live_server, sign_in, assert_accessible
):
    officer = UserFactory(role=Role.SEND_OFFICER, username="officer")
    therapist = UserFactory(role=Role.PROFESSIONAL, username="priya", first_name="Priya")
    child = ChildFactory(
        first_name="Amara", last_name="Okafor", setting=SettingFactory(name="Acorns Nursery")
    )
    with transaction.atomic():
        referral = create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=practitioner_at(child.setting, username="sam"),
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            consent={"consent_given_by": "Grace Okafor", "share_with": ["send_team", "health"]},
            notify=False,
        )
    today = timezone.localdate()
    advice.request_advice(
        referral,
        by=officer,
        template=AdviceTemplate.objects.get(discipline="slt"),
        professional=therapist,
        due_on=today + datetime.timedelta(days=42),
        message="How is Amara's speech?",
        today=today,
    )
    contact = FamilyContact.objects.create(
        child=child,
        name="Grace Okafor",
        relationship="mother",
        mobile_phone="+447700900001",
        sms_consent=True,
    )
    families.send_sign_in_link(families.link_contact(contact, by=officer), by=officer)
    referral_url = f"{live_server.url}/referrals/{referral.pk}/"

    # The therapist can see the referral.
    sign_in(page, "priya", PASSWORD)
    assert page.goto(referral_url).status == 200
    page.context.clear_cookies()

    # The parent signs in on a phone and withdraws consent for health.
    page.set_viewport_size({"width": 320, "height": 700})
    message = OutboxMessage.objects.filter(template="family_sign_in_link").latest("pk")
    page.goto(live_server.url + urlsplit(message.context["link"]).path)
    page.get_by_role("button", name="Text me a code").click()
    code = OutboxMessage.objects.filter(template="family_sign_in_code").latest("pk")
    page.get_by_label("Enter your code").fill(code.context["code"])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Who can see information about Amara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see information about Amara")
    expect(page.get_by_role("main")).to_contain_text("Withdrawing consent does not delete anything")
    _fits(page)
    assert_accessible(page)
    page.get_by_role(
        "button",
        name="Withdraw consent for Health professionals (for example health visitor, therapists)",
    ).click()
    expect(page.get_by_role("main")).to_contain_text(
        "You withdrew consent for health professionals"
    )
    _fits(page)
    assert_accessible(page)
    page.context.clear_cookies()

    # The therapist's very next request is refused.
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, "priya", PASSWORD)
    assert page.goto(referral_url).status == 404
    page.context.clear_cookies()

    # The SEND team records the family's agreement again on their behalf.
    sign_in(page, "officer", PASSWORD)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{live_server.url}/children/{child.pk}/consent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent to share")
    expect(page.get_by_role("main")).to_contain_text("Withdrew consent for health professionals")
    assert_accessible(page)
    page.get_by_role("button", name="Record the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who the change is about")
    assert_accessible(page)
    page.get_by_label("Health professionals").check()
    page.get_by_label("The family agrees").check()
    page.get_by_label("Who in the family told you?").fill("Grace Okafor (mother)")
    page.get_by_label("Told to a member of staff by phone").check()
    page.get_by_role("button", name="Record the change").click()
    expect(page.get_by_role("main")).to_contain_text("Consent recorded")
    assert_accessible(page)
    page.context.clear_cookies()
    sign_in(page, "priya", PASSWORD)
    assert page.goto(referral_url).status == 200
