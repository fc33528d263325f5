"""Failed sign-ins (django-axes): five wrong passwords for one username from one address lock
that pair for 15 minutes with a GOV.UK page; others are not locked out; password rules."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="198.51.100.7", **headers):
    return client.post(
        reverse("sign-in"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail_five_times(client, username="prac.a", address="198.51.100.7", **headers):
    for _ in range(5):
        response = attempt(client, username, "wrong-password", address, **headers)
    return response


def test_five_wrong_passwords_lock_the_username_from_that_address(browser_client, world):
    for number in range(4):
        response = attempt(browser_client, "prac.a", "wrong-password")
        assert response.status_code == 200, number
        assert "Enter a correct username and password" in response.content.decode()
    locked = attempt(browser_client, "prac.a", "wrong-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert '<h1 class="govuk-heading-l">You cannot sign in for 15 minutes</h1>' in html
    assert "There were 5 unsuccessful attempts" in html
    assert "govuk-template__body" in html  # the GOV.UK layout, not a bare message
    # even the right password is refused while locked
    right = attempt(browser_client, "prac.a", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in browser_client.session


def test_the_lock_is_per_username_and_address(browser_client, world):
    fail_five_times(browser_client)
    assert attempt(browser_client, "prac.b", PASSWORD).status_code == 302  # someone else
    browser_client.post(reverse("sign-out"))
    assert attempt(browser_client, "prac.a", PASSWORD, "203.0.113.9").status_code == 302


def test_the_lock_lifts_after_the_cool_off(browser_client, world):
    fail_five_times(browser_client)
    assert attempt(browser_client, "prac.a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = attempt(browser_client, "prac.a", PASSWORD)
    assert response.status_code == 302
    assert browser_client.session["_auth_user_id"] == str(world.practitioner_a.pk)


def test_a_success_resets_the_count(browser_client, world):
    for _ in range(4):
        attempt(browser_client, "prac.a", "wrong-password")
    assert attempt(browser_client, "prac.a", PASSWORD).status_code == 302
    browser_client.post(reverse("sign-out"))
    for _ in range(4):
        assert attempt(browser_client, "prac.a", "wrong-password").status_code == 200


def test_a_forged_forwarded_for_header_does_not_dodge_the_lock(browser_client, world):
    """Without AXES_IPWARE_PROXY_COUNT only REMOTE_ADDR counts."""
    for number in range(5):
        attempt(browser_client, "prac.a", "wrong", X_FORWARDED_FOR=f"192.0.2.{number}")
    response = attempt(browser_client, "prac.a", PASSWORD, X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_proxy_the_client_address_comes_from_forwarded_for(
    browser_client, world, settings
):
    """With one proxy in front, clients behind it are told apart (all share its REMOTE_ADDR)."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    fail_five_times(browser_client, address="10.0.0.1", X_FORWARDED_FOR="192.0.2.10, 10.0.0.1")
    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"
    other_client = attempt(
        browser_client, "prac.a", PASSWORD, "10.0.0.1", X_FORWARDED_FOR="192.0.2.20, 10.0.0.1"
    )
    assert other_client.status_code == 302


@pytest.mark.parametrize(
    "password",
    ["short-pass", "elevenchars", "password1234", "qwertyuiop123", "amara.practitioner1"],
)
def test_weak_passwords_are_refused(db, password):
    user = UserFactory.build(username="amara.practitioner")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


@pytest.mark.parametrize(
    "password", ["three random words", "correct horse battery", "lowercase only passphrase"]
)
def test_long_passwords_need_no_mix_of_character_types(world, password):
    validate_password(password, user=world.practitioner_a)


def test_a_username_with_a_nul_character_is_refused_not_a_500(client, db):
    response = client.post("/sign-in/", {"username": "sam\x00", "password": "wrong-password-1"})
    assert response.status_code in (200, 403, 429)
