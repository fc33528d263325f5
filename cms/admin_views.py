"""The local offer's pages in Wagtail's admin: import (with a dry-run preview) and export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from earlyyears.exports import download, render_dataset

from . import oruk, selectors, services
from .forms import ImportForm
from .models import ServiceImport
from .resources import ServiceResource


def _can_publish(user) -> bool:
    index = services.ensure_local_offer_index()
    return index.permissions_for_user(user).can_publish_subpage()


def _run(service_import: ServiceImport, user, dry_run: bool) -> services.Preview:
    run = (
        services.run_csv_import
        if service_import.format == ServiceImport.Format.CSV
        else services.run_json_import
    )
    return run(service_import.content, user=user, dry_run=dry_run)


@require_http_methods(["GET", "POST"])
def import_services(request):
    """Upload a file: it is kept in the database and previewed as a dry run."""
    if not _can_publish(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        service_import = ServiceImport.objects.create(
            created_by=request.user,
            format=form.cleaned_data["format"],
            filename=form.cleaned_data["file"].name[:255],
            content=form.text,
        )
        return redirect("cms_import_preview", service_import.pk)
    return render(request, "cms/admin/import.html", {"form": form, "header_title": "Import"})


@require_http_methods(["GET", "POST"])
def import_preview(request, import_id: int):
    """Show what the import would do; on confirmation import it all, or nothing."""
    if not _can_publish(request.user):
        raise PermissionDenied
    service_import = get_object_or_404(
        ServiceImport, pk=import_id, created_by=request.user, imported_at__isnull=True
    )
    if request.method == "POST":
        preview = _run(service_import, request.user, dry_run=False)
        if preview.saved:
            service_import.imported_at = timezone.now()
            service_import.save(update_fields=["imported_at"])
            messages.success(request, f"Imported {len(preview.rows)} services.")
            return redirect("cms_import")
    else:
        preview = _run(service_import, request.user, dry_run=True)
    return render(
        request,
        "cms/admin/import_preview.html",
        {"service_import": service_import, "preview": preview, "header_title": "Import preview"},
    )


@require_GET
def export_services(request, file_format: str):
    """Every published service, as CSV or as Open Referral UK JSON."""
    published = selectors.with_oruk_relations(selectors.published_services()).order_by(
        "title", "pk"
    )
    stamp = timezone.localdate().isoformat()
    if file_format == "csv":
        content, _ = render_dataset(ServiceResource().export(published), "csv")
        return download(content, "csv", f"local-offer-{stamp}.csv")
    records = [oruk.service_to_oruk(service) for service in published]
    response = HttpResponse(
        json.dumps(records, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="local-offer-{stamp}.json"'
    return response
