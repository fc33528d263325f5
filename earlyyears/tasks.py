from celery import shared_task

from .outbox import send_now, sweep


@shared_task
def ping() -> str:
    """Answers 'pong': lets operators and tests check a worker is consuming from the broker."""
    return "pong"


# No results are stored: with a Redis result backend, publishing would first subscribe to the
# result channel, and block a request while Redis is down.
@shared_task(acks_late=True, ignore_result=True)
def send_message(message_id: int) -> str:
    return send_now(message_id).status


@shared_task(ignore_result=True)
def sweep_outbox() -> dict[str, int]:
    return sweep()


@shared_task(acks_late=True, ignore_result=True)
def run_import_job(job_id: int, action: str) -> str:
    """Check ("preview") or apply ("apply") a large import file kept in the database; the job
    row records progress for the status page, and a job already done is left alone."""
    from .imports import apply_job, preview_job

    job = preview_job(job_id) if action == "preview" else apply_job(job_id)
    return job.status if job else "nothing to do"
