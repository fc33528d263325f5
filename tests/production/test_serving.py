"""Serving as production does: the refusal check (gunicorn and the release step refuse DEBUG and
the embedded secret key), `make serve`'s message about what is missing, and gunicorn's lines."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from earlyyears.serving import refusal_message, refusals

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GOOD_KEY = secrets.token_urlsafe(50)


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without the service's settings, plus the overrides."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "LOG_", "PYTEST_", "SECURE_"))
        and k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "HOST", "PORT", "WEB_CONCURRENCY"}
    }
    env.update(overrides)
    return env


def test_no_refusal_with_a_real_key_and_debug_off(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    assert refusals() == []


@pytest.mark.parametrize(
    "key", ["django-insecure-embedded-default-for-local-use-only-never-in-production", "short"]
)
def test_the_embedded_or_a_short_key_is_refused_with_what_to_set(settings, key):
    settings.DEBUG = False
    settings.SECRET_KEY = key
    (reason,) = refusals()
    assert reason.startswith("SECRET_KEY is the embedded development key")
    assert "token_urlsafe(50)" in reason


def test_debug_is_refused_with_what_to_set(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = GOOD_KEY
    assert refusals() == [
        "DEBUG is on. It shows code and settings to anyone who causes an error: unset DEBUG "
        "or set DEBUG=false."
    ]
    assert refusal_message(refusals()).startswith("Refusing to start the service:\n  - DEBUG")


def test_the_release_step_refuses_before_touching_the_database(tmp_path):
    database = tmp_path / "release.sqlite3"
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "release"],
        cwd=ROOT,
        env=clean_env(DATABASE_URL=f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Refusing to start the service" in result.stderr
    assert "SECRET_KEY is the embedded development key" in result.stderr
    assert not database.exists() or database.stat().st_size == 0  # nothing migrated


@pytest.mark.parametrize(
    "env, says",
    [
        ({}, "SECRET_KEY is the embedded development key"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "true"}, "DEBUG is on"),
    ],
)
def test_gunicorn_started_directly_refuses(env, says, tmp_path):
    """`gunicorn` with no arguments, as a container might run it: gunicorn.conf.py's hook."""
    result = subprocess.run(  # noqa: S603 - the venv's gunicorn
        [str(BIN / "gunicorn")],
        cwd=ROOT,
        env=clean_env(PORT=str(free_port()), DATABASE_URL=f"sqlite:///{tmp_path / 'db'}", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Refusing to start the service" in result.stderr and says in result.stderr
    assert "Booting worker" not in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_with_json_lines_and_no_query_string(tmp_path):
    port = free_port()
    env = clean_env(
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        LOG_FORMAT="json",
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
            [str(BIN / "gunicorn")], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 90
        while True:  # up: gunicorn listens and a worker answers
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=30):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz/?q=Amara+Okafor",
            headers={"X-Request-ID": "trace-0001-abcd"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            assert response.status == 200
            assert response.headers["X-Request-ID"] == "trace-0001-abcd"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line gunicorn and Django wrote
    assert any(
        r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records
    )
    (request_line,) = [r for r in records if r.get("request_id") == "trace-0001-abcd"]
    assert request_line["message"] == "GET /healthz/ 200"
    assert request_line["request_id"] == "trace-0001-abcd"
    assert "Amara" not in log.read_text()


def test_make_serve_names_what_is_missing():
    result = subprocess.run(
        ["make", "--no-print-directory", "serve-environment"],
        cwd=ROOT,
        env=clean_env(SECRET_KEY=GOOD_KEY),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    first = result.stderr.splitlines()[0]
    assert first == (
        "make serve needs these set in the environment: "
        "DATABASE_URL CELERY_BROKER_URL ALLOWED_HOSTS"
    )
    complete = clean_env(
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL="postgres://db/earlyyears",
        CELERY_BROKER_URL="redis://broker:6379/0",
        ALLOWED_HOSTS="127.0.0.1",
    )
    result = subprocess.run(
        ["make", "--no-print-directory", "serve-environment"],
        cwd=ROOT,
        env=complete,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_procfile_names_the_four_processes():
    processes = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(processes) == {"release", "web", "worker", "beat"}
    assert "manage.py release" in processes["release"]
    assert processes["web"].strip().startswith("gunicorn")
    assert " worker " in processes["worker"] and " beat " in processes["beat"]
