"""The SEND team's triage queue: who sees it, filters, urgency order, counts, constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import Area
from pathway.casework import services as casework
from pathway.casework.selectors import QueueFilters, queue_counts, triage_queue
from pathway.models import Referral, ReferralClock
from tests.factories import AreaFactory, ChildFactory, SettingFactory, practitioner_at

QUEUE = reverse("triage-queue")


def _overdue(referral, days=2):
    """Move a referral's triage clock into the past."""
    today = timezone.localdate()
    ReferralClock.objects.filter(referral=referral).update(
        due_on=today - datetime.timedelta(days=days),
        due_soon_from=today - datetime.timedelta(days=days + 3),
    )
    casework.refresh_next_due(referral)


def test_queue_is_for_the_send_team_only(client, world, make_referral):
    make_referral()
    for name in (
        "practitioner_a",
        "portage_a",
        "planner",
        "early_help",
        "professional",
        "trainer",
        "admin",
    ):
        client.force_login(getattr(world, name))
        assert client.get(QUEUE).status_code == 403, name
    client.logout()
    assert client.get(QUEUE).status_code == 302
    for name in ("send_officer", "send_manager"):
        client.force_login(getattr(world, name))
        assert client.get(QUEUE).status_code == 200


def test_queue_holds_waiting_referrals_most_urgent_first(world, make_referral):
    today = timezone.localdate()
    fresh = make_referral()
    old = make_referral(world.child_b, days_ago=20)
    late = make_referral(days_ago=3)
    _overdue(late, days=5)
    decided = make_referral(world.child_b)
    casework.decide(decided, "close", by=world.send_officer, reason="Already known")
    queue = list(triage_queue(world.send_officer, QueueFilters(), today))
    assert queue == [old, late, fresh]  # the longest overdue first
    counts = queue_counts(
        Referral.objects.filter(pk__in=[r.pk for r in queue]), world.send_officer, today
    )
    assert counts["waiting"] == 3
    assert counts["overdue"] == 2  # 'old' was submitted 20 days ago: its 10 working days passed
    assert counts["unallocated"] == 3


def test_filters(world, make_referral):
    today = timezone.localdate()
    officer = world.send_officer
    district = AreaFactory(kind=Area.Kind.DISTRICT)
    ward = AreaFactory(kind=Area.Kind.WARD, parent=district)
    setting_c = SettingFactory(area=ward)
    child_c = ChildFactory(
        setting=setting_c,
        area=ward,
        date_of_birth=today - datetime.timedelta(days=365 * 3 + 60),
    )
    in_ward = make_referral(child_c, by=practitioner_at(setting_c))
    portage_child = ChildFactory(
        setting=world.setting_a, date_of_birth=today - datetime.timedelta(days=400)
    )
    early_help = make_referral(world.child_b, family=True, days_ago=16)
    a = make_referral()
    casework.claim(a, officer)

    def ids(**filters):
        return {r.pk for r in triage_queue(officer, QueueFilters(**filters), today)}

    assert ids(area=district.pk) == {in_ward.pk}  # a district finds its wards' referrals
    assert ids(setting=setting_c.pk) == {in_ward.pk}
    assert ids(route="early_help") == {early_help.pk}
    assert ids(waiting="15-28") == {early_help.pk}
    assert ids(waiting="0-7") == {in_ward.pk, a.pk}
    assert ids(allocated="me") == {a.pk}
    assert a.pk not in ids(allocated="none")
    assert ids(allocated=str(officer.pk)) == {a.pk}
    assert ids(age_band="3") == {in_ward.pk}
    assert ids(need="communication_interaction") >= {in_ward.pk, a.pk}
    assert ids(need="sensory_physical") == set()
    assert ids(clock="overdue") == {early_help.pk}
    young = make_referral(portage_child)
    assert young.pk in ids(age_band="0-1")


def test_queue_page_shows_counts_filters_and_clock_tags(client, world, make_referral):
    make_referral()
    late = make_referral(world.child_b, days_ago=1)
    _overdue(late)
    client.force_login(world.send_officer)
    page = client.get(QUEUE).content.decode()
    assert "Overdue" in page and late.reference in page
    page = client.get(QUEUE, {"clock": "overdue"}).content.decode()
    assert late.reference in page
    assert page.count("EY") >= 1


def test_bad_filter_values_are_reported_not_500(client, world, make_referral):
    make_referral()
    client.force_login(world.send_officer)
    response = client.get(QUEUE, {"area": "banana", "route": "moon", "page": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose a route from the list" in body


def test_queue_queries_do_not_grow_with_the_table(client, world, make_referral):
    client.force_login(world.send_officer)
    make_referral()

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE, {"route": "send_team"}).status_code == 200
        return len(captured)

    few = queries_for_page()
    for index in range(30):
        child = ChildFactory(setting=world.setting_a if index % 2 else world.setting_b)
        make_referral(child)
    assert queries_for_page() == few


@pytest.mark.parametrize("page_number", ["2", "999"])
def test_pagination_keeps_filters(client, world, make_referral, page_number):
    for _ in range(27):
        make_referral(ChildFactory(setting=world.setting_a))
    client.force_login(world.send_officer)
    body = client.get(QUEUE, {"route": "send_team", "page": page_number}).content.decode()
    assert "Page 2 of 2" in body
    assert "route=send_team" in body


def test_filter_selects_escape_names_and_keep_the_choice(client, world, make_referral):
    odd = SettingFactory(name='Tots & Co <script>alert("x")</script>')
    make_referral()
    client.force_login(world.send_officer)
    body = client.get(QUEUE, {"setting": str(odd.pk)}).content.decode()
    assert "<script>alert" not in body
    assert "Tots &amp; Co &lt;script&gt;" in body
    assert f'<option value="{odd.pk}" selected>' in body
