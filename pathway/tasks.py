from celery import shared_task

from .services import purge_expired_drafts


@shared_task
def purge_expired_concern_drafts() -> int:
    """Expired drafts hold children's details nobody sent: delete them (hourly, by celery beat)."""
    return purge_expired_drafts()
