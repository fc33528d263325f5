"""Celery tasks that keep the planning figures up to date: one referral's cells after it is
submitted, and the whole table by celery beat. Both are idempotent, so a redelivered task
(acks late) writes the same rows again."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from pathway.planning import aggregates, report

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="pathway.tasks.refresh_need_figures")
def refresh_need_figures(self, referral_id: int) -> int:
    """Work out again the cells of one referral's child (its months, its areas and above),
    then the map data the next planner will ask for."""
    written = aggregates.refresh_need_figures_for_referral(referral_id)
    _prepare_map_data(eager=bool(self.request.is_eager))
    return written


@shared_task(bind=True, name="pathway.tasks.rebuild_need_figures")
def rebuild_need_figures(self) -> int:
    """Every planning figure from scratch (nightly): corrects anything a refresh missed, such
    as a referral re-routed at triage."""
    rows = aggregates.rebuild_need_figures()
    _prepare_map_data(eager=bool(self.request.is_eager))
    return rows


def _prepare_map_data(*, eager: bool) -> None:
    """In a worker, after the figures change: the suppressed years and map data the page opens
    on, into the shared cache (`report.prepare_map_data`), so the first planner after a
    refresh does not wait for them. Not when tasks run in the request that queued them (the
    embedded default): that request is someone's submission. A failure here loses nothing:
    the next request works them out."""
    if eager:
        return
    try:
        report.prepare_map_data()
    except Exception:  # noqa: BLE001 - the figures are saved; this only saves a planner's wait
        logger.warning("Could not prepare the planning map data", exc_info=True)


def queue_need_figures_refresh(referral_id: int) -> None:
    """Call inside the transaction that saves a referral: the refresh is queued after commit.
    A broker outage or a failed refresh never fails the submission: the nightly rebuild
    catches up."""

    def enqueue() -> None:
        try:
            refresh_need_figures.delay(referral_id)
        except Exception:  # noqa: BLE001 - never fail the caller; the nightly rebuild catches up
            logger.warning("Could not refresh planning figures for referral %s", referral_id)

    transaction.on_commit(enqueue)
