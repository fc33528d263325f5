"""Shared by the worker tests and the outbox benchmark: a private redis-server, pointing Celery
at it, a real worker in a subprocess, and many messages queued at once."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import redis
from django.db import connection, transaction

from earlyyears.celery import app
from earlyyears.models import FamilyContact, OutboxMessage
from tests.factories import ChildFactory

from .helpers import queue_family_sms

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """Our own redis-server on 127.0.0.1 (no persistence), to stop and start at will without
    touching the machine's Redis."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="outbox-redis-")
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _reset_celery_connections() -> None:
    """Forget pooled broker connections and the result backend, so the next use connects to
    whatever the configuration says now."""
    # Drop references only: kombu keeps pools per broker URL for the whole process, and closing
    # one here would leave a closed pool behind for the next test that uses that broker.
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None  # the result backend: rebuilt from the configuration on next use
    with contextlib.suppress(AttributeError):
        del app._local.backend


@contextlib.contextmanager
def celery_on(broker_url: str, result_backend: str | None) -> Iterator[None]:
    """Point the Celery app at another broker for a while. Celery reads CELERY_BROKER_URL and
    CELERY_RESULT_BACKEND from the environment before its configuration, so both change."""
    saved_env = {k: os.environ.get(k) for k in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    saved_conf = {k: app.conf.get(k) for k in ("broker_url", "result_backend", "task_always_eager")}
    os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ.pop("CELERY_RESULT_BACKEND", None)
    if result_backend:
        os.environ["CELERY_RESULT_BACKEND"] = result_backend
    app.conf.broker_url = broker_url
    app.conf.result_backend = result_backend
    app.conf.task_always_eager = False
    _reset_celery_connections()
    try:
        yield
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for key, value in saved_conf.items():
            app.conf[key] = value
        _reset_celery_connections()


def subprocess_database_url() -> str:
    """The URL of the database the tests run on (the test database pytest-django made)."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        credentials += ":" + quote(s["PASSWORD"])
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{s['NAME']}"


def worker_env(fake, broker_url: str, claim_timeout: int = 2) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "earlyyears.settings",
        "DATABASE_URL": subprocess_database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url,
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_FROM_NUMBER": "+447700900000",
        "TWILIO_API_BASE_URL": fake.url,
        "TWILIO_TIMEOUT_SECONDS": "5",
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": str(claim_timeout),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    for name in (
        "CELERY_RESULT_BACKEND",
        "CELERY_BROKER_READ_URL",
        "CELERY_BROKER_WRITE_URL",
        "TWILIO_MESSAGING_SERVICE_SID",
        "TWILIO_WEBHOOK_BASE_URL",
        "EARLYYEARS_TESTING",
    ):
        env.pop(name, None)
    return env


class WorkerProcess:
    """`celery -A earlyyears worker` as a real subprocess."""

    def __init__(self, env: dict[str, str], log: Path, pool: str = "threads", concurrency: int = 4):
        self.pool = pool
        self.concurrency = concurrency
        self.log = log
        self._log_file = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "earlyyears",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"outbox-test-{os.getpid()}-{time.monotonic_ns()}@127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill_hard(self) -> None:
        """kill -9: no warm shutdown, no acknowledgements, no clean-up."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def family_contacts(count: int, first_number: int = 0) -> list[FamilyContact]:
    """`count` consenting contacts with distinct mobile numbers, on one child."""
    child = ChildFactory()
    return FamilyContact.objects.bulk_create(
        FamilyContact(
            child=child,
            name=f"Parent {n}",
            relationship=FamilyContact.Relationship.PARENT,
            mobile_phone=f"+447700{first_number + n:06d}",
            sms_consent=True,
            is_primary=True,
        )
        for n in range(count)
    )


def queue_many(contacts: list[FamilyContact], prefix: str) -> dict[str, str]:
    """One SMS per contact in ONE transaction (each enqueued on commit). Returns each message's
    reference by idempotency key."""
    references = {}
    with transaction.atomic():
        for n, contact in enumerate(contacts):
            reference = f"{prefix}-{n:05d}"
            message = queue_family_sms(contact, reference, key=f"{prefix}:{n}")
            references[message.idempotency_key] = reference
    return references


def settled(prefix: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in OutboxMessage.objects.filter(
        idempotency_key__startswith=f"{prefix}:"
    ).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def reference_in(body: str, prefix: str) -> str | None:
    found = re.search(rf"{re.escape(prefix)}-\d{{5}}", body)
    return found.group(0) if found else None
