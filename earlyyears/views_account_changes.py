"""The SEND manager approves or rejects changes to accounts of people who can see children.

Only a SEND manager reaches these pages (403 for everyone else, before any lookup); a change
to their own account, or one they asked for, is shown but cannot be decided by them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from . import accounts
from .forms import GovukForm
from .models import AccountChange, Role


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you approve this change?",
        choices=[("approve", "Yes, approve it"), ("reject", "No, reject it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve the change"},
    )
    reason = forms.CharField(
        label="If you reject it, say why",
        help_text="The administrator who asked sees this",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are rejecting the change")
        return cleaned


def _managers_only(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_active and user.role == Role.SEND_MANAGER):
        raise PermissionDenied


@never_cache
@login_required
def account_changes(request: HttpRequest) -> HttpResponse:
    """The changes waiting, with checkboxes to approve several at once (a staff import can ask
    for many new accounts); each is checked as if approved on its own page."""
    _managers_only(request)
    error = ""
    if request.method == "POST":
        chosen = [value for value in request.POST.getlist("change") if value.isdigit()]
        if not chosen:
            error = "Select the changes you approve"
        else:
            approved = 0
            for change in accounts.pending_changes().filter(pk__in=chosen):
                if not accounts.may_decide(request.user, change):
                    accounts.approve(request.user, change)
                    approved += 1
            messages.success(request, f"Approved {approved} change{'s' if approved != 1 else ''}.")
            return redirect("account-changes")
    pending = [
        (change, accounts.describe(change), accounts.may_decide(request.user, change))
        for change in accounts.pending_changes()
    ]
    return render(
        request,
        "earlyyears/account_changes/list.html",
        {
            "page_title": "Account changes to approve",
            "pending": pending,
            "decided": accounts.recent_decisions(),
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
@login_required
def account_change(request: HttpRequest, change_id: int) -> HttpResponse:
    _managers_only(request)
    change = get_object_or_404(
        AccountChange.objects.select_related("user", "requested_by", "decided_by"), pk=change_id
    )
    refusal = accounts.may_decide(request.user, change)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                accounts.approve(request.user, change)
                messages.success(
                    request, f"Approved: the change to {change.user.username} is made."
                )
            else:
                accounts.reject(request.user, change, form.cleaned_data["reason"].strip())
                messages.success(request, f"Rejected: {change.user.username} is not changed.")
        except accounts.AccountRuleBroken as error:
            messages.error(request, str(error))
        return redirect("account-changes")
    return render(
        request,
        "earlyyears/account_changes/detail.html",
        {
            "page_title": f"{change.get_kind_display()}: {change.user.username}",
            "change": change,
            "rows": accounts.describe(change),
            "refusal": refusal,
            "form": form,
        },
        status=400 if form.errors else (403 if request.method == "POST" and refusal else 200),
    )
