"""Signing out after inactivity: the server signs out a session idle for
SESSION_IDLE_TIMEOUT_SECONDS; the timeout warning asks how long is left (not activity) and its
"Stay signed in" (a CSRF-protected POST) counts as activity."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from earlyyears.security import LAST_ACTIVITY_KEY

from ..otp import VerifiedClient

pytestmark = pytest.mark.django_db

KEEP_ALIVE = "/session/keep-alive/"
JSON = {"Accept": "application/json"}


def idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


@pytest.fixture
def signed_in(verified_client, world):
    verified_client.force_login(world.send_officer)
    return verified_client


def test_a_session_idle_for_30_minutes_is_signed_out(signed_in):
    idle_for(signed_in, 30 * 60)
    response = signed_in.get("/children/?q=Ok")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/children/%3Fq%3DOk"
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "You have been signed out because you had not done anything for 30 minutes" in page
    assert "govuk-notification-banner" in page


def test_a_session_used_within_the_timeout_stays_signed_in(signed_in):
    idle_for(signed_in, 29 * 60)
    assert signed_in.get("/children/").status_code == 200
    last = signed_in.session[LAST_ACTIVITY_KEY]
    assert abs(last - time.time()) < 5  # the request was activity
    assert signed_in.get("/children/").status_code == 200


def test_the_timeout_is_configurable(signed_in, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 120
    idle_for(signed_in, 90)  # a margin: a loaded machine takes seconds
    assert signed_in.get("/").status_code == 200
    idle_for(signed_in, 121)
    response = signed_in.get("/", follow=True)
    assert "for 2 minutes" in response.content.decode()


def test_a_post_after_the_timeout_saves_nothing_and_signs_out(signed_in, world):
    idle_for(signed_in, 31 * 60)
    response = signed_in.post(reverse("retry-message", args=[1]))
    assert response["Location"] == "/sign-in/?next=/"


def test_the_status_check_is_not_activity(signed_in):
    idle_for(signed_in, 10 * 60)
    response = signed_in.get(KEEP_ALIVE, headers=JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["signed_in"] is True
    assert 20 * 60 - 60 <= body["remaining_seconds"] <= 20 * 60
    assert body["warning_seconds"] == 120
    assert time.time() - signed_in.session[LAST_ACTIVITY_KEY] >= 10 * 60


def test_stay_signed_in_is_activity(signed_in):
    idle_for(signed_in, 29 * 60)
    response = signed_in.post(KEEP_ALIVE, headers=JSON)
    assert response.status_code == 200
    assert response.json()["remaining_seconds"] == 30 * 60
    assert time.time() - signed_in.session[LAST_ACTIVITY_KEY] < 5


def test_stay_signed_in_without_javascript_returns_to_the_page(signed_in):
    response = signed_in.post(KEEP_ALIVE, {"next": "/children/"})
    assert response["Location"] == "/children/"
    assert signed_in.post(KEEP_ALIVE, {"next": "https://evil.example/"})["Location"] == "/"


def test_stay_signed_in_needs_the_csrf_token(world):
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(world.send_officer)
    page = client.get("/").content.decode()
    assert client.post(KEEP_ALIVE, headers=JSON).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(KEEP_ALIVE, {"csrfmiddlewaretoken": token}, headers=JSON).status_code == 200


def test_after_the_timeout_the_status_check_says_signed_out(signed_in):
    idle_for(signed_in, 30 * 60 + 1)
    response = signed_in.get(KEEP_ALIVE, headers=JSON)
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}
    assert Client().get(KEEP_ALIVE).status_code == 401


def test_pages_carry_the_warning_for_signed_in_users_only(signed_in):
    idle_for(signed_in, 5 * 60)
    html = signed_in.get("/children/").content.decode()
    dialog = re.search(r"<dialog id=\"timeout-warning\"[^>]*>", html).group(0)
    remaining = int(re.search(r'data-remaining-seconds="(\d+)"', dialog).group(1))
    assert 25 * 60 - 5 <= remaining <= 30 * 60  # activity is recorded at most once a minute
    assert 'data-warning-seconds="120"' in dialog
    assert 'data-status-url="/session/keep-alive/"' in dialog
    assert '<script type="module" src="/static/earlyyears/timeout-warning.js">' in html
    assert "Stay signed in" in html
    anonymous = Client().get("/").content.decode()
    assert "timeout-warning" not in anonymous
