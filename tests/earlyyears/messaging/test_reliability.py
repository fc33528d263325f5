"""With a real broker and real workers: a broker outage and a worker killed mid-batch lose no
message and send none twice. Skipped on the embedded default (Celery eager, no broker); CI's
second leg (PostgreSQL and Redis) runs them.

Each test runs its own redis-server on a free local port, so it can stop and start the broker
without touching the machine's Redis.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from earlyyears.celery import app
from earlyyears.messaging.services import sweep
from earlyyears.models import OutboxMessage

from .outbox_load import (
    RedisServer,
    WorkerProcess,
    celery_on,
    family_contacts,
    queue_many,
    reference_in,
    settled,
    worker_env,
)

# Transactional (the worker is another thread or process and must see committed rows), without
# serialized_rollback: each test builds the contacts it sends to, and tests/conftest.py seeds the
# message templates again before every transactional test.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def needs_a_broker(settings):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no broker configured (embedded default): set CELERY_BROKER_URL")


@pytest.fixture
def redis_server():
    server = RedisServer()
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture
def outbox_worker_settings(settings, fake_twilio):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.TWILIO_TIMEOUT_SECONDS = 5  # a loaded machine must not look like a Twilio outage
    settings.TWILIO_WEBHOOK_BASE_URL = ""
    fake_twilio.hang_seconds = 6
    return settings


def assert_each_sent_exactly_once(fake_twilio, references: dict[str, str], prefix: str) -> None:
    received = Counter(reference_in(body, prefix) for body in fake_twilio.bodies())
    twice = {ref: n for ref, n in received.items() if n > 1}
    assert not twice, f"sent more than once: {sorted(twice.items())[:10]}"
    missing = set(references.values()) - set(received)
    assert not missing, f"never sent: {sorted(missing)[:10]}"
    assert set(received) == set(references.values())
    sids = {reference_in(m["body"], prefix): m["sid"] for m in fake_twilio.accepted}
    rows = OutboxMessage.objects.filter(idempotency_key__in=references)
    assert rows.count() == len(references)
    for key, status, provider_id in rows.values_list("idempotency_key", "status", "provider_id"):
        assert status == Status.SENT, (key, status)
        assert provider_id == sids[references[key]], key


def test_broker_outage_loses_nothing_and_sends_everything_once(
    outbox_worker_settings, fake_twilio, redis_server
):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-process worker's threads cannot see an in-memory SQLite test database")
    count = 1000
    contacts = family_contacts(count)
    # A Redis result backend on the same (stopped) Redis, as CI configures it.
    with celery_on(redis_server.url(0), redis_server.url(1)):
        redis_server.stop()  # the broker goes down

        started = time.monotonic()
        references = queue_many(contacts, "OUT")  # the enqueue after commit fails: no error
        commit_seconds = time.monotonic() - started
        assert settled("OUT") == {Status.PENDING: count}
        assert fake_twilio.requests == []

        redis_server.start()  # the broker is back, with nothing in it
        # Time passes: the sweep re-queues messages pending for more than 30 seconds.
        OutboxMessage.objects.filter(idempotency_key__startswith="OUT:").update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=31)
        )
        sweeps = 0
        with start_worker(
            app,
            pool="threads",
            concurrency=8,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ):
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                sweep()  # as beat would, every minute
                sweeps += 1
                time.sleep(2)
                if settled("OUT") == {Status.SENT: count}:
                    break
            final = settled("OUT")
        connection.close()
    print(
        f"\nbroker outage: {count} queued in {commit_seconds:.1f} s with the broker down; "
        f"all sent after {sweeps} sweeps; final {final}"
    )
    assert final == {Status.SENT: count}
    assert_each_sent_exactly_once(fake_twilio, references, "OUT")


def test_worker_killed_mid_batch_loses_nothing_and_sends_everything_once(
    outbox_worker_settings, fake_twilio, redis_server, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("a worker subprocess needs a database it can share: PostgreSQL")
    outbox_worker_settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 2
    count = 300
    fake_twilio.latency = 0.03  # each create takes a moment, so a kill lands mid-send
    contacts = family_contacts(count)
    env = worker_env(fake_twilio, redis_server.url(0), claim_timeout=2)
    workers: list[WorkerProcess] = []
    with celery_on(redis_server.url(0), None):
        try:
            references = queue_many(contacts, "KILL")  # 300 tasks now wait in Redis
            first = WorkerProcess(env, tmp_path / "worker-1.log", concurrency=4)
            workers.append(first)
            assert fake_twilio.wait_for(60, seconds=60), first.tail()
            in_flight = settled("KILL").get(Status.SENDING, 0)
            first.kill_hard()
            accepted_at_kill = len(fake_twilio.accepted)
            time.sleep(0.3)  # the fake finishes requests the dead worker had already made
            assert accepted_at_kill < count, "the kill came too late to test anything"

            second = WorkerProcess(env, tmp_path / "worker-2.log", concurrency=4)
            workers.append(second)
            sweeps = 0
            deadline = time.monotonic() + 100
            while time.monotonic() < deadline:
                time.sleep(2)
                sweep()  # as beat would
                sweeps += 1
                if settled("KILL") == {Status.SENT: count}:
                    break
            final = settled("KILL")
        finally:
            for worker in workers:
                worker.stop()
    print(
        f"\nworker killed (kill -9) after {accepted_at_kill} of {count} sent with {in_flight} "
        f"claimed in flight; all settled after {sweeps} sweeps; final {final}"
    )
    assert final == {Status.SENT: count}, workers[-1].tail()
    assert_each_sent_exactly_once(fake_twilio, references, "KILL")


def test_an_enqueue_with_redis_down_does_not_hang_the_request(
    outbox_worker_settings, fake_twilio, redis_server
):
    """Found: send_message stored results, so with a Redis result backend (CELERY_RESULT_BACKEND,
    as CI and the README set it) apply_async first subscribed to the result channel, retrying
    20 times a second apart: each on-commit enqueue blocked its request ~19 s while Redis was
    down."""
    (contact,) = family_contacts(1)
    with celery_on(redis_server.url(0), redis_server.url(1)):
        redis_server.stop()
        started = time.monotonic()
        queue_many([contact], "HANG")  # one message, as a request would queue it
        seconds = time.monotonic() - started
    assert settled("HANG") == {Status.PENDING: 1}
    # Expected: gives up fast (settings: "a broker outage never hangs a page").
    assert seconds < 5, f"committing one message took {seconds:.1f} s with Redis down"
