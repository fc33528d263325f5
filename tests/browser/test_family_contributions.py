"""A parent tells their story once, from a 320 px phone with axe-core on every page (issue 22):
they update "All about me", add what they saw at home with a photo, and answer the SEND team's
question; then the child's nursery accepts the home observation and the parent sees it was
added."""

from __future__ import annotations

import struct
import zlib
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import FamilyContact, OutboxMessage
from pathway.families import services as family_services
from pathway.family_story import services as story
from pathway.models import AllAboutMe, ConsentRecord, HomeObservation, Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, SettingFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    """A real 1 x 1 PNG (a browser shows it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x88\x00")
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_parent_tells_their_story_and_the_nursery_adds_the_observation(
    page, live_server, sign_in, assert_accessible, tmp_path
):
    officer = UserFactory(role="send_officer", username="officer")
    child = ChildFactory(
        first_name="Amara", last_name="Okafor", setting=SettingFactory(name="Acorns Nursery")
    )
    nursery = practitioner_at(child.setting, username="nursery")
    with transaction.atomic():
        referral = create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=nursery,
            answers={"development": {"communication_language": {"level": "significant"}}},
            setting=child.setting,
            consent={"consent_given_by": "Grace Okafor", "share_with": ["send_team"]},
            notify=False,
        )
    for agency in ("setting", "send_team"):
        ConsentRecord.objects.update_or_create(child=child, agency=agency, defaults={"given": True})
    contact = FamilyContact.objects.create(
        child=child,
        name="Grace Okafor",
        relationship="mother",
        mobile_phone="+447700900001",
        sms_consent=True,
    )
    link = family_services.link_contact(contact, by=officer)
    family_services.send_sign_in_link(link, by=officer)
    story.ask_family(referral, by=officer, question="Does Amara sleep through the night?")
    photo = tmp_path / "bricks.png"
    photo.write_bytes(_png())

    page.set_viewport_size({"width": 320, "height": 700})
    message = OutboxMessage.objects.filter(template="family_sign_in_link").order_by("-pk").first()
    page.goto(live_server.url + urlsplit(message.context["link"]).path)
    page.get_by_role("button", name="Text me a code").click()
    code = OutboxMessage.objects.filter(template="family_sign_in_code").order_by("-pk").first()
    page.get_by_label("Enter your code").fill(code.context["code"])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where things stand for Amara")
    expect(page.locator("main")).to_contain_text("The SEND team has asked you a question.")
    _fits(page)
    assert_accessible(page)

    # All about me: written, then changed (two versions, the first kept).
    page.get_by_role("link", name="All about me and what matters to us").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All about Amara")
    _fits(page)
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()  # nothing written: a clear error
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least one")
    _fits(page)
    assert_accessible(page)
    page.get_by_label("What people like about me").fill("Her giggle")
    page.get_by_label("What is hard for me").fill("Loud rooms")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have saved")
    page.get_by_label("What we hope for").fill("To talk with her friends")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Earlier versions")
    _fits(page)
    assert_accessible(page)
    assert AllAboutMe.objects.filter(child=child).count() == 2

    # A home observation with a photo.
    page.get_by_role("link", name="Back to Amara's page").click()
    page.get_by_role("link", name="What you have seen at home").click()
    _fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="Tell us what you have seen").click()
    _fits(page)
    assert_accessible(page)
    page.get_by_label("Talking, listening and understanding").check()
    page.get_by_label("What did you see?").fill("She said 'tower' and stacked six bricks")
    page.get_by_label("A photo or short video (optional)").set_input_files(str(photo))
    page.get_by_role("button", name="Send").click()
    expect(page.locator("main")).to_contain_text("Waiting to be looked at")
    _fits(page)
    assert_accessible(page)

    # The question.
    page.get_by_role("link", name="Back to Amara's page").click()
    page.get_by_role("link", name="Answer now").click()
    _fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="Answer this question").click()
    expect(page.locator("main")).to_contain_text("Does Amara sleep through the night?")
    _fits(page)
    assert_accessible(page)
    page.get_by_label("Your answer").fill("No, she wakes twice")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator("main")).to_contain_text("No, she wakes twice")
    _fits(page)
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The nursery accepts the observation.
    observation = HomeObservation.objects.get(child=child)
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, nursery.username, PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.locator("main")).to_contain_text("From the family")
    expect(page.locator("main")).to_contain_text("1 waiting")
    assert_accessible(page)
    page.get_by_role("link", name="Look at home observations waiting").click()
    assert_accessible(page)
    page.get_by_role("link", name="Communication and language").click()
    expect(page.locator("img.app-home-observation-media")).to_be_visible()
    assert (
        page.evaluate("document.querySelector('img.app-home-observation-media').naturalWidth") == 1
    )
    assert_accessible(page)
    page.get_by_label("Yes, add it").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("main")).to_contain_text("Added to the record")
    assert_accessible(page)
    observation.refresh_from_db()
    assert observation.status == HomeObservation.Status.ACCEPTED

    # The parent sees it was added.
    page.get_by_role("button", name="Sign out").click()
    family_services.send_sign_in_link(link, by=officer)
    page.set_viewport_size({"width": 320, "height": 700})
    message = OutboxMessage.objects.filter(template="family_sign_in_link").order_by("-pk").first()
    page.goto(live_server.url + urlsplit(message.context["link"]).path)
    page.get_by_role("button", name="Text me a code").click()
    code = OutboxMessage.objects.filter(template="family_sign_in_code").order_by("-pk").first()
    page.get_by_label("Enter your code").fill(code.context["code"])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="What you have seen at home").click()
    expect(page.locator("main")).to_contain_text("Added to your child's record")
    _fits(page)
    assert_accessible(page)
