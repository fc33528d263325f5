"""The moderators' screens in Wagtail's admin, beside the local offer's other moderation
(Import services, Feeds): families' comments with their originals, redaction and response; the
yearly page; and the council's list of services nobody has reviewed.

Only local offer moderators (who may publish services) see any of it: the originals may hold
personal details. Every page naming a comment is in the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import review
from ..comment_models import CommentYear, LocalOfferComment
from ..services import ensure_local_offer_index
from . import selectors, services
from .forms import ModerateForm, PublishYearForm
from .redaction import unredacted_details


def is_moderator(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ensure_local_offer_index().permissions_for_user(user).can_publish_subpage()


def _moderators_only(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied


@require_GET
def comment_list(request):
    _moderators_only(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "cms/admin/comments.html",
        {
            "comments": selectors.comments_for_moderation(status, request.GET.get("page", 1)),
            "status": status,
            "statuses": LocalOfferComment.Status.choices,
            "years": selectors.year_summaries(),
            "header_title": "Comments",
            "page_title": "Families' comments on the local offer",
        },
    )


@require_http_methods(["GET", "POST"])
def comment_moderate(request, comment_id: int):
    _moderators_only(request)
    comment = get_object_or_404(LocalOfferComment.objects.select_related("service"), pk=comment_id)
    initial = {"redacted": comment.redacted, "response": comment.response}
    form = ModerateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.moderate(
            comment,
            user=request.user,
            redacted=data["redacted"],
            response=data["response"],
            action=data["action"],
            reason=data["reason"],
        )
        messages.success(request, f"{comment.reference} saved.")
        return redirect("cms_comments")
    return render(
        request,
        "cms/admin/comment.html",
        {
            "comment": comment,
            "form": form,
            "still_personal": unredacted_details(comment.redacted),
            "header_title": comment.reference,
            "page_title": f"Comment {comment.reference}",
        },
    )


@require_http_methods(["GET", "POST"])
def year_publish(request, year: int):
    """Preview a year's page exactly as the public will see it, and publish it."""
    _moderators_only(request)
    page = CommentYear.objects.filter(year=year).first()
    form = PublishYearForm(
        request.POST or None, initial={"introduction": page.introduction if page else ""}
    )
    if request.method == "POST" and form.is_valid():
        services.publish_year(
            year, user=request.user, introduction=form.cleaned_data["introduction"]
        )
        messages.success(request, f"You said, we did {year} is published.")
        return redirect("cms_comments")
    return render(
        request,
        "cms/admin/comment_year.html",
        {
            "year": year,
            "year_page": page,
            "form": form,
            "comments": selectors.published_comments(year),
            "header_title": f"You said, we did {year}",
            "page_title": f"You said, we did {year}",
        },
    )


@require_GET
def not_reviewed(request):
    """The council's list: services whose owners did not review them in time (or that have
    no owner), and those still with their owners."""
    _moderators_only(request)
    return render(
        request,
        "cms/admin/not_reviewed.html",
        {
            "council": review.council_list(),
            "with_owners": review.waiting_on_owners(),
            "months": review.review_months(),
            "days": review.council_days(),
            "header_title": "Not reviewed",
            "page_title": "Services not reviewed",
        },
    )
