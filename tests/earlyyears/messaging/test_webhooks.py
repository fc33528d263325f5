"""Twilio's calls to us, signed with Twilio's real algorithm (RequestValidator): delivery status
callbacks and inbound STOP/START. Anything unsigned or forged is refused and changes nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from earlyyears.messaging.services import send_now
from earlyyears.models import FamilyContact, OutboxMessage
from tests.factories import FamilyContactFactory

from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, WEBHOOK_BASE_URL
from .helpers import fresh, queue_family_sms

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
PROVIDER_ID = "SM" + "ab" * 16
STATUS_PATH = "/webhooks/twilio/status/"
INBOUND_PATH = "/webhooks/twilio/inbound/"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_WEBHOOK_BASE_URL = WEBHOOK_BASE_URL


@pytest.fixture
def message():
    contact = FamilyContactFactory(mobile_phone="+447700900123", sms_consent=True)
    return OutboxMessage.objects.create(
        idempotency_key="referral:1:family",
        channel=OutboxMessage.Channel.SMS,
        template="concern_received_family",
        context={"reference": "EY26-000001"},
        to_phone=contact.mobile_phone,
        to_contact=contact,
        child=contact.child,
        status=Status.SENT,
        attempts=1,
        provider_id=PROVIDER_ID,
        sent_at=timezone.now(),
        status_updated_at=timezone.now(),
    )


def status_params(status: str, **extra: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": FROM_NUMBER,
        "MessageSid": PROVIDER_ID,
        "MessageStatus": status,
        "SmsSid": PROVIDER_ID,
        "SmsStatus": status,
        "To": "+447700900123",
        **extra,
    }


def inbound_params(from_number: str, body: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": from_number,
        "MessageSid": "SM" + "cd" * 16,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": "SM" + "cd" * 16,
        "To": FROM_NUMBER,
    }


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def post(client, path: str, params: dict[str, str], signature: str | None):
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return client.post(
        path,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def post_signed(client, path: str, params: dict[str, str]):
    return post(client, path, params, sign(WEBHOOK_BASE_URL + path, params))


# -- status callbacks ------------------------------------------------------------------------------


def test_delivered_callback_moves_the_message_on(client, message):
    response = post_signed(client, STATUS_PATH, status_params("delivered"))
    assert response.status_code == 204
    message = fresh(message)
    assert message.status == Status.DELIVERED
    assert message.status_updated_at is not None


def test_a_late_sent_after_delivered_does_not_move_it_back(client, message):
    post_signed(client, STATUS_PATH, status_params("delivered"))
    delivered_at = fresh(message).status_updated_at
    for late in ("queued", "sending", "sent"):
        assert post_signed(client, STATUS_PATH, status_params(late)).status_code == 204
    message = fresh(message)
    assert message.status == Status.DELIVERED
    assert message.status_updated_at == delivered_at


def test_failed_callback_records_twilios_error_code(client, message):
    response = post_signed(client, STATUS_PATH, status_params("failed", ErrorCode="30003"))
    assert response.status_code == 204
    message = fresh(message)
    assert message.status == Status.FAILED
    assert "30003" in message.failure_reason


def test_undelivered_callback(client, message):
    post_signed(client, STATUS_PATH, status_params("undelivered", ErrorCode="30005"))
    message = fresh(message)
    assert message.status == Status.UNDELIVERED and "30005" in message.failure_reason


def test_callback_for_an_unknown_sid_or_status_changes_nothing(client, message):
    other = status_params("delivered", MessageSid="SM" + "ef" * 16)
    assert post_signed(client, STATUS_PATH, other).status_code == 204
    assert post_signed(client, STATUS_PATH, status_params("receiving")).status_code == 204
    assert fresh(message).status == Status.SENT


def forged_requests():
    params = status_params("failed", ErrorCode="30003")
    path_url = WEBHOOK_BASE_URL + STATUS_PATH
    return {
        "unsigned": (params, None),
        "empty-signature": (params, ""),
        "wrong-token": (params, sign(path_url, params, token="not-the-auth-token")),
        "http-not-https": (params, sign(path_url.replace("https://", "http://"), params)),
        "request-host-not-public-url": (params, sign("http://testserver" + STATUS_PATH, params)),
        "other-path": (params, sign(WEBHOOK_BASE_URL + INBOUND_PATH, params)),
        "tampered-params": (params, sign(path_url, status_params("delivered"))),
        "garbage": (params, "bm90IGEgc2lnbmF0dXJl"),
    }


@pytest.mark.parametrize("case", list(forged_requests()))
def test_forged_status_callbacks_are_refused_and_change_nothing(client, message, case):
    params, signature = forged_requests()[case]
    before = fresh(message)
    response = post(client, STATUS_PATH, params, signature)
    assert response.status_code == 403
    after = fresh(message)
    assert (after.status, after.failure_reason, after.status_updated_at) == (
        before.status,
        before.failure_reason,
        before.status_updated_at,
    )


def test_without_an_auth_token_every_callback_is_refused(client, message, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    params = status_params("failed")
    assert (
        post(client, STATUS_PATH, params, sign(WEBHOOK_BASE_URL + STATUS_PATH, params)).status_code
        == 403
    )
    assert fresh(message).status == Status.SENT


@pytest.mark.parametrize("path", [STATUS_PATH, INBOUND_PATH])
def test_get_is_not_allowed(client, path):
    assert client.get(path).status_code == 405


def test_url_names_match_the_paths_twilio_is_given():
    assert reverse("twilio-status") == STATUS_PATH
    assert reverse("twilio-inbound") == INBOUND_PATH


# -- inbound STOP / START --------------------------------------------------------------------------


@pytest.fixture
def contact():
    return FamilyContactFactory(mobile_phone="+447700900777", sms_consent=True)


def test_stop_withdraws_sms_consent_and_answers_twiml(client, contact):
    response = post_signed(client, INBOUND_PATH, inbound_params(contact.mobile_phone, "STOP"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own reply
    assert root.tag == "Response" and list(root) == []
    contact.refresh_from_db()
    assert contact.sms_consent is False
    assert contact.sms_consent_recorded_at is not None


@pytest.mark.parametrize("body", ["stop", " Stop ", "UNSUBSCRIBE", "Stop\n"])
def test_stop_in_other_forms(client, contact, body):
    post_signed(client, INBOUND_PATH, inbound_params(contact.mobile_phone, body))
    contact.refresh_from_db()
    assert contact.sms_consent is False


def test_start_gives_consent_again(client, contact):
    post_signed(client, INBOUND_PATH, inbound_params(contact.mobile_phone, "stop"))
    response = post_signed(client, INBOUND_PATH, inbound_params(contact.mobile_phone, "start"))
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.sms_consent is True


@pytest.mark.parametrize("body", ["Thanks!", "When is the visit?", "", "   ", "STOPPED"])
def test_other_words_change_nothing(client, contact, body):
    recorded = contact.sms_consent_recorded_at
    response = post_signed(client, INBOUND_PATH, inbound_params(contact.mobile_phone, body))
    assert response.status_code == 200
    assert ET.fromstring(response.content).tag == "Response"  # noqa: S314
    contact.refresh_from_db()
    assert contact.sms_consent is True and contact.sms_consent_recorded_at == recorded


def test_stop_from_another_number_changes_nothing(client, contact):
    post_signed(client, INBOUND_PATH, inbound_params("+447700900999", "STOP"))
    contact.refresh_from_db()
    assert contact.sms_consent is True


def test_stop_applies_to_every_contact_with_that_number(client, contact):
    sibling = FamilyContactFactory(mobile_phone=contact.mobile_phone, sms_consent=True)
    post_signed(client, INBOUND_PATH, inbound_params(contact.mobile_phone, "STOP"))
    assert not FamilyContact.objects.filter(pk__in=[contact.pk, sibling.pk], sms_consent=True)


def test_forged_stop_is_refused(client, contact):
    params = inbound_params(contact.mobile_phone, "STOP")
    for signature in (None, sign("http://testserver" + INBOUND_PATH, params), "x"):
        assert post(client, INBOUND_PATH, params, signature).status_code == 403
    contact.refresh_from_db()
    assert contact.sms_consent is True


def test_stop_before_sending_suppresses_the_queued_sms(client, contact, fake_twilio):
    message = queue_family_sms(contact, "EY26-000010")  # queued, not yet sent
    post_signed(client, INBOUND_PATH, inbound_params(contact.mobile_phone, "STOP"))
    send_now(message.pk)
    assert fresh(message).status == Status.SUPPRESSED
    assert fake_twilio.requests == []
