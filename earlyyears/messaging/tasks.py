"""Messaging's Celery tasks, for the worker (earlyyears/tasks.py imports this module: Celery's
autodiscovery looks for `<app>.tasks`). They are defined in services.py, beside the sending
they run, because sending queues a message again."""

from .services import send_message, sweep_outbox

__all__ = ["send_message", "sweep_outbox"]
