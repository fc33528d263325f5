"""Thin views for the audit trail search, the subject access export and legal holds.

All of them are the SEND manager's alone: 403 for every other role, before any lookup, so
they never confirm whether a child exists. Service administrators are refused too: they
manage accounts, and the audit trail and exports are child-level data they never see
(separation of duties: whoever can grant access is not the one reviewing how it was used)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from earlyyears.access import child_for
from earlyyears.exports import streaming_csv
from earlyyears.models import Role
from pathway.access import is_send_manager

from . import selectors, services
from .forms import AuditSearchForm, LiftHoldForm, PlaceHoldForm
from .models import LegalHold
from .retention import describe_rules


def _manager_only(request: HttpRequest) -> None:
    if not is_send_manager(request.user):
        raise PermissionDenied


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    form = AuditSearchForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else selectors.AuditFilters()
        if filters.child_id is not None:
            request.audit = {"child_id": filters.child_id}
        page = selectors.audit_page(filters, request.GET.get("page", 1))
    return _no_store(
        render(
            request,
            "dataprotection/audit_search.html",
            {
                "page_title": "Audit trail",
                "form": form,
                "page": page,
                "has_errors": bool(form.errors),
                "query": request.GET.urlencode(),
                "roles": dict(Role.choices),
            },
        )
    )


CSV_HEADER = [
    "When",
    "Username",
    "Role",
    "Action",
    "Method",
    "Page",
    "Page name",
    "Child record number",
    "Referral record number",
    "Record type",
    "Record number",
    "Outcome (HTTP status)",
    "IP address",
    "What changed (accounts)",
    "Browser",
]


@login_required
def audit_csv(request: HttpRequest) -> HttpResponse:
    """The search's results as CSV; the download is itself an access event (an export)."""
    _manager_only(request)
    form = AuditSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return redirect(f"{reverse('audit-search')}?{request.GET.urlencode()}")
    filters = form.filters() if request.GET else selectors.AuditFilters()
    if filters.child_id is not None:
        request.audit = {"child_id": filters.child_id}

    def rows():
        yield CSV_HEADER
        for e in selectors.audit_events(filters).iterator(chunk_size=2000):
            yield (
                timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"),
                e.username,
                e.role,
                e.action,
                e.method,
                e.path,
                e.url_name,
                e.child_id or "",
                e.referral_id or "",
                e.object_type,
                e.object_id,
                e.status_code,
                e.ip_address or "",
                e.detail,
                e.user_agent,
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _no_store(streaming_csv(rows(), f"audit-trail-{stamp}.csv"))


@login_required
def subject_access(request: HttpRequest, child_id: int) -> HttpResponse:
    _manager_only(request)
    child, record = selectors.subject_access_record(request.user, child_id)
    sections = [(key, title, record[key]) for key, title in selectors.SECTIONS]
    return _no_store(
        render(
            request,
            "dataprotection/subject_access.html",
            {
                "page_title": f"Subject access: {child.full_name}",
                "child": child,
                "record": record,
                "sections": sections,
            },
        )
    )


@login_required
def subject_access_json(request: HttpRequest, child_id: int) -> HttpResponse:
    _manager_only(request)
    child, record = selectors.subject_access_record(request.user, child_id)
    response = HttpResponse(
        json.dumps(record, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{child.reference}.json"'
    )
    return _no_store(response)


@login_required
def legal_hold(request: HttpRequest, child_id: int) -> HttpResponse:
    """Place or lift a legal hold: while one is in place the retention job keeps everything."""
    _manager_only(request)
    child = child_for(request.user, child_id)
    active = LegalHold.objects.filter(child=child, lifted_at__isnull=True).first()
    form = (LiftHoldForm if active else PlaceHoldForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if active:
            services.lift_hold(request.user, child, form.cleaned_data["lift_reason"])
            messages.success(request, "The legal hold has been lifted.")
        else:
            try:
                services.place_hold(request.user, child, form.cleaned_data["reason"])
            except services.HoldAlreadyInPlace:
                messages.error(request, "A legal hold is already in place for this child.")
            else:
                messages.success(request, "Legal hold placed: nothing about this child is deleted.")
        return redirect("legal-hold", child_id=child.pk)
    return render(
        request,
        "dataprotection/legal_hold.html",
        {
            "page_title": f"Legal hold: {child.full_name}",
            "child": child,
            "active": active,
            "form": form,
            "history": LegalHold.objects.filter(child=child).select_related(
                "placed_by", "lifted_by"
            ),
            "rules": describe_rules(),
        },
    )
