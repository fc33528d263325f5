"""The bulk data task, for Celery's worker (earlyyears/tasks.py imports this module: Celery's
autodiscovery looks for `<app>.tasks`). It is defined in services.py, beside the jobs it runs,
because the engine hands jobs to it."""

from .services import run_import_job

__all__ = ["run_import_job"]
