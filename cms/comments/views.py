"""Public pages: a family comments (no account), and the yearly "You said, we did" pages."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ..models import ServicePage
from . import selectors, services, throttle
from .forms import CommentForm, started_token

SENT_KEY = "local_offer_comment_sent"


def _published_service(service_id: int) -> ServicePage:
    service = ServicePage.objects.published().filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


@require_http_methods(["GET", "POST"])
def comment(request, service_id: int | None = None):
    """Comment on a service or on the local offer as a whole. Every attempt counts against the
    hour's limits; a robot (the hidden box filled in) is thanked, and nothing is saved."""
    service = _published_service(service_id) if service_id is not None else None
    if request.method == "POST":
        if not throttle.allow(request):
            return render(
                request,
                "cms/comments/too_many.html",
                {"page_title": "Too many comments sent"},
                status=429,
            )
        form = CommentForm(request.POST, service=service)
        if form.is_valid():
            if form.is_robot:
                request.session[SENT_KEY] = ""
                return redirect("local-offer-comment-sent")
            about = form.cleaned_data["about"]
            saved = services.receive_comment(
                text=form.cleaned_data["comment"], service=service if about == "service" else None
            )
            request.session[SENT_KEY] = saved.reference
            return redirect("local-offer-comment-sent")
        # A fresh token: the next try is timed from now.
        data = request.POST.copy()
        data["started"] = started_token()
        form.data = data
    else:
        form = CommentForm(service=service, initial={"started": started_token()})
    return render(
        request,
        "cms/comments/comment.html",
        {
            "form": form,
            "service": service,
            "page_title": f"Comment on {service.title if service else 'the local offer'}",
        },
    )


@require_GET
def comment_sent(request):
    if SENT_KEY not in request.session:
        return redirect("local-offer-comment")
    return render(
        request,
        "cms/comments/sent.html",
        {"reference": request.session.get(SENT_KEY), "page_title": "Comment sent"},
    )


@require_GET
def you_said_we_did(request):
    return render(
        request,
        "cms/comments/years.html",
        {"years": selectors.published_years(), "page_title": "You said, we did"},
    )


@require_GET
def you_said_we_did_year(request, year: int):
    page = selectors.published_year(year)
    if page is None:
        raise Http404
    return render(
        request,
        "cms/comments/year.html",
        {
            "year_page": page,
            "comments": selectors.published_comments(year),
            "page_title": f"You said, we did: {year}",
        },
    )
