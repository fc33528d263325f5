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
from pathway.portage.forms import VisitForm


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
            "paperwork": portage.all_about_me_of(request.user, child),
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
    """ "All about me" is the family's own record now (issue 22): the portage worker completes
    it with the family on its page, as a new version "assisted by" them."""
    child = _caseload_child(request, child_id)
    return redirect("story-all-about-me-with-family", child_id=child.pk)


@login_required
def paperwork_saved(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _caseload_child(request, child_id)
    return redirect("story-all-about-me", child_id=child.pk)


@login_required
def paperwork(request: HttpRequest, child_id: int) -> HttpResponse:
    """The family's "All about me" (issue 22): its page, with every version."""
    child = portage.portage_child_for(request.user, child_id)
    return redirect("story-all-about-me", child_id=child.pk)


@login_required
def paperwork_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    child = portage.portage_child_for(request.user, child_id)
    record = portage.all_about_me_of(request.user, child)
    if record is None:
        raise Http404
    portage.record_paperwork_viewed(request.user, child, "downloaded as a PDF")
    response = HttpResponse(portage.all_about_me_pdf(record, child), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{portage.pdf_filename(child)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
