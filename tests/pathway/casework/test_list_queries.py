"""Query counts of the SEND team's list pages stay the same as the data grows (each page at two
sizes): the triage queue on its first, a cursor and its last page for every sort, caseloads,
inclusion funding, a setting's questions, and the children list and my concerns."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pathway.casework import services as casework
from pathway.casework.selectors import QueueFilters, queue_cursor, triage_queue
from pathway.models import Referral
from tests.factories import ChildFactory

QUEUE = reverse("triage-queue")


def _grow(world, make_referral, count: int) -> list[Referral]:
    made = []
    for index in range(count):
        child = ChildFactory(setting=world.setting_a if index % 2 else world.setting_b)
        made.append(make_referral(child, days_ago=index % 7))
    return made


def _queries(client, django_assert_num_queries, url, params=None, expected=None) -> int:
    """How many queries the page takes (after one warm-up request); with `expected`, asserted
    to be exactly that many."""
    client.get(url, params or {})
    if expected is None:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params or {})
    else:
        with django_assert_num_queries(expected) as captured:
            response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("sort", ["clock", "-clock", "received", "child", "setting", "-setting"])
def test_queue_first_middle_and_last_pages_at_two_sizes(
    client, world, make_referral, django_assert_num_queries, sort
):
    client.force_login(world.send_officer)
    _grow(world, make_referral, 30)
    today = timezone.localdate()

    def counts(expected=(None,) * 5) -> list[int]:
        middle = triage_queue(world.send_officer, QueueFilters(), today, sort)[26]
        cursor = queue_cursor(middle, sort)
        return [
            _queries(client, django_assert_num_queries, QUEUE, params, number)
            for number, params in zip(
                expected,
                (
                    {"sort": sort},
                    {"sort": sort, "after": cursor},
                    {"sort": sort, "before": cursor},
                    {"sort": sort, "page": "last"},
                    {"sort": sort, "route": "send_team", "need": "communication_interaction"},
                ),
                strict=True,
            )
        ]

    few = counts()
    _grow(world, make_referral, 60)
    counts(few)


def test_caseloads_at_two_sizes(client, world, make_referral, django_assert_num_queries):
    client.force_login(world.send_manager)
    url = reverse("caseloads")
    for referral in _grow(world, make_referral, 3):
        casework.claim(referral, world.send_officer)
    few = _queries(client, django_assert_num_queries, url)
    for referral in _grow(world, make_referral, 20):
        casework.claim(referral, world.send_manager)
    _queries(client, django_assert_num_queries, url, expected=few)


def _fund(referral, by):
    casework.decide(
        referral,
        "funding",
        by=by,
        reason="Key person for small-group work",
        funding=casework.FundingTerms(
            Decimal("300"),
            Decimal("2"),
            datetime.date(2027, 1, 4),
            datetime.date(2027, 3, 26),
            datetime.date(2027, 2, 1),
        ),
        notify=False,
    )


def test_funding_at_two_sizes(client, world, make_referral, django_assert_num_queries):
    client.force_login(world.send_officer)
    url, params = reverse("funding"), {"year": "2026"}
    for referral in _grow(world, make_referral, 2):
        _fund(referral, world.send_officer)
    few = _queries(client, django_assert_num_queries, url, params)
    for referral in _grow(world, make_referral, 12):
        _fund(referral, world.send_officer)
    _queries(client, django_assert_num_queries, url, params, expected=few)


def _ask(referral, by):
    casework.decide(
        referral,
        "more_information",
        by=by,
        reason="Need the review",
        question="What did the last review of the support plan show?",
        notify=False,
    )


def test_questions_at_two_sizes(client, world, make_referral, django_assert_num_queries):
    url = reverse("information-requests")
    for referral in _grow(world, make_referral, 4):
        _ask(referral, world.send_officer)
    readers = ("send_officer", "practitioner_a")  # the team sees all; a setting its own

    def counts(expected=(None, None)) -> list[int]:
        found = []
        for name, number in zip(readers, expected, strict=True):
            client.force_login(getattr(world, name))
            found.append(_queries(client, django_assert_num_queries, url, expected=number))
        return found

    few = counts()
    for referral in _grow(world, make_referral, 16):
        _ask(referral, world.send_officer)
    counts(few)


@pytest.mark.parametrize("name", ["practitioner_a", "send_officer"])
def test_children_list_at_two_sizes(client, world, django_assert_num_queries, name):
    client.force_login(getattr(world, name))
    url = reverse("children")
    few = _queries(client, django_assert_num_queries, url)
    for _ in range(30):
        ChildFactory(setting=world.setting_a)
    _queries(client, django_assert_num_queries, url, expected=few)


def test_my_concerns_at_two_sizes(client, world, make_referral, django_assert_num_queries):
    client.force_login(world.practitioner_a)
    url = reverse("my-concerns")
    _grow(world, make_referral, 2)
    few = _queries(client, django_assert_num_queries, url)
    for _ in range(20):
        make_referral(ChildFactory(setting=world.setting_a))
    _queries(client, django_assert_num_queries, url, expected=few)
