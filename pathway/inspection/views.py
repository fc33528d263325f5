"""Evidence for an area SEND inspection: the person-level list, a file the SEND manager produces
and sends (inspectors have no accounts). Every download is in the audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from earlyyears.exports import streaming_csv
from earlyyears.roles import FULL_EXPORT_ROLES

from . import selectors


def _manager_only(request: HttpRequest) -> None:
    if not (request.user.is_active and request.user.role in FULL_EXPORT_ROLES):
        raise PermissionDenied


@login_required
@require_GET
def inspection_evidence(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    today = timezone.localdate()
    return render(
        request,
        "pathway/inspection/evidence.html",
        {
            "page_title": "Evidence for an area SEND inspection",
            "headings": selectors.HEADINGS,
            "count": selectors.in_the_list(today).count(),
        },
    )


@login_required
@require_GET
def inspection_list_csv(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    today = timezone.localdate()
    return streaming_csv(selectors.rows(today), f"early-years-sen-list-{today.isoformat()}.csv")
