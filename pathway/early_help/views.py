"""Views of the early help hand-off: the coordinator's list, the referral pack (page, JSON, PDF),
acceptance and outcome. Thin: the access layer through pathway.early_help, a form, a service."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from pathway.access import early_help_handoff_for
from pathway.early_help import services as early_help
from pathway.early_help.forms import OutcomeForm, RespondForm


def _viewer(request: HttpRequest) -> None:
    if not early_help.may_view(request.user):
        raise PermissionDenied


@login_required
@require_GET
def handoff_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    listing = early_help.handoff_list(
        request.user, request.GET.get("status", "waiting"), request.GET.get("page", 1)
    )
    return render(
        request,
        "pathway/early_help/list.html",
        {"page_title": "Early help referrals", "listing": listing, "page": listing.page},
    )


@login_required
@require_GET
def pack(request: HttpRequest, referral_id: int) -> HttpResponse:
    pack = early_help.pack_for(request.user, referral_id)
    early_help.record_view(pack, request.user, "viewed")
    return render(
        request,
        "pathway/early_help/pack.html",
        {
            "page_title": f"Early help referral pack {pack.referral.reference}",
            "pack": pack,
            "handoff": pack.handoff,
            "referral": pack.referral,
            "child": pack.referral.child,
            "can_respond": early_help.may_respond(request.user),
        },
    )


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def pack_json(request: HttpRequest, referral_id: int) -> HttpResponse:
    pack = early_help.pack_for(request.user, referral_id)
    early_help.record_view(pack, request.user, "downloaded as JSON")
    response = HttpResponse(
        json.dumps(early_help.pack_json(pack), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    return _attachment(response, early_help.pack_filename(pack.referral, "json"))


@login_required
@require_GET
def pack_pdf(request: HttpRequest, referral_id: int) -> HttpResponse:
    pack = early_help.pack_for(request.user, referral_id)
    early_help.record_view(pack, request.user, "downloaded as PDF")
    response = HttpResponse(early_help.pack_pdf(pack), content_type="application/pdf")
    return _attachment(response, early_help.pack_filename(pack.referral, "pdf"))


@login_required
@require_GET
def pack_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema of the pack, for the systems that import it."""
    _viewer(request)
    return JsonResponse(early_help.PACK_SCHEMA, json_dumps_params={"indent": 2})


def _coordinator_handoff(request: HttpRequest, referral_id: int):
    """404 for a hand-off the user may not see; 403 for the SEND team, who read but do not
    respond."""
    handoff = early_help_handoff_for(request.user, referral_id)
    if not early_help.may_respond(request.user):
        raise PermissionDenied
    return handoff


@login_required
def respond(request: HttpRequest, referral_id: int) -> HttpResponse:
    handoff = _coordinator_handoff(request, referral_id)
    form = RespondForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            early_help.respond(
                handoff, by=request.user, accept=form.accept, reason=form.cleaned_data["reason"]
            )
        except early_help.EarlyHelpError as error:
            form.add_error(None, str(error))
        else:
            verb = "accepted" if form.accept else "declined"
            messages.success(request, f"Referral {handoff.referral.reference} {verb}.")
            if not form.accept:
                return redirect("early-help-list")  # declined: it is the SEND team's again
            return redirect("early-help-pack", referral_id=handoff.referral_id)
    return render(
        request,
        "pathway/early_help/form.html",
        {
            "page_title": f"Accept or decline referral {handoff.referral.reference}",
            "form": form,
            "handoff": handoff,
            "referral": handoff.referral,
            "open": handoff.status == early_help.Status.AWAITING,
            "closed_message": f"This referral has already been "
            f"{handoff.get_status_display().lower()}.",
            "submit": "Save response",
        },
    )


@login_required
def outcome(request: HttpRequest, referral_id: int) -> HttpResponse:
    handoff = _coordinator_handoff(request, referral_id)
    form = OutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            early_help.record_outcome(
                handoff,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            )
        except early_help.EarlyHelpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Outcome recorded for referral {handoff.referral.reference}."
            )
            return redirect("early-help-pack", referral_id=handoff.referral_id)
    waiting = {
        early_help.Status.AWAITING: "Record whether early help accepts this referral before "
        "recording an outcome.",
        early_help.Status.DECLINED: "Early help declined this referral, so it has no outcome.",
        early_help.Status.CLOSED: "An outcome has already been recorded for this referral.",
    }
    return render(
        request,
        "pathway/early_help/form.html",
        {
            "page_title": f"Record the outcome of referral {handoff.referral.reference}",
            "form": form,
            "handoff": handoff,
            "referral": handoff.referral,
            "open": handoff.status == early_help.Status.ACCEPTED,
            "closed_message": waiting.get(handoff.status, ""),
            "submit": "Save outcome",
        },
    )
