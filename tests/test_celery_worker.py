"""With a real broker configured (CI's second leg), a real Celery worker consumes our tasks."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from earlyyears.celery import app
from earlyyears.tasks import ping

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def celery_worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no broker configured (embedded default): set CELERY_BROKER_URL")
    # Other tests may have pointed the app at their own broker and back: start from fresh pools.
    app._pool = None
    app.amqp._producer_pool = None
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        yield worker


def test_worker_consumes_from_the_broker(celery_worker):
    assert settings.CELERY_RESULT_BACKEND, "CI sets CELERY_RESULT_BACKEND for this leg"
    assert ping.delay().get(timeout=20) == "pong"
