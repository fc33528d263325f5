"""Between the password and the code, the service shows no navigation and no account menu: a
person who has given only the password sees the second step and the public notices, nothing
that suggests the rest of the service is open to them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ..factories import PASSWORD
from ..otp import code_for, confirmed_device

pytestmark = pytest.mark.django_db

# The pages a person between the steps is sent to or may open, and pages that redirect there.
REACHABLE = ("two-factor-verify", "privacy", "accessibility")
REDIRECTED = ("home", "children", "my-concerns", "local-offer", "message-log")


def password_step(client, username: str = "prac.a"):
    return client.post(reverse("sign-in"), {"username": username, "password": PASSWORD})


def header(html: str) -> str:
    match = re.search(r"<header.*?</header>", html, re.S)
    assert match, "every page has the header"
    return match.group(0)


def assert_no_navigation(html: str, where: str) -> None:
    top = header(html)
    links = re.findall(r"<a\b[^>]*href=\"([^\"]*)\"", top)
    assert links == [], f"{where}: the header links to {links}"
    assert "govuk-service-navigation__list" not in top, where
    assert "Sign out" not in top and "Signed in as" not in top, where


@pytest.fixture
def between_steps(browser_client, world):
    confirmed_device(world.practitioner_a)
    response = password_step(browser_client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))
    return browser_client


@pytest.mark.parametrize("name", REACHABLE)
def test_pages_open_between_the_steps_show_no_navigation(between_steps, name):
    response = between_steps.get(reverse(name))
    assert response.status_code == 200
    assert_no_navigation(response.content.decode(), name)


@pytest.mark.parametrize("name", REDIRECTED)
def test_pages_that_send_you_to_the_second_step_show_no_navigation_there(between_steps, name):
    response = between_steps.get(reverse(name), follow=True)
    assert response.redirect_chain, name
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-verify"))
    assert_no_navigation(response.content.decode(), name)


def test_a_page_that_is_not_there_shows_no_navigation_either(between_steps):
    response = between_steps.get("/no-such-page/", follow=True)
    assert_no_navigation(response.content.decode(), "not found")


def test_set_up_of_a_first_app_shows_no_navigation(browser_client, world):
    password_step(browser_client)
    response = browser_client.get(reverse("children"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-set-up"))
    assert_no_navigation(response.content.decode(), "two-factor-set-up")


def test_after_the_code_the_navigation_is_back(between_steps, world):
    device = confirmed_device(world.practitioner_a)
    response = between_steps.post(
        reverse("two-factor-verify"), {"code": code_for(device)}, follow=True
    )
    top = header(response.content.decode())
    assert reverse("children") in top and "Sign out" in top and "Signed in as" in top
