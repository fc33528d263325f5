"""The council sign-in's pages: the start (off unless configured: 404), the provider's
callback (then the service's own second step unless the provider did one), the refusal page,
and a sign-out that ends the provider's session too."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .. import security
from ..models import OIDCIdentity
from . import services
from .backend import REFUSAL_KEY

ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 (a session key, not a secret)

REFUSALS = {
    services.Refusal.NO_ROLE: (
        "You cannot use this service with your council account",
        [
            "Your council account is not in a group that gives access to this service.",
            "If you need it for your work, ask your manager to ask the IT service desk to add "
            "you to the right group. Then sign in again.",
        ],
    ),
    services.Refusal.WAITING: (
        "Your account is waiting for approval",
        [
            "A SEND team manager must approve your account before you can use the service, "
            "because it lets you see children's records.",
            "Try signing in again after they have approved it.",
        ],
    ),
    services.Refusal.ENDED: (
        "Your account for this service has been closed",
        [
            "Your council account works, but your account for this service was closed.",
            "If you still need it, ask the SEND team manager.",
        ],
    ),
    services.Refusal.FAILED: (
        "Sorry, there is a problem signing you in with your council account",
        [
            "The council's sign-in service did not answer as expected. Try again in a few minutes.",
            "If it keeps happening, contact the IT service desk.",
        ],
    ),
}


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Council sign-in is not set up")


class StartView(OIDCAuthenticationRequestView):
    """Sends the person to the council's identity provider."""

    def __init__(self, *args, **kwargs) -> None:
        _enabled()
        super().__init__(*args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer. Signed in, the person does the service's second step unless the
    provider says it asked for a second factor."""

    def __init__(self, *args, **kwargs) -> None:
        _enabled()
        super().__init__(*args, **kwargs)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        request, user = self.request, self.user
        security.note_activity(request.session)
        request.session.pop(REFUSAL_KEY, None)
        if getattr(user, "council_change_waiting", False):
            messages.info(
                request,
                "Your council account's groups give you a different role here. The change "
                "waits for a SEND team manager to approve it; until then you keep your role.",
            )
        if getattr(user, "council_second_factor", False):
            identity = OIDCIdentity.objects.filter(user=user).order_by("-last_signed_in_at")
            security.mark_verified(request, identity.first())
            return response
        enrolled = security.has_confirmed_device(user)
        request.session[security.ENROLLED_KEY] = enrolled
        if enrolled or security.two_factor_required(user):
            return redirect(security.second_step_url(user, self.success_url))
        return response

    def login_failure(self) -> HttpResponse:
        if REFUSAL_KEY not in self.request.session:
            self.request.session[REFUSAL_KEY] = services.Refusal.FAILED
        return HttpResponseRedirect(reverse("council-sign-in-refused"))


@never_cache
def refused(request: HttpRequest) -> HttpResponse:
    """Why the council sign-in did not let the person in, in words."""
    reason = request.session.get(REFUSAL_KEY, services.Refusal.FAILED)
    heading, paragraphs = REFUSALS.get(reason, REFUSALS[services.Refusal.FAILED])
    return render(
        request,
        "earlyyears/oidc/refused.html",
        {"page_title": heading, "paragraphs": paragraphs, "oidc_enabled": settings.OIDC_ENABLED},
        status=403,
    )


class SignOutView(auth_views.LogoutView):
    """Django's sign-out; for someone who came from the council's provider, the provider's
    session ends too (its end-session endpoint, with the ID token as a hint), so the next
    person at a shared computer is asked who they are."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        id_token = request.session.get(ID_TOKEN_KEY)
        response = super().post(request, *args, **kwargs)
        if id_token and settings.OIDC_ENABLED and settings.OIDC_OP_LOGOUT_ENDPOINT:
            query = urlencode(
                {
                    "id_token_hint": id_token,
                    "client_id": settings.OIDC_RP_CLIENT_ID,
                    "post_logout_redirect_uri": request.build_absolute_uri(
                        reverse(settings.LOGOUT_REDIRECT_URL)
                    ),
                }
            )
            return HttpResponseRedirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}")
        return response
