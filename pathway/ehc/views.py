"""Views of the EHC timeline. Thin: access layer, form, service, render. The SEND team works
the cases; a setting or portage worker sees their child's timeline state; anyone else 403,
and another child's or case's id 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from earlyyears.access import child_for
from pathway.access import is_send_team
from pathway.access.ehc import (
    ehc_case_for,
    ehc_child_for,
    ehc_letter_for,
    may_see_ehc_state,
)
from pathway.ehc import forms, selectors
from pathway.ehc import services as ehc_services
from pathway.models import EhcRequest


def _send_team_only(user) -> None:
    if not is_send_team(user):
        raise PermissionDenied


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@login_required
def ehc_cases(request: HttpRequest) -> HttpResponse:
    _send_team_only(request.user)
    which = request.GET.get("show", "open")
    if which not in selectors.LIST_FILTERS:
        which = "open"
    today = timezone.localdate()
    cases = list(selectors.ehc_cases(request.user, which, today))
    rows = [(ehc, selectors.clock_state(ehc, today)) for ehc in cases]
    return render(
        request,
        "pathway/ehc/list.html",
        {
            "page_title": "EHC needs assessments and plans",
            "rows": rows,
            "which": which,
            "filters": selectors.LIST_FILTERS,
        },
    )


@login_required
def ehc_child(request: HttpRequest, child_id: int) -> HttpResponse:
    if not may_see_ehc_state(request.user):
        raise PermissionDenied
    child = ehc_child_for(request.user, child_id)
    today = timezone.localdate()
    send_team = is_send_team(request.user)
    cases = selectors.child_cases(request.user, child, today)
    return render(
        request,
        "pathway/ehc/child.html",
        {
            "page_title": f"EHC needs assessment and plan: {child.full_name}",
            "child": child,
            "cases": cases,
            "send_team": send_team,
            "can_open": send_team
            and not any(c.ehc.stage in ehc_services.OPEN_STAGES for c in cases),
        },
    )


@login_required
def ehc_request_new(request: HttpRequest, child_id: int) -> HttpResponse:
    _send_team_only(request.user)
    child = child_for(request.user, child_id)
    form = forms.RequestForm(_posted(request), child=child)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ehc_services.open_request(
                child,
                data["referral"],
                by=request.user,
                source=data["source"],
                received_on=data["received_on"],
                requested_by_name=data["requested_by_name"],
                sex=data["sex"],
                ethnicity=data["ethnicity"],
                upn=data["upn"],
                upn_unknown=data["upn_unknown"],
                setting_school_urn=data["setting_school_urn"],
                transferred_in=data["transferred_in"],
                transferred_from=data["transferred_from"],
                plan_start_on=data["plan_start_on"],
            )
        except ehc_services.EhcError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "EHC request recorded.")
            return redirect("ehc-child", child_id=child.pk)
    return render(
        request,
        "pathway/ehc/form.html",
        {
            "page_title": "Record a request for an EHC needs assessment",
            "child": child,
            "form": form,
            "button": "Record the request",
            "intro": "Ask the family for the items the DfE's return needs (sex, ethnicity, "
            "unique pupil number) if the request does not give them.",
        },
    )


@dataclass(frozen=True)
class Step:
    title: str
    form: type
    run: Callable[..., Any]
    done: str
    review: bool = False


def _review(ehc: EhcRequest):
    review = ehc.reviews.filter(decision_on__isnull=True).order_by("due_by", "pk").first()
    if review is None:
        raise ehc_services.EhcError("There is no review waiting: the plan has stopped")
    return review


STEPS: dict[str, Step] = {
    "decision": Step(
        "Decide whether to assess",
        forms.AssessmentDecisionForm,
        lambda ehc, by, d: ehc_services.decide_assessment(ehc, by=by, **d),
        "Decision recorded and the family's letter written.",
    ),
    "draft": Step(
        "Send the draft plan",
        forms.DraftForm,
        lambda ehc, by, d: ehc_services.issue_draft(ehc, by=by, **d),
        "Draft plan recorded.",
    ),
    "plan": Step(
        "Issue the final plan, or decide not to",
        forms.PlanDecisionForm,
        lambda ehc, by, d: ehc_services.decide_plan(ehc, by=by, **d),
        "Decision recorded and the family's letter written.",
    ),
    "exception": Step(
        "Record an exception to the 20 weeks",
        forms.ExceptionForm,
        lambda ehc, by, d: ehc_services.add_exception(ehc, by=by, **d),
        "Exception recorded.",
    ),
    "dispute": Step(
        "Record mediation or an appeal",
        forms.DisputeForm,
        lambda ehc, by, d: ehc_services.add_dispute(ehc, by=by, **d),
        "Recorded.",
    ),
    "review-meeting": Step(
        "Record the review meeting",
        forms.ReviewMeetingForm,
        lambda ehc, by, d: ehc_services.record_review_meeting(_review(ehc), by=by, **d),
        "Review meeting recorded.",
    ),
    "review-decision": Step(
        "Record the decision after the review",
        forms.ReviewDecisionForm,
        lambda ehc, by, d: ehc_services.decide_review(_review(ehc), by=by, **d),
        "Review decision recorded and the family's letter written.",
    ),
    "cease": Step(
        "Stop the plan, or record a transfer out",
        forms.CeaseForm,
        lambda ehc, by, d: ehc_services.cease_plan(ehc, by=by, **d),
        "Recorded.",
    ),
    "withdraw": Step(
        "Record that the request ended",
        forms.WithdrawForm,
        lambda ehc, by, d: ehc_services.withdraw(ehc, by=by, **d),
        "Recorded.",
    ),
}


@login_required
def ehc_step(request: HttpRequest, ehc_id: int, step: str) -> HttpResponse:
    _send_team_only(request.user)
    ehc = ehc_case_for(request.user, ehc_id)
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    form = chosen.form(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            chosen.run(ehc, request.user, form.cleaned_data)
        except ehc_services.EhcError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, chosen.done)
            return redirect("ehc-child", child_id=ehc.child_id)
    return render(
        request,
        "pathway/ehc/form.html",
        {
            "page_title": chosen.title,
            "child": ehc.child,
            "ehc": ehc,
            "form": form,
            "button": "Save",
        },
    )


@login_required
def ehc_letter_pdf(request: HttpRequest, ehc_id: int, letter_id: int) -> HttpResponse:
    _send_team_only(request.user)
    letter = ehc_letter_for(request.user, ehc_id, letter_id)
    response = HttpResponse(ehc_services.letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{ehc_services.letter_filename(letter)}"'
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
