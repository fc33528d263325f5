"""Demo sign-ins without an authenticator app: known keys only with DEMO=1, refused beside a
production setting, the current code on request, and every demo user listed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyyears.accounts import demo
from earlyyears.models import User
from tests.otp import code_from_secret

pytestmark = pytest.mark.django_db

DEMO_SIZES = ("--children", "30", "--settings-count", "4")


@pytest.fixture
def demo_env(monkeypatch):
    monkeypatch.setenv("DEMO", "1")
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def load_demo() -> None:
    call_command("demo_data", *DEMO_SIZES, stdout=io.StringIO())
    call_command("demo_training", stdout=io.StringIO())
    call_command("demo_local_offer", "--count", "3", stdout=io.StringIO())


def test_with_demo_every_demo_account_gets_its_known_key(demo_env):
    load_demo()
    usernames = {u.username for u in demo.demo_accounts()}
    for expected in (
        "practitioner",
        "senco",
        "portage",
        "send.officer",
        "send.manager",
        "early.help",
        "professional",
        "trainer",
        "training.lead",
        "planner",
        "admin",
        "local.offer.editor",
        "local.offer.moderator",
    ):
        assert expected in usernames
        device = TOTPDevice.objects.get(user__username=expected)
        assert device.confirmed and device.key == demo.demo_key(expected).hex()
    # The key printed is the key: an app given it computes the code the service accepts.
    user = User.objects.get(username="send.officer")
    assert code_from_secret(demo.key_for_app("send.officer")) == demo.current_code(user).code


def test_without_demo_no_account_gets_a_known_key(monkeypatch):
    monkeypatch.delenv("DEMO", raising=False)
    load_demo()
    assert not TOTPDevice.objects.exists()
    assert demo.demo_accounts() == []


@pytest.mark.parametrize(
    "production",
    [
        {"SECRET_KEY": "a-real-key-" + "x" * 60},
        {"SECURE_HTTPS": True},
        {
            "DATABASES": {
                "default": {
                    **settings.DATABASES["default"],
                    "ENGINE": "x.postgresql",
                    "HOST": "db.example",
                }
            }
        },
    ],
    ids=["secret-key", "secure-https", "remote-database"],
)
@pytest.mark.parametrize(
    "command", ["demo_data", "demo_training", "demo_local_offer", "demo_pathway", "demo_casework"]
)
def test_demo_beside_a_production_setting_is_refused_before_anything_is_written(
    demo_env, command, production
):
    users = User.objects.count()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in production.items():
            patch.setattr(settings, name, value, raising=False)
        with pytest.raises(CommandError, match="Refusing to load demo sign-ins"):
            call_command(command, stdout=io.StringIO())
    assert User.objects.count() == users
    assert not TOTPDevice.objects.exists()


def test_a_local_postgresql_is_not_a_production_setting():
    local = {**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql"}
    for host in ("127.0.0.1", "localhost", "", "/var/run/postgresql"):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "DATABASES", {"default": {**local, "HOST": host}})
            assert demo.production_settings_present() == []


def test_demo_code_prints_a_code_that_signs_in(demo_env):
    call_command("demo_data", *DEMO_SIZES, stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_code", "send.officer", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

    client = Client()
    response = client.post(
        "/sign-in/", {"username": "send.officer", "password": "demo-password-2026"}
    )
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.get("/triage/").status_code == 200


def test_demo_code_refuses_an_account_without_a_demo_key(demo_env):
    call_command("demo_data", *DEMO_SIZES, stdout=io.StringIO())
    other = User.objects.create_user("someone.real", password="a-long-password-1234")
    TOTPDevice.objects.create(user=other, name="Authenticator app", confirmed=True)
    with pytest.raises(CommandError, match="no demo authenticator key"):
        call_command("demo_code", "someone.real", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no account called"):
        call_command("demo_code", "nobody", stdout=io.StringIO())


def test_demo_code_refuses_beside_a_production_setting(demo_env, settings):
    call_command("demo_data", *DEMO_SIZES, stdout=io.StringIO())
    settings.SECURE_HTTPS = True
    with pytest.raises(CommandError, match="SECURE_HTTPS"):
        call_command("demo_code", "practitioner", stdout=io.StringIO())


def test_sign_ins_list_every_demo_user_with_key_and_password(demo_env):
    load_demo()
    out = io.StringIO()
    call_command("demo_sign_ins", stdout=out)
    text = out.getvalue()
    for user in demo.demo_accounts():
        assert user.username in text
        assert demo.key_for_app(user.username) in text
    assert "Training lead (approves training)" in text
    assert "Local offer editor" in text and "Local offer moderator (approves, imports)" in text
    assert "Nursery practitioner (SENCO)" in text
    assert "demo-password-2026" in text
    assert "demo_code USERNAME" in text


def test_sign_ins_wait_for_the_server_and_give_up_quietly_when_it_has_stopped(demo_env):
    """`make run` starts the printer beside the server: it prints once the server answers, and
    ends without a word if the server ended first (its own messages say why)."""
    server = subprocess.Popen([sys.executable, "-c", "pass"])
    server.wait()  # the server has ended (and been reaped, as make does)
    started = time.monotonic()
    out = io.StringIO()
    call_command(
        "demo_sign_ins",
        "--wait-for",
        "http://127.0.0.1:9/healthz/",
        "--server-pid",
        str(server.pid),
        "--timeout",
        "30",
        stdout=out,
    )
    assert out.getvalue() == ""
    assert time.monotonic() - started < 10


def test_sign_ins_print_after_the_server_answers(demo_env, transactional_db, live_server):
    call_command("demo_data", *DEMO_SIZES, stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "demo_sign_ins",
        "--wait-for",
        f"{live_server.url}/healthz/",
        "--server-pid",
        str(os.getpid()),
        stdout=out,
    )
    assert f"Demo sign-ins at {live_server.url}/sign-in/" in out.getvalue()


def test_make_run_sends_links_to_the_host_and_port_it_serves_on():
    """`make run PORT=8102` serves on 8102 and sets SERVICE_BASE_URL to match (HOST=0.0.0.0
    listens everywhere but links go to 127.0.0.1), with DEMO=1 for the demo commands."""
    root = settings.BASE_DIR
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8102", "HOST=0.0.0.0"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "SERVICE_BASE_URL"},
    ).stdout
    assert 'export DEMO=1 SERVICE_BASE_URL="http://127.0.0.1:8102"' in dry_run
    assert "runserver 0.0.0.0:8102" in dry_run
    assert "demo_sign_ins --wait-for http://127.0.0.1:8102/healthz/" in dry_run


def test_wagtails_email_links_follow_the_service_base_url():
    env = {
        **{k: v for k, v in os.environ.items() if k != "WAGTAILADMIN_BASE_URL"},
        "SERVICE_BASE_URL": "http://127.0.0.1:8102",
        "DJANGO_SETTINGS_MODULE": "earlyyears.settings",
    }
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.WAGTAILADMIN_BASE_URL)",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    assert printed == "http://127.0.0.1:8102"


def test_an_invitation_links_to_the_service_base_url(settings):
    from earlyyears.accounts import services
    from earlyyears.models import OutboxMessage

    settings.SERVICE_BASE_URL = "http://127.0.0.1:8102"
    user = User.objects.create_user("new.person", email="new.person@example.com")
    services.invite(user)
    message = OutboxMessage.objects.get(to_user=user)
    assert "http://127.0.0.1:8102/" in str(message.context)
