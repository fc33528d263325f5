"""Reads for the local offer: the directory's search and filters, signposting from a concern,
the public API's pages, and a service's map."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from wagtail.search.backends import get_search_backend

from earlyyears.models import Area

from .models import PostcodeCentroid, ServiceLocation, ServicePage
from .services import FULL_POSTCODE, OUTWARD, distance_miles

# Statuses families see in the directory and signposting (the API publishes every status).
LISTED = (ServicePage.Status.ACTIVE, ServicePage.Status.TEMPORARILY_CLOSED)
SEARCH_LIMIT = 10_000


def published_services() -> QuerySet[ServicePage]:
    """Live services that anyone may see: no privacy restriction on the page."""
    return ServicePage.objects.live().public()


def area_family_ids(area: Area) -> set[int]:
    """The area, every area above it and every area inside it: a county-wide service reaches
    a ward, and a ward's service is in its district."""
    ids = {area.pk}
    parent_id = area.parent_id
    while parent_id and parent_id not in ids:
        ids.add(parent_id)
        parent_id = Area.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    frontier = {area.pk}
    while frontier:
        frontier = (
            set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids


def areas_above(area: Area) -> set[int]:
    ids = {area.pk}
    parent_id = area.parent_id
    while parent_id and parent_id not in ids:
        ids.add(parent_id)
        parent_id = Area.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def normalise_postcode(text: str) -> str:
    compact = re.sub(r"\s+", "", text or "").upper()
    if FULL_POSTCODE.match(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def is_postcode(text: str) -> bool:
    compact = normalise_postcode(text).replace(" ", "")
    return bool(FULL_POSTCODE.match(compact) or OUTWARD.match(compact))


def postcode_point(text: str) -> PostcodeCentroid | None:
    """The offline point for a postcode: its sector ("WM1 3") if known, else its district."""
    postcode = normalise_postcode(text)
    match = FULL_POSTCODE.match(postcode.replace(" ", ""))
    keys = [f"{match.group(1)} {match.group(2)}", match.group(1)] if match else [postcode]
    found = {p.key: p for p in PostcodeCentroid.objects.filter(key__in=keys)}
    return next((found[k] for k in keys if k in found), None)


def age_filter(youngest: int, oldest: int | None = None) -> Q:
    """Services whose age range overlaps youngest..oldest months (one age when oldest is None)."""
    oldest = youngest if oldest is None else oldest
    return (Q(minimum_age_months__isnull=True) | Q(minimum_age_months__lte=oldest)) & (
        Q(maximum_age_months__isnull=True) | Q(maximum_age_months__gte=youngest)
    )


def needs_filter(codes: list[str], field: str = "needs") -> Q:
    query = Q()
    for code in codes:
        query |= Q(**{f"{field}__contains": f",{code},"})
    return query


def search_words(text: str) -> str:
    """Words only: quotes and symbols reach SQLite's FTS5 query syntax unescaped and fail."""
    return " ".join(re.findall(r"\w+", text or ""))[:200]


def _database_search() -> bool:
    return "backends.database" in type(get_search_backend()).__module__


def search_ids(text: str, queryset: QuerySet[ServicePage]) -> list[int]:
    """Ids of the services matching every word of `text`, through Wagtail search (the database
    backend by default; Elasticsearch or OpenSearch when WAGTAILSEARCH_BACKENDS says so).

    Elasticsearch and OpenSearch rank by relevance. The database backends' relevance score is a
    correlated subquery per match (seconds over thousands of services on SQLite), so there we
    ask for the matches only and put services whose name has the words first."""
    words = search_words(text)
    if not words:
        return list(queryset.order_by("title", "pk").values_list("pk", flat=True))
    if not _database_search():
        results = queryset.search(words, operator="and")
        return [page.pk for page in results[:SEARCH_LIMIT]]
    results = queryset.search(words, operator="and", order_by_relevance=False)
    rows = results.get_queryset().order_by().values_list("pk", "title")[:SEARCH_LIMIT]
    terms = words.lower().split()

    def rank(row):
        title = row[1].lower()
        return (-sum(term in title for term in terms), title, row[0])

    return [pk for pk, _ in sorted(rows, key=rank)]


@dataclass
class DirectoryQuery:
    text: str = ""
    needs: tuple[str, ...] = ()
    age_months: tuple[int, int] | None = None  # youngest and oldest, in months
    area: Area | None = None
    free_only: bool = False
    near: PostcodeCentroid | None = None
    within_miles: float | None = None


@dataclass
class DirectoryHit:
    service: ServicePage
    distance: float | None = None  # miles to the nearest location, None if it comes to you


def directory_ids(query: DirectoryQuery) -> tuple[list[int], dict[int, float | None]]:
    """Every matching service's id in display order, and distances when near a postcode.

    A handful of queries whatever the number of services: the ids are filtered in SQL, ranked
    by the search backend, and sorted by distance in Python from one query of coordinates."""
    services = published_services().filter(status__in=LISTED)
    if query.needs:
        services = services.filter(needs_filter(list(query.needs)))
    if query.age_months is not None:
        services = services.filter(age_filter(*query.age_months))
    if query.free_only:
        services = services.filter(is_free=True)
    if query.area is not None:
        services = services.filter(service_areas__in=area_family_ids(query.area))
    ids = list(services.order_by("title", "pk").values_list("pk", flat=True).distinct())
    if query.text:
        allowed = set(ids)
        ids = [pk for pk in search_ids(query.text, published_services()) if pk in allowed]
    distances: dict[int, float | None] = {}
    if query.near is not None:
        distances = _distances(ids, query.near, query.within_miles)
        order = {pk: n for n, pk in enumerate(ids)}
        ids = sorted(
            distances,
            key=lambda pk: (distances[pk] is None, distances[pk] or 0, order[pk]),
        )
    return ids, distances


def _distances(ids: list[int], near: PostcodeCentroid, within: float | None) -> dict:
    """Distance to each service's nearest location; services with no location (they visit
    families at home, or work by phone and online) count when they cover the postcode's area."""
    nearest: dict[int, float] = {}
    located: set[int] = set()
    wanted = set(ids)
    rows = ServiceLocation.objects.filter(page_id__in=ids).values_list(
        "page_id", "latitude", "longitude"
    )
    for page_id, lat, lon in rows:
        if page_id not in wanted:
            continue
        located.add(page_id)
        if lat is None or lon is None:
            continue
        miles = distance_miles(near.latitude, near.longitude, lat, lon)
        if page_id not in nearest or miles < nearest[page_id]:
            nearest[page_id] = miles
    result: dict[int, float | None] = {
        pk: miles for pk, miles in nearest.items() if within is None or miles <= within
    }
    unlocated = wanted - located
    if unlocated:
        covering = set(
            ServicePage.service_areas.through.objects.filter(
                servicepage_id__in=unlocated, area_id__in=areas_above(near.area)
            ).values_list("servicepage_id", flat=True)
        )
        result.update(dict.fromkeys(covering))
    return result


def directory_page(ids: list[int], distances: dict[int, float | None]) -> list[DirectoryHit]:
    """The services for one page of results, in order, with what the list shows prefetched."""
    services = ServicePage.objects.filter(pk__in=ids).select_related("organisation")
    services = services.prefetch_related("locations", "service_areas")
    by_id = {service.pk: service for service in services}
    return [DirectoryHit(by_id[pk], distances.get(pk)) for pk in ids if pk in by_id]


def matching_services(
    age_months: int, broad_areas: list[str], area: Area | None, limit: int = 5
) -> list[ServicePage]:
    """Services to signpost a family to, for a child of this age with these broad areas of need
    (`earlyyears.needs.BroadAreaOfNeed` values) living in `area`.

    A service matches when the child's age is in its range, it serves the area (the area
    itself, an area above it or one inside it) and, when needs are given, it lists at least one
    of them. Best first: most needs in common, then the most local service, then by name."""
    services = published_services().filter(status=ServicePage.Status.ACTIVE)
    services = services.filter(age_filter(age_months))
    if broad_areas:
        services = services.filter(needs_filter(list(broad_areas)))
    depth: dict[int, int] = {}
    if area is not None:
        family = area_family_ids(area)
        services = services.filter(service_areas__in=family)
        above = areas_above(area)
        # Nearer to the child's own area is better: own area, then inside it, then above it.
        depth = {pk: (0 if pk == area.pk else 2 if pk in above else 1) for pk in family}
    # Rank from plain values (cheap for thousands of services), then load only the winners.
    rows = {pk: (title, needs) for pk, title, needs in services.values_list("pk", "title", "needs")}
    local: dict[int, int] = {}
    through = ServicePage.service_areas.through.objects.filter(
        servicepage_id__in=services.values("pk")
    )
    for service_id, area_id in through.values_list("servicepage_id", "area_id"):
        local[service_id] = min(local.get(service_id, 3), depth.get(area_id, 3))
    wanted = set(broad_areas)

    def rank(pk: int):
        title, needs = rows[pk]
        return (-len(set(needs) & wanted), local.get(pk, 3), title.lower(), pk)

    best = sorted(rows, key=rank)[: max(limit, 0)]
    found = ServicePage.objects.filter(pk__in=best).select_related("organisation").in_bulk()
    return [found[pk] for pk in best]


def api_services(
    text: str = "",
    taxonomy_id: str = "",
    age_years: float | None = None,
) -> QuerySet[ServicePage]:
    """Published services for the public API, filtered as the ORUK API's query parameters say."""
    from . import oruk

    services = published_services()
    if age_years is not None:
        services = services.filter(age_filter(round(age_years * 12)))
    if taxonomy_id:
        own = oruk.needs_term_index().get(taxonomy_id.lower())
        if own:
            field = "needs" if own[0] == oruk.NEEDS_TAXONOMY else "eyfs_areas"
            services = services.filter(needs_filter([own[1]], field))
        else:
            services = services.filter(taxonomy_terms__oruk_id=taxonomy_id)
    services = services.order_by("title", "pk")
    if text:
        ids = set(services.values_list("pk", flat=True))
        ranked = [pk for pk in search_ids(text, published_services()) if pk in ids]
        return ServicePage.objects.filter(pk__in=ranked).order_by("title", "pk")
    return services


def with_oruk_relations(services: QuerySet[ServicePage]) -> QuerySet[ServicePage]:
    return services.select_related("organisation").prefetch_related(
        "locations", "contacts", "schedules", "languages", "service_areas", "taxonomy_terms"
    )


def service_map_data(service: ServicePage) -> dict | None:
    """What the service page's map draws: its locations over the boundary of the area it
    serves (no map tiles: there is no network to fetch them from)."""
    points = [
        {"lat": loc.latitude, "lng": loc.longitude, "label": str(loc)}
        for loc in service.locations.all()
        if loc.latitude is not None and loc.longitude is not None
    ]
    if not points:
        return None
    areas = [a for a in service.service_areas.all() if a.boundary]
    # The smallest area drawn is the most useful outline: wards before districts before counties.
    kinds = [Area.Kind.WARD, Area.Kind.LOCALITY, Area.Kind.DISTRICT, Area.Kind.COUNTY]
    areas.sort(key=lambda a: kinds.index(a.kind) if a.kind in kinds else len(kinds))
    boundary = areas[0] if areas else None
    return {
        "points": points,
        "boundary": boundary.boundary if boundary else None,
        "boundary_name": boundary.name if boundary else "",
    }
