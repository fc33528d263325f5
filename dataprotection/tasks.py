from celery import shared_task

from .retention import apply_retention


@shared_task(name="dataprotection.tasks.apply_retention", ignore_result=True)
def apply_retention_task() -> dict[str, int]:
    """Delete or anonymise what the retention rules say is due (daily, by celery beat)."""
    return apply_retention().counts
