"""Sending SMS through Twilio's official SDK, or to the log on the embedded default.

Failures are sorted by what they mean for a resend:
- RetryableSendError: Twilio refused before accepting (429): safe to send again later;
- UncertainSendError: a timeout, connection drop or 5xx: the SMS may have gone, so never resend
  blindly; reconcile by the status callback or by looking the message up;
- PermanentSendError: Twilio said no for good (for example an invalid number);
  UnsubscribedRecipientError when the number replied STOP (error 21610).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger("earlyyears.sms")
UNSUBSCRIBED_RECIPIENT = 21610  # Twilio: "Attempt to send to unsubscribed recipient"


class SendError(Exception):
    pass


class RetryableSendError(SendError):
    pass


class UncertainSendError(SendError):
    pass


class PermanentSendError(SendError):
    pass


class UnsubscribedRecipientError(PermanentSendError):
    """Twilio error 21610: the number replied STOP, so Twilio will not text it."""


@dataclass(frozen=True)
class SentSms:
    provider_id: str
    status: str


class _ApiBaseHttpClient(TwilioHttpClient):
    """Points the SDK at another API host (a regional edge, a gateway, or a local test double)."""

    def __init__(self, api_base: str, **kwargs):
        super().__init__(**kwargs)
        self.api_base = urlsplit(api_base)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit(
            (self.api_base.scheme, self.api_base.netloc, parts.path, parts.query, parts.fragment)
        )
        return super().request(method, url, *args, **kwargs)


def twilio_client() -> Client:
    timeout = settings.TWILIO_TIMEOUT_SECONDS
    if settings.TWILIO_API_BASE_URL:
        http_client = _ApiBaseHttpClient(settings.TWILIO_API_BASE_URL, timeout=timeout)
    else:
        http_client = TwilioHttpClient(timeout=timeout)
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)


def status_callback_url() -> str | None:
    base = settings.TWILIO_WEBHOOK_BASE_URL
    return f"{base.rstrip('/')}/webhooks/twilio/status/" if base else None


def send_sms(to: str, body: str) -> SentSms:
    if settings.SMS_BACKEND != "twilio":
        logger.info("SMS not sent to a provider (no Twilio credentials): %d characters", len(body))
        return SentSms(provider_id=f"LOG{uuid.uuid4().hex[:30]}", status="sent")
    sender = (
        {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        if settings.TWILIO_MESSAGING_SERVICE_SID
        else {"from_": settings.TWILIO_FROM_NUMBER}
    )
    callback = status_callback_url()
    if callback:
        sender["status_callback"] = callback
    try:
        message = twilio_client().messages.create(to=to, body=body, **sender)
    except TwilioRestException as error:
        if error.status == 429:
            raise RetryableSendError(f"Twilio is limiting requests (429): {error.msg}") from error
        if error.status >= 500:
            raise UncertainSendError(f"Twilio error {error.status}: {error.msg}") from error
        if error.code == UNSUBSCRIBED_RECIPIENT:
            raise UnsubscribedRecipientError(f"Twilio: {error.msg}") from error
        raise PermanentSendError(
            f"Twilio refused the message ({error.code}): {error.msg}"
        ) from error
    except (requests.Timeout, requests.ConnectionError) as error:
        raise UncertainSendError(f"No answer from Twilio: {error.__class__.__name__}") from error
    return SentSms(provider_id=message.sid, status=message.status or "queued")


def find_sent_sms(to: str, body: str, since) -> list[SentSms]:
    """Messages Twilio accepted with this number and text since then (after a timeout we may
    not know whether ours is among them)."""
    if settings.SMS_BACKEND != "twilio":
        return []
    try:
        listed = twilio_client().messages.list(to=to, date_sent_after=since, limit=50)
    except (TwilioException, requests.RequestException) as error:
        raise UncertainSendError(f"Could not check with Twilio: {error}") from error
    return [
        SentSms(provider_id=message.sid, status=message.status or "sent")
        for message in listed
        if (message.body or "").strip() == body.strip()
    ]
