"""Wagtail admin pages for large imports (`cms.staging`): starting one, and its progress; and
the council's local note on a service from another publisher's feed (`cms.local_notes`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from earlyyears.after_response import after_commit_and_response, eager

from . import local_notes, services, tasks
from .models import ServiceImport, ServicePage
from .staging_models import LocalNote, StagedImport


def _can_publish(user) -> bool:
    """Local offer moderators (and superusers): as the import page itself asks."""
    index = services.ensure_local_offer_index()
    return index.permissions_for_user(user).can_publish_subpage()


def start(service_import: ServiceImport, user=None) -> StagedImport:
    """Queue an uploaded file's import for a worker (after this transaction commits). Without
    a broker (Celery eager) it runs after the response is sent, so the editor sees the
    progress page at once either way."""
    staged = StagedImport.objects.create(service_import=service_import, created_by=user)
    if eager():
        after_commit_and_response(lambda: tasks.run_staged_import.delay(staged.pk))
    else:
        transaction.on_commit(lambda: tasks.run_staged_import.delay(staged.pk))
    return staged


def large_import(request, service_import: ServiceImport):
    """A file too large to check in a request: offer to check and import it on a worker."""
    if request.method == "POST":
        staged = start(service_import, request.user)
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


class LocalNoteForm(forms.Form):
    text = forms.CharField(
        label="Note from the council",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown to families on the service's page, below the publisher's details. "
        "The publisher's next update does not change it. Leave it empty to remove the note.",
    )


@require_http_methods(["GET", "POST"])
def local_note(request, page_id: int):
    """The council's note on a service from another publisher's feed, kept apart from the
    feed's record (`LocalNote`)."""
    if not _can_publish(request.user):
        raise PermissionDenied
    service = get_object_or_404(ServicePage, pk=page_id)
    note = LocalNote.objects.filter(service=service).first()
    form = LocalNoteForm(request.POST or None, initial={"text": note.text if note else ""})
    if request.method == "POST" and form.is_valid():
        local_notes.save_note(service, form.cleaned_data["text"], request.user)
        messages.success(request, f"The note on {service.title} is saved.")
        return redirect("cms_local_note", service.pk)
    return render(
        request,
        "cms/admin/local_note.html",
        {
            "service": service,
            "form": form,
            "header_title": "Local note",
            "page_title": f"Local note on {service.title}",
        },
    )
