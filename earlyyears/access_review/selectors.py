"""Reads for the access review pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import AccessReview, AccessReviewEntry


def reviews() -> QuerySet[AccessReview]:
    return AccessReview.objects.select_related("started_by", "completed_by").annotate(
        people=Count("entries"),
        ended=Count("entries", filter=Q(entries__decision=AccessReviewEntry.Decision.END)),
        pending=Count("entries", filter=Q(entries__decision=AccessReviewEntry.Decision.PENDING)),
    )


def checklist(review: AccessReview) -> QuerySet[AccessReviewEntry]:
    return review.entries.select_related("decided_by")
