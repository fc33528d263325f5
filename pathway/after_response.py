"""The planning refresh after a submission, left until after the response (the mechanism is
the core's, `earlyyears.after_response`, which messaging uses too)."""

from __future__ import annotations

import logging

from earlyyears.after_response import after_commit_and_response, after_response, eager

__all__ = ["after_response", "refresh_planning_after_submission"]

logger = logging.getLogger(__name__)


def refresh_planning_after_submission(referral_id: int) -> None:
    """Call inside the transaction that saves a referral. With a broker: queued after commit
    (`queue_need_figures_refresh`). Without one: run after commit and after the response, so
    the submitter's confirmation page does not wait for the planning figures; the process
    finishes it before it serves another request. Nothing is refreshed if the transaction
    rolls back."""
    from pathway.planning.tasks import queue_need_figures_refresh, refresh_need_figures

    if not eager():
        queue_need_figures_refresh(referral_id)
        return

    def refresh() -> None:
        try:
            refresh_need_figures.delay(referral_id)
        except Exception:  # noqa: BLE001 - never fail the caller; the nightly rebuild catches up
            logger.warning("Could not refresh planning figures for referral %s", referral_id)

    after_commit_and_response(refresh)
