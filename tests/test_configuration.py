"""Configuration from the environment: embedded defaults; production passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _run_in_fresh_process(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "TWILIO_", "SECURE_"))
        and key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST_CURRENT_TEST"}
    }
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz!" * 10,
    "ALLOWED_HOSTS": "send.westmoor.example.gov.uk",
    "SECURE_HTTPS": "true",
    "DEBUG": "false",
    "DATABASE_URL": "sqlite:///:memory:",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "test-token",
    "TWILIO_FROM_NUMBER": "+447700900000",
}


def test_check_deploy_is_clean_with_production_variables():
    result = _run_in_fresh_process(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_on_the_embedded_default():
    result = _run_in_fresh_process({}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout  # the embedded secret key


def test_production_variables_switch_on_real_services():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.SMS_BACKEND,"
        " s.SESSION_COOKIE_SECURE, s.DEBUG)"
    )
    env = dict(PRODUCTION, DATABASE_URL="postgres://postgres@127.0.0.1:5432/earlyyears")
    result = _run_in_fresh_process(env, "shell", "--no-imports", "-c", code)
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "twilio",
        "True",
        "False",
    ], result.stderr


def test_embedded_default_needs_no_services():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.SMS_BACKEND,"
        " s.EMAIL_BACKEND.rsplit('.', 2)[-2])"
    )
    result = _run_in_fresh_process({}, "shell", "--no-imports", "-c", code)
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "log", "console"]


def test_tests_run_eager_or_against_the_configured_broker():
    assert (not os.environ.get("CELERY_BROKER_URL")) == settings.CELERY_TASK_ALWAYS_EAGER


def test_ping_task_runs_eagerly_on_the_embedded_default():
    from earlyyears.tasks import ping

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured: tests/test_celery_worker.py covers this leg")
    assert ping.delay().get(timeout=5) == "pong"
