"""Reads for the local offer beyond the directory (which is the index page's own, in
`cms.models`): signposting from a concern, and the public API's pages."""

from __future__ import annotations

from django.db.models import QuerySet

from earlyyears.models import Area

from .directory import age_filter, needs_filter
from .models import ServicePage
from .places import area_family_ids, areas_above


def published_services() -> QuerySet[ServicePage]:
    """Live services that anyone may see: no privacy restriction on the page."""
    return ServicePage.objects.published()


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


def with_oruk_relations(services: QuerySet[ServicePage]) -> QuerySet[ServicePage]:
    return services.select_related("organisation").prefetch_related(
        "locations", "contacts", "schedules", "languages", "service_areas", "taxonomy_terms"
    )
