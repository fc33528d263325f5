"""Records an access event after each response to a URL of child-level data."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import audit
from .account_audit import current_request


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
        audit.record(request, response)
        return response
