"""Limits on comments from families, kept in the cache (Redis wherever it is configured, so
every web process counts together): so many an hour from one client, and so many an hour from
everyone. No address is stored anywhere: the client's key is a keyed hash, in the cache only,
for the hour it counts."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

WINDOW_SECONDS = 60 * 60


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies
    (`AUDIT_PROXY_COUNT`, as the audit trail does): anything further left may be forged."""
    proxies = int(getattr(settings, "AUDIT_PROXY_COUNT", 0) or 0)
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return "unknown"


def client_key(request: HttpRequest) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def _window(now: datetime.datetime) -> str:
    return now.strftime("%Y%m%d%H")


def _count(key: str) -> int:
    """Add one to a counter that lives for the hour it counts; returns the new count."""
    if cache.add(key, 1, timeout=WINDOW_SECONDS + 60):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        return 1


def allow(request: HttpRequest, now: datetime.datetime | None = None) -> bool:
    """Count one attempt to comment (sent or refused alike, so a robot refused by the check
    still uses up its allowance); False when this client or everyone is over the hour's
    limit."""
    window = _window(now or timezone.now())
    per_client = int(getattr(settings, "LOCAL_OFFER_COMMENTS_PER_CLIENT", 5))
    overall = int(getattr(settings, "LOCAL_OFFER_COMMENTS_PER_HOUR", 200))
    mine = _count(f"lo-comments:{window}:{client_key(request)}")
    everyone = _count(f"lo-comments:{window}:all")
    return mine <= per_client and everyone <= overall
