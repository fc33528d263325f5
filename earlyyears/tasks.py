from celery import shared_task


@shared_task
def ping() -> str:
    """Answers 'pong': lets operators and tests check a worker is consuming from the broker."""
    return "pong"
