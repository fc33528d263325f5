"""The queue's route filter reads the routes the referral holds (Referral.routes, jsonb
containment on PostgreSQL, within the waiting_queue_filters index) rather than joining every
route row: so the routes on the referral must always be the route rows. pathway.routes.set_routes
writes both; these tests fail if either drifts."""

from __future__ import annotations

from django.utils import timezone

from pathway.casework import services as casework
from pathway.casework.selectors import QueueFilters, queue_counts, triage_queue
from pathway.models import Referral, ReferralRoute, Route


def _route_rows(referral: Referral) -> set[str]:
    return set(ReferralRoute.objects.filter(referral=referral).values_list("route", flat=True))


def test_the_route_filter_finds_the_referrals_on_each_route(world, make_referral):
    today = timezone.localdate()
    officer = world.send_officer
    made = [
        make_referral(),
        make_referral(world.child_b, family=True, days_ago=16),
        make_referral(level="mild"),
        make_referral(world.child_b, ehc=True),
    ]
    for referral in made:
        referral.refresh_from_db()
        assert set(referral.routes) == _route_rows(referral)
    for route in Route.values:
        on_route = {r.pk for r in made if route in _route_rows(r)}
        filters = QueueFilters(route=route)
        assert {r.pk for r in triage_queue(officer, filters, today)} == on_route
        listed = triage_queue(officer, filters, today)
        assert queue_counts(listed, officer, today)["waiting"] == len(on_route)


def test_a_decision_that_changes_the_routes_keeps_both_records_alike(world, make_referral):
    referral = make_referral()
    casework.decide(
        referral,
        "reroute",
        by=world.send_officer,
        reason="Portage is the better fit",
        routes=[Route.PORTAGE],
    )
    referral.refresh_from_db()
    assert referral.routes == [Route.PORTAGE]
    assert _route_rows(referral) == {Route.PORTAGE}
    signposted = make_referral(world.child_b)
    casework.decide(signposted, "signpost", by=world.send_officer, reason="Local offer fits")
    signposted.refresh_from_db()
    assert signposted.routes == [Route.LOCAL_OFFER]
    assert _route_rows(signposted) == {Route.LOCAL_OFFER}
