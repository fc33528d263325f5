"""Work the local offer does on a worker: pulling other publishers' feeds."""

from __future__ import annotations

from celery import shared_task

from . import feeds
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
