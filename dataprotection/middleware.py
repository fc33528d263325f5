"""Records an access event after each response to a URL of child-level data."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse

from . import audit
from .account_audit import current_request
from .models import AccessEvent

logger = logging.getLogger("dataprotection.audit")


def write_event(request: HttpRequest, response: HttpResponse) -> AccessEvent | None:
    """Write the request's access event, if it has one: one INSERT. A failure is logged, not
    shown: the response is already made. In autocommit (every served request) the INSERT is its
    own transaction, with no BEGIN and COMMIT round trips; inside a caller's transaction (a test)
    it gets a savepoint, so a failure here cannot break that transaction."""
    try:
        event = audit.event_for(request, response)
        if event is None:
            return None
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                event.save(force_insert=True)
        else:
            event.save(force_insert=True)
        return event
    except DatabaseError:
        logger.exception("Could not record an access event for %s", request.path)
        return None


class AuditMiddleware:
    """Place after AuthenticationMiddleware: it needs `request.user`, and it sees the final
    status code (403 and 404 included) because views' exceptions are already responses. It also
    names the request for account events written while it is served (`account_audit`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        write_event(request, response)
        return response
