"""New staff set their own password from a single-use, expiring link; only a hash of the
token is stored; the email goes through the outbox."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from earlyyears.accounts import services as accounts
from earlyyears.models import Invitation, OutboxMessage
from tests.factories import UserFactory

STRONG = "violet tractor harbour"


@pytest.fixture
def invited(db, django_capture_on_commit_callbacks):
    user = UserFactory(username="new.starter", email="new@example.com", first_name="Nia")
    user.set_unusable_password()
    user.save()
    with django_capture_on_commit_callbacks(execute=False):
        invitation, token = accounts.invite(user)
    return user, invitation, token


def test_the_email_is_queued_with_the_link_and_only_a_hash_is_stored(invited):
    user, invitation, token = invited
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()
    message = OutboxMessage.objects.get(idempotency_key=f"invitation:{invitation.pk}")
    assert (message.channel, message.template, message.to_email) == (
        "email",
        "staff_invitation",
        "new@example.com",
    )
    assert message.context["link"].endswith(f"/invitations/{token}/")
    text, _ = __import__("earlyyears.messaging.services", fromlist=["render"]).render(
        message.template, "en", message.context
    )
    assert token in text and "new.starter" in text


def test_setting_a_password_works_once(client, invited):
    user, invitation, token = invited
    url = reverse("invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "new.starter" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(url, {"password": STRONG, "confirm": STRONG})
    assert response.status_code == 302 and response["Location"] == reverse("sign-in")
    user.refresh_from_db()
    assert user.check_password(STRONG)
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    message = OutboxMessage.objects.get(idempotency_key=f"invitation:{invitation.pk}")
    assert message.context["link"] == "", "the link is not kept once used"
    again = client.post(
        url, {"password": "another long passphrase", "confirm": "another long passphrase"}
    )
    assert again.status_code == 404
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_an_expired_link_does_nothing(client, invited):
    user, invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    url = reverse("invitation", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url, {"password": STRONG, "confirm": STRONG}).status_code == 404
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_links_expire_after_the_set_days(invited, settings):
    _, invitation, _ = invited
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)


def test_a_new_invitation_replaces_the_old_link(client, invited):
    user, _, old_token = invited
    accounts.invite(user)
    assert client.get(reverse("invitation", args=[old_token])).status_code == 404


def test_unknown_token(client, db):
    assert client.get(reverse("invitation", args=["not-a-token"])).status_code == 404


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short words", "short words", "Password must be 12 characters or more"),
        ("password1234", "password1234", "on a list of common passwords"),
        ("new.starter1", "new.starter1", "must not be like your name"),
        (STRONG, STRONG + "x", "The passwords do not match"),
        ("", "", "Enter a password"),
    ],
)
def test_password_rules(client, invited, password, confirm, message):
    user, _, token = invited
    response = client.post(
        reverse("invitation", args=[token]), {"password": password, "confirm": confirm}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "govuk-error-summary" in body
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_no_composition_rules(client, invited):
    """All lower case, no digits or symbols: long enough and not common is enough."""
    user, _, token = invited
    response = client.post(
        reverse("invitation", args=[token]),
        {"password": "quietlyorangelighthouse", "confirm": "quietlyorangelighthouse"},
    )
    assert response.status_code == 302
