"""The Open Referral UK API of the local offer (read-only, public): every path in the
standard's `openapi.json`, with its query parameters, its paginated envelope and a clear 400
for a parameter it does not take or a value it cannot use.

Our own extensions, kept for existing callers, are `text` (the same as `search`) and `age`
(services for a child of this age in years)."""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import oruk, selectors
from .directory import age_filter, needs_filter, parse_page_number
from .models import (
    PostcodeCentroid,
    ServiceLocation,
    ServicePage,
    ServiceSchedule,
    Taxonomy,
    TaxonomyTerm,
)
from .places import areas_above, distance_miles

API_VERSION = "3.0"
PROFILE = "https://openreferraluk.org/"
PER_PAGE = 20
MAX_PER_PAGE = 100
METRES_PER_MILE = 1609.344
DAYS = {"MO": "MO", "TU": "TU", "WE": "WE", "TH": "TH", "FR": "FR", "SA": "SA", "SU": "SU"}
DAYS |= {
    name: code
    for code, name in zip(
        DAYS,
        ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"],
        strict=True,
    )
}
PAGING = ("page", "per_page")
SERVICE_FILTERS = (
    "search",
    "taxonomy_term_id",
    "taxonomy_id",
    "minimum_age",
    "maximum_age",
    "start_time",
    "end_time",
    "day",
)
EXTENSIONS = ("text", "age")  # ours, not the standard's


class BadRequest(ValueError):
    """A parameter the API does not take, or a value it cannot use: a 400 that says which."""


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def api_view(allowed: Sequence[str]) -> Callable:
    """A GET endpoint taking only the `allowed` query parameters; a BadRequest is a 400."""

    def decorate(view: Callable) -> Callable:
        @require_GET
        def wrapped(request: HttpRequest, *args, **kwargs):
            unknown = sorted(set(request.GET) - set(allowed))
            if unknown:
                takes = ", ".join(allowed) if allowed else "no query parameters"
                return _error(
                    f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: "
                    f"{', '.join(unknown)}. This endpoint takes {takes}"
                )
            try:
                return view(request, *args, **kwargs)
            except BadRequest as error:
                return _error(str(error))

        wrapped.__doc__ = view.__doc__
        wrapped.__name__ = view.__name__
        return wrapped

    return decorate


# --- Parameters -------------------------------------------------------------------------------


def _text(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "").strip()
    if oruk.CONTROL_CHARACTERS.search(value):
        raise BadRequest(f"{name} must not contain control characters")
    return value[:200]


def _years(request: HttpRequest, name: str) -> float | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number of years, like 4 or 2.5") from None
    if not math.isfinite(value) or not 0 <= value <= oruk.MAX_AGE_YEARS:
        raise BadRequest(f"{name} must be a number of years from 0 to {oruk.MAX_AGE_YEARS}")
    return value


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a UUID") from None


def _time(request: HttpRequest, name: str) -> datetime.time | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return datetime.time.fromisoformat(raw.removesuffix("Z"))
    except ValueError:
        raise BadRequest(f"{name} must be a time like 09:30 or 09:30:00") from None


def _day(request: HttpRequest) -> str | None:
    raw = request.GET.get("day", "").strip().upper()
    if not raw:
        return None
    if raw not in DAYS:
        raise BadRequest("day must be a day of the week, like MO or Monday")
    return DAYS[raw]


@dataclass
class Paging:
    number: int
    size: int

    @classmethod
    def read(cls, request: HttpRequest) -> Paging:
        number = parse_page_number(request.GET.get("page"))
        if number is None:
            raise BadRequest("page must be a whole number from 1")
        size = parse_page_number(request.GET.get("per_page") or str(PER_PAGE))
        if size is None or size > MAX_PER_PAGE:
            raise BadRequest(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}")
        return cls(number, size)

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    def envelope(self, total: int, contents: list) -> dict:
        """The standard's paginated envelope (`components/schemas/Page`)."""
        pages = math.ceil(total / self.size)
        return {
            "total_items": total,
            "total_pages": pages,
            "page_number": self.number,
            "size": len(contents),
            "first_page": self.number == 1,
            "last_page": self.number >= pages,
            "empty": not contents,
            "contents": contents,
        }


# --- Filters ----------------------------------------------------------------------------------


def filtered_services(request: HttpRequest) -> QuerySet[ServicePage]:
    """Published services narrowed by the standard's query parameters (and our extensions)."""
    services = selectors.published_services()
    search = _text(request, "search") or _text(request, "text")
    age = _years(request, "age")
    if age is not None:
        services = services.filter(age_filter(round(age * 12)))
    minimum = _years(request, "minimum_age")
    if minimum is not None:  # "a minimum age of at least" the value (none counts as 0)
        months = round(minimum * 12)
        services = services.filter(
            Q(minimum_age_months__gte=months)
            | (Q(minimum_age_months__isnull=True) if months == 0 else Q(pk__in=[]))
        )
    maximum = _years(request, "maximum_age")
    if maximum is not None:  # "a maximum age equal to or below" the value (none is no limit)
        services = services.filter(maximum_age_months__lte=round(maximum * 12))
    term_id = _uuid(request, "taxonomy_term_id")
    if term_id is not None:
        services = services.filter(_term_filter(term_id))
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id is not None:
        services = services.filter(_taxonomy_filter(taxonomy_id))
    schedules = ServiceSchedule.objects.filter(page_id=OuterRef("pk"))
    start, end, day = _time(request, "start_time"), _time(request, "end_time"), _day(request)
    if start is not None:
        schedules = schedules.filter(opens_at__gte=start)
    if end is not None:
        schedules = schedules.filter(closes_at__lte=end)
    if day is not None:
        schedules = schedules.filter(byday__contains=day)
    if start or end or day:
        services = services.filter(Exists(schedules))
    if search:
        services = services.with_words(search)
    return services.order_by("title", "pk")


def _term_filter(term_id: uuid.UUID) -> Q:
    own = oruk.needs_term_index().get(str(term_id))
    if own:
        field = "needs" if own[0] == oruk.NEEDS_TAXONOMY else "eyfs_areas"
        return needs_filter([own[1]], field)
    through = ServicePage.taxonomy_terms.through.objects.filter(
        servicepage_id=OuterRef("pk"), taxonomyterm__oruk_id=term_id
    )
    return Q(Exists(through))


def _taxonomy_filter(taxonomy_id: uuid.UUID) -> Q:
    for taxonomy in oruk.own_taxonomies():
        if taxonomy["id"] == str(taxonomy_id):
            field = "needs" if taxonomy["name"] == oruk.NEEDS_TAXONOMY else "eyfs_areas"
            return ~Q(**{field: ""})
    if not Taxonomy.objects.filter(oruk_id=taxonomy_id).exists():
        # Before this API followed the standard, taxonomy_id took a term's id: kept for
        # callers that still send one.
        return _term_filter(taxonomy_id)
    through = ServicePage.taxonomy_terms.through.objects.filter(
        servicepage_id=OuterRef("pk"), taxonomyterm__vocabulary__oruk_id=taxonomy_id
    )
    return Q(Exists(through))


# --- Endpoints --------------------------------------------------------------------------------


@api_view(())
def api_root(request: HttpRequest) -> JsonResponse:
    """`GET /api/`: the HSDS version this API serves, its profile and its description."""
    return _json(
        {
            "version": API_VERSION,
            "profile": PROFILE,
            "openapi_url": request.build_absolute_uri(reverse("api-openapi")),
        }
    )


@require_GET
def api_openapi(request: HttpRequest) -> JsonResponse:
    """The standard's OpenAPI description, which this API follows."""
    return _json(oruk.schema("openapi.json"))


@api_view((*SERVICE_FILTERS, *PAGING, *EXTENSIONS))
def api_services(request: HttpRequest) -> JsonResponse:
    """`GET /api/services`: a page of published services (their one-to-one fields)."""
    paging = Paging.read(request)
    services = filtered_services(request)
    total = services.count()
    page = selectors.with_oruk_relations(services)[paging.start : paging.start + paging.size]
    return _json(paging.envelope(total, [oruk.service_list_item(s) for s in page]))


@api_view(())
def api_service(request: HttpRequest, service_id: str) -> JsonResponse:
    """`GET /api/services/{id}`: one published service in full."""
    key = _path_uuid(service_id)
    found = selectors.with_oruk_relations(selectors.published_services()).filter(oruk_id=key)
    service = found.first() if key else None
    if service is None:
        return _error("No published service has that id", status=404)
    return _json(oruk.service_to_oruk(service))


def _path_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


@api_view((*SERVICE_FILTERS, *PAGING, "postcode", "proximity"))
def api_service_at_locations(request: HttpRequest) -> JsonResponse:
    """`GET /api/service_at_locations`: a page of services at their locations; near a
    postcode, nearest first (within `proximity` metres, or in the services' areas)."""
    paging = Paging.read(request)
    services = filtered_services(request)
    locations = (
        ServiceLocation.objects.filter(page__in=services.values("pk"))
        .select_related("page")
        .order_by("page__title", "page_id", "sort_order", "pk")
    )
    postcode = _text(request, "postcode")
    proximity = request.GET.get("proximity", "").strip()
    if proximity and not postcode:
        raise BadRequest("proximity needs a postcode to measure from")
    if postcode:
        near = PostcodeCentroid.objects.for_postcode(postcode)
        if near is None:
            raise BadRequest(f"{postcode} is not a postcode in the local offer's area")
        if proximity:
            metres = _metres(proximity)
            box = _box(near, metres)
            rows = [
                (distance_miles(near.latitude, near.longitude, lat, lon) * METRES_PER_MILE, pk)
                for pk, lat, lon in locations.filter(**box).values_list(
                    "pk", "latitude", "longitude"
                )
            ]
            ordered = [pk for metres_away, pk in sorted(rows) if metres_away <= metres]
            chosen = ordered[paging.start : paging.start + paging.size]
            found = locations.in_bulk(chosen)
            page = [found[pk] for pk in chosen]
            return _json(paging.envelope(len(ordered), _sal_items(page)))
        areas = ServicePage.service_areas.through.objects.filter(
            servicepage_id=OuterRef("page_id"), area_id__in=areas_above(near.area)
        )
        locations = locations.filter(Exists(areas))
    total = locations.count()
    page = list(locations[paging.start : paging.start + paging.size])
    return _json(paging.envelope(total, _sal_items(page)))


def _metres(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest("proximity must be a distance in metres, like 1500") from None
    if not math.isfinite(value) or not 0 < value <= 200_000:
        raise BadRequest("proximity must be a distance in metres from 1 to 200000")
    return value


def _box(near: PostcodeCentroid, metres: float) -> dict:
    degrees = metres / 111_000 * 1.05
    widest = math.cos(math.radians(min(abs(near.latitude) + degrees, 89.0)))
    return {
        "latitude__gte": near.latitude - degrees,
        "latitude__lte": near.latitude + degrees,
        "longitude__gte": near.longitude - degrees / max(widest, 0.01),
        "longitude__lte": near.longitude + degrees / max(widest, 0.01),
    }


def _sal_items(locations: list[ServiceLocation]) -> list[dict]:
    """Each location as the standard's list item: the one-to-one fields of the location and
    of its service, from the service's full record (so published as the publisher sent it)."""
    pages = selectors.with_oruk_relations(ServicePage.objects.all()).in_bulk(
        {loc.page_id for loc in locations}
    )
    records = {pk: oruk.service_to_oruk(page) for pk, page in pages.items()}
    return [oruk.service_at_location_item(records[loc.page_id], loc) for loc in locations]


@api_view(())
def api_service_at_location(request: HttpRequest, sal_id: str) -> JsonResponse:
    """`GET /api/service_at_locations/{id}`: one service at one location, in full."""
    key = _path_uuid(sal_id)
    location = (
        ServiceLocation.objects.filter(
            service_at_location_id=key, page__in=selectors.published_services().values("pk")
        ).first()
        if key
        else None
    )
    if location is None:
        return _error("No published service at a location has that id", status=404)
    page = selectors.with_oruk_relations(ServicePage.objects.filter(pk=location.page_id)).get()
    return _json(oruk.service_at_location_full(oruk.service_to_oruk(page), location))


@api_view(PAGING)
def api_taxonomies(request: HttpRequest) -> JsonResponse:
    """`GET /api/taxonomies`: our two needs vocabularies, then every other publisher's."""
    paging = Paging.read(request)
    own = oruk.own_taxonomies()
    stored = Taxonomy.objects.order_by("name", "pk")
    total = len(own) + stored.count()
    contents = own[paging.start : paging.start + paging.size]
    rest = max(0, paging.start - len(own))
    wanted = paging.size - len(contents)
    if wanted > 0:
        contents += [oruk.taxonomy_to_oruk(t) for t in stored[rest : rest + wanted]]
    return _json(paging.envelope(total, contents))


@api_view(())
def api_taxonomy(request: HttpRequest, taxonomy_id: str) -> JsonResponse:
    """`GET /api/taxonomies/{id}`."""
    key = _path_uuid(taxonomy_id)
    for taxonomy in oruk.own_taxonomies():
        if key and taxonomy["id"] == str(key):
            return _json(taxonomy)
    found = Taxonomy.objects.filter(oruk_id=key).first() if key else None
    if found is None:
        return _error("No taxonomy has that id", status=404)
    return _json(oruk.taxonomy_to_oruk(found))


@api_view(PAGING)
def api_taxonomy_terms(request: HttpRequest) -> JsonResponse:
    """`GET /api/taxonomy_terms`: our needs terms, then every other publisher's terms."""
    paging = Paging.read(request)
    own = oruk.own_terms()
    stored = TaxonomyTerm.objects.select_related("vocabulary").order_by("taxonomy", "name", "pk")
    total = len(own) + stored.count()
    contents = own[paging.start : paging.start + paging.size]
    rest = max(0, paging.start - len(own))
    wanted = paging.size - len(contents)
    if wanted > 0:
        contents += [oruk.term_to_oruk(t) for t in stored[rest : rest + wanted]]
    return _json(paging.envelope(total, contents))


@api_view(())
def api_taxonomy_term(request: HttpRequest, term_id: str) -> JsonResponse:
    """`GET /api/taxonomy_terms/{id}`."""
    key = _path_uuid(term_id)
    for term in oruk.own_terms():
        if key and term["id"] == str(key):
            return _json(term)
    found = (
        TaxonomyTerm.objects.select_related("vocabulary").filter(oruk_id=key).first()
        if key
        else None
    )
    if found is None:
        return _error("No taxonomy term has that id", status=404)
    return _json(oruk.term_to_oruk(found))
