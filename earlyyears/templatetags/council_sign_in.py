"""The "Sign in with your council account" button, shown only when the council's identity
provider is configured (OIDC_ENABLED)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("earlyyears/oidc/sign_in_button.html", takes_context=True)
def council_sign_in(context) -> dict:
    return {"enabled": settings.OIDC_ENABLED, "next": context.get("next", "")}
