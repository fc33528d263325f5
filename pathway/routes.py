"""The one writer of a referral's routes: the rules set them when it arrives, and triage or a
panel may change them. An early help route brings an early help hand-off with it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import EarlyHelpHandoff, Referral, ReferralRoute, Route


def set_routes(
    referral: Referral,
    routes: list[str],
    *,
    by_rules: bool,
    new: bool = False,
    at: datetime.datetime | None = None,
) -> None:
    """Put the referral on exactly these routes (the caller saves `referral.routes`).

    `new` is for a referral saved a moment ago, which has no routes or hand-off yet: nothing
    needs reading or removing, which keeps the wizard's submission to its query budget."""
    at = at or timezone.now()
    if new:
        ReferralRoute.objects.bulk_create(
            ReferralRoute(referral=referral, route=route, decided_by_rules=by_rules, created_at=at)
            for route in routes
        )
        if Route.EARLY_HELP in routes:
            EarlyHelpHandoff.objects.create(referral=referral, created_at=at)
        referral.routes = routes
        return
    ReferralRoute.objects.filter(referral=referral).exclude(route__in=routes).delete()
    existing = set(ReferralRoute.objects.filter(referral=referral).values_list("route", flat=True))
    ReferralRoute.objects.bulk_create(
        ReferralRoute(referral=referral, route=route, decided_by_rules=by_rules, created_at=at)
        for route in routes
        if route not in existing
    )
    referral.routes = routes
    if Route.EARLY_HELP in routes:
        EarlyHelpHandoff.objects.get_or_create(referral=referral, defaults={"created_at": at})
    else:
        # Early help has not picked it up yet: it leaves their list. Once they accepted it the
        # hand-off stays, with its history, and they keep seeing it.
        EarlyHelpHandoff.objects.filter(
            referral=referral, status=EarlyHelpHandoff.Status.AWAITING
        ).delete()
