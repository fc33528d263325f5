from celery import shared_task

from .outbox import send_now, sweep


@shared_task
def ping() -> str:
    """Answers 'pong': lets operators and tests check a worker is consuming from the broker."""
    return "pong"


@shared_task(acks_late=True)
def send_message(message_id: int) -> str:
    return send_now(message_id).status


@shared_task
def sweep_outbox() -> dict[str, int]:
    return sweep()
