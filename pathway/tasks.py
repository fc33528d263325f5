from celery import shared_task

from pathway.casework.services import remind_clocks
from pathway.ehc.services import remind_ehc_steps
from pathway.tac.services import remind_actions_due

from .services import purge_expired_drafts, remind_drafts_expiring


@shared_task(name="pathway.tasks.purge_expired_concern_drafts")
def purge_expired_concern_drafts() -> int:
    """Expired drafts hold children's details nobody sent: delete them (hourly, by celery beat)."""
    return purge_expired_drafts()


@shared_task(name="pathway.tasks.remind_drafts_expiring")
def remind_drafts_expiring_task() -> int:
    """Tell practitioners about drafts that will be deleted within three days (once each)."""
    return remind_drafts_expiring()


@shared_task(name="pathway.tasks.remind_clocks")
def remind_clocks_task() -> int:
    """Clocks due soon or overdue, to the allocated officer (daily, by celery beat)."""
    return remind_clocks()


@shared_task(name="pathway.tasks.remind_tac_actions")
def remind_tac_actions_task() -> int:
    """Team Around the Child actions due within two days, to their owners (hourly)."""
    return remind_actions_due()


@shared_task(name="pathway.tasks.remind_ehc_steps")
def remind_ehc_steps_task() -> int:
    """EHC steps due within a week or overdue, to the officer (hourly; once per due date)."""
    return remind_ehc_steps()
