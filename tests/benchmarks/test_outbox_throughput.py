"""Benchmark: messages per second through the outbox, a real Celery worker (a subprocess) and
the real Twilio SDK, to a local fake Twilio.

Runs where a broker is configured (CELERY_BROKER_URL, like the worker tests) or BENCH_BROKER_URL
is set, on PostgreSQL (the worker is another process and must share the test database). The
broker is BENCH_BROKER_URL, or by default a redis-server of its own on a free local port.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyyears \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 DJANGO_ALLOW_ASYNC_UNSAFE=true \\
    .venv/bin/pytest -o addopts="-p no:cacheprovider" -s tests/benchmarks/test_outbox_throughput.py

BENCH_OUTBOX_MESSAGES (2000), BENCH_WORKER_POOL (threads), BENCH_WORKER_CONCURRENCY (8) and
BENCH_TWILIO_LATENCY (seconds per create at the fake, 0) change the run; BENCH_SCALE=tiny makes
it 50 messages on 2 threads.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from django.db import connection

from earlyyears.models import OutboxMessage
from tests.earlyyears.messaging.fake_twilio import fake_twilio  # noqa: F401 - the fixture
from tests.earlyyears.messaging.outbox_load import (
    RedisServer,
    WorkerProcess,
    celery_on,
    family_contacts,
    queue_many,
    reference_in,
    settled,
    worker_env,
)

from . import size

COUNT = size("BENCH_OUTBOX_MESSAGES", 2000, tiny=50)
POOL = os.environ.get("BENCH_WORKER_POOL", "threads")
CONCURRENCY = size("BENCH_WORKER_CONCURRENCY", 8, tiny=2)
LATENCY = float(os.environ.get("BENCH_TWILIO_LATENCY", "0"))
Status = OutboxMessage.Status


@pytest.fixture
def broker_url(settings):
    given = os.environ.get("BENCH_BROKER_URL", "")
    if settings.CELERY_TASK_ALWAYS_EAGER and not given:
        pytest.skip("no broker configured: set CELERY_BROKER_URL or BENCH_BROKER_URL")
    if given:
        yield given
        return
    server = RedisServer()
    try:
        yield server.start().url(0)
    finally:
        server.close()


def wait_until_sent(prefix: str, count: int, seconds: float) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        counts = settled(prefix)
        if counts.get(Status.SENT, 0) == count:
            return counts
        time.sleep(0.1)
    return settled(prefix)


@pytest.mark.django_db(transaction=True)
def test_outbox_throughput(
    broker_url,
    fake_twilio,  # noqa: F811
    settings,
    tmp_path,
    capsys,
    bench_table,
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess shares the test database: run on PostgreSQL")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.TWILIO_TIMEOUT_SECONDS = 10
    fake_twilio.latency = LATENCY
    warm_up = family_contacts(20, first_number=900000)
    contacts = family_contacts(COUNT)
    env = worker_env(fake_twilio, broker_url, claim_timeout=300)
    env["TWILIO_TIMEOUT_SECONDS"] = "10"
    with celery_on(broker_url, None):
        worker = WorkerProcess(env, tmp_path / "worker.log", pool=POOL, concurrency=CONCURRENCY)
        try:
            queue_many(warm_up, "WARM")  # the worker is up and connected before timing
            assert wait_until_sent("WARM", 20, 60) == {Status.SENT: 20}, worker.tail()

            started = time.perf_counter()
            references = queue_many(contacts, "BENCH")  # one transaction; enqueued on commit
            enqueued = time.perf_counter() - started
            final = wait_until_sent("BENCH", COUNT, 600)
            elapsed = time.perf_counter() - started
        finally:
            worker.stop()
    assert final == {Status.SENT: COUNT}, worker.tail()
    received = Counter(reference_in(body, "BENCH") for body in fake_twilio.bodies())
    received.pop(None, None)
    assert set(received) == set(references.values()) and max(received.values()) == 1
    with capsys.disabled():
        print(
            f"\noutbox: {COUNT} messages in {elapsed:.1f} s = {COUNT / elapsed:.1f} messages per "
            f"second (worker pool={POOL}, concurrency={CONCURRENCY}; queueing and enqueueing "
            f"took {enqueued:.1f} s; fake Twilio latency {LATENCY * 1000:.0f} ms)"
        )
    bench_table.add(
        f"outbox: messages sent per second ({COUNT} messages, fake Twilio at "
        f"{LATENCY * 1000:.0f} ms)",
        COUNT / elapsed,
        unit="per second",
    )
