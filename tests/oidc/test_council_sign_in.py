"""Council staff sign in with their organisation, against a real OpenID Connect provider
(tests/oidc/provider_site, started on loopback): matching on issuer and subject, groups to
roles, refusals, the approval of roles, the provider's second factor, and sign-out."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from dataprotection.models import AccessEvent
from earlyyears.accounts import services as accounts
from earlyyears.models import AccountChange, OIDCIdentity, Role, User
from earlyyears.oidc import services
from tests.factories import PASSWORD, UserFactory

from .conftest import council_sign_in

pytestmark = pytest.mark.django_db


def _approve_waiting(user: User) -> None:
    manager = UserFactory(role=Role.SEND_MANAGER)
    change = AccountChange.objects.get(user=user, status=AccountChange.Status.PENDING)
    accounts.approve(manager, change)


def test_off_by_default(client):
    assert client.get("/sign-in/council/").status_code == 404
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with your council account" not in page


def test_sign_in_page_offers_the_council_account_when_configured(client, council_oidc):
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with your council account" in page


def test_new_officer_waits_for_approval_then_signs_in_with_the_providers_second_factor(
    client, council_oidc
):
    answer = council_sign_in(client, council_oidc, "olu.officer")
    assert answer.status_code == 302 and answer["Location"] == "/sign-in/council/refused/"
    refusal = client.get(answer["Location"])
    assert refusal.status_code == 403
    assert "Your account is waiting for approval" in refusal.content.decode()

    identity = OIDCIdentity.objects.get(subject=council_oidc.subjects["olu.officer"])
    assert identity.issuer == council_oidc.issuer
    user = identity.user
    assert (user.role, user.is_active, user.has_usable_password()) == (
        Role.SEND_OFFICER,
        False,
        False,
    )
    assert AccessEvent.objects.filter(
        object_id=str(user.pk), detail__contains="waits for approval"
    ).exists()
    assert AccessEvent.objects.filter(
        object_id=str(user.pk), detail__contains="Council sign-in linked"
    ).exists()

    _approve_waiting(user)
    answer = council_sign_in(client, council_oidc, "olu.officer", next_url="/children/")
    assert answer.status_code == 302 and answer["Location"] == "/children/"
    # The provider's "mfa" counts as the second step: the home page, not the code page.
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user == user and home.wsgi_request.user.is_verified()
    identity.refresh_from_db()
    assert identity.last_used_second_factor and identity.last_signed_in_at


def test_without_the_providers_second_factor_our_own_second_step_applies(client, council_oidc):
    council_sign_in(client, council_oidc, "mo.manager")
    user = OIDCIdentity.objects.get(subject=council_oidc.subjects["mo.manager"]).user
    _approve_waiting(user)
    answer = council_sign_in(client, council_oidc, "mo.manager")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/sign-in/set-up/")
    assert client.get("/").status_code == 302  # nothing else until the second step is done


def test_a_role_that_sees_no_children_signs_in_at_once(client, council_oidc):
    answer = council_sign_in(client, council_oidc, "tia.trainer")
    assert answer.status_code == 302 and answer["Location"] == "/"
    user = User.objects.get(oidcidentity__subject=council_oidc.subjects["tia.trainer"])
    assert user.role == Role.TRAINER and user.is_active
    assert client.get("/").wsgi_request.user == user


def test_groups_that_map_to_no_role_are_refused_and_no_account_is_made(client, council_oidc):
    users = User.objects.count()
    answer = council_sign_in(client, council_oidc, "fin.finance")
    refusal = client.get(answer["Location"])
    assert refusal.status_code == 403
    text = refusal.content.decode()
    assert "You cannot use this service with your council account" in text
    assert "not in a group that gives access" in text
    assert User.objects.count() == users
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_matched_on_issuer_and_subject_never_on_email(client, council_oidc):
    local = UserFactory(username="olu", email="olu@council.example", role=Role.PRACTITIONER)
    council_sign_in(client, council_oidc, "olu.officer")
    identity = OIDCIdentity.objects.get(subject=council_oidc.subjects["olu.officer"])
    assert identity.user != local
    local.refresh_from_db()
    assert local.role == Role.PRACTITIONER and not hasattr(local, "oidcidentity")


def test_a_role_change_from_the_provider_waits_for_approval_like_an_admins(client, council_oidc):
    """Mo was a SEND officer here; the provider now says SEND manager. The change is held for
    another manager, Mo keeps the officer's role meanwhile, and signing in again does not ask
    twice."""
    mo = UserFactory(username="mo", email="mo@council.example", role=Role.SEND_OFFICER)
    OIDCIdentity.objects.create(
        user=mo,
        name=services.DEVICE_NAME,
        issuer=council_oidc.issuer,
        subject=council_oidc.subjects["mo.manager"],
    )
    answer = council_sign_in(client, council_oidc, "mo.manager")
    assert answer["Location"].startswith("/sign-in/set-up/")
    mo.refresh_from_db()
    assert mo.role == Role.SEND_OFFICER
    change = AccountChange.objects.get(user=mo, status=AccountChange.Status.PENDING)
    assert change.proposed == {"role": Role.SEND_MANAGER}
    assert AccessEvent.objects.filter(object_id=str(mo.pk), detail__icontains="role").exists()

    client.logout()
    council_sign_in(client, council_oidc, "mo.manager")
    assert AccountChange.objects.filter(user=mo).count() == 1

    accounts.approve(UserFactory(role=Role.SEND_MANAGER), change)
    mo.refresh_from_db()
    assert mo.role == Role.SEND_MANAGER


def test_an_ended_account_stays_ended(client, council_oidc):
    council_sign_in(client, council_oidc, "tia.trainer")
    user = User.objects.get(oidcidentity__subject=council_oidc.subjects["tia.trainer"])
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)
    answer = council_sign_in(client, council_oidc, "tia.trainer")
    refusal = client.get(answer["Location"]).content.decode()
    assert "Your account for this service has been closed" in refusal
    user.refresh_from_db()
    assert not user.is_active


def test_sign_out_ends_the_providers_session_too(client, council_oidc):
    council_sign_in(client, council_oidc, "tia.trainer")
    answer = client.post("/sign-out/")
    assert answer.status_code == 302
    end_session = answer["Location"]
    assert end_session.startswith(f"{council_oidc.issuer}/end-session")
    assert parse_qs(urlsplit(end_session).query)["id_token_hint"]
    assert not client.get("/").wsgi_request.user.is_authenticated
    browser = council_oidc.browser("tia.trainer")
    back = browser.get(end_session, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/"
    # The provider asks who they are again.
    start = client.get("/sign-in/council/")
    again = browser.get(start["Location"], allow_redirects=False, timeout=10)
    assert "/accounts/login/" in again.headers["Location"]


def test_local_accounts_keep_signing_in_with_a_password(client, council_oidc):
    UserFactory(username="trainer1", role=Role.TRAINER)
    answer = client.post("/sign-in/", {"username": "trainer1", "password": PASSWORD})
    assert answer.status_code == 302


def test_a_provider_that_does_not_answer_gets_a_refusal_page_not_an_error(
    client, council_oidc, settings
):
    start = client.get("/sign-in/council/")
    from .conftest import SERVICE, provider_sign_in

    back = provider_sign_in(council_oidc, "tia.trainer", start["Location"])
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
    parts = urlsplit(back)
    answer = client.get(f"{parts.path}?{parts.query}")
    assert back.startswith(SERVICE)
    page = client.get(answer["Location"])
    assert page.status_code == 403
    assert "there is a problem signing you in" in page.content.decode()


def test_group_mapping_is_in_order_and_checked(settings):
    settings.OIDC_GROUP_ROLES = "Managers=send_manager, Officers=send_officer"
    assert services.role_for_groups(["Officers", "Managers"]) == Role.SEND_MANAGER
    assert services.role_for_groups(["Officers"]) == Role.SEND_OFFICER
    assert services.role_for_groups(["Others"]) is None
    settings.OIDC_GROUP_ROLES = "Managers=boss"
    with pytest.raises(ImproperlyConfigured):
        services.role_for_groups(["Managers"])


def test_second_factor_is_read_from_amr(settings):
    settings.OIDC_MFA_AMR_VALUES = ["mfa"]
    assert services.used_second_factor({"amr": ["pwd", "mfa"]})
    assert not services.used_second_factor({"amr": ["pwd"]})
    assert not services.used_second_factor({})
