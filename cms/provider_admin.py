"""Wagtail admin pages for local offer moderators: providers' accounts (invite someone from an
organisation) and Ofsted's early years register (upload, preview, apply; each setting beside
its local offer entry). Views are thin: `cms.providers` and `cms.register` do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import providers, register
from .admin_views import _can_publish
from .models import RegisterImport
from .provider_forms import InviteProviderForm, RegisterUploadForm


def _moderators_only(user) -> None:
    if not _can_publish(user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def provider_accounts(request):
    """Organisations whose staff keep their own entries, and a form to invite one more."""
    _moderators_only(request.user)
    form = InviteProviderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = providers.invite_provider(
            request.user,
            data["organisation"],
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        messages.success(
            request,
            f"{user.get_full_name() or user.username} has been sent a link to set a password. "
            f"They can change {data['organisation'].name}'s services; you approve every change.",
        )
        return redirect("cms_providers")
    return render(
        request,
        "cms/admin/providers.html",
        {
            "form": form,
            "organisations": providers.organisations_with_staff(),
            "header_title": "Providers",
        },
    )


@require_http_methods(["GET", "POST"])
def register_upload(request):
    """Upload Ofsted's register: kept in the database and previewed before anything changes."""
    _moderators_only(request.user)
    posted = request.method == "POST"
    form = RegisterUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = register.upload(request.user, form.cleaned_data["file"].name, form.content)
        return redirect("cms_register_preview", upload.pk)
    return render(
        request,
        "cms/admin/register.html",
        {
            "form": form,
            "links": register.settings_with_entries(),
            "imports": register.recent_imports(request.user),
            "header_title": "Ofsted register",
        },
    )


@require_http_methods(["GET", "POST"])
def register_preview(request, import_id: int):
    """What the file would do: new, changed and closed providers; apply on confirmation."""
    _moderators_only(request.user)
    upload = get_object_or_404(
        RegisterImport, pk=import_id, created_by=request.user, applied_at__isnull=True
    )
    if request.method == "POST":
        result = register.apply(upload, request.user)
        if result.applied:
            counts = result.counts
            messages.success(
                request,
                f"Ofsted register applied: {counts['new']} new, {counts['changed']} changed and "
                f"{counts['closed']} closed providers.",
            )
            return redirect("cms_register")
    else:
        result = register.preview(upload, request.user)
    return render(
        request,
        "cms/admin/register_preview.html",
        {"upload": upload, "result": result, "header_title": "Ofsted register preview"},
    )
