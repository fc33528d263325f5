"""Benchmark: the concern wizard under 20 concurrent users on PostgreSQL, beside a bare view
doing one INSERT on the same stack (gunicorn + Django + PostgreSQL). Run with `make bench`.

Prints p50/p95 per step (the POST and the GET it redirects to) and per request, and two
ceilings measured in the same run by the same users: the bare view (one INSERT, no session) and
the signed-in view (the same middleware, session, two-step check and audit write as the wizard,
rendering a one-field GOV.UK form; `bench_urls.py`). Each user signs
in through both steps, as staff do: the password, then the code their authenticator app shows
(a confirmed TOTP device made for them with a key known to the benchmark).

BENCH_USERS (20), BENCH_SUBMISSIONS (5 each) and BENCH_WORKERS (4 gunicorn workers) change the
run; BENCH_CACHE_URL (`make bench`: a Redis database) gives the server the shared cache it has
when deployed; BENCH_SCALE=tiny (`make bench-smoke`) makes it 2 users x 1 concern on 1 worker.

The server's database (BENCH_DATABASE_URL) is made afresh each run: under `make bench` a copy of
the benchmark template (10x county scale, pathway/benchdata.py), so each submission lands among
1,000,000 referrals and 400,000 children, dropped afterwards; otherwise migrated and filled with
the demo data.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
import requests
from django_otp.oath import TOTP

from . import TEMPLATE, size

ROOT = Path(__file__).resolve().parents[2]
USERS = size("BENCH_USERS", 20, tiny=2)
SUBMISSIONS_EACH = size("BENCH_SUBMISSIONS", 5, tiny=1)
WORKERS = size("BENCH_WORKERS", 4, tiny=1)
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earlyyears_bench"
)
# The shared cache (Redis) the server uses, as deployed; without it each gunicorn process keeps
# a cache of its own (the embedded default).
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "")
PASSWORD = "bench-password-2026"
CHILD_NUMBERS = itertools.count(1)  # next() on a count is atomic under the GIL


def _device_key(n: int) -> str:
    """The hex key of bench user n's authenticator app (benchmark data, not a secret)."""
    return f"{n:04d}".encode().hex() * 5  # 20 bytes, as django-otp's own keys


SETUP = f"""
from earlyyears.models import Role, Setting, SettingMembership, User
from earlyyears.security import TOTP_DEVICE_NAME
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice
hashed = make_password({PASSWORD!r})
keys = {[_device_key(n) for n in range(USERS)]!r}
for n, setting in enumerate(Setting.objects.order_by("urn")[:{USERS}]):
    user, _ = User.objects.update_or_create(
        username=f"bench{{n}}", defaults={{"role": Role.PRACTITIONER, "password": hashed}}
    )
    SettingMembership.objects.get_or_create(user=user, setting=setting)
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=keys[n], confirmed=True)
"""

STEPS = {
    "child": {
        "child": "new",
        "first_name": "Bench",
        "last_name": "Child",
        "date_of_birth_day": "10",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2024",
        "postcode": "WM3 7QT",
    },
    "development": {
        "communication_language_level": "significant",
        "communication_language_age_band": "8-20",
        "communication_language_evidence": "Uses about 10 words.",
        "physical_level": "none",
        "personal_social_emotional_level": "emerging",
        "personal_social_emotional_evidence": "Plays alone.",
        "specific_concerns": "no",
    },
    "support": {
        "TOTAL_FORMS": "3",
        "INITIAL_FORMS": "0",
        "MIN_NUM_FORMS": "0",
        "MAX_NUM_FORMS": "6",
        "0-tried": "Small group sessions",
        "0-started_on_day": "6",
        "0-started_on_month": "1",
        "0-started_on_year": "2026",
        "0-reviewed_on_day": "6",
        "0-reviewed_on_month": "3",
        "0-reviewed_on_year": "2026",
        "0-outcome": "some_progress",
    },
    "checks": {"progress_check": "not_done", "wellcomm_result": "not_done"},
    "health_family": {
        "hearing": "clear",
        "vision": "clear",
        "family_circumstances": "no",
        "ehc_assessment_requested": "no",
    },
    "family": {
        "family_views": "Loves music.",
        "consent_given_by": "Parent Bench",
        "relationship": "mother",
        "consent_given_on_day": "20",
        "consent_given_on_month": "3",
        "consent_given_on_year": "2026",
        "share_with": "send_team",
        "sms_consent": "no",
        "preferred_language": "en",
    },
    "check": {},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def server():
    if not DATABASE_URL.startswith("postgres"):
        pytest.skip("the wizard benchmark runs on PostgreSQL (BENCH_DATABASE_URL)")
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "earlyyears.settings",
    }
    env.pop("CELERY_BROKER_URL", None)
    if CACHE_URL:
        # As deployed: one Redis cache shared by every web process, emptied for each run.
        import redis

        redis.Redis.from_url(CACHE_URL).flushdb()
        env["REDIS_URL"] = CACHE_URL
    else:
        env.pop("REDIS_URL", None)
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    name = DATABASE_URL.rsplit("/", 1)[1]
    import psycopg

    if TEMPLATE:
        from pathway import benchtemplate

        benchtemplate.clone(TEMPLATE, name)
    else:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        _manage("migrate", "--no-input", env=env)
        _manage("demo_data", env=env)
    _manage("shell", "--no-imports", "-c", SETUP, env=env)
    port = _free_port()
    env["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.bench_settings"
    # gunicorn refuses the embedded development key (earlyyears.serving); a key for this run.
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    workers = str(WORKERS)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            workers,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "earlyyears.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with status {process.returncode}")
            try:
                if requests.get(f"{base}/healthz/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        if TEMPLATE:
            from pathway import benchtemplate

            benchtemplate.drop(name)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def _code(n: int) -> str:
    """The 6-digit code bench user n's app shows now (each user signs in once a run)."""
    totp = TOTP(bytes.fromhex(_device_key(n)))
    return f"{totp.token():06d}"


def _sign_in(base: str, n: int) -> requests.Session:
    """Both steps: the password, then the code (the page the password leads to)."""
    session = requests.Session()
    session.get(f"{base}/sign-in/", timeout=30)
    response = session.post(
        f"{base}/sign-in/",
        data={
            "username": f"bench{n}",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/sign-in/"},
        timeout=30,
    )
    assert "/sign-in/code/" in response.url, (response.url, response.text[:300])
    response = session.post(
        response.url,
        data={"code": _code(n), "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": response.url},
        timeout=30,
    )
    assert "Hello" in response.text, response.text[:300]
    return session


def _timed(timings, requests_, key, call):
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    timings[key].append(elapsed)
    requests_.append(elapsed)
    return response, elapsed


def _walk(
    base: str,
    session: requests.Session,
    timings: dict[str, list[float]],
    requests_: list[float],
) -> None:
    """One concern, each step timed as the POST and the GET it redirects to (and each of those
    requests on its own, in `requests_`)."""
    token = session.cookies["csrftoken"]
    headers = {"Referer": base + "/"}
    response, _ = _timed(
        timings,
        requests_,
        "start (POST)",
        lambda: session.post(
            f"{base}/concerns/new/",
            data={"csrfmiddlewaretoken": token},
            headers=headers,
            timeout=60,
            allow_redirects=False,
        ),
    )
    location = response.headers["Location"]
    draft_id = re.search(r"/concerns/([0-9a-f-]{36})/child/", location).group(1)
    _timed(timings, requests_, "child (GET)", lambda: session.get(base + location, timeout=60))
    for step, fields in STEPS.items():
        if step == "child":  # a new child each time, or duplicate detection (rightly) stops us
            fields = {**fields, "first_name": f"Bench{next(CHILD_NUMBERS)}"}
        data = {f"{step}-{k}": v for k, v in fields.items()}
        data[f"concern_{draft_id}-current_step"] = step
        data["csrfmiddlewaretoken"] = token
        response, post_time = _timed(
            timings,
            requests_,
            "POST",
            lambda step=step, data=data: session.post(
                f"{base}/concerns/{draft_id}/{step}/",
                data=data,
                headers=headers,
                timeout=60,
                allow_redirects=False,
            ),
        )
        assert response.status_code == 302, (step, response.status_code, response.text[:500])
        location = response.headers["Location"]
        response, get_time = _timed(
            timings,
            requests_,
            "GET",
            lambda location=location: session.get(base + location, timeout=60),
        )
        timings[step].append(post_time + get_time)
        timings[f"  {step} POST"].append(post_time)
        timings[f"  {step} GET"].append(get_time)
        timings["any step"].append(post_time + get_time)
        assert response.status_code == 200 and "There is a problem" not in response.text, (
            step,
            response.text[:500],
        )
    assert "Sent to the Early Years SEND team" in response.text


def _run(sessions, work) -> float:
    errors: list[BaseException] = []

    def user(session):
        try:
            work(session)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
    return time.perf_counter() - started


def test_wizard_under_concurrent_users(server, capsys, bench_table):
    sessions = [_sign_in(server, n) for n in range(USERS)]
    timings: dict[str, list[float]] = defaultdict(list)
    wizard_requests: list[float] = []
    lock = threading.Lock()

    def wizard_user(session):
        mine: dict[str, list[float]] = defaultdict(list)
        requests_: list[float] = []
        for _ in range(SUBMISSIONS_EACH):
            _walk(server, session, mine, requests_)
        with lock:
            for key, values in mine.items():
                timings[key].extend(values)
            wizard_requests.extend(requests_)

    wizard_elapsed = _run(sessions, wizard_user)
    submissions = USERS * SUBMISSIONS_EACH
    per_user = len(wizard_requests) // USERS

    # The bare ceiling: one INSERT, no session, as many requests as the wizard made.
    bare: list[float] = []

    def insert_user(_session):
        client = requests.Session()
        mine = []
        for _ in range(per_user):
            t0 = time.perf_counter()
            assert client.post(f"{server}/bench/insert/", timeout=60).status_code == 200
            mine.append(time.perf_counter() - t0)
        with lock:
            bare.extend(mine)

    bare_elapsed = _run(sessions, insert_user)

    # The signed-in ceiling: the same signed-in sessions, a one-field GOV.UK form behind the
    # same middleware, two-step check and audit write; POST then GET, as a wizard step.
    signed_in: list[float] = []

    def form_user(session):
        mine = []
        token = session.cookies["csrftoken"]
        url = f"{server}/bench/signed-in/"
        for n in range(per_user):
            t0 = time.perf_counter()
            if n % 2:
                response = session.get(url, timeout=60)
            else:
                response = session.post(
                    url,
                    data={"answer": "yes", "csrfmiddlewaretoken": token},
                    headers={"Referer": server + "/"},
                    timeout=60,
                )
            mine.append(time.perf_counter() - t0)
            assert response.status_code == 200 and 'name="answer"' in response.text, (
                response.status_code,
                response.url,
            )
        with lock:
            signed_in.extend(mine)

    signed_in_elapsed = _run(sessions, form_user)

    def p50(values):
        return statistics.median(values) * 1000

    def p95(values):
        return _percentile(values, 95) * 1000

    steps = timings["any step"]
    with capsys.disabled():
        print(
            f"\nWizard: {USERS} concurrent users x {SUBMISSIONS_EACH} concerns on PostgreSQL, "
            f"{WORKERS} gunicorn sync workers"
        )
        print(f"{'what':<28}{'p50 ms':>10}{'p95 ms':>10}{'n':>6}")
        for key, values in timings.items():
            print(f"{key:<28}{p50(values):>10.1f}{p95(values):>10.1f}{len(values):>6}")
        rows = [
            ("wizard request (any)", wizard_requests, wizard_elapsed),
            ("bare ceiling (1 INSERT)", bare, bare_elapsed),
            ("signed-in ceiling (form)", signed_in, signed_in_elapsed),
        ]
        for label, values, elapsed in rows:
            print(
                f"{label:<28}{p50(values):>10.1f}{p95(values):>10.1f}{len(values):>6}"
                f"   {len(values) / elapsed:.1f} requests/s"
            )
        print(
            f"submissions: {submissions} in {wizard_elapsed:.1f} s = "
            f"{submissions / wizard_elapsed:.2f} per second"
        )
        print(f"ratio: wizard step p95 / bare p95 = {p95(steps) / p95(bare):.1f}x (target <= 5x)")
        print(
            f"ratio: wizard request p95 / signed-in p95 = "
            f"{p95(wizard_requests) / p95(signed_in):.1f}x (target <= 2x); "
            f"/ bare p95 = {p95(wizard_requests) / p95(bare):.1f}x"
        )
    bench_table.add(
        f"wizard step (POST + GET) p95, {USERS} users",
        p95(steps),
        ceiling=p95(bare),
        ceiling_name="bare",
        target="<= 5x the bare ceiling",
        met=p95(steps) <= 5 * p95(bare),
    )
    bench_table.add(
        f"wizard request p95, {USERS} users",
        p95(wizard_requests),
        ceiling=p95(signed_in),
        ceiling_name="signed-in",
        target="<= 2x the signed-in ceiling",
        met=p95(wizard_requests) <= 2 * p95(signed_in),
    )
