"""Two-factor authentication through the real pages: set-up with a QR code and a typed-in key,
recovery codes shown once and good once, the code at each sign-in, throttling, and a session
that has only passed the password reaching nothing but the second step."""

import re
import time
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyyears.models import Role

from ..factories import PASSWORD, UserFactory
from ..otp import code_for, code_from_secret, confirmed_device

pytestmark = pytest.mark.django_db

CODE_PAGE = "/sign-in/code/"
SET_UP_PAGE = "/sign-in/set-up/"


def password_step(client, username, next_path=""):
    url = reverse("sign-in") + (f"?next={next_path}" if next_path else "")
    return client.post(url, {"username": username, "password": PASSWORD, "next": next_path})


def secret_on(page_html: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page_html).group(1)


def set_up_app(client, username) -> tuple[str, list[str]]:
    """Signs in and sets up an app as a person would: returns the key typed in and the codes."""
    password_step(client, username)
    page = client.get(SET_UP_PAGE).content.decode()
    secret = secret_on(page)
    response = client.post(SET_UP_PAGE, {"code": code_from_secret(secret)}, follow=True)
    codes = re.findall(r"<li><code[^>]*>([a-z2-7]{8})</code></li>", response.content.decode())
    return secret, codes


def test_a_role_that_sees_children_goes_from_the_password_to_set_up(browser_client, practitioner):
    response = password_step(browser_client, "prac.a", "/children/")
    assert response.status_code == 302
    assert response["Location"] == f"{SET_UP_PAGE}?next=%2Fchildren%2F"
    page = browser_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Set up two-factor authentication</h1>' in html
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=practitioner)
    assert not device.confirmed
    assert secret_on(html).replace(" ", "") in device.config_url
    assert "otpauth://totp/" in device.config_url
    # a reload keeps the same key, so a code scanned a moment ago still works
    assert secret_on(browser_client.get(response["Location"]).content.decode()) == secret_on(html)
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_set_up_confirms_with_a_code_and_shows_ten_recovery_codes_once(
    browser_client, practitioner
):
    password_step(browser_client, "prac.a", "/children/")
    secret = secret_on(browser_client.get(SET_UP_PAGE).content.decode())

    wrong = browser_client.post(SET_UP_PAGE + "?next=/children/", {"code": "000000"})
    assert "govuk-error-summary" in wrong.content.decode()
    assert "The code is not right or has expired" in wrong.content.decode()
    assert not TOTPDevice.objects.get(user=practitioner).confirmed
    TOTPDevice.objects.filter(user=practitioner).update(throttling_failure_count=0)

    response = browser_client.post(
        SET_UP_PAGE, {"code": code_from_secret(secret), "next": "/children/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-recovery-codes"))
    assert TOTPDevice.objects.get(user=practitioner).confirmed
    page = browser_client.get(response["Location"])
    codes = re.findall(r"<li><code[^>]*>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(codes) == len(set(codes)) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)
    )
    assert 'href="/children/"' in page.content.decode()
    # shown once: the page does not show them again
    assert browser_client.get(response["Location"])["Location"] == reverse("two-factor")
    # and the session is verified: the child pages open
    assert browser_client.get("/children/").status_code == 200


def test_the_next_sign_in_asks_for_the_code_and_accepts_the_app(browser_client, practitioner):
    set_up_app(browser_client, "prac.a")
    browser_client.post(reverse("sign-out"))
    response = password_step(browser_client, "prac.a", "/children/")
    assert response["Location"] == f"{CODE_PAGE}?next=%2Fchildren%2F"
    page = browser_client.get(response["Location"]).content.decode()
    assert "Enter the code from your authenticator app" in page
    assert browser_client.get("/children/")["Location"].startswith(CODE_PAGE)
    device = TOTPDevice.objects.get(user=practitioner)
    response = browser_client.post(CODE_PAGE, {"code": code_for(device), "next": "/children/"})
    assert response["Location"] == "/children/"
    assert browser_client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert browser_client.get("/children/").status_code == 200


def test_a_code_works_once(browser_client, practitioner):
    device = confirmed_device(practitioner)
    code = code_for(device)
    password_step(browser_client, "prac.a")
    assert browser_client.post(CODE_PAGE, {"code": code})["Location"] == "/"
    browser_client.post(reverse("sign-out"))
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    password_step(browser_client, "prac.a")
    replay = browser_client.post(CODE_PAGE, {"code": code})
    assert replay.status_code == 200
    assert "The code is not right or has expired" in replay.content.decode()


def test_recovery_codes_work_once_each(browser_client, practitioner):
    _, codes = set_up_app(browser_client, "prac.a")
    browser_client.post(reverse("sign-out"))

    password_step(browser_client, "prac.a")
    response = browser_client.post(CODE_PAGE, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "You used a recovery code. You have 9 left." in response.content.decode()
    browser_client.post(reverse("sign-out"))

    password_step(browser_client, "prac.a")
    again = browser_client.post(CODE_PAGE, {"code": codes[0]})
    assert again.status_code == 200
    assert "The code is not right or has expired" in again.content.decode()
    assert DEVICE_ID_SESSION_KEY not in browser_client.session
    assert StaticToken.objects.filter(device__user=practitioner).count() == 9


def test_new_recovery_codes_replace_the_old_ones(browser_client, practitioner):
    _, old = set_up_app(browser_client, "prac.a")
    page = browser_client.get(reverse("two-factor")).content.decode()
    assert "Recovery codes left" in page and ">10<" in page
    response = browser_client.post(reverse("two-factor-new-recovery-codes"), follow=True)
    new = re.findall(r"<li><code[^>]*>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(
        StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)
    ) == set(new)


def test_wrong_codes_are_throttled_then_allowed_again(browser_client, practitioner):
    device = confirmed_device(practitioner)
    password_step(browser_client, "prac.a")
    assert "not right" in browser_client.post(CODE_PAGE, {"code": "123456"}).content.decode()
    throttled = browser_client.post(CODE_PAGE, {"code": code_for(device)})
    assert "You have entered too many wrong codes" in throttled.content.decode()
    assert DEVICE_ID_SESSION_KEY not in browser_client.session
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert browser_client.post(CODE_PAGE, {"code": code_for(device)})["Location"] == "/"


def test_empty_and_malformed_codes_are_clear_errors(browser_client, practitioner):
    confirmed_device(practitioner)
    password_step(browser_client, "prac.a")
    empty = browser_client.post(CODE_PAGE, {"code": ""}).content.decode()
    assert 'href="#id_code">Enter the 6-digit code from your authenticator app' in empty
    assert "<title>Error: " in empty
    for junk in ("12345", "abc", "x" * 19, "<script>", "1234567"):
        response = browser_client.post(CODE_PAGE, {"code": junk})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()


def test_next_must_stay_on_this_site(browser_client, practitioner):
    device = confirmed_device(practitioner)
    password_step(browser_client, "prac.a")
    response = browser_client.post(
        CODE_PAGE, {"code": code_for(device), "next": "https://evil.example/steal"}
    )
    assert response["Location"] == "/"


def _sample_paths() -> list[str]:
    """One concrete path for every URL pattern of the project, from the resolver."""
    values = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000"}

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            pattern = str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + pattern)
            elif isinstance(entry, URLPattern):
                yield prefix + pattern

    paths = set()
    for raw in walk(get_resolver(), ""):
        path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: values.get(m.group(1) or "str", "x"), raw)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
        path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        if any(ch in path for ch in "()[]?*+"):
            continue
        paths.add("/" + path)
    return sorted(paths)


EXEMPT = {
    "/sign-in/code/",
    "/sign-in/set-up/",
    "/sign-out/",
    "/session/keep-alive/",
    "/healthz/",
    "/readyz/",
    "/privacy/",
    "/accessibility/",
}


@pytest.mark.parametrize("has_app", [False, True], ids=["no app yet", "app set up"])
def test_a_password_only_session_reaches_nothing_else(browser_client, world, has_app):
    """Every URL of the project, as a practitioner who has given only the password: every
    one sends them to the second step, whatever the object ids."""
    if has_app:
        confirmed_device(world.practitioner_a)
    password_step(browser_client, "prac.a")
    step = CODE_PAGE if has_app else SET_UP_PAGE
    paths = [p for p in _sample_paths() if p not in EXEMPT and not p.startswith("/webhooks/")]
    paths += [f"/children/{world.child_a.pk}/", f"/children/{world.child_b.pk}/"]
    assert len(paths) > 100
    attempts = 0
    for path in paths:
        for method in (browser_client.get, browser_client.post):
            response = method(path)
            attempts += 1
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith(step), (path, response["Location"])
    json = browser_client.get("/children/", headers={"Accept": "application/json"})
    assert json.status_code == 401 and json.json() == {"signed_in": True, "verified": False}
    assert attempts == 2 * len(paths)


def test_the_pages_anyone_may_read_stay_open_before_the_code(browser_client, practitioner):
    password_step(browser_client, "prac.a")
    for name in ("privacy", "accessibility", "health", "readiness", "two-factor-set-up"):
        assert browser_client.get(reverse(name)).status_code == 200, name
    assert browser_client.post(reverse("sign-out"))["Location"] == "/"
    assert "_auth_user_id" not in browser_client.session


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PLANNER, Role.ADMIN])
def test_roles_without_child_data_may_turn_it_on(browser_client, db, role):
    user = UserFactory(role=role, username="optional")
    response = password_step(browser_client, "optional")
    assert response["Location"] == "/"
    assert browser_client.get("/").status_code == 200
    page = browser_client.get(reverse("two-factor")).content.decode()
    assert "No: you can choose to turn it on" in page
    secret = secret_on(browser_client.get(SET_UP_PAGE).content.decode())
    browser_client.post(SET_UP_PAGE, {"code": code_from_secret(secret)})
    assert TOTPDevice.objects.get(user=user).confirmed
    browser_client.post(reverse("sign-out"))
    # once on, it is asked for at every sign-in
    assert password_step(browser_client, "optional")["Location"].startswith(CODE_PAGE)
    assert browser_client.get("/").status_code == 302


def test_django_admin_users_must_use_it_whatever_their_role(browser_client, staff_admin):
    response = password_step(browser_client, "django.admin")
    assert response["Location"].startswith(SET_UP_PAGE)
    assert browser_client.get("/django-admin/")["Location"].startswith(SET_UP_PAGE)


def test_a_verified_session_for_another_users_device_is_not_verified(
    browser_client, practitioner, other_practitioner
):
    """The device in the session must belong to the user (django-otp checks it)."""
    other_device = confirmed_device(other_practitioner)
    password_step(browser_client, "prac.a")
    session = browser_client.session
    session[DEVICE_ID_SESSION_KEY] = other_device.persistent_id
    session.save()
    assert browser_client.get("/children/")["Location"].startswith(SET_UP_PAGE)


def test_set_up_again_is_refused_once_on(browser_client, practitioner):
    set_up_app(browser_client, "prac.a")
    response = browser_client.get(SET_UP_PAGE, follow=True)
    assert response.redirect_chain[-1][0] == reverse("two-factor")
    assert "already set up" in response.content.decode()
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_the_test_helper_codes_match_what_the_server_accepts(practitioner):
    """tests/otp.py's code_for must keep working for quick successive sign-ins."""
    device = confirmed_device(practitioner)
    started = time.time()
    for _ in range(3):
        assert device.verify_token(code_for(device))
    assert time.time() - started < 65
