"""Work the local offer does on a worker: pulling other publishers' feeds."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from . import feeds, review
from .models import Feed


@shared_task(name="cms.tasks.pull_feed")
def pull_feed(feed_id: int) -> int | None:
    """Pull one feed now; returns the run's id (None when the feed has gone)."""
    feed = Feed.objects.filter(pk=feed_id).first()
    return feeds.pull(feed).pk if feed else None


@shared_task(name="cms.tasks.pull_feeds")
def pull_feeds() -> list[int]:
    """The schedule's pull: every active feed, one after another."""
    return [run.pk for run in feeds.pull_active()]


@shared_task(name="cms.tasks.run_staged_import")
def run_staged_import(staged_id: int) -> str | None:
    """A large import through the staging area (`cms.staging`); returns how it ended."""
    from . import staging

    staged = staging.run(staged_id)
    return staged.status if staged else None


@shared_task(name="cms.tasks.flag_stale_services")
def flag_stale_services() -> dict[str, int]:
    """The daily run: services nobody has reviewed, to their owners and then the council."""
    return asdict(review.flag_stale_services())
