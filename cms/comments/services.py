"""Writes for families' comments: receiving one, a moderator's redaction and response, and
publishing a year's "You said, we did" page."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from ..comment_models import CommentYear, LocalOfferComment
from .redaction import suggest_redaction

Status = LocalOfferComment.Status


def receive_comment(*, text: str, service=None, now: datetime.datetime | None = None):
    """Save a family's comment for the moderators; the redaction starts from the patterns'
    suggestion, never the original unread."""
    now = now or timezone.now()
    return LocalOfferComment.objects.create(
        service=service,
        service_name=service.title if service is not None else "",
        original=text,
        redacted=suggest_redaction(text),
        received_at=now,
        year=timezone.localtime(now).year,
    )


@transaction.atomic
def moderate(
    comment: LocalOfferComment,
    *,
    user,
    redacted: str,
    response: str,
    action: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> LocalOfferComment:
    """Save the moderator's redacted text and response; publish it, or keep it off the page.

    Publishing needs both (the form checks); the published words are the redacted ones."""
    now = now or timezone.now()
    comment = LocalOfferComment.objects.select_for_update().get(pk=comment.pk)
    comment.redacted = redacted.strip()
    comment.response = response.strip()
    comment.moderated_by = user
    comment.moderated_at = now
    if action == "publish":
        comment.status = Status.PUBLISHED
        comment.published_at = comment.published_at or now
        comment.not_published_reason = ""
    elif action == "not_published":
        comment.status = Status.NOT_PUBLISHED
        comment.published_at = None
        comment.not_published_reason = reason.strip()
    else:
        comment.status = Status.READY if comment.redacted else Status.NEW
        comment.published_at = None
    comment.save()
    return comment


@transaction.atomic
def publish_year(
    year: int, *, user, introduction: str = "", now: datetime.datetime | None = None
) -> CommentYear:
    """Make a year's page public (again, with a new introduction, if it already is). Comments
    published later that year appear on it as they are published."""
    page, _ = CommentYear.objects.select_for_update().get_or_create(year=year)
    page.introduction = introduction.strip()
    page.published_at = page.published_at or now or timezone.now()
    page.published_by = user
    page.save()
    return page


@transaction.atomic
def withdraw_year(year: int) -> None:
    """Take a year's page down (a comment published by mistake can also be unpublished)."""
    CommentYear.objects.filter(year=year).update(published_at=None)
