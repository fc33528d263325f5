"""Accounts' own pages: the second step of signing in (set up an authenticator app, or enter
its code), recovery codes and the timeout warning's keep-alive; setting a password from an
invitation; and the SEND manager's approval of changes to accounts.

A new member of staff sets their own password from the link in their invitation; the link works
once and expires. Only a SEND manager reaches the account-change pages (403 for everyone else,
before any lookup); a change to their own account, or one they asked for, is shown but cannot be
decided by them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from .. import security
from ..models import AccountChange, Role
from . import selectors, services
from .forms import DecisionForm, SetPasswordForm, TwoFactorCodeForm


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _recovery_codes_url(next_url: str) -> str:
    return f"{reverse('two-factor-recovery-codes')}?{urlencode({'next': next_url})}"


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the 6-digit code (or a recovery code) after the password."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not security.has_confirmed_device(user):
        if security.two_factor_required(user):
            return redirect(security.second_step_url(user, _next_url(request)))
        request.session[security.ENROLLED_KEY] = False
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        device = form.verified_device
        security.mark_verified(request, device)
        if isinstance(device, StaticDevice):
            left = security.recovery_codes_left(user)
            messages.info(
                request,
                f"You used a recovery code. You have {left} left."
                + (" Get new recovery codes from your account." if left < 3 else ""),
            )
        return redirect(_next_url(request))
    return render(
        request,
        "earlyyears/accounts/verify.html",
        {
            "page_title": "Enter the code from your authenticator app",
            "form": form,
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), confirm a code."""
    user = request.user
    if security.has_confirmed_device(user):
        if user.is_verified():
            messages.info(request, "Two-factor authentication is already set up.")
            return redirect("two-factor")
        return redirect(security.second_step_url(user, _next_url(request)))
    device = security.pending_totp_device(user)
    form = TwoFactorCodeForm(request.POST or None, user=user, device=device)
    if request.method == "POST" and form.is_valid():
        request.session[security.RECOVERY_CODES_KEY] = security.confirm_device(request, device)
        return redirect(_recovery_codes_url(_next_url(request)))
    return render(
        request,
        "earlyyears/accounts/set_up.html",
        {
            "page_title": "Set up two-factor authentication",
            "form": form,
            "qr_code": security.qr_code_svg(device),
            "secret": security.secret_for_display(device),
            "required": security.two_factor_required(user),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once: they are kept only as long as this page takes."""
    if not request.user.is_verified():
        return redirect(security.second_step_url(request.user, request.get_full_path()))
    codes = request.session.pop(security.RECOVERY_CODES_KEY, None)
    if not codes:
        return redirect("two-factor")
    return render(
        request,
        "earlyyears/accounts/recovery_codes.html",
        {"page_title": "Your recovery codes", "codes": codes, "next": _next_url(request)},
    )


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    enabled = security.has_confirmed_device(user)
    return render(
        request,
        "earlyyears/accounts/two_factor.html",
        {
            "page_title": "Two-factor authentication",
            "enabled": enabled,
            "verified": user.is_verified(),
            "required": security.two_factor_required(user),
            "codes_left": security.recovery_codes_left(user) if enabled else 0,
        },
    )


@never_cache
@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect(security.second_step_url(request.user, reverse("two-factor")))
    request.session[security.RECOVERY_CODES_KEY] = security.new_recovery_codes(request.user)
    return redirect(_recovery_codes_url(reverse("two-factor")))


@never_cache
@require_http_methods(["GET", "POST"])
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The timeout warning: GET says how long is left (and is not activity: see
    IdleTimeoutMiddleware); POST is "Stay signed in". Without JavaScript, the form's POST
    returns to the page."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    if request.method == "POST":
        security.note_activity(request.session)
        remaining = settings.SESSION_IDLE_TIMEOUT_SECONDS
        if not security.wants_json(request):
            return redirect(_next_url(request))
    else:
        remaining = request.idle_state.remaining_seconds
    return JsonResponse(
        {
            "signed_in": True,
            "remaining_seconds": remaining,
            "warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
        }
    )


# Invitations ----------------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: never send it on to another site (a stricter policy,
    no-referrer, would make the browser send "Origin: null" and fail the CSRF check)."""
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def set_password(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _private(
            render(
                request,
                "earlyyears/accounts/invitations/invalid.html",
                {"page_title": "This link has expired or has already been used"},
                status=404,
            )
        )
    form = SetPasswordForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        user = services.accept_invitation(token, form.cleaned_data["password"])
        if user is None:
            return _private(
                render(
                    request,
                    "earlyyears/accounts/invitations/invalid.html",
                    {"page_title": "This link has expired or has already been used"},
                    status=404,
                )
            )
        messages.success(request, "Your password is set. Sign in with your username and it.")
        return _private(redirect("sign-in"))
    return _private(
        render(
            request,
            "earlyyears/accounts/invitations/set_password.html",
            {
                "page_title": "Set your password",
                "form": form,
                "invited_user": invitation.user,
                "expires_at": invitation.expires_at,
            },
            status=400 if form.errors else 200,
        )
    )


# Changes to accounts, for a SEND manager to approve ----------------------------------------


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
            for change in selectors.pending_changes().filter(pk__in=chosen):
                if not services.may_decide(request.user, change):
                    services.approve(request.user, change)
                    approved += 1
            messages.success(request, f"Approved {approved} change{'s' if approved != 1 else ''}.")
            return redirect("account-changes")
    pending = [
        (change, selectors.describe(change), services.may_decide(request.user, change))
        for change in selectors.pending_changes()
    ]
    return render(
        request,
        "earlyyears/accounts/account_changes/list.html",
        {
            "page_title": "Account changes to approve",
            "pending": pending,
            "decided": selectors.recent_decisions(),
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
    refusal = services.may_decide(request.user, change)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.approve(request.user, change)
                messages.success(
                    request, f"Approved: the change to {change.user.username} is made."
                )
            else:
                services.reject(request.user, change, form.cleaned_data["reason"].strip())
                messages.success(request, f"Rejected: {change.user.username} is not changed.")
        except services.AccountRuleBroken as error:
            messages.error(request, str(error))
        return redirect("account-changes")
    return render(
        request,
        "earlyyears/accounts/account_changes/detail.html",
        {
            "page_title": f"{change.get_kind_display()}: {change.user.username}",
            "change": change,
            "rows": selectors.describe(change),
            "refusal": refusal,
            "form": form,
        },
        status=400 if form.errors else (403 if request.method == "POST" and refusal else 200),
    )
