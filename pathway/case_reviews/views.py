"""'Could we have acted earlier?' case reviews: the SEND manager draws a sample and sets up the
panel; each reviewer reads a case's chronology and records their findings; the findings roll up
and can open a draft of the routing rules. Thin: rules live in selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from pathway.access.reviews import (
    case_review_for,
    case_reviews_for,
    manages_case_reviews,
    review_case_for,
    sits_on_a_panel,
)
from pathway.models import CaseReview, ReviewFinding

from . import exports, selectors, services
from .forms import FindingsForm, MemberForm, NewReviewForm, ProposalForm


def _manager_only(request: HttpRequest) -> None:
    if not manages_case_reviews(request.user):
        raise PermissionDenied


@login_required
def case_reviews(request: HttpRequest) -> HttpResponse:
    manager = manages_case_reviews(request.user)
    if not (manager or sits_on_a_panel(request.user)):
        raise PermissionDenied
    return render(
        request,
        "pathway/case_reviews/list.html",
        {
            "page_title": "Case reviews",
            "reviews": case_reviews_for(request.user).prefetch_related("members"),
            "is_manager": manager,
        },
    )


@login_required
def case_review_new(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    form = NewReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.create_review(form.sample_request(), request.user)
        except services.NothingToSample as problem:
            form.add_error("method", str(problem))
        else:
            messages.success(
                request,
                f"{review.cases.count()} cases drawn with seed {review.seed}. "
                "Now add the people on the panel.",
            )
            return redirect("case-review", review_id=review.pk)
    return render(
        request,
        "pathway/case_reviews/new.html",
        {"page_title": "Start a case review", "form": form},
    )


@login_required
def case_review(request: HttpRequest, review_id: int) -> HttpResponse:
    review = case_review_for(request.user, review_id)
    manager = manages_case_reviews(request.user)
    return render(
        request,
        "pathway/case_reviews/review.html",
        {
            "page_title": review.title,
            "review": review,
            "cases": selectors.review_cases(review),
            "members": review.members.select_related("user"),
            "is_manager": manager,
            "member_form": MemberForm() if manager else None,
        },
    )


@login_required
@require_POST
def case_review_add_member(request: HttpRequest, review_id: int) -> HttpResponse:
    _manager_only(request)
    review = case_review_for(request.user, review_id)
    form = MemberForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "pathway/case_reviews/review.html",
            {
                "page_title": review.title,
                "review": review,
                "cases": selectors.review_cases(review),
                "members": review.members.select_related("user"),
                "is_manager": True,
                "member_form": form,
            },
            status=400,
        )
    person = form.cleaned_data["user"]
    services.add_member(review, person, form.cleaned_data["perspective"], request.user)
    messages.success(
        request, f"{person.get_full_name() or person.username} is on the panel for this review."
    )
    return redirect("case-review", review_id=review.pk)


@login_required
@require_POST
def case_review_remove_member(request: HttpRequest, review_id: int, member_id: int) -> HttpResponse:
    _manager_only(request)
    review = case_review_for(request.user, review_id)
    services.remove_member(review, member_id)
    messages.success(request, "Removed from the panel. Their findings so far are kept.")
    return redirect("case-review", review_id=review.pk)


@login_required
def review_case(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    case = review_case_for(request.user, review_id, case_id)
    review = case.review
    manager = manages_case_reviews(request.user)
    on_panel = review.members.filter(user=request.user).exists()
    mine = selectors.my_findings(case, request.user)
    form = FindingsForm(request.POST or None, existing=mine) if on_panel else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.record_findings(case, request.user, form.findings())
            messages.success(
                request, "Your findings are saved. You can change them while the review is open."
            )
            return redirect("review-case", review_id=review.pk, case_id=case.pk)
    # Others' findings show once a reviewer has recorded their own, so nobody anchors on them.
    show_others = manager or bool(mine)
    return render(
        request,
        "pathway/case_reviews/case.html",
        {
            "page_title": f"Case {case.position}: {selectors.case_label(case.referral)}",
            "review": review,
            "case": case,
            "label": selectors.case_label(case.referral),
            "chronology": selectors.chronology(case.referral),
            "form": form,
            "stages": selectors.findings_by_stage(case) if show_others else None,
            "verdict_words": selectors.VERDICT_WORDS,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def review_case_pdf(request: HttpRequest, review_id: int, case_id: int) -> HttpResponse:
    """The chronology to print: the panel's papers, or a case inspectors sampled."""
    case = review_case_for(request.user, review_id, case_id)
    response = HttpResponse(exports.case_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.case_filename(case)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def case_review_findings(request: HttpRequest, review_id: int) -> HttpResponse:
    review = case_review_for(request.user, review_id)
    _manager_only(request)
    return render(
        request,
        "pathway/case_reviews/findings.html",
        {
            "page_title": f"Findings: {review.title}",
            "review": review,
            "rollup": selectors.rollup(CaseReview.objects.filter(pk=review.pk)),
            "form": ProposalForm(),
        },
    )


@login_required
@require_POST
def case_review_propose(request: HttpRequest, review_id: int) -> HttpResponse:
    _manager_only(request)
    review = case_review_for(request.user, review_id)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "pathway/case_reviews/findings.html",
            {
                "page_title": f"Findings: {review.title}",
                "review": review,
                "rollup": selectors.rollup(CaseReview.objects.filter(pk=review.pk)),
                "form": form,
            },
            status=400,
        )
    draft = services.propose_rule_change(review, request.user, form.cleaned_data["proposal"])
    messages.success(
        request,
        f"Version {draft.version} of the routing rules is a draft: change its rules, then test "
        "it against this review's cases.",
    )
    url = reverse("test-rule-set", kwargs={"version": draft.version})
    return redirect(f"{url}?review={review.pk}")


@login_required
def all_findings(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    return render(
        request,
        "pathway/case_reviews/all_findings.html",
        {
            "page_title": "Findings across case reviews",
            "rollup": selectors.rollup(case_reviews_for(request.user)),
            "stages": ReviewFinding.Stage.choices,
        },
    )
