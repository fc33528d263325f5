"""Views of a child's support plan: the plan, start it, change it, record a review, start the
next cycle, and the PDF and JSON downloads. Thin: the access layer (pathway.access.plans), forms,
a service. A child the user may not see is 404; a role that only reads gets 403 on a form."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from earlyyears.models import display_name
from pathway.access.plans import may_write_plans, plan_child_for, support_plan_for
from pathway.models import ReferralEvent, SupportTier
from pathway.support_plans import exports, selectors, services
from pathway.support_plans.forms import (
    TIER_HINTS,
    CycleForm,
    PlanForm,
    ReviewForm,
    cycle_initial,
    outcome_formset,
    plan_rows,
    provision_formset,
)
from pathway.timeline import record_event_on_latest


def _writer(request: HttpRequest, child) -> None:
    if not may_write_plans(request.user, child):
        raise PermissionDenied


@login_required
@require_GET
def plan(request: HttpRequest, child_id: int) -> HttpResponse:
    child = plan_child_for(request.user, child_id)
    page = selectors.plan_page(request.user, child)
    return render(
        request,
        "pathway/support_plans/plan.html",
        {"page_title": f"Support plan for {child.full_name}", "child": child, "page": page},
    )


def _has_errors(*items) -> bool:
    for item in items:
        if hasattr(item, "management_form"):
            if item.is_bound and item.total_error_count():
                return True
        elif item.errors:
            return True
    return False


def _plan_form_page(request, child, *, form, outcomes, provision, cycle, creating, page=None):
    return render(
        request,
        "pathway/support_plans/plan_form.html",
        {
            "page_title": (
                f"Start a support plan for {child.full_name}"
                if creating
                else f"Change the support plan for {child.full_name}"
            ),
            "child": child,
            "form": form,
            "outcomes": outcomes,
            "provision": provision,
            "cycle": cycle,
            "creating": creating,
            "page": page,
            "tier_hints": [(SupportTier(code).label, hint) for code, hint in TIER_HINTS.items()],
            "has_errors": _has_errors(form, outcomes, provision, *([cycle] if cycle else [])),
        },
    )


@login_required
def plan_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = plan_child_for(request.user, child_id)
    _writer(request, child)
    page = selectors.plan_page(request.user, child)
    if page.plan is not None:
        messages.info(request, f"{child.full_name} already has a support plan.")
        return redirect("support-plan", child_id=child.pk)
    open_seed = next((s for s in reversed(page.seeds) if not s.is_reviewed), None)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data)
    outcomes = outcome_formset(data)
    provision = provision_formset(data)
    cycle = CycleForm(data, initial=cycle_initial(open_seed), prefix="cycle")
    if data is not None and (
        form.is_valid() & outcomes.is_valid() & provision.is_valid() & cycle.is_valid()
    ):
        rows = plan_rows(outcomes, provision)
        if rows is not None:
            try:
                services.create_plan(
                    request.user,
                    child,
                    tier=form.cleaned_data["tier"],
                    strengths=form.cleaned_data["strengths"],
                    outcomes=rows[0],
                    provision=rows[1],
                    cycle=cycle.start(),
                )
            except services.PlanError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Support plan started for {child.full_name}.")
                return redirect("support-plan", child_id=child.pk)
    return _plan_form_page(
        request,
        child,
        form=form,
        outcomes=outcomes,
        provision=provision,
        cycle=cycle,
        creating=True,
        page=page,
    )


@login_required
def plan_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    plan = support_plan_for(request.user, child_id)
    _writer(request, plan.child)
    child = plan.child
    page = selectors.plan_page(request.user, child, with_seed=False)
    position = {o.pk: index for index, o in enumerate(page.outcomes)}
    data = request.POST if request.method == "POST" else None
    form = PlanForm(
        data,
        initial={"tier": plan.tier, "strengths": plan.strengths, "version": plan.version},
    )
    outcomes = outcome_formset(
        data,
        [
            {"id": o.pk, "text": o.text, "by_when": o.by_when, "keep": o.kept_after_warning}
            for o in page.outcomes
        ],
    )
    provision = provision_formset(
        data,
        [
            {
                "id": p.pk,
                "what": p.what,
                "who": p.who,
                "how_often": p.how_often,
                "starts_on": p.starts_on,
                "outcome": position.get(p.outcome_id),
            }
            for p in page.provision
        ],
    )
    if data is not None and form.is_valid() & outcomes.is_valid() & provision.is_valid():
        rows = plan_rows(outcomes, provision)
        if rows is not None:
            try:
                services.update_plan(
                    request.user,
                    plan,
                    version=form.cleaned_data["version"] or 0,
                    tier=form.cleaned_data["tier"],
                    strengths=form.cleaned_data["strengths"],
                    outcomes=rows[0],
                    provision=rows[1],
                )
            except services.PlanError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Support plan saved.")
                return redirect("support-plan", child_id=child.pk)
    return _plan_form_page(
        request,
        child,
        form=form,
        outcomes=outcomes,
        provision=provision,
        cycle=None,
        creating=False,
        page=page,
    )


@login_required
def plan_review(request: HttpRequest, child_id: int) -> HttpResponse:
    plan = support_plan_for(request.user, child_id)
    _writer(request, plan.child)
    page = selectors.plan_page(request.user, plan.child, with_seed=False)
    cycle = page.current_cycle
    if cycle is None or cycle.is_reviewed:
        messages.info(request, "This cycle has been reviewed. Start the next cycle.")
        return redirect("support-plan", child_id=plan.child_id)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        outcomes=page.outcomes,
        started_on=cycle.started_on,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(request.user, plan, form.review())
        except services.PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Review of cycle {cycle.number} saved.")
            return redirect("support-plan", child_id=plan.child_id)
    return render(
        request,
        "pathway/support_plans/review_form.html",
        {
            "page_title": f"Review cycle {cycle.number} of {plan.child.full_name}'s support plan",
            "child": plan.child,
            "cycle": cycle,
            "form": form,
        },
    )


@login_required
def plan_next_cycle(request: HttpRequest, child_id: int) -> HttpResponse:
    plan = support_plan_for(request.user, child_id)
    _writer(request, plan.child)
    page = selectors.plan_page(request.user, plan.child, with_seed=False)
    current = page.current_cycle
    if current is not None and not current.is_reviewed:
        messages.info(request, f"Record the review of cycle {current.number} first.")
        return redirect("support-plan", child_id=plan.child_id)
    number = (current.number + 1) if current else 1
    form = CycleForm(
        request.POST if request.method == "POST" else None, initial=cycle_initial(None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.start_next_cycle(request.user, plan, form.start())
        except services.PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Cycle {number} started.")
            return redirect("support-plan", child_id=plan.child_id)
    return render(
        request,
        "pathway/support_plans/cycle_form.html",
        {
            "page_title": f"Start cycle {number} of {plan.child.full_name}'s support plan",
            "child": plan.child,
            "number": number,
            "previous": current,
            "form": form,
        },
    )


def _download(request: HttpRequest, child_id: int, how: str):
    plan = support_plan_for(request.user, child_id)
    page = selectors.plan_page(request.user, plan.child, with_seed=False)
    record_event_on_latest(
        plan.child,
        ReferralEvent.Kind.VIEWED,
        request.user,
        f"Support plan downloaded as {how} by {display_name(request.user)}",
        support_plan=plan.pk,
    )
    return page


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def plan_json(request: HttpRequest, child_id: int) -> HttpResponse:
    page = _download(request, child_id, "JSON")
    response = HttpResponse(
        json.dumps(exports.plan_json(page), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    return _attachment(response, exports.plan_filename(page, "json"))


@login_required
@require_GET
def plan_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    page = _download(request, child_id, "PDF")
    response = HttpResponse(exports.plan_pdf(page), content_type="application/pdf")
    return _attachment(response, exports.plan_filename(page, "pdf"))


@login_required
@require_GET
def plan_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema of the plan export, for the systems that import it. No child data."""
    return JsonResponse(exports.PLAN_SCHEMA, json_dumps_params={"indent": 2})
