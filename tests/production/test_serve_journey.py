"""A practitioner's journey in a real browser against what `make serve` runs (issue 17).

Once for this module: `collectstatic`, the release step (`manage.py release`: the refusal check,
then the migrations) on a database of its own, the demo people and places, then the Procfile's
web (gunicorn, two workers), worker and beat under honcho, with JSON logs, DEBUG off and a real
secret key; the test waits for /readyz/. A demo practitioner signs in through both steps, raises
a concern through the wizard, and a SEND officer finds it in the triage queue; axe-core checks
the pages; the Celery worker sends the family's text (its log line carries the task id); and the
processes' log holds neither the child's name nor the family's number. Then everything stops.

It needs PostgreSQL (DATABASE_URL) and a Redis broker (CELERY_BROKER_URL), as CI's second leg
has: without them it is skipped. The processes never touch the test database or the leg's
queue: they use the database `<test database name>_serve` (made afresh, dropped after), and on
the broker's Redis server database 13 as their broker and 12 as their shared cache (REDIS_URL),
both emptied first (SERVE_TEST_BROKER_URL and SERVE_TEST_CACHE_URL choose others).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from ..browser.conftest import (  # noqa: F401 - fixtures used here
    CHROMIUM,
    _no_csp_violations,
    _short_timeouts,
    assert_accessible,
    axe_source,
    browser_type_launch_args,
)
from ..otp import code_from_secret

# Transactional like the other browser tests, though it uses its own database: pytest-playwright
# keeps the browser tests together, so one without a database among them would break
# pytest-django's order (the suite's conftest refuses that order).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(420),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-2026"  # noqa: S105 - the demo's default
FAMILY_MOBILE = "07700 900 321"
SERVE_BROKER_DB = 13
SERVE_CACHE_DB = 12

# Run in the served database after the release step: the demo's people and places, and an
# authenticator app for the two people who sign in (its key printed for the test's codes).
PREPARE = """
import json
from base64 import b32encode
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from earlyyears.models import User
from earlyyears.security import TOTP_DEVICE_NAME
call_command("demo_data", "--children", "40", "--settings-count", "4", verbosity=0)
keys = {}
for username in ("practitioner", "send.officer"):
    user = User.objects.get(username=username)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    keys[username] = b32encode(device.bin_key).decode()
print("KEYS " + json.dumps(keys))
"""


def _needs() -> str | None:
    """Why the journey cannot run here, or None."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "needs PostgreSQL in DATABASE_URL (CI's second leg)"
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        return "needs a Redis broker in CELERY_BROKER_URL (CI's second leg)"
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
        return "Chromium is not installed (apt-get install chromium)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_database() -> tuple[str, Callable[[], None]]:
    """A fresh database beside the test database; returns its URL and a function to drop it."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_serve"
    admin = psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )

    def drop() -> None:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    drop()
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(url)

    def drop_and_close() -> None:
        drop()
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop_and_close


def _serve_redis(variable: str, database: int) -> str:
    """A Redis database of the serve processes' own on the broker's server, emptied first."""
    import redis

    url = os.environ.get(variable) or urlunsplit(
        urlsplit(os.environ["CELERY_BROKER_URL"])._replace(path=f"/{database}")
    )
    redis.Redis.from_url(url).flushdb()
    return url


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _wait_until_ready(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/readyz/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"make serve's processes never became ready:\n{log.read_text()[-4000:]}")
        time.sleep(0.5)


def _stop(process: subprocess.Popen) -> None:
    """honcho passes SIGTERM to web, worker and beat; anything left is killed."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a straggler in the group


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`make serve`'s steps and processes, once for this module."""
    reason = _needs()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("serve")
    database_url, drop_database = _serve_database()
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "CELERY_", "LOG_", "SECURE_", "EARLYYEARS_", "REDIS_"))
        and key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PORT", "HOST"}
    }
    env.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=_serve_redis("SERVE_TEST_BROKER_URL", SERVE_BROKER_DB),
        REDIS_URL=_serve_redis("SERVE_TEST_CACHE_URL", SERVE_CACHE_DB),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="false",
        LOG_FORMAT="json",
        HOST="127.0.0.1",
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="1",
        CELERY_BEAT_SCHEDULE_FILE=str(folder / "celerybeat-schedule"),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    log = folder / "serve.log"
    process = None
    try:
        # make serve's two steps before the processes; collectstatic touches no database, so it
        # runs beside the release step here, to save a few seconds of CI.
        collecting = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _run(env, "release", "--verbosity", "0")
        collected, _ = collecting.communicate(timeout=300)
        assert collecting.returncode == 0, f"manage.py collectstatic:\n{collected}"
        printed = _run(env, "shell", "--no-imports", "-c", PREPARE)
        keys = json.loads(printed.split("KEYS ", 1)[1])
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 - honcho from the venv, our Procfile
                [str(BIN / "honcho"), "start", "--no-prefix", "--no-colour", "--port", str(port)]
                + ["web", "worker", "beat"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_ready(base_url, process, log)
        yield {"url": base_url, "keys": keys, "log": log}
    finally:
        if process is not None:
            _stop(process)
        drop_database()


def sign_in(page, served, username: str) -> None:
    page.goto(f"{served['url']}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code", exact=True).fill(code_from_secret(served["keys"][username]))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def fill_date(scope, legend: str, day: str, month: str, year: str) -> None:
    group = scope.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def continue_(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def raise_concern(page) -> tuple[str, str]:
    """The wizard, every step, for the first child listed; returns the child's name and the
    referral's reference."""
    page.get_by_role("link", name="Raise a concern about a child").click()
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the child")
    first = page.get_by_role("radio").first
    child_name = page.locator(f"label[for='{first.get_attribute('id')}']").inner_text()
    child_name = child_name.split(",")[0].strip()
    first.check()
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("The child's development")
    page.get_by_role("group", name="Communication and language: is there a concern?").get_by_label(
        "Significant"
    ).check()
    page.get_by_label("Communication and language: the age band").select_option("8-20")
    page.get_by_label("Communication and language: what have you seen?").fill(
        "Says about ten words and does not point to share interest."
    )
    page.get_by_role("group", name="Physical development: is there a concern?").get_by_label(
        "No concern"
    ).check()
    pse = "Personal, social and emotional development"
    page.get_by_role("group", name=f"{pse}: is there a concern?").get_by_label("No concern").check()
    page.get_by_role("group", name="Do you also have concerns").get_by_label("No").check()
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("What the setting has already tried")
    cycle = page.get_by_role("group", name="Cycle 1")
    fill_date(cycle, "Plan started", "6", "1", "2026")
    fill_date(cycle, "Plan reviewed", "6", "3", "2026")
    cycle.get_by_label("What was tried").fill("Small group language sessions twice a week")
    cycle.get_by_label("Outcome at review").select_option("some_progress")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Checks and screens")
    page.get_by_label("Yes: some concerns").check()
    fill_date(page, "Date of the progress check", "3", "2", "2026")
    page.get_by_label("Red: significant concerns").check()
    fill_date(page, "Date of the screen", "4", "2", "2026")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Health and family")
    page.get_by_role("group", name="Hearing check").get_by_label("Checked: no concerns").check()
    page.get_by_role("group", name="Vision check").get_by_label("Not known").check()
    page.get_by_role("group", name="Are there family circumstances").get_by_label("No").check()
    page.get_by_role("group", name="Is the family or setting asking").get_by_label("No").check()
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("The family's views and consent")
    page.get_by_label("What does the family say about their child?").fill(
        "Loves music; we worry about talking."
    )
    who = page.get_by_role("group", name="Who gave consent?")
    if who.count():  # a child with contacts: they are offered, and this is someone new
        who.get_by_label("Someone else").check()
    page.get_by_label("Name of the parent or carer who gave consent").fill("Sam Parent")
    page.get_by_label("Their relationship to the child").select_option("mother")
    fill_date(page, "Date consent was given", "20", "3", "2026")
    page.get_by_label("The Early Years SEND team").check()
    page.get_by_role("group", name="Would they like updates").get_by_label("Yes").check()
    page.get_by_label("Mobile number for text messages").fill(FAMILY_MOBILE)
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending the concern"
    )
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-panel__title")).to_be_visible()
    reference = re.search(r"[A-Z]+\d*-\d+", page.locator(".govuk-panel__body").inner_text())
    assert reference, page.locator(".govuk-panel__body").inner_text()
    return child_name, reference.group(0)


def _log_lines(log: Path) -> list[dict]:
    lines = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def test_a_concern_raised_on_make_serve_reaches_the_send_team(
    served,
    page,
    browser,
    assert_accessible,  # noqa: F811 - the fixture imported above
):
    sign_in(page, served, "practitioner")
    child_name, reference = raise_concern(page)
    assert_accessible(page)

    officer = browser.new_context()
    try:
        triage = officer.new_page()
        triage.set_default_timeout(8000)
        sign_in(triage, served, "send.officer")
        triage.goto(f"{served['url']}/triage/")
        expect(triage.get_by_role("heading", level=1)).to_have_text("Triage queue")
        expect(triage.get_by_role("link", name=reference)).to_be_visible()
        assert_accessible(triage)
        triage.get_by_role("link", name=reference).click()
        expect(triage.get_by_role("heading", level=1)).to_have_text(f"Referral {reference}")
        expect(triage.get_by_role("main")).to_contain_text(child_name)
        assert_accessible(triage)
    finally:
        officer.close()

    # The worker sent the family's text (SMS to the log: no Twilio here), in a task.
    deadline = time.monotonic() + 30
    while True:
        sent = [
            line
            for line in _log_lines(served["log"])
            if line["logger"] == "earlyyears.sms" and line.get("task_id")
        ]
        if sent or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert sent, served["log"].read_text()[-4000:]
    requests = [
        line for line in _log_lines(served["log"]) if line["logger"] == "earlyyears.requests"
    ]
    assert any(line.get("user_role") == "send_officer" for line in requests)
    text = served["log"].read_text()
    for detail in (child_name, FAMILY_MOBILE, FAMILY_MOBILE.replace(" ", ""), "+447700900321"):
        assert detail.lower() not in text.lower(), f"{detail} is in the served processes' log"
