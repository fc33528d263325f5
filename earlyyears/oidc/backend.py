"""mozilla-django-oidc's backend, matching people on issuer and subject (never email) and
applying the service's account rules (`services.sign_in`).

Why someone was refused is kept in the session for the refusal page, which says it in words.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services

logger = logging.getLogger(__name__)

REFUSAL_KEY = "_council_sign_in_refusal"
SECOND_FACTOR_KEY = "_council_sign_in_second_factor"


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def refuse(self, reason: str) -> None:
        self.request.session[REFUSAL_KEY] = reason
        return None

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET:
            return None
        self.request = request
        request.session.pop(REFUSAL_KEY, None)
        try:
            return super().authenticate(request, **kwargs)
        except Exception:
            # The provider did not answer, or answered something that does not verify: a
            # refusal page, never a 500; the details go to the log.
            logger.exception("Council sign-in failed at the provider")
            return self.refuse(services.Refusal.FAILED)

    def get_user(self, user_id):
        """Like Django's own backend: an account switched off (a leaver) has no session."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def get_or_create_user(self, access_token, id_token, payload):
        """The ID token's claims decide who it is (issuer, subject, amr, groups where the
        provider puts them there); the user information adds names, email and groups."""
        issuer = payload.get("iss", "")
        if not payload.get("sub") or issuer != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The ID token is not from the configured issuer")
        info = {}
        if self.OIDC_OP_USER_ENDPOINT:
            info = self.get_userinfo(access_token, id_token, payload)
        if info.get("sub", payload["sub"]) != payload["sub"]:
            raise SuspiciousOperation("The user information is about someone else")
        claims = {**info, **{k: v for k, v in payload.items() if v not in (None, "", [])}}
        if settings.OIDC_GROUPS_CLAIM not in payload and settings.OIDC_GROUPS_CLAIM in info:
            claims[settings.OIDC_GROUPS_CLAIM] = info[settings.OIDC_GROUPS_CLAIM]
        outcome = services.sign_in(issuer, claims)
        if outcome.user is None:
            return self.refuse(outcome.refusal)
        second_factor = services.used_second_factor(payload)
        services.record_sign_in(outcome.user, issuer, payload["sub"], second_factor)
        outcome.user.council_second_factor = second_factor
        outcome.user.council_change_waiting = outcome.change_waiting
        return outcome.user
