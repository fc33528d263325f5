"""A real OpenID Connect provider for the council sign-in tests: tests/oidc/provider_site
(django-oidc-provider from PyPI) in its own process on a loopback port, with its own SQLite
database, started once for the tests that ask for it and stopped after them.

`council_sign_in` drives the journey as a browser would: the service sends the person to the
provider, they sign in there (a `requests` session holds the provider's cookie), and the
provider sends them back to the service's callback with a code, which the service exchanges at
the provider's token endpoint over HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider-password-1"
CLIENT_ID = "early-years-send"
CLIENT_SECRET = "client-secret-for-tests-only"
SERVICE = "http://testserver"

PEOPLE = [
    {
        "username": "olu.officer",
        "email": "olu@council.example",
        "first_name": "Olu",
        "last_name": "Officer",
        "groups": ["SEND-Officers", "uses-mfa"],
    },
    {
        "username": "mo.manager",
        "email": "mo@council.example",
        "first_name": "Mo",
        "last_name": "Manager",
        "groups": ["SEND-Managers", "All-Staff"],
    },
    {
        "username": "tia.trainer",
        "email": "tia@council.example",
        "first_name": "Tia",
        "groups": ["Trainers"],
    },
    {"username": "fin.finance", "email": "fin@council.example", "groups": ["Finance"]},
]
GROUP_ROLES = "SEND-Managers=send_manager,SEND-Officers=send_officer,Trainers=trainer"


@dataclass
class Provider:
    url: str
    subjects: dict[str, str]
    process: subprocess.Popen
    log: Path
    sessions: dict[str, requests.Session] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def settings(self) -> dict[str, object]:
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.issuer}/end-session",
            "OIDC_GROUP_ROLES": GROUP_ROLES,
        }

    def browser(self, username: str) -> requests.Session:
        """The person's browser at the provider: signed in there once, like a council PC."""
        if username not in self.sessions:
            self.sessions[username] = requests.Session()
        return self.sessions[username]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc.provider_site.settings",
        "PYTHONPATH": str(ROOT),
        "PROVIDER_DB": str(folder / "provider.sqlite3"),
        "PROVIDER_URL": url,
        "PROVIDER_CLIENT_ID": CLIENT_ID,
        "PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
        "PROVIDER_REDIRECT_URIS": f"{SERVICE}/sign-in/council/callback/",
        "PROVIDER_LOGOUT_URIS": f"{SERVICE}/",
        "PROVIDER_PEOPLE": json.dumps([{**p, "password": PASSWORD} for p in PEOPLE]),
    }
    env.pop("DATABASE_URL", None)
    made = subprocess.run(
        [sys.executable, "-m", "tests.oidc.provider_site.setup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    subjects = json.loads(made.stdout.strip().splitlines()[-1])
    log = folder / "provider.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/openid/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The test OIDC provider did not start: {log.read_text()[-2000:]}")
        time.sleep(0.2)
    yield Provider(url=url, subjects=subjects, process=process, log=log)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def council_oidc(oidc_provider, settings):
    """The service configured for the test provider, as the environment would configure it."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "earlyyears.oidc.backend.CouncilOIDCBackend",
    ]
    oidc_provider.sessions.clear()
    return oidc_provider


def provider_sign_in(provider: Provider, username: str, authorize_url: str) -> str:
    """At the provider: sign in if need be, and return where it sends the browser back to."""
    browser = provider.browser(username)
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    if answer.status_code == 302 and "/accounts/login/" in answer.headers["Location"]:
        login_url = provider.url + answer.headers["Location"]
        page = browser.get(login_url, timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        next_url = re.search(r'name="next" value="([^"]*)"', page.text).group(1)
        answer = browser.post(
            login_url,
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
                "next": next_url.replace("&amp;", "&"),
            },
            headers={"Referer": login_url},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        answer = browser.get(
            provider.url + answer.headers["Location"], allow_redirects=False, timeout=10
        )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def council_sign_in(client, provider: Provider, username: str, next_url: str = "/"):
    """The whole journey from the service's button to its callback's answer."""
    start = client.get("/sign-in/council/", {"next": next_url})
    assert start.status_code == 302, start
    back = provider_sign_in(provider, username, start["Location"])
    assert back.startswith(SERVICE), back
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")
