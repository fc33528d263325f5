"""Security headers: the strict Content-Security-Policy on the service's pages (and no inline
script or style in them), a relaxed one on Wagtail's and Django's admin only, and the other
headers; production settings turn on HSTS and secure cookies."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from ..otp import VerifiedClient

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


@pytest.fixture
def officer_client(world):
    client = VerifiedClient()
    client.force_login(world.send_officer)
    return client


def test_the_service_pages_have_the_strict_policy(officer_client, world):
    for path in ("/", "/children/", f"/children/{world.child_a.pk}/", "/privacy/"):
        response = officer_client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == STRICT, path
    for path in ("/sign-in/", "/local-offer/", "/healthz/", "/readyz/"):
        assert policy(Client().get(path)) == STRICT, path


def test_error_pages_have_the_strict_policy_too(officer_client):
    assert policy(officer_client.get("/children/999999/")) == STRICT
    assert policy(Client().get("/no-such-page/")) == STRICT


def test_the_pages_have_no_inline_script_or_style(officer_client, world):
    """What the strict policy would block: a <script> without src, <style>, style="", on*=."""
    practitioner = VerifiedClient()
    practitioner.force_login(world.practitioner_a)
    pages = [
        (officer_client, "/"),
        (officer_client, "/children/"),
        (officer_client, f"/children/{world.child_a.pk}/"),
        (officer_client, "/account/two-factor/"),
        (practitioner, f"/children/{world.child_a.pk}/"),
        (Client(), "/sign-in/"),
        (Client(), "/"),
    ]
    for client, path in pages:
        html = client.get(path).content.decode()
        for script in re.findall(r"<script\b[^>]*>", html):
            assert " src=" in script, (path, script)
        assert "<style" not in html, path
        assert not re.search(r"<[a-z][^>]*\sstyle=", html), path
        assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html), path


def test_the_set_up_page_with_its_qr_code_keeps_to_the_policy(world):
    client = Client()
    client.post("/sign-in/", {"username": "prac.a", "password": "correct-horse-battery-staple"})
    response = client.get("/sign-in/set-up/")
    assert policy(response) == STRICT
    html = response.content.decode()
    assert "<svg" in html and not re.search(r"<[a-z][^>]*\sstyle=", html)


def test_the_admin_gets_a_relaxed_policy_and_only_the_admin(db):
    admin = policy(Client().get("/admin/login/"))
    assert admin["script-src"] == {"'self'", "'unsafe-inline'"}
    assert admin["style-src"] == {"'self'", "'unsafe-inline'"}
    assert admin["object-src"] == {"'none'"}
    assert admin["base-uri"] == {"'self'"}
    assert admin["form-action"] == {"'self'"}
    assert admin["frame-ancestors"] == {"'self'"}
    assert policy(Client().get("/django-admin/login/"))["script-src"] == {
        "'self'",
        "'unsafe-inline'",
    }
    # a path that merely starts like the admin gets the strict one
    assert policy(Client().get("/administration/")) == STRICT


def test_the_other_headers(db):
    response = Client().get("/sign-in/")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_production_settings_turn_on_hsts_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors'],"
        " s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER[0])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz!" * 10,
        "ALLOWED_HOSTS": "send.westmoor.example.gov.uk",
        "SECURE_HTTPS": "true",
        "AXES_IPWARE_PROXY_COUNT": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "True",
        "[\"'none'\"]",
        "1",
        "HTTP_X_FORWARDED_FOR",
    ], result.stderr


def test_check_deploy_is_clean_with_the_new_settings():
    """tests/test_configuration.py runs the same check; this one keeps our apps in it."""
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz!" * 10,
        "ALLOWED_HOSTS": "send.westmoor.example.gov.uk",
        "SECURE_HTTPS": "true",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
