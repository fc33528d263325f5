"""A malformed id in an admin URL is "not found", never a server error.

Wagtail's chooser views (`.../chosen/<str:pk>/`) look an object up by whatever text the URL
holds, and a text where a number belongs raises ValueError, which would be a 500. This turns
that one kind of error, from an admin view whose URL names an object, into the 404 page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_resolver

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ID_KWARGS = frozenset({"pk", "object_id", "id", "page_id", "image_id", "document_id"})


class AdminMissingIdMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        if (
            isinstance(exception, ValueError | ValidationError)
            and request.path_info.startswith(ADMIN_PREFIXES)
            and match is not None
            and ID_KWARGS.intersection(match.kwargs)
        ):
            handler = get_resolver().resolve_error_handler(404)
            return handler(request, Http404("No such object"))
        return None
