"""The core's Celery tasks. Celery's autodiscovery imports `<app>.tasks`, so this module imports
each activity's tasks; every task keeps the name it was first published under
(`earlyyears.tasks.<name>`), so tasks already queued and the beat schedule still find them."""

from celery import shared_task

from .messaging.tasks import send_message, sweep_outbox

__all__ = ["ping", "run_import_job", "send_message", "sweep_outbox"]


@shared_task(name="earlyyears.tasks.ping")
def ping() -> str:
    """Answers 'pong': lets operators and tests check a worker is consuming from the broker."""
    return "pong"


@shared_task(name="earlyyears.tasks.run_import_job", acks_late=True, ignore_result=True)
def run_import_job(job_id: int, action: str) -> str:
    """Check ("preview") or apply ("apply") a large import file kept in the database; the job
    row records progress for the status page, and a job already done is left alone."""
    from .imports import apply_job, preview_job

    job = preview_job(job_id) if action == "preview" else apply_job(job_id)
    return job.status if job else "nothing to do"
