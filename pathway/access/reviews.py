"""The access layer for case reviews (issue 27).

A reviewer sees only the cases in the samples of reviews they sit on, and only while the review
is open (from its first day to its last, read at every request); the SEND manager who runs
reviews sees them all. Everyone sees the chronology pseudonymised (initials and reference)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from earlyyears.access import AnyUser
from earlyyears.roles import CASE_REVIEW_MANAGER_ROLES, Role
from pathway.models import CaseReview, ReviewCase, ReviewPanelMember


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def manages_case_reviews(user: AnyUser) -> bool:
    return _active(user) and user.role in CASE_REVIEW_MANAGER_ROLES


def sits_on_a_panel(user: AnyUser) -> bool:
    """Case reviewers, and anyone on a review's panel, have a list of reviews; nobody else."""
    if not _active(user):
        return False
    return user.role == Role.CASE_REVIEWER or ReviewPanelMember.objects.filter(user=user).exists()


def case_reviews_for(user: AnyUser) -> QuerySet[CaseReview]:
    """Reviews the user may open now: all for the manager; for a reviewer, the open ones they
    sit on."""
    if not _active(user):
        return CaseReview.objects.none()
    if manages_case_reviews(user):
        return CaseReview.objects.all()
    today = timezone.localdate()
    return CaseReview.objects.filter(
        members__user=user, opens_on__lte=today, closes_on__gte=today
    ).distinct()


def case_review_for(user: AnyUser, review_id: int) -> CaseReview:
    review = case_reviews_for(user).filter(pk=review_id).first()
    if review is None:
        raise Http404("No such review")
    return review


def review_case_for(user: AnyUser, review_id: int, case_id: int) -> ReviewCase:
    """One case of a review the user may open, or 404: a case outside the sample, or outside
    the review's dates, is not there for them."""
    review = case_review_for(user, review_id)
    case = (
        ReviewCase.objects.filter(review=review, pk=case_id)
        .select_related("referral__child", "referral__area__parent", "referral__setting")
        .first()
    )
    if case is None:
        raise Http404("No such case in this review")
    case.review = review
    return case


def reviews_with_child(child_ids: list[int]) -> QuerySet[ReviewCase]:
    """For subject access: the reviews a child's records were looked at in."""
    return ReviewCase.objects.filter(referral__child_id__in=child_ids)
