"""Views of portage: the caseload, home visits, and "All about me" with its print view and PDF.
Thin: the access layer (pathway.portage selectors), a form, a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from earlyyears.models import Child
from pathway.access import can_record_portage
from pathway.portage import services as portage
from pathway.portage.forms import PaperworkForm, VisitForm


def _caseload_child(request: HttpRequest, child_id: int) -> Child:
    """A child the signed-in portage worker may record for: 404 for a child they cannot see,
    403 for the SEND team, who read portage records but do not write them."""
    child = portage.portage_child_for(request.user, child_id)
    if not portage.on_caseload(request.user, child):
        raise PermissionDenied
    return child


def _form_errors(form, error: portage.PortageError) -> None:
    form.add_error(None, str(error))


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    if not can_record_portage(request.user):
        raise PermissionDenied
    families = list(portage.caseload(request.user))
    return render(
        request,
        "pathway/portage/caseload.html",
        {
            "page_title": "Your caseload",
            "families": families,
            "without_paperwork": sum(1 for child in families if not child.has_paperwork),
            "today": timezone.localdate(),
        },
    )


@login_required
def visits(request: HttpRequest, child_id: int) -> HttpResponse:
    child = portage.portage_child_for(request.user, child_id)
    return render(
        request,
        "pathway/portage/visits.html",
        {
            "page_title": f"Home visits: {child.full_name}",
            "child": child,
            "visits": portage.visits_of(request.user, child),
            "paperwork": portage.paperwork_of(request.user, child),
            "can_record": portage.on_caseload(request.user, child),
        },
    )


@login_required
def record_visit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _caseload_child(request, child_id)
    form = VisitForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            portage.record_visit(request.user, child, **form.cleaned_data)
        except portage.PortageError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Home visit saved.")
            return redirect("portage-visits", child_id=child.pk)
    return render(
        request,
        "pathway/portage/visit_form.html",
        {
            "page_title": f"Record a home visit: {child.full_name}",
            "heading": "Record a home visit",
            "child": child,
            "form": form,
        },
    )


@login_required
def edit_visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = portage.visit_for(request.user, visit_id)
    if visit.worker_id != request.user.pk or not portage.on_caseload(request.user, visit.child):
        raise PermissionDenied
    child = visit.child
    initial = {name: getattr(visit, name) for name in portage.VISIT_FIELDS}
    form = VisitForm(request.POST or None, initial=initial, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            portage.update_visit(visit, by=request.user, **form.cleaned_data)
        except portage.PortageError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Home visit updated.")
            return redirect("portage-visits", child_id=child.pk)
    return render(
        request,
        "pathway/portage/visit_form.html",
        {
            "page_title": f"Change the home visit on {visit.visited_on:%-d %B %Y}",
            "heading": f"Change the home visit on {visit.visited_on:%-d %B %Y}",
            "child": child,
            "form": form,
        },
    )


@login_required
def edit_paperwork(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _caseload_child(request, child_id)
    existing = portage.paperwork_of(request.user, child)
    initial = (
        {name: getattr(existing, name) for name in portage.PAPERWORK_FIELDS} if existing else {}
    )
    form = PaperworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            portage.save_paperwork(request.user, child, **form.cleaned_data)
        except portage.PortageError as error:
            _form_errors(form, error)
        else:
            return redirect("portage-paperwork-saved", child_id=child.pk)
    return render(
        request,
        "pathway/portage/paperwork_form.html",
        {
            "page_title": f"All about me: {child.full_name}",
            "child": child,
            "form": form,
            "existing": existing,
        },
    )


@login_required
def paperwork_saved(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _caseload_child(request, child_id)
    paperwork = portage.paperwork_of(request.user, child)
    if paperwork is None:
        raise Http404
    return render(
        request,
        "pathway/portage/paperwork_saved.html",
        {"page_title": "All about me saved", "child": child, "paperwork": paperwork},
    )


@login_required
def paperwork(request: HttpRequest, child_id: int) -> HttpResponse:
    """The print view: the family's own words, laid out to print or to read on screen."""
    child = portage.portage_child_for(request.user, child_id)
    record = portage.paperwork_of(request.user, child)
    if record is not None:
        portage.record_paperwork_viewed(request.user, child, "viewed")
    return render(
        request,
        "pathway/portage/paperwork.html",
        {
            "page_title": f"All about me: {child.full_name}",
            "child": child,
            "paperwork": record,
            "sections": [
                (title, getattr(record, field)) for field, title in portage.ABOUT_ME_SECTIONS
            ]
            if record
            else [],
            "consent": portage.consent_labels(record) if record else [],
            "can_record": portage.on_caseload(request.user, child),
        },
    )


@login_required
def paperwork_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    child = portage.portage_child_for(request.user, child_id)
    record = portage.paperwork_of(request.user, child)
    if record is None:
        raise Http404
    record.child = child
    portage.record_paperwork_viewed(request.user, child, "downloaded as a PDF")
    response = HttpResponse(portage.paperwork_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{portage.pdf_filename(child)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
