"""Provision beside need: the local offer's services and the settings with trained staff that
reach each area, counted for every area at every level."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from cms.models import ServicePage
from cms.selectors import age_filter, needs_filter, published_services
from earlyyears.models import Setting
from earlyyears.needs import BroadAreaOfNeed, EYFSArea
from pathway.planning.areas import AreaTree
from pathway.planning.figures import AGE_BANDS, age_range_months
from training.models import LEARNER_ROLES


def services_by_area(tree: AreaTree, need: str, age: str) -> dict[int, int]:
    """Local offer services serving this need (and age band) that reach each area: a service
    for an area reaches the areas inside it and the areas above it (as the directory does)."""
    services = published_services().filter(status=ServicePage.Status.ACTIVE)
    if need in BroadAreaOfNeed.values:
        services = services.filter(needs_filter([need]))
    elif need in EYFSArea.values:
        services = services.filter(needs_filter([need], "eyfs_areas"))
    if age in AGE_BANDS:
        youngest, oldest = age_range_months(age)
        services = services.filter(age_filter(youngest, oldest))
    links = ServicePage.service_areas.through.objects.filter(
        servicepage_id__in=services.values("pk")
    ).values_list("servicepage_id", "area_id")
    reach: dict[int, set[int]] = defaultdict(set)
    for service_id, area_id in links:
        if area_id not in tree.nodes:
            continue
        for pk in (*tree.ancestors(area_id), *tree.descendants(area_id)):
            reach[pk].add(service_id)
    return {pk: len(ids) for pk, ids in reach.items()}


def trained_settings_by_area(tree: AreaTree, today: datetime.date) -> dict[int, tuple[int, int]]:
    """(settings with at least one member of staff holding a current training completion,
    active settings) in each area and every area above it."""
    active = Setting.objects.filter(registration_status=Setting.RegistrationStatus.ACTIVE)
    trained_q = Q(
        memberships__user__is_active=True,
        memberships__user__role__in=list(LEARNER_ROLES),
        memberships__user__training_completions__renew_by__gte=today,
    )
    rows = active.values("area_id").annotate(
        total=Count("pk", distinct=True), trained=Count("pk", filter=trained_q, distinct=True)
    )
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for pk in tree.ancestors(row["area_id"]):
            out[pk][0] += row["trained"]
            out[pk][1] += row["total"]
    return {pk: (v[0], v[1]) for pk, v in out.items()}
