"""The SEND manager's quarterly access review: the list of reviews, one review's checklist
(keep or end each person), and finishing it. Only a SEND manager (403 for everyone else,
before any lookup)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..models import AccessReview, AccessReviewEntry, Role
from . import selectors, services


def _managers_only(request: HttpRequest) -> None:
    if not (request.user.is_active and request.user.role == Role.SEND_MANAGER):
        raise PermissionDenied


@never_cache
@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    if request.method == "POST":
        review = services.start_review(request.user)
        return redirect("access-review", review.pk)
    return render(
        request,
        "earlyyears/access_review/list.html",
        {"page_title": "Access reviews", "reviews": selectors.reviews()},
    )


@never_cache
@login_required
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    _managers_only(request)
    the_review = get_object_or_404(AccessReview, pk=review_id)
    errors: dict[int, str] = {}
    if request.method == "POST":
        entry_id = request.POST.get("entry", "")
        if not entry_id.isdigit():
            raise Http404("No such person on this review")
        entry = get_object_or_404(AccessReviewEntry, pk=int(entry_id), review=the_review)
        try:
            services.decide(request.user, entry, request.POST.get("decision", ""))
        except services.ReviewRuleBroken as error:
            errors[entry.pk] = str(error)
        else:
            if request.POST.get("decision") == AccessReviewEntry.Decision.END:
                messages.success(request, f"{entry.name}'s account is ended.")
            return redirect("access-review", the_review.pk)
    entries = list(selectors.checklist(the_review))
    for entry in entries:
        entry.role_label = Role(entry.role).label if entry.role in Role.values else entry.role
        entry.error = errors.get(entry.pk, "")
    return render(
        request,
        "earlyyears/access_review/review.html",
        {
            "page_title": "Access review",
            "review": the_review,
            "entries": entries,
            "errors": errors,
            "pending": sum(e.decision == AccessReviewEntry.Decision.PENDING for e in entries),
        },
        status=400 if errors else 200,
    )


@never_cache
@login_required
@require_POST
def complete(request: HttpRequest, review_id: int) -> HttpResponse:
    _managers_only(request)
    the_review = get_object_or_404(AccessReview, pk=review_id)
    try:
        services.complete(request.user, the_review)
    except services.ReviewRuleBroken as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The access review is finished and recorded.")
    return redirect("access-review", the_review.pk)
