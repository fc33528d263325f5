"""Two web processes behind one address share nothing but the database, Redis and the object
store (issue 17): work started on one is finished on the other.

Once for this module: collectstatic, then two gunicorn processes (one worker each, DEBUG off, a
real secret key) on two ports, against the test database (these tests are transactional, so
the processes see what the test writes and the test sees what they write), a Redis cache of
their own and a fresh pair of buckets in the S3 emulator (moto's server mode). A browser would
reach either through a load balancer; here one cookie jar talks to both, as it would.

- A concern draft is started on one and continued, checked and sent on the other.
- An observation's photo is uploaded to one and downloaded from the other (and refused there to
  another setting's practitioner); the file is in the private bucket, encrypted.
- An import file is previewed on one and applied on the other.

It needs PostgreSQL (DATABASE_URL), Redis (REDIS_URL or a Redis CELERY_BROKER_URL: its server's
database 8, emptied first, or TWO_PROCESS_TEST_CACHE_URL) and moto, as CI's second leg has;
otherwise it is skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from earlyyears.models import Role, Setting
from pathway.models import ConcernDraft, Observation, Referral
from tests.factories import AreaFactory, UserFactory
from tests.otp import VerifiedClient
from tests.pathway.wizard_helpers import (
    CHECKS,
    CHILD_NEW,
    DEVELOPMENT,
    FAMILY,
    HEALTH_FAMILY,
    SUPPORT,
)

from .storage_emulator import moto_or_skip, new_store, object_store_environment

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET_KEY = secrets.token_urlsafe(50)  # the two processes' and the test's sessions
CACHE_DB = 8
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _needs() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "needs PostgreSQL in DATABASE_URL (CI's second leg)"
    if not _cache_url():
        return "needs Redis: REDIS_URL or a Redis CELERY_BROKER_URL (CI's second leg)"
    return None


def _cache_url() -> str | None:
    if os.environ.get("TWO_PROCESS_TEST_CACHE_URL"):
        return os.environ["TWO_PROCESS_TEST_CACHE_URL"]
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = os.environ.get(name, "")
        if url.startswith("redis://"):
            return urlunsplit(urlsplit(url)._replace(path=f"/{CACHE_DB}"))
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    """The test database (pytest-django's), which these transactional tests commit to."""
    name = connection.settings_dict["NAME"]
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 90
    while True:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/healthz/", timeout=5).status_code == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"a web process never came up:\n{log.read_text()[-4000:]}")
        time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorn processes on two ports, once for the module."""
    reason = _needs()
    if reason:
        pytest.skip(reason)
    moto_or_skip()
    import redis

    cache_url = _cache_url()
    redis.Redis.from_url(cache_url).flushdb()
    store = new_store()
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    folder = tmp_path_factory.mktemp("two")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "CELERY_", "LOG_", "SECURE_", "EARLYYEARS_", "AWS_"))
        and key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PORT", "HOST"}
        and key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"}
    }
    env.update(
        object_store_environment(store),
        DATABASE_URL=database_url,
        CONN_MAX_AGE="0",  # nothing held open when the test empties the tables
        REDIS_URL=cache_url,
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        # Each process's own disk: were a file kept there, the other could not find it.
        PRIVATE_MEDIA_ROOT=str(folder / "disk-of-no-one"),
    )
    collected = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr
    processes, urls = [], []
    try:
        for name in ("one", "two"):
            port = _free_port()
            log = folder / f"{name}.log"
            with log.open("w") as out:
                processes.append(
                    subprocess.Popen(  # noqa: S603 - the venv's gunicorn, our settings
                        [str(BIN / "gunicorn")],
                        cwd=ROOT,
                        env={**env, "PORT": str(port), "MEDIA_ROOT": str(folder / name)},
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            urls.append((f"http://127.0.0.1:{port}", log))
        for process, (url, log) in zip(processes, urls, strict=True):
            _wait_until_up(url, process, log)
        yield {"one": urls[0][0], "two": urls[1][0], "store": store}
    finally:
        for process in processes:
            _stop(process)


class Browser:
    """One person's cookie jar, signed in through both steps (a session in the shared
    database, as the sign-in pages leave it), talking to either process."""

    def __init__(self, user):
        import requests

        client = VerifiedClient()
        client.force_login(user)
        self.http = requests.Session()
        for cookie in client.cookies.values():
            self.http.cookies.set(cookie.key, cookie.value, domain="127.0.0.1")

    def get(self, url: str, **kwargs):
        return self.http.get(url, allow_redirects=False, timeout=30, **kwargs)

    def post(self, url: str, data: dict, files=None):
        token = self.http.cookies.get("csrftoken")
        if token is None:
            self.get(url)  # a page with a form sets the CSRF cookie
            token = self.http.cookies.get("csrftoken")
        assert token, "no CSRF cookie"
        return self.http.post(
            url,
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            allow_redirects=False,
            timeout=30,
        )


@pytest.fixture
def shared_key(settings):
    """Sessions made here are read by the processes: the same secret key signs them."""
    settings.SECRET_KEY = SECRET_KEY


def _step_fields(draft_id: int, step: str, fields: dict) -> dict:
    data = {f"concern_{draft_id}-current_step": step}
    for name, value in fields.items():
        data[f"{step}-{name}"] = value
    return data


def test_a_concern_draft_started_on_one_process_is_sent_from_the_other(servers, shared_key, world):
    one, two = servers["one"], servers["two"]
    browser = Browser(world.practitioner_a)
    assert browser.get(f"{one}/").status_code == 200

    started = browser.post(f"{one}{reverse('start-concern')}", {})
    assert started.status_code == 302, started.text[:500]
    draft = ConcernDraft.objects.get(owner=world.practitioner_a)
    step_url = reverse("concern-step", kwargs={"draft_id": draft.pk, "step": "child"})
    assert started.headers["Location"] == step_url
    assert browser.get(f"{one}{step_url}").status_code == 200
    response = browser.post(f"{one}{step_url}", _step_fields(draft.pk, "child", CHILD_NEW))
    assert response.status_code == 302, response.text[-1500:]

    # The same draft, carried on by the other process.
    for step, fields in (
        ("development", DEVELOPMENT),
        ("support", SUPPORT),
        ("checks", CHECKS),
        ("health_family", HEALTH_FAMILY),
        ("family", FAMILY),
    ):
        url = reverse("concern-step", kwargs={"draft_id": draft.pk, "step": step})
        response = browser.post(f"{two}{url}", _step_fields(draft.pk, step, fields))
        assert response.status_code == 302, (step, response.text[-1500:])
    check_url = reverse("concern-step", kwargs={"draft_id": draft.pk, "step": "check"})
    check = browser.get(f"{two}{check_url}")
    assert check.status_code == 200 and "Zara" in check.text
    sent = browser.post(f"{two}{check_url}", _step_fields(draft.pk, "check", {}))
    assert sent.status_code == 302, sent.text[-1500:]
    referral = Referral.objects.get()
    assert referral.child.first_name == "Zara"
    assert sent.headers["Location"] == reverse("referral-confirmation", args=[referral.pk])


def test_a_photo_uploaded_to_one_process_is_downloaded_from_the_other(servers, shared_key, world):
    one, two, store = servers["one"], servers["two"], servers["store"]
    browser = Browser(world.practitioner_a)
    add = f"{one}{reverse('add-observation', args=[world.child_a.pk])}"
    assert browser.get(add).status_code == 200
    form = {
        "eyfs_area": "communication_language",
        "observed_on_day": "1",
        "observed_on_month": "3",
        "observed_on_year": "2026",
        "what_was_seen": "Pointed at the ball",
    }
    uploaded = browser.post(add, form, files={"attachment": ("photo.png", PNG, "image/png")})
    assert uploaded.status_code == 302, uploaded.text[-1500:]
    observation = Observation.objects.get(child=world.child_a)

    key = store.private_key(observation.attachment.name)
    head = store.client.head_object(Bucket=store.private_bucket, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert store.anonymous_get(store.private_bucket, key) == 403

    download = f"{two}{reverse('observation-attachment', args=[observation.pk])}"
    response = browser.get(download)
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["Cache-Control"] == "private, no-store"
    other = Browser(world.practitioner_b)
    assert other.get(download).status_code == 404


def test_an_import_previewed_on_one_process_is_applied_on_the_other(servers, shared_key, db):
    one, two = servers["one"], servers["two"]
    county = AreaFactory(code="C01", name="Westmoor", kind="county", parent=None)
    AreaFactory(code="W01", name="Abbey", kind="ward", parent=county)
    officer = UserFactory(role=Role.ADMIN, username="data.officer", is_staff=True)
    officer.groups.add(Group.objects.get(name="Data officers"))
    browser = Browser(officer)
    upload_url = f"{one}{reverse('admin:earlyyears_setting_import')}"
    assert browser.get(upload_url).status_code == 200
    content = (
        b"URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code,Ofsted grade\r\n"
        b"EY765432,Willow Tree Nursery,Day nursery,1 High Street,Westmoor,WM1 1AA,W01,\r\n"
    )
    previewed = browser.post(upload_url, {}, files={"file": ("register.csv", content, "text/csv")})
    assert previewed.status_code == 302, previewed.text[-1500:]
    job_path = urlsplit(previewed.headers["Location"]).path
    assert re.search(r"/import/\d+/$", job_path)
    assert not Setting.objects.filter(urn="EY765432").exists()

    preview = browser.get(f"{two}{job_path}")
    assert preview.status_code == 200
    assert "Checked 1 row. Nothing has been saved yet." in preview.text
    assert '<th scope="row">New records</th><td>1</td>' in preview.text
    applied = browser.post(f"{two}{job_path}", {"mode": "valid_rows"})
    assert applied.status_code == 302, applied.text[-1500:]
    assert Setting.objects.filter(urn="EY765432", name="Willow Tree Nursery").exists()
    assert "Imported. 1 new" in browser.get(f"{one}{job_path}").text
