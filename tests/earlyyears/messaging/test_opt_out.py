"""SMS opt-out as Twilio does it: the standard keywords whatever their case and punctuation,
Twilio's own OptOutType when it sends one, HELP answered, and a send Twilio refuses because the
number replied STOP (error 21610) recorded as an opt-out, never retried. Twilio is faked only at
the HTTP edge (the real SDK talks to fake_twilio) and webhooks are signed with Twilio's real
algorithm."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import transaction

from earlyyears.messaging.services import retry_message, send_now, sms_keyword, sweep
from earlyyears.models import FamilyContact, MessageTemplate, OutboxMessage
from tests.factories import FamilyContactFactory

from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN, WEBHOOK_BASE_URL, unsubscribed_recipient
from .helpers import fresh, make_due, queue_family_sms
from .test_webhooks import INBOUND_PATH, inbound_params, post_signed

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_WEBHOOK_BASE_URL = WEBHOOK_BASE_URL


@pytest.fixture
def contact():
    return FamilyContactFactory(mobile_phone="+447700900555", sms_consent=True)


def reply_texts(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own reply
    assert root.tag == "Response"
    return [element.text or "" for element in root.iter("Message")]


def inbound(client, contact, body: str, **extra: str):
    return post_signed(
        client, INBOUND_PATH, {**inbound_params(contact.mobile_phone, body), **extra}
    )


@pytest.mark.parametrize(
    "body",
    ["STOP", "Stop.", "STOP!", " stop ", "stopall", "Unsubscribe", "cancel", "End.", "QUIT!!"],
)
def test_every_stop_keyword_withdraws_consent(client, contact, body):
    assert reply_texts(inbound(client, contact, body)) == []
    contact.refresh_from_db()
    assert contact.sms_consent is False
    assert contact.sms_consent_recorded_at is not None


@pytest.mark.parametrize("body", ["START", "Yes.", "unstop!", " start "])
def test_every_start_keyword_gives_consent_again(client, contact, body):
    inbound(client, contact, "STOP")
    inbound(client, contact, body)
    contact.refresh_from_db()
    assert contact.sms_consent is True
    assert contact.sms_opted_out_at is None


def test_start_never_gives_consent_to_someone_who_did_not_agree(client, contact):
    other = FamilyContact.objects.create(
        child=contact.child,
        name="Another carer",
        relationship="carer",
        mobile_phone=contact.mobile_phone,
        sms_consent=False,
    )
    inbound(client, contact, "STOP")
    inbound(client, contact, "START")
    other.refresh_from_db()
    contact.refresh_from_db()
    assert contact.sms_consent is True
    assert other.sms_consent is False


@pytest.mark.parametrize("body", ["Stop sending the letters?", "STOPPED", "yes please", "Ended"])
def test_a_sentence_is_not_a_keyword(client, contact, body):
    inbound(client, contact, body)
    contact.refresh_from_db()
    assert contact.sms_consent is True


@pytest.mark.parametrize(
    ("body", "opt_out_type", "consent"),
    [
        ("Please take me off your list", "STOP", False),
        ("Arrêt", "stop", False),
        ("STOP", "START", True),
    ],
)
def test_twilios_opt_out_type_decides(client, contact, body, opt_out_type, consent):
    if consent:
        inbound(client, contact, "STOP")
    inbound(client, contact, body, OptOutType=opt_out_type)
    contact.refresh_from_db()
    assert contact.sms_consent is consent


@pytest.mark.parametrize("body", ["HELP", "help?", " Info "])
def test_help_is_answered_and_changes_nothing(client, contact, body):
    texts = reply_texts(inbound(client, contact, body))
    assert len(texts) == 1
    assert "STOP" in texts[0] and "START" in texts[0]
    contact.refresh_from_db()
    assert contact.sms_consent is True


def test_help_uses_the_services_own_words_when_it_has_them(client, contact, settings):
    MessageTemplate.objects.create(
        key="sms_help", language="en", body="{service}: call 01234 567890. Reply STOP to stop."
    )
    texts = reply_texts(inbound(client, contact, "Help"))
    assert texts == [f"{settings.SERVICE_NAME}: call 01234 567890. Reply STOP to stop."]


def test_help_twilio_already_answered_is_not_answered_twice(client, contact):
    assert reply_texts(inbound(client, contact, "HELP", OptOutType="HELP")) == []


def test_keywords_are_read_like_twilio_reads_them():
    assert sms_keyword("  STOP!! ") == "stop"
    assert (
        sms_keyword("\N{LEFT DOUBLE QUOTATION MARK}Stop\N{RIGHT DOUBLE QUOTATION MARK}") == "stop"
    )
    assert sms_keyword("stop it") == ""
    assert sms_keyword("whatever", "HELP") == "help"


def test_a_number_twilio_says_unsubscribed_is_opted_out_and_not_retried(
    fake_twilio, contact, django_capture_on_commit_callbacks
):
    sibling = FamilyContactFactory(mobile_phone=contact.mobile_phone, sms_consent=True)
    fake_twilio.script(unsubscribed_recipient())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = queue_family_sms(contact, "EY26-000610")
    message = fresh(message)
    assert message.status == Status.SUPPRESSED
    assert "STOP" in message.failure_reason
    assert message.sent_at is None
    for person in (contact, sibling):
        person.refresh_from_db()
        assert person.sms_consent is False
        assert person.sms_consent_recorded_at is not None
    make_due(message)
    sweep()
    send_now(message.pk)
    assert retry_message(fresh(message)) is False
    assert len(fake_twilio.create_requests()) == 1
    assert fresh(message).status == Status.SUPPRESSED
