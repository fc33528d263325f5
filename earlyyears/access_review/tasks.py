"""Celery beat: dormant local accounts (daily) and the access review reminder (daily; it
emails once a quarter)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="earlyyears.access_review.tasks.close_dormant_accounts")
def close_dormant_accounts() -> dict[str, int]:
    return services.close_dormant_accounts()


@shared_task(name="earlyyears.access_review.tasks.remind_access_review")
def remind_access_review() -> int:
    return services.remind_review_due()
