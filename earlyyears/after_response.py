"""Work a request leaves until after its response has been sent.

Without a broker (the embedded default) Celery is eager: a task queued after commit would run
inside the request that queued it, and the person who pressed the button would wait for it. So
work that no page of the same request needs (sending the messages a submission queued, the
planning refresh) runs after the response instead: on Django's `request_finished` signal (the
WSGI server sends it when it closes the response, after the bytes are written), in the same
process, before that process takes its next request. With a broker, callers queue the work
after commit for a worker and do not use this.

In the core (not in pathway) so that messaging, which the core owns, can use it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from celery import current_app
from django.core.signals import request_finished, request_started
from django.db import transaction

logger = logging.getLogger(__name__)

_local = threading.local()


def _jobs() -> list[Callable[[], None]]:
    if not hasattr(_local, "jobs"):
        _local.jobs = []
    return _local.jobs


def _run(jobs: list[Callable[[], None]]) -> None:
    while jobs:
        job = jobs.pop(0)
        try:
            job()
        except Exception:  # noqa: BLE001 - the response has gone; log, never raise
            logger.exception("Work left until after the response failed")


def _request_started(**kwargs) -> None:
    _run(_jobs())  # anything a request that failed half-way left behind
    _local.in_request = True


def _request_finished(**kwargs) -> None:
    _local.in_request = False
    _run(_jobs())


# The dispatch ids are the ones these receivers had in pathway, where they began: a process
# that imports both modules connects them once.
request_started.connect(_request_started, dispatch_uid="pathway.after_response.started")
request_finished.connect(_request_finished, dispatch_uid="pathway.after_response.finished")


def serving_request() -> bool:
    """Whether this thread is serving a request whose response has not been sent yet."""
    return getattr(_local, "in_request", False)


def after_response(job: Callable[[], None]) -> None:
    """Run `job` once this thread's response has been sent, or now when no request is being
    served (a management command, a worker, a test calling services directly)."""
    if serving_request():
        _jobs().append(job)
    else:
        _run([job])


def eager() -> bool:
    """Whether Celery runs tasks in the process that queues them (no broker)."""
    return bool(current_app.conf.task_always_eager)


def after_commit_and_response(job: Callable[[], None]) -> None:
    """Call inside a transaction: run `job` once it commits and the response has been sent
    (nothing, if it rolls back)."""
    transaction.on_commit(lambda: after_response(job))
