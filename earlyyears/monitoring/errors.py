"""The error reporter: the Sentry SDK when SENTRY_DSN is set (off by default), tagged with
SENTRY_ENVIRONMENT. What is sent is an error's type, message and stack, never personal data:
no request bodies, cookies, query strings (search boxes carry children's names), users' details
or local variables."""

from __future__ import annotations

import os
from typing import Any


def _scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.get("request") or {}
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    if "url" in request:
        request["url"] = request["url"].split("?", 1)[0]
    headers = request.get("headers") or {}
    request["headers"] = {
        name: value
        for name, value in headers.items()
        if name.lower() not in ("cookie", "authorization", "x-csrftoken", "referer")
    }
    event.pop("user", None)
    return event


def configure(dsn: str | None = None) -> bool:
    """Switches the reporter on when a DSN is set; returns whether it did."""
    dsn = dsn if dsn is not None else os.environ.get("SENTRY_DSN", "")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No personal data: Sentry's default sends none of users' details or cookies either.
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        before_send=_scrub,
    )
    return True
