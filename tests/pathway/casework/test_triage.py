"""The SEND team's triage queue: who sees it, filters, urgency order, counts, constant queries."""

import datetime
from base64 import urlsafe_b64encode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import Area
from pathway.casework import services as casework
from pathway.casework.selectors import (
    QueueFilters,
    queue_counts,
    queue_cursor,
    queue_page,
    triage_queue,
)
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
    assert "page 2 of 2" in body
    assert "route=send_team" in body


def test_setting_filter_is_a_text_box_escaped_and_kept(client, world, make_referral):
    odd = SettingFactory(name='Tots & Co <script>alert("x")</script>')
    make_referral()
    client.force_login(world.send_officer)
    body = client.get(QUEUE, {"setting": odd.name}).content.decode()
    assert "govuk-error-summary" not in body
    assert "<script>alert" not in body
    assert 'value="Tots &amp; Co &lt;script&gt;' in body
    assert "<option" not in body.split('name="setting"')[1].split(">")[0]
    assert "Bluebell Pre-School</option>" not in body  # settings are not listed as options


def test_setting_filter_by_name_urn_or_old_id(client, world, make_referral):
    today = timezone.localdate()
    officer = world.send_officer
    at_a = make_referral()
    at_b = make_referral(world.child_b)
    setting_a, setting_b = at_a.setting, at_b.setting
    assert setting_a != setting_b

    def ids(setting):
        return {r.pk for r in triage_queue(officer, QueueFilters(setting=setting), today)}

    assert ids(setting_a.pk) == {at_a.pk}
    assert ids(setting_a.urn.lower()) == {at_a.pk}
    assert ids(setting_b.name.upper()) == {at_b.pk}
    assert ids(setting_b.name[2:-2]) >= {at_b.pk}  # part of a name
    client.force_login(officer)
    body = client.get(QUEUE, {"setting": str(setting_a.pk)}).content.decode()  # an old link
    assert at_a.reference in body and at_b.reference not in body
    assert f'value="{setting_a.urn}"' in body
    body = client.get(QUEUE, {"setting": setting_b.urn}).content.decode()
    assert at_b.reference in body and at_a.reference not in body


def test_setting_filter_reports_no_match(client, world, make_referral):
    make_referral()
    client.force_login(world.send_officer)
    response = client.get(QUEUE, {"setting": "No such nursery anywhere"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "No setting matches that name or Ofsted URN" in body
    assert 'href="#id_setting"' in body


SORT_KEYS = {
    "clock": lambda r: (r.next_due_on is None, r.next_due_on, r.submitted_at, r.pk),
    "received": lambda r: (r.submitted_at, r.pk),
    "child": lambda r: (r.child.last_name, r.child.first_name, r.pk),
    "setting": lambda r: (r.setting is None, r.setting.name if r.setting else "", r.pk),
}


def _mixed_queue(world, make_referral):
    """28 waiting referrals with shared names and dates, some overdue, two with no running
    clock and two with no setting (the runs the clock and setting sorts put last)."""
    made = []
    for index in range(28):
        child = ChildFactory(
            setting=world.setting_a if index % 3 else world.setting_b,
            last_name=f"Name{(index * 7) % 11:02d}",
        )
        referral = make_referral(child, days_ago=index % 9)
        if index % 4 == 0:
            _overdue(referral, days=index % 5 + 1)
        made.append(referral)
    Referral.objects.filter(pk__in=[made[3].pk, made[17].pk]).update(
        next_due_on=None, next_due_soon_from=None
    )
    Referral.objects.filter(pk__in=[made[5].pk, made[18].pk]).update(setting=None)
    return made


SORTS = ["clock", "-clock", "received", "-received", "child", "-child", "setting", "-setting"]


@pytest.mark.parametrize("sort", SORTS)
def test_sorts_order_every_row_not_just_the_page(client, world, make_referral, sort):
    """Every page, read forwards from the first by its Next cursor or backwards from the last by
    its Previous cursor, or by a page number, is the right slice of the whole sorted queue."""
    today = timezone.localdate()
    _mixed_queue(world, make_referral)
    whole = list(triage_queue(world.send_officer, QueueFilters(), today, sort))
    expected = sorted(whole, key=SORT_KEYS[sort.removeprefix("-")], reverse=sort.startswith("-"))
    assert whole == expected
    queryset = triage_queue(world.send_officer, QueueFilters(), today, sort)
    for per_page in (5, 10, 28, 30):
        pages = -(-len(whole) // per_page)

        def page(per_page=per_page, **where):
            return queue_page(queryset, sort, count=len(whole), per_page=per_page, **where)

        forwards, current = [], page()
        while True:
            forwards += current.rows
            assert current.has_previous == bool(forwards[: -len(current.rows)])
            if not current.has_next:
                break
            current = page(after=current.next_cursor)
        assert forwards == whole
        backwards, current = [], page(number="last")
        assert len(current.rows) == len(whole) - (pages - 1) * per_page
        while True:
            backwards = current.rows + backwards
            if not current.has_previous:
                break
            current = page(before=current.previous_cursor)
        assert backwards == whole
        for number in range(1, pages + 1):
            numbered = page(number=str(number))
            assert numbered.rows == whole[(number - 1) * per_page : number * per_page]
            assert numbered.number == number and numbered.pages == pages
    client.force_login(world.send_officer)
    body = client.get(QUEUE, {"sort": sort, "page": "2", "route": "send_team"}).content.decode()
    assert "govuk-error-summary" not in body
    assert "page 2 of 2" in body
    assert f"sort={sort}" in body  # the filters and the sort are kept
    assert 'aria-sort="' + ("descending" if sort.startswith("-") else "ascending") in body


def _links(body: str) -> dict[str, str]:
    """The queue's pagination links by their words."""
    nav = body.split('aria-label="Pages of the queue"')[1].split("</nav>")[0]
    found = {}
    for part in nav.split("<a ")[1:]:
        href = part.split('href="')[1].split('"')[0].replace("&amp;", "&")
        words = part.split("</a>")[0]
        for name in ("Previous", "Next", "First page", "Last page"):
            if name in words:
                found[name] = href
    return found


def test_next_and_previous_links_walk_the_whole_queue(client, world, make_referral):
    """Through the page itself: Next from the first page to the end, Previous back, each page
    keeping the filters and sort, every referral once."""
    made = _mixed_queue(world, make_referral)
    client.force_login(world.send_officer)
    seen, url = [], f"{QUEUE}?sort=child&route=send_team"
    for _ in range(10):
        body = client.get(url).content.decode()
        seen += [r.reference for r in made if f">{r.reference}</a>" in body]
        links = _links(body)
        if "Next" not in links:
            break
        assert "sort=child" in links["Next"] and "route=send_team" in links["Next"]
        assert "after=" in links["Next"] and "page=" not in links["Next"]
        url = QUEUE + links["Next"]
    assert sorted(seen) == sorted(r.reference for r in made)
    assert "First page" in links and "Last page" not in links
    assert "before=" in links["Previous"]
    back = client.get(QUEUE + links["Previous"]).content.decode()
    assert "page 1 of 2" in back  # back at the start: numbered, with no way further back
    assert "Previous" not in _links(back) and "Next" in _links(back)
    first = client.get(QUEUE + links["First page"]).content.decode()
    assert "page 1 of 2" in first
    last = client.get(QUEUE + _links(first)["Last page"]).content.decode()
    assert "page 2 of 2" in last and "Next" not in _links(last)


def test_a_mangled_cursor_shows_the_first_page(client, world, make_referral):
    referral = make_referral()
    client.force_login(world.send_officer)
    naive = urlsafe_b64encode(b'["2026-01-01","2026-01-01T10:00:00",1]').decode()
    for bad in ("nonsense", "W10", "WyJ4Il0", "eyJhIjogMX0", "WzEsMiwzXQ", "%%%", naive):
        for name in ("after", "before"):
            response = client.get(QUEUE, {name: bad})
            assert response.status_code == 200
            assert referral.reference in response.content.decode()


def test_a_cursor_past_the_end_shows_the_last_page(client, world, make_referral):
    today = timezone.localdate()
    referral = make_referral()
    client.force_login(world.send_officer)
    gone = make_referral(world.child_b, days_ago=30)
    cursor = queue_cursor(gone, "received")
    casework.decide(gone, "close", by=world.send_officer, reason="Known")
    body = client.get(QUEUE, {"sort": "-received", "after": cursor}).content.decode()
    assert referral.reference in body  # nothing is after the oldest: the last page instead
    assert list(triage_queue(world.send_officer, QueueFilters(), today)) == [referral]


def test_a_page_number_far_from_both_ends_is_not_opened(client, world, make_referral, monkeypatch):
    """Three pages of one referral, numbers opened only on the end pages: page 2 is too far."""
    from pathway.casework import selectors, views

    for _ in range(3):
        make_referral(ChildFactory(setting=world.setting_a))
    monkeypatch.setattr(selectors, "NUMBERED_PAGES_FROM_EACH_END", 0)
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    client.force_login(world.send_officer)
    body = client.get(QUEUE, {"page": "2"}).content.decode()
    assert "Page 2 is too far from the start and the end of the queue" in body
    assert "page 1 of 3" in body
    near_end = client.get(QUEUE, {"page": "3"}).content.decode()
    assert "page 3 of 3" in near_end and "too far" not in near_end


def test_bad_sort_is_reported_not_500(client, world, make_referral):
    make_referral()
    client.force_login(world.send_officer)
    response = client.get(QUEUE, {"sort": "password"})
    assert response.status_code == 200
    assert "Choose a column to sort by" in response.content.decode()


def test_need_filter_matches_whole_codes_only(world, make_referral):
    today = timezone.localdate()
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(broad_areas_of_need=["sensory_physical"])
    other = make_referral(world.child_b)
    Referral.objects.filter(pk=other.pk).update(
        broad_areas_of_need=["cognition_learning", "social_emotional_mental_health"]
    )

    def ids(need):
        return {r.pk for r in triage_queue(world.send_officer, QueueFilters(need=need), today)}

    assert ids("sensory_physical") == {referral.pk}
    assert ids("cognition_learning") == {other.pk}
    assert ids("communication_interaction") == set()
    assert ids("sensory") == set()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"route": "send_team"},
        {"need": "communication_interaction", "clock": "overdue"},
        {"setting": "Acorns"},
        {"sort": "child", "page": "2"},
        {"sort": "-setting", "page": "999"},
        {"sort": "received", "allocated": "none", "page": "2"},
    ],
)
def test_queue_queries_stay_constant_for_every_filter_sort_and_page(
    client, world, make_referral, params
):
    client.force_login(world.send_officer)
    for index in range(3):
        make_referral(ChildFactory(setting=world.setting_a if index % 2 else world.setting_b))

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE, params)
        assert response.status_code == 200
        return len(captured)

    few = queries_for_page()
    for index in range(60):
        child = ChildFactory(setting=world.setting_a if index % 2 else world.setting_b)
        make_referral(child)
    assert queries_for_page() == few
