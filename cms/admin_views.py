"""The local offer's pages in Wagtail's admin: import (with a dry-run preview) and export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from earlyyears.after_response import after_commit_and_response, eager
from earlyyears.exports import download, render_dataset

from . import feeds, oruk, selectors, services, tasks
from .forms import ImportForm
from .models import Feed, FeedRun, ServiceImport
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
    from . import staging, staging_views

    if staging.goes_to_worker(service_import):  # checked and imported on a worker instead
        return staging_views.large_import(request, service_import)
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


@require_GET
def feed_list(request):
    """Every feed with its recent pulls, and what waits for an editor's approval."""
    if not _can_publish(request.user):
        raise PermissionDenied
    feed_rows = list(Feed.objects.all())
    runs = FeedRun.objects.filter(feed__in=feed_rows).order_by("-started_at", "-pk")
    by_feed: dict[int, list[FeedRun]] = {}
    for run in runs[:500]:
        by_feed.setdefault(run.feed_id, [])
        if len(by_feed[run.feed_id]) < 10:
            by_feed[run.feed_id].append(run)
    for feed in feed_rows:
        feed.recent_runs = by_feed.get(feed.pk, [])
    return render(
        request,
        "cms/admin/feeds.html",
        {"feeds": feed_rows, "header_title": "Feeds", "page_title": "Feeds from other publishers"},
    )


@require_http_methods(["POST"])
def feed_pull(request, feed_id: int):
    """Pull a feed now: on a worker when there is one, else after this response is sent."""
    if not _can_publish(request.user):
        raise PermissionDenied
    feed = get_object_or_404(Feed, pk=feed_id)
    if eager():
        after_commit_and_response(lambda: tasks.pull_feed(feed.pk))
    else:
        transaction.on_commit(lambda: tasks.pull_feed.delay(feed.pk))
    messages.success(request, f"{feed.name} is being pulled. Refresh this page to see the result.")
    return redirect("cms_feeds")


@require_http_methods(["POST"])
def feed_approve(request, run_id: int):
    """An editor approves the updates a pull held back: they overwrite the changes made here."""
    if not _can_publish(request.user):
        raise PermissionDenied
    run = get_object_or_404(FeedRun, pk=run_id)
    report = feeds.approve_held(run, request.user)
    if report.saved:
        messages.success(request, f"Applied {len(report.records)} held updates from {run.feed}.")
    else:
        messages.error(
            request,
            "The held updates could not be applied: "
            + "; ".join(e for r in report.records for e in r.errors),
        )
    return redirect("cms_feeds")
