"""A parent in a real browser (issue 21): from the link in the text, through the code read from
the text in the outbox, to where things stand, in English and in Polish, on a 320 px phone with
axe-core on every page; a parent with two children sees both and nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import FamilyContact, OutboxMessage
from pathway.families import services
from pathway.models import Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, SettingFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def _family(child, officer, *, language="en", member=None, name="Grace Okafor"):
    contact = FamilyContact.objects.create(
        child=child,
        name=name,
        relationship="mother",
        mobile_phone="+447700900001",
        sms_consent=True,
        preferred_language=language,
    )
    link = services.link_contact(contact, by=officer, member=member)
    services.send_sign_in_link(link, by=officer)
    return link


def _link_from_the_text(live_server) -> str:
    message = OutboxMessage.objects.filter(template="family_sign_in_link").order_by("-pk").first()
    return live_server.url + urlsplit(message.context["link"]).path


def _code_from_the_text() -> str:
    message = OutboxMessage.objects.filter(template="family_sign_in_code").order_by("-pk").first()
    return message.context["code"]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def _referral(child):
    with transaction.atomic():
        create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=practitioner_at(child.setting, username=f"prac{child.pk}"),
            answers={"development": {"communication_language": {"level": "significant"}}},
            setting=child.setting,
            consent={"consent_given_by": "Grace Okafor", "share_with": ["send_team"]},
            notify=False,
        )


@pytest.mark.parametrize(
    ("language", "button", "code_label", "heading"),
    [
        ("en", "Text me a code", "Enter your code", "Where things stand for Amara"),
        ("pl", "Wyślij mi kod SMS-em", "Wpisz swój kod", "Jak wygląda sytuacja: Amara"),
    ],
)
def test_a_parent_gets_in_from_the_text(
    page, live_server, assert_accessible, language, button, code_label, heading
):
    officer = UserFactory(role="send_officer", username="officer")
    child = ChildFactory(
        first_name="Amara", last_name="Okafor", setting=SettingFactory(name="Acorns Nursery")
    )
    _referral(child)
    _family(child, officer, language=language)
    page.set_viewport_size({"width": 320, "height": 700})

    page.goto(_link_from_the_text(live_server))
    expect(page.locator("html")).to_have_attribute("lang", language)
    _fits(page)
    assert_accessible(page)
    page.get_by_role("button", name=button).click()

    expect(page.get_by_label(code_label)).to_be_visible()
    _fits(page)
    assert_accessible(page)
    page.get_by_label(code_label).fill("000000" if _code_from_the_text() != "000000" else "1")
    page.get_by_role("button", name="Continue" if language == "en" else "Dalej").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(code_label).fill(_code_from_the_text())
    page.get_by_role("button", name="Continue" if language == "en" else "Dalej").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("body")).to_contain_text("Acorns Nursery")
    _fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="Privacy" if language == "en" else "Prywatność").click()
    _fits(page)
    assert_accessible(page)
    page.get_by_role("button", name="Sign out" if language == "en" else "Wyloguj się").click()
    assert_accessible(page)


def test_a_parent_with_two_children_sees_both_and_nothing_else(
    page, live_server, assert_accessible
):
    officer = UserFactory(role="send_officer", username="officer")
    first = ChildFactory(first_name="Amara", last_name="Okafor")
    second = ChildFactory(first_name="Kofi", last_name="Okafor")
    ChildFactory(first_name="Zainab", last_name="Ali", setting=first.setting)
    link = _family(first, officer)
    _family(second, officer, member=link.member)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(_link_from_the_text(live_server))
    page.get_by_role("button", name="Text me a code").click()
    page.get_by_label("Enter your code").fill(_code_from_the_text())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")
    links = page.locator("main a.govuk-link")
    expect(links).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("Zainab")
    assert_accessible(page)
    for name in ("Amara", "Kofi"):
        page.get_by_role("link", name=f"{name} Okafor").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Where things stand for {name}")
        _fits(page)
        assert_accessible(page)
        page.get_by_role("link", name="Your children").click()


def test_the_send_team_gives_a_parent_access_and_blocks_it(
    page, live_server, sign_in, assert_accessible
):
    officer = UserFactory(role="send_officer", username="officer")
    child = ChildFactory(first_name="Amara", last_name="Okafor")
    FamilyContact.objects.create(
        child=child,
        name="Grace Okafor",
        relationship="mother",
        mobile_phone="+447700900001",
        sms_consent=True,
    )
    sign_in(page, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.locator("main")).to_contain_text("Nobody in the family follows this child online")
    page.get_by_role("link", name="Family access").click()
    assert_accessible(page)
    page.get_by_role("button", name="Give access and text a link to Grace Okafor").click()
    expect(page.locator("main")).to_contain_text("Grace Okafor can now follow Amara's referral")
    assert_accessible(page)
    page.get_by_role("button", name="Block family access", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why family access is")
    assert_accessible(page)
    page.get_by_label("Why are you blocking family access?").fill("Court proceedings")
    page.get_by_role("button", name="Block family access", exact=True).click()
    expect(page.locator("main")).to_contain_text("Family access is blocked")
    assert_accessible(page)
