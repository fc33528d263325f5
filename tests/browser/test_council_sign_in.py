"""Council staff sign in with their organisation in a real browser, against the real OpenID
Connect provider the OIDC tests start (tests/oidc/provider_site), with axe on the service's
pages: the button, the journey to the provider and back, sign-out at both, and the refusal."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from earlyyears.models import Role, User
from tests.oidc.conftest import CLIENT_ID, PASSWORD, oidc_provider  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which the strict CSP (rightly) blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def council(oidc_provider, live_server, settings):  # noqa: F811
    """The service on its live server, registered at the provider."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "earlyyears.oidc.backend.CouncilOIDCBackend",
    ]
    with sqlite3.connect(oidc_provider.log.parent / "provider.sqlite3") as db:
        db.execute(
            "UPDATE oidc_provider_client SET _redirect_uris = _redirect_uris || ?, "
            "_post_logout_redirect_uris = _post_logout_redirect_uris || ? WHERE client_id = ?",
            (
                f"\n{live_server.url}/sign-in/council/callback/",
                f"\n{live_server.url}/",
                CLIENT_ID,
            ),
        )
    return live_server


def _at_the_provider(page, username: str) -> None:
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_trainer_signs_in_with_the_council_account_and_out_again(
    page, council, assert_accessible
):
    page.goto(f"{council.url}/sign-in/")
    expect(page.get_by_role("button", name="Sign in with your council account")).to_be_visible()
    assert_accessible(page)
    _at_the_provider(page, "tia.trainer")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(oidcidentity__isnull=False).role == Role.TRAINER

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(council.url) + r"/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # Signed out at the provider too: it asks for the password again.
    page.goto(f"{council.url}/sign-in/")
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.get_by_label("Password")).to_be_visible()


def test_someone_in_no_mapped_group_is_told_why(page, council, assert_accessible):
    page.goto(f"{council.url}/sign-in/")
    _at_the_provider(page, "fin.finance")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You cannot use this service with your council account"
    )
    assert_accessible(page)
    assert not User.objects.filter(oidcidentity__isnull=False).exists()
