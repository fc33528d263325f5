"""Work a request leaves until after its response has been sent.

Without a broker (the embedded default) Celery is eager: a task queued after commit would run
inside the request that queued it, and the person who pressed the button would wait for it. So
work that no page of the same request needs (the planning refresh after a submission) runs
after the response instead: on Django's `request_finished` signal, in the same process, before
that process takes its next request. With a broker it is queued after commit, for a worker."""

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


request_started.connect(_request_started, dispatch_uid="pathway.after_response.started")
request_finished.connect(_request_finished, dispatch_uid="pathway.after_response.finished")


def after_response(job: Callable[[], None]) -> None:
    """Run `job` once this thread's response has been sent, or now when no request is being
    served (a management command, a worker, a test calling services directly)."""
    if getattr(_local, "in_request", False):
        _jobs().append(job)
    else:
        _run([job])


def refresh_planning_after_submission(referral_id: int) -> None:
    """Call inside the transaction that saves a referral. With a broker: queued after commit
    (`queue_need_figures_refresh`). Without one: run after commit and after the response, so
    the submitter's confirmation page does not wait for the planning figures; the process
    finishes it before it serves another request. Nothing is refreshed if the transaction
    rolls back."""
    from pathway.planning.tasks import queue_need_figures_refresh, refresh_need_figures

    if not current_app.conf.task_always_eager:
        queue_need_figures_refresh(referral_id)
        return

    def refresh() -> None:
        try:
            refresh_need_figures.delay(referral_id)
        except Exception:  # noqa: BLE001 - never fail the caller; the nightly rebuild catches up
            logger.warning("Could not refresh planning figures for referral %s", referral_id)

    transaction.on_commit(lambda: after_response(refresh))
