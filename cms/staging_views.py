"""Wagtail admin pages for large imports (`cms.staging`): starting one, and its progress."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from . import staging
from .models import ServiceImport
from .staging_models import StagedImport


def _can_publish(user) -> bool:
    from .admin_views import _can_publish as can_publish

    return can_publish(user)


def large_import(request, service_import: ServiceImport):
    """A file too large to check in a request: offer to check and import it on a worker."""
    if request.method == "POST":
        staged = staging.start(service_import, request.user)
        return redirect("cms_import_progress", staged.pk)
    running = service_import.staged.exclude(status=StagedImport.Status.FAILED).first()
    if running:
        return redirect("cms_import_progress", running.pk)
    return render(
        request,
        "cms/admin/import_large.html",
        {
            "service_import": service_import,
            "megabytes": max(1, round(len(service_import.content) / (1024 * 1024))),
            "header_title": "Import",
            "page_title": "Import a large file",
        },
    )


@require_GET
def import_progress(request, staged_id: int):
    """How far a large import has got; refreshes itself with JavaScript, or by the link."""
    if not _can_publish(request.user):
        raise PermissionDenied
    staged = get_object_or_404(StagedImport.objects.select_related("service_import"), pk=staged_id)
    return render(
        request,
        "cms/admin/import_progress.html",
        {"staged": staged, "header_title": "Import", "page_title": "Import progress"},
    )
