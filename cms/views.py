"""Public URLs of the local offer: the directory's (served by its index page), and the Open
Referral UK API (read-only)."""

from __future__ import annotations

import math
import uuid

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from . import oruk, selectors
from .directory import parse_page_number
from .models import LocalOfferIndexPage

API_PER_PAGE = 20
API_MAX_PER_PAGE = 100


@require_GET
def directory(request):
    """The local offer's own URL: the live index page serves it (its context is the directory),
    whatever its slug; before an editor has made one, a stand-in page titled "Local offer"."""
    index = LocalOfferIndexPage.objects.live().first() or LocalOfferIndexPage(title="Local offer")
    return index.serve(request)


def _api_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _number(raw: str | None, name: str, minimum: float = 0) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number") from None
    if not math.isfinite(value) or value < minimum or value > 150:
        raise ValueError(f"{name} must be a number from {minimum:g} to 150")
    return value


@require_GET
def api_services(request):
    """`GET /api/services`: a page of published services, as Open Referral UK's list."""
    params = request.GET
    try:
        age = _number(params.get("age"), "age")
    except ValueError as error:
        return _api_error(str(error))
    page_number = parse_page_number(params.get("page"))
    if page_number is None:
        return _api_error("page must be a whole number from 1")
    per_page = parse_page_number(params.get("per_page") or str(API_PER_PAGE))
    if per_page is None or per_page > API_MAX_PER_PAGE:
        return _api_error(f"per_page must be a whole number from 1 to {API_MAX_PER_PAGE}")
    taxonomy_id = params.get("taxonomy_id", "").strip()
    if taxonomy_id:
        try:
            taxonomy_id = str(uuid.UUID(taxonomy_id))
        except ValueError:
            return _api_error("taxonomy_id must be a UUID")
    text = params.get("text", "").strip()[:200]
    services = selectors.api_services(text=text, taxonomy_id=taxonomy_id, age_years=age)
    total = services.count()
    total_pages = math.ceil(total / per_page)
    start = (page_number - 1) * per_page
    contents = [
        oruk.service_summary(service)
        for service in services.select_related("organisation")[start : start + per_page]
    ]
    return JsonResponse(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page_number,
            "size": len(contents),
            "first_page": page_number == 1,
            "last_page": page_number >= total_pages,
            "empty": not contents,
            "contents": contents,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def api_service(request, service_id: str):
    """`GET /api/services/<id>`: one published service in full, as Open Referral UK's record."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        return _api_error("No published service has that id", status=404)
    service = selectors.with_oruk_relations(selectors.published_services()).filter(oruk_id=key)
    service = service.first()
    if service is None:
        return _api_error("No published service has that id", status=404)
    return JsonResponse(oruk.service_to_oruk(service), json_dumps_params={"ensure_ascii": False})
