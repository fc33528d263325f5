"""Celery tasks that keep the planning figures up to date: one referral's cells after it is
submitted, and the whole table by celery beat. Both are idempotent, so a redelivered task
(acks late) writes the same rows again."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from pathway.planning import aggregates

logger = logging.getLogger(__name__)


@shared_task(name="pathway.tasks.refresh_need_figures")
def refresh_need_figures(referral_id: int) -> int:
    """Work out again the cells of one referral's child (its months, its areas and above)."""
    return aggregates.refresh_need_figures_for_referral(referral_id)


@shared_task(name="pathway.tasks.rebuild_need_figures")
def rebuild_need_figures() -> int:
    """Every planning figure from scratch (nightly): corrects anything a refresh missed, such
    as a referral re-routed at triage."""
    return aggregates.rebuild_need_figures()


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
