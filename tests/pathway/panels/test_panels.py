"""The Early Years panel: scheduling, members and attendance, the agenda, decisions at the
meeting, the minutes, and who may see any of it."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import Role
from pathway.casework import services as casework
from pathway.models import Decision, PanelMeeting, Referral, ReferralClock, ReferralEvent
from pathway.panels import services as panels
from tests.factories import AreaFactory, ChildFactory, SettingFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _panel(world, days_from_now=0, **kwargs):
    return panels.schedule_panel(
        held_on=TODAY() + datetime.timedelta(days=days_from_now), by=world.send_officer, **kwargs
    )


def _members(meeting, world, present=(True, False)):
    added = [
        panels.add_member(
            meeting,
            name="Priya Shah",
            agency="health",
            role_title="Health visitor",
            by=world.send_officer,
        ),
        panels.add_member(meeting, name="Tom Reed", agency="education", by=world.send_officer),
    ]
    if present is not None and meeting.held_on <= TODAY():
        panels.record_attendance(
            meeting, {m.pk: p for m, p in zip(added, present, strict=True)}, by=world.send_officer
        )
    return added


def _due_in(referral, days):
    ReferralClock.objects.filter(referral=referral).update(
        due_on=TODAY() + datetime.timedelta(days=days),
        due_soon_from=TODAY() + datetime.timedelta(days=days - 3),
    )
    casework.refresh_next_due(referral)


def _decide(item, world, kind="accept", **kwargs):
    kwargs.setdefault("reason", "Needs specialist advice")
    if kind == "accept":
        kwargs.setdefault("routes", ["send_team"])
    return panels.decide_item(item, kind, by=world.send_officer, **kwargs)


# Scheduling ---------------------------------------------------------------------------------


def test_only_the_send_team_schedules_and_the_chair_is_from_the_team(world):
    with pytest.raises(panels.PanelError):
        panels.schedule_panel(held_on=TODAY(), by=world.practitioner_a)
    with pytest.raises(panels.PanelError, match="chair"):
        _panel(world, chair=world.planner)
    meeting = _panel(world, chair=world.send_manager, location=" Room 2 ")
    assert meeting.status == PanelMeeting.Status.SCHEDULED
    assert meeting.location == "Room 2"
    assert meeting.created_by == world.send_officer


def test_schedule_the_next_fortnightly_panels_copies_members_and_skips_taken_dates(world):
    area = AreaFactory()
    first = _panel(world, area=area, starts_at=datetime.time(9, 30), location="Room 2")
    _members(first, world, present=None)
    taken = panels.schedule_panel(
        held_on=first.held_on + datetime.timedelta(days=28), area=area, by=world.send_officer
    )
    created = panels.schedule_following(first, count=3, by=world.send_officer)
    assert [m.held_on for m in created] == [
        first.held_on + datetime.timedelta(days=14),
        first.held_on + datetime.timedelta(days=42),
    ]
    assert all(m.location == "Room 2" and m.starts_at == datetime.time(9, 30) for m in created)
    assert sorted(created[0].members.values_list("name", flat=True)) == ["Priya Shah", "Tom Reed"]
    assert not taken.members.exists()
    with pytest.raises(panels.PanelError):
        panels.schedule_following(first, count=7, by=world.send_officer)
    assert PanelMeeting.objects.count() == 4


# Members and attendance ---------------------------------------------------------------------


def test_members_are_added_once_and_copied_from_the_last_panel(world):
    last = _panel(world, days_from_now=-14)
    _members(last, world)
    meeting = _panel(world, days_from_now=7)
    panels.add_member(meeting, name="tom  reed", agency="education", by=world.send_officer)
    with pytest.raises(panels.PanelError, match="already a member"):
        panels.add_member(meeting, name="Tom Reed", agency="education", by=world.send_officer)
    with pytest.raises(panels.PanelError):
        panels.add_member(meeting, name=" ", agency="education", by=world.send_officer)
    assert panels.previous_panel_with_members(meeting) == last
    copied = panels.copy_members(meeting, last, by=world.send_officer)
    assert [m.name for m in copied] == ["Priya Shah"]  # Tom is here already
    assert copied[0].attended is None  # attendance is never copied
    assert copied[0].role_title == "Health visitor"
    panels.remove_member(copied[0], by=world.send_officer)
    assert meeting.members.count() == 1


def test_attendance_is_recorded_on_or_after_the_day(world):
    future = _panel(world, days_from_now=3)
    member = panels.add_member(future, name="Ann Lee", agency="health", by=world.send_officer)
    with pytest.raises(panels.PanelError, match="on or after"):
        panels.record_attendance(future, {member.pk: True}, by=world.send_officer)
    meeting = _panel(world)
    present, apologies = _members(meeting, world, present=None)
    with pytest.raises(panels.PanelError):
        panels.record_attendance(meeting, {member.pk: True}, by=world.send_officer)
    panels.record_attendance(
        meeting, {present.pk: True, apologies.pk: False}, by=world.send_officer
    )
    assert dict(meeting.members.values_list("name", "attended")) == {
        "Priya Shah": True,
        "Tom Reed": False,
    }


# The agenda ---------------------------------------------------------------------------------


def test_candidates_are_waiting_referrals_not_on_a_scheduled_agenda_most_urgent_first(
    world, make_referral
):
    old = make_referral(days_ago=6)
    urgent = make_referral(world.child_b)
    _due_in(urgent, 1)
    no_clock = make_referral()
    ReferralClock.objects.filter(referral=no_clock).delete()
    casework.refresh_next_due(no_clock)
    newer = make_referral(days_ago=1)
    decided = make_referral()
    casework.decide(decided, "close", by=world.send_officer, reason="Known to the team")
    elsewhere = make_referral(world.child_b)
    other = _panel(world, days_from_now=14)
    panels.add_to_agenda(other, [elsewhere], by=world.send_officer)
    meeting = _panel(world)
    candidates = list(panels.candidate_referrals(world.send_officer, meeting))
    assert candidates == [urgent, old, newer, no_clock]
    assert list(panels.candidate_referrals(world.practitioner_a, meeting)) == []


def test_candidates_for_an_area_panel_start_with_that_area(world, make_referral):
    district = AreaFactory(name="North district")
    ward = AreaFactory(name="North ward", parent=district)
    north_child = ChildFactory(setting=SettingFactory(area=ward))
    north = make_referral(north_child, by=world.send_officer)
    south = make_referral()
    meeting = _panel(world, area=district)
    assert list(panels.candidate_referrals(world.send_officer, meeting)) == [north]
    assert set(panels.candidate_referrals(world.send_officer, meeting, area_only=False)) == {
        north,
        south,
    }


def test_adding_to_the_agenda_appends_and_writes_the_timeline(world, make_referral):
    first, second, third = make_referral(), make_referral(world.child_b), make_referral()
    meeting = _panel(world, days_from_now=7)
    panels.add_to_agenda(meeting, [first], by=world.send_officer)
    panels.add_to_agenda(meeting, [second, third], by=world.send_officer)
    assert list(meeting.items.values_list("referral", "position")) == [
        (first.pk, 1),
        (second.pk, 2),
        (third.pk, 3),
    ]
    event = ReferralEvent.objects.get(referral=second, kind=ReferralEvent.Kind.PANEL)
    assert event.summary == (
        f"Added to the agenda of the Early Years panel on {meeting.held_on:%-d %B %Y}"
    )
    assert event.actor == world.send_officer


def test_adding_to_the_agenda_is_all_or_nothing(world, make_referral):
    fine = make_referral()
    closed = make_referral(world.child_b)
    casework.decide(closed, "close", by=world.send_officer, reason="Known")
    meeting = _panel(world)
    with pytest.raises(panels.PanelError, match="no longer waiting"):
        panels.add_to_agenda(meeting, [fine, closed], by=world.send_officer)
    busy = make_referral()
    panels.add_to_agenda(_panel(world, days_from_now=14), [busy], by=world.send_officer)
    with pytest.raises(panels.PanelError, match="already on a panel"):
        panels.add_to_agenda(meeting, [fine, busy], by=world.send_officer)
    with pytest.raises(panels.PanelError, match="Select at least one"):
        panels.add_to_agenda(meeting, [], by=world.send_officer)
    assert not meeting.items.exists()
    assert not ReferralEvent.objects.filter(referral=fine, kind=ReferralEvent.Kind.PANEL).exists()


def test_items_move_up_and_down_and_come_off_the_agenda(world, make_referral):
    referrals = [make_referral() for _ in range(3)]
    meeting = _panel(world, days_from_now=7)
    first, second, third = panels.add_to_agenda(meeting, referrals, by=world.send_officer)

    def order():
        return list(meeting.items.order_by("position").values_list("pk", flat=True))

    panels.move_item(third, "up", by=world.send_officer)
    assert order() == [first.pk, third.pk, second.pk]
    panels.move_item(first, "up", by=world.send_officer)  # already at the top
    assert order() == [first.pk, third.pk, second.pk]
    panels.move_item(first, "down", by=world.send_officer)
    assert order() == [third.pk, first.pk, second.pk]
    with pytest.raises(panels.PanelError):
        panels.move_item(first, "sideways", by=world.send_officer)
    panels.remove_from_agenda(first, by=world.send_officer)
    assert order() == [third.pk, second.pk]
    assert list(meeting.items.values_list("position", flat=True)) == [1, 2]
    assert ReferralEvent.objects.filter(
        referral=referrals[0], kind=ReferralEvent.Kind.PANEL, summary__startswith="Removed"
    ).exists()


# At the meeting -----------------------------------------------------------------------------


def test_a_panel_decision_follows_the_officer_rules_and_is_linked_to_the_item(world, make_referral):
    referral = make_referral()
    meeting = _panel(world)
    (item,) = panels.add_to_agenda(meeting, [referral], by=world.send_officer)
    decision = _decide(item, world, discussion="  SLT report considered  ")
    item.refresh_from_db()
    referral.refresh_from_db()
    assert item.decision == decision
    assert item.discussion == "SLT report considered"
    assert decision.at_panel == meeting
    assert referral.status == Referral.Status.ACCEPTED
    event = ReferralEvent.objects.get(referral=referral, kind=ReferralEvent.Kind.DECISION)
    assert event.summary == f"Accept onto a route at {meeting}"
    assert event.detail["panel"] == meeting.pk
    with pytest.raises(panels.PanelError, match="already decided"):
        _decide(item, world, kind="close")
    with pytest.raises(panels.PanelError, match="cannot be removed"):
        panels.remove_from_agenda(item, by=world.send_officer)


def test_a_decision_the_rules_refuse_saves_nothing(world, make_referral):
    referral = make_referral()
    meeting = _panel(world)
    (item,) = panels.add_to_agenda(meeting, [referral], by=world.send_officer)
    with pytest.raises(casework.CaseworkError, match="Re-routing must change"):
        _decide(item, world, kind="reroute", routes=list(referral.routes))
    with pytest.raises(casework.CaseworkError, match="reason"):
        _decide(item, world, reason=" ")
    with pytest.raises(panels.PanelError):
        panels.decide_item(item, "close", by=world.planner, reason="No")
    item.refresh_from_db()
    assert item.decision is None
    assert not Decision.objects.exists()


def test_decisions_wait_for_the_day_of_the_panel(world, make_referral):
    meeting = _panel(world, days_from_now=2)
    (item,) = panels.add_to_agenda(meeting, [make_referral()], by=world.send_officer)
    with pytest.raises(panels.PanelError, match="on or after"):
        _decide(item, world)
    with pytest.raises(panels.PanelError, match="on or after"):
        panels.defer_item(item, note="Later", by=world.send_officer)
    assert _decide(item, world, today=meeting.held_on)


def test_a_deferred_referral_waits_for_a_later_panel(world, make_referral):
    referral = make_referral()
    meeting = _panel(world)
    _members(meeting, world)
    (item,) = panels.add_to_agenda(meeting, [referral], by=world.send_officer)
    with pytest.raises(panels.PanelError, match="Enter why"):
        panels.defer_item(item, note="  ", by=world.send_officer)
    panels.defer_item(item, note="Waiting for the SLT assessment", by=world.send_officer)
    item.refresh_from_db()
    assert panels.is_deferred(item)
    referral.refresh_from_db()
    assert referral.status in Referral.WAITING
    assert ReferralEvent.objects.filter(
        referral=referral, kind=ReferralEvent.Kind.PANEL, summary__startswith="Deferred"
    ).exists()
    later = _panel(world, days_from_now=14)
    assert referral not in panels.candidate_referrals(world.send_officer, later)
    panels.mark_held(meeting, by=world.send_officer)
    assert referral in panels.candidate_referrals(world.send_officer, later)


def test_marking_held_needs_attendance_and_every_item_settled(world, make_referral):
    meeting = _panel(world)
    assert panels.reasons_not_ready(meeting, TODAY()) == ["Add the panel's members"]
    members = _members(meeting, world, present=None)
    first, second = panels.add_to_agenda(
        meeting, [make_referral(), make_referral(world.child_b)], by=world.send_officer
    )
    assert panels.reasons_not_ready(meeting, TODAY()) == [
        "Record attendance for 2 members",
        "Record a decision or defer 2 agenda items",
    ]
    panels.record_attendance(meeting, {m.pk: False for m in members}, by=world.send_officer)
    assert "At least one member must have been present" in panels.reasons_not_ready(
        meeting, TODAY()
    )
    panels.record_attendance(meeting, {members[0].pk: True}, by=world.send_officer)
    _decide(first, world)
    with pytest.raises(panels.PanelError, match="defer 1 agenda item"):
        panels.mark_held(meeting, by=world.send_officer)
    panels.defer_item(second, note="Needs the paediatric report", by=world.send_officer)
    panels.mark_held(meeting, by=world.send_officer)
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.HELD
    with pytest.raises(panels.PanelError, match="marked as held"):
        panels.add_to_agenda(meeting, [make_referral()], by=world.send_officer)
    with pytest.raises(panels.PanelError, match="marked as held"):
        _decide(second, world)
    with pytest.raises(panels.PanelError, match="marked as held"):
        panels.mark_held(meeting, by=world.send_officer)
    future = _panel(world, days_from_now=1)
    assert panels.reasons_not_ready(future, TODAY())[0].startswith("The panel meets on")


def test_published_minutes_never_change(world, make_referral):
    meeting = _panel(world)
    members = _members(meeting, world)
    (item,) = panels.add_to_agenda(meeting, [make_referral()], by=world.send_officer)
    _decide(item, world, discussion="Agreed")
    with pytest.raises(panels.PanelError, match="held before publishing"):
        panels.publish_minutes(meeting, by=world.send_officer)
    panels.mark_held(meeting, by=world.send_officer)
    panels.update_discussion(item, discussion="Agreed unanimously", by=world.send_officer)
    panels.update_notes(meeting, notes="Matters arising: none", by=world.send_officer)
    panels.publish_minutes(meeting, by=world.send_officer)
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED
    assert meeting.minutes_published_at is not None
    attempts = [
        lambda: panels.update_discussion(item, discussion="Changed", by=world.send_officer),
        lambda: panels.update_notes(meeting, notes="Changed", by=world.send_officer),
        lambda: panels.add_member(meeting, name="X", agency="other", by=world.send_officer),
        lambda: panels.remove_member(members[0], by=world.send_officer),
        lambda: panels.record_attendance(meeting, {members[1].pk: True}, by=world.send_officer),
        lambda: panels.publish_minutes(meeting, by=world.send_officer),
        lambda: panels.copy_members(meeting, _panel(world), by=world.send_officer),
    ]
    for attempt in attempts:
        with pytest.raises(panels.PanelError, match="published"):
            attempt()
    item.refresh_from_db()
    assert item.discussion == "Agreed unanimously"
    assert meeting.members.count() == 2


def test_minutes_name_children_by_initials_and_group_people_by_agency(world, make_referral):
    child = ChildFactory(setting=world.setting_a, first_name="Mary Jane", last_name="Smith")
    meeting = _panel(world)
    _members(meeting, world)
    (item,) = panels.add_to_agenda(meeting, [make_referral(child)], by=world.send_officer)
    _decide(item, world, discussion="Discussed")
    minutes = panels.minutes(meeting)
    assert [(agency, [m.name for m in people]) for agency, people in minutes["present"]] == [
        ("Health", ["Priya Shah"])
    ]
    assert [agency for agency, _ in minutes["apologies"]] == ["Education"]
    (row,) = minutes["items"]
    assert row.initials == "MJS"
    assert row.routes == ["Early Years SEND team"]


def test_sections_for_the_referral_and_child_pages(world, make_referral):
    referral = make_referral()
    meeting = _panel(world)
    (item,) = panels.add_to_agenda(meeting, [referral], by=world.send_officer)
    assert panels.referral_section(world.send_officer, referral) == {"panel_items": [item]}
    assert panels.child_section(world.send_manager, world.child_a) == {"panel_items": [item]}
    assert panels.child_section(world.send_manager, world.child_b) == {}
    for name in ("practitioner_a", "portage_a", "planner", "early_help", "professional"):
        user = getattr(world, name)
        assert panels.referral_section(user, referral) == {}, name
        assert panels.child_section(user, world.child_a) == {}, name


# Views: access ------------------------------------------------------------------------------


def _every_url(meeting, item, member):
    m = meeting.pk
    return [
        ("get", reverse("panel-list")),
        ("get", reverse("panel-schedule")),
        ("get", reverse("panel-detail", args=[m])),
        ("get", reverse("panel-edit", args=[m])),
        ("get", reverse("panel-schedule-following", args=[m])),
        ("get", reverse("panel-members", args=[m])),
        ("post", reverse("panel-copy-members", args=[m])),
        ("post", reverse("panel-remove-member", args=[m, member.pk])),
        ("get", reverse("panel-attendance", args=[m])),
        ("get", reverse("panel-add-items", args=[m])),
        ("get", reverse("panel-item", args=[m, item.pk])),
        ("get", reverse("panel-defer-item", args=[m, item.pk])),
        ("get", reverse("panel-item-discussion", args=[m, item.pk])),
        ("post", reverse("panel-move-item", args=[m, item.pk])),
        ("post", reverse("panel-remove-item", args=[m, item.pk])),
        ("get", reverse("panel-mark-held", args=[m])),
        ("get", reverse("panel-minutes", args=[m])),
        ("get", reverse("panel-minutes-notes", args=[m])),
        ("post", reverse("panel-publish-minutes", args=[m])),
    ]


OUTSIDERS = (
    "practitioner_a",
    "practitioner_b",
    "portage_a",
    "portage_b",
    "planner",
    "early_help",
    "professional",
    "trainer",
    "admin",
)


def test_only_the_send_team_reaches_any_panel_page(client, world, make_referral):
    meeting = _panel(world)
    (member,) = _members(meeting, world, present=None)[:1]
    (item,) = panels.add_to_agenda(meeting, [make_referral()], by=world.send_officer)
    urls = _every_url(meeting, item, member)
    for name in OUTSIDERS:
        client.force_login(getattr(world, name))
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (name, url)
    client.logout()
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url
    assert meeting.items.count() == 1 and meeting.members.count() == 2
    for name in ("send_officer", "send_manager"):
        client.force_login(getattr(world, name))
        for method, url in urls:
            if method == "get":
                assert client.get(url).status_code == 200, (name, url)


def test_ids_that_do_not_belong_give_404(client, world, make_referral):
    meeting = _panel(world)
    other = _panel(world, days_from_now=14)
    (member,) = _members(other, world, present=None)[:1]
    (item,) = panels.add_to_agenda(other, [make_referral()], by=world.send_officer)
    client.force_login(world.send_officer)
    assert client.get(reverse("panel-detail", args=[99999])).status_code == 404
    assert client.get(reverse("panel-item", args=[meeting.pk, item.pk])).status_code == 404
    assert client.post(reverse("panel-remove-item", args=[meeting.pk, item.pk])).status_code == 404
    assert (
        client.post(reverse("panel-remove-member", args=[meeting.pk, member.pk])).status_code == 404
    )
    assert other.items.count() == 1 and other.members.count() == 2


def test_an_inactive_officer_is_refused(client, world):
    meeting = _panel(world)
    officer = UserFactory(role=Role.SEND_OFFICER, is_active=False)
    client.force_login(officer)
    assert client.get(reverse("panel-detail", args=[meeting.pk])).status_code in (302, 403)


# Views: the journey -------------------------------------------------------------------------


def test_schedule_form_reports_errors_and_saves_nothing(client, world):
    client.force_login(world.send_officer)
    response = client.post(
        reverse("panel-schedule"),
        {"held_on_day": "31", "held_on_month": "2", "held_on_year": "2026", "starts_at": "25pm"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The date of the panel must be a real date" in page
    assert "Enter the start time like 9:30am or 14:00" in page
    assert not PanelMeeting.objects.exists()
    day = TODAY() + datetime.timedelta(days=7)
    response = client.post(
        reverse("panel-schedule"),
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "starts_at": "2:30 PM",
            "location": "Shire Hall",
            "chair": world.send_manager.pk,
        },
    )
    meeting = PanelMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("panel-detail", args=[meeting.pk])
    assert meeting.starts_at == datetime.time(14, 30)
    assert meeting.chair == world.send_manager


def test_members_attendance_and_copy_through_the_pages(client, world):
    last = _panel(world, days_from_now=-14)
    _members(last, world)
    meeting = _panel(world)
    client.force_login(world.send_officer)
    url = reverse("panel-members", args=[meeting.pk])
    response = client.post(url, {"name": "", "agency": "nonsense"})
    assert "Enter the member&#x27;s name" in response.content.decode()
    assert "Select the member&#x27;s agency" in response.content.decode()
    page = client.get(url).content.decode()
    assert f"Copy members from the panel on {last.held_on:%-d %B %Y}" in page
    client.post(reverse("panel-copy-members", args=[meeting.pk]))
    response = client.post(url, {"name": "Dr Ade Bello", "agency": "health", "role_title": ""})
    assert response.status_code == 302
    assert meeting.members.count() == 3
    members = {m.name: m for m in meeting.members.all()}
    attendance_url = reverse("panel-attendance", args=[meeting.pk])
    response = client.post(attendance_url, {f"member_{members['Tom Reed'].pk}": "maybe"})
    assert "Select whether Tom Reed was present" in response.content.decode()
    client.post(
        attendance_url,
        {
            f"member_{members['Tom Reed'].pk}": "present",
            f"member_{members['Priya Shah'].pk}": "apologies",
        },
    )
    assert dict(meeting.members.values_list("name", "attended")) == {
        "Tom Reed": True,
        "Priya Shah": False,
        "Dr Ade Bello": None,
    }


def test_agenda_built_from_ticked_referrals_and_reordered(client, world, make_referral):
    first = make_referral()
    second = make_referral(world.child_b)
    _due_in(second, 1)
    meeting = _panel(world)
    client.force_login(world.send_officer)
    url = reverse("panel-add-items", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert page.index(second.reference) < page.index(first.reference)
    assert "Bartek Nowak" in page and "Due soon" in page
    response = client.post(url, {})
    assert "Select at least one referral to add to the agenda" in response.content.decode()
    response = client.post(url, {"referrals": ["abc"]})
    assert "There is a problem" in response.content.decode()
    response = client.post(url, {"referrals": [first.pk, second.pk]})
    assert response.status_code == 302
    assert list(meeting.items.values_list("referral", flat=True)) == [second.pk, first.pk]
    closed = make_referral()
    casework.decide(closed, "close", by=world.send_officer, reason="Known")
    response = client.post(url, {"referrals": [closed.pk]})
    assert "can no longer be added" in response.content.decode()
    item = meeting.items.get(referral=first)
    client.post(reverse("panel-move-item", args=[meeting.pk, item.pk]), {"direction": "up"})
    assert list(meeting.items.values_list("referral", flat=True)) == [first.pk, second.pk]
    detail = client.get(reverse("panel-detail", args=[meeting.pk])).content.decode()
    assert detail.index(first.reference) < detail.index(second.reference)
    assert "Amara Okafor" in detail


def test_decision_page_records_the_panel_decision_or_reports_errors(client, world, make_referral):
    referral = make_referral()
    meeting = _panel(world)
    (item,) = panels.add_to_agenda(meeting, [referral], by=world.send_officer)
    client.force_login(world.send_officer)
    url = reverse("panel-item", args=[meeting.pk, item.pk])
    response = client.post(url, {"discussion": "Talked it through", "kind": "accept"})
    page = response.content.decode()
    assert "Select at least one route" in page and "Enter the reason for the decision" in page
    response = client.post(
        url, {"kind": "reroute", "routes": list(referral.routes), "reason": "Same"}
    )
    assert "Re-routing must change the route" in response.content.decode()
    assert not Decision.objects.exists()
    response = client.post(
        url,
        {
            "discussion": "Talked it through",
            "kind": "accept",
            "routes": ["portage"],
            "reason": "Home visiting suits the family",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision.kind == "accept" and item.decision.at_panel == meeting
    assert item.discussion == "Talked it through"
    page = client.get(url).content.decode()
    assert "Home visiting suits the family" in page
    response = client.post(url, {"kind": "close", "reason": "Again"})
    assert response.status_code == 302
    assert Decision.objects.count() == 1


def test_defer_mark_held_minutes_and_publish_through_the_pages(client, world, make_referral):
    child = ChildFactory(setting=world.setting_a, first_name="Lily", last_name="Hart")
    decided, deferred = make_referral(child), make_referral(world.child_b)
    meeting = _panel(world)
    _members(meeting, world)
    first, second = panels.add_to_agenda(meeting, [decided, deferred], by=world.send_officer)
    _decide(first, world, discussion="Agreed")
    client.force_login(world.send_officer)
    defer_url = reverse("panel-defer-item", args=[meeting.pk, second.pk])
    response = client.post(defer_url, {"note": ""})
    assert "Enter why the panel deferred this referral" in response.content.decode()
    client.post(defer_url, {"note": "Waiting for the hearing test"})
    held_url = reverse("panel-mark-held", args=[meeting.pk])
    assert b"Mark the panel as held" in client.get(held_url).content
    response = client.post(held_url)
    assert response["Location"] == reverse("panel-minutes", args=[meeting.pk])
    minutes_url = reverse("panel-minutes", args=[meeting.pk])
    page = client.get(minutes_url).content.decode()
    assert "LH" in page and decided.reference in page
    assert "Lily" not in page and "Bartek" not in page
    assert "Waiting for the hearing test" in page and "Deferred" in page
    assert "initials" in page
    assert "Publish the minutes" in page
    client.post(
        reverse("panel-minutes-notes", args=[meeting.pk]), {"notes": "Next panel in two weeks"}
    )
    client.post(reverse("panel-publish-minutes", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED
    page = client.get(minutes_url).content.decode()
    assert "Next panel in two weeks" in page and "Publish the minutes" not in page
    response = client.post(
        reverse("panel-item-discussion", args=[meeting.pk, first.pk]), {"discussion": "New"}
    )
    assert "no longer be changed" in response.content.decode()
    first.refresh_from_db()
    assert first.discussion == "Agreed"


def test_mark_held_page_lists_what_is_missing(client, world, make_referral):
    meeting = _panel(world)
    panels.add_to_agenda(meeting, [make_referral()], by=world.send_officer)
    client.force_login(world.send_officer)
    url = reverse("panel-mark-held", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Add the panel&#x27;s members" in page
    response = client.post(url)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.SCHEDULED


def test_schedule_following_page(client, world):
    meeting = _panel(world)
    client.force_login(world.send_officer)
    url = reverse("panel-schedule-following", args=[meeting.pk])
    assert "Select how many panels" in client.post(url, {"count": "9"}).content.decode()
    client.post(url, {"count": "2", "copy_members": "on"})
    assert PanelMeeting.objects.count() == 3


# Constant queries ---------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_cost_the_same_queries_with_one_row_or_many(client, world, make_referral):
    client.force_login(world.send_officer)
    small = _panel(world)
    _members(small, world)
    (one,) = panels.add_to_agenda(small, [make_referral()], by=world.send_officer)
    _decide(one, world)
    big = _panel(world, days_from_now=-1)
    for n in range(6):
        panels.add_member(big, name=f"Member {n}", agency="health", by=world.send_officer)
    settings_ = [SettingFactory() for _ in range(3)]
    many = [
        make_referral(ChildFactory(setting=settings_[n % 3]), by=world.send_officer)
        for n in range(6)
    ]
    items = panels.add_to_agenda(big, many, by=world.send_officer)
    for item in items[:3]:
        _decide(item, world)

    def cost(name, meeting):
        return _count_queries(client, reverse(name, args=[meeting.pk]))

    for name in ("panel-detail", "panel-minutes", "panel-members", "panel-attendance"):
        assert cost(name, small) == cost(name, big), name
    # Candidates: one waiting referral, then six.
    empty = _panel(world, days_from_now=21)
    make_referral(ChildFactory(setting=SettingFactory()), by=world.send_officer)
    few = cost("panel-add-items", empty)
    for _ in range(5):
        make_referral(ChildFactory(setting=SettingFactory()), by=world.send_officer)
    assert cost("panel-add-items", empty) == few
    list_cost = _count_queries(client, reverse("panel-list"))
    for n in range(5):
        _panel(world, days_from_now=30 + n)
    assert _count_queries(client, reverse("panel-list")) == list_cost


def test_edit_details_until_the_panel_is_held(client, world, make_referral):
    meeting = _panel(world, days_from_now=7, starts_at=datetime.time(9, 30))
    client.force_login(world.send_officer)
    url = reverse("panel-edit", args=[meeting.pk])
    assert 'value="09:30"' in client.get(url).content.decode()
    day = TODAY() + datetime.timedelta(days=8)
    response = client.post(
        url,
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "location": "Room 4",
            "chair": "999999",
        },
    )
    assert "Choose the chair from the list" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.location == ""
    response = client.post(
        url,
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "location": "Room 4",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.location) == (day, "Room 4")
    held = _panel(world)
    _members(held, world)
    panels.mark_held(held, by=world.send_officer)
    response = client.get(reverse("panel-edit", args=[held.pk]))
    assert response.status_code == 302
    with pytest.raises(panels.PanelError):
        panels.update_panel(held, held_on=day, by=world.send_officer)


def test_remove_member_and_item_through_the_pages(client, world, make_referral):
    meeting = _panel(world)
    member, _ = _members(meeting, world, present=None)
    (item,) = panels.add_to_agenda(meeting, [make_referral()], by=world.send_officer)
    client.force_login(world.send_officer)
    assert (
        client.get(reverse("panel-remove-member", args=[meeting.pk, member.pk])).status_code == 405
    )
    client.post(reverse("panel-remove-member", args=[meeting.pk, member.pk]))
    client.post(reverse("panel-remove-item", args=[meeting.pk, item.pk]))
    assert meeting.members.count() == 1
    assert not meeting.items.exists()


def test_section_templates_render(world, make_referral):
    referral = make_referral()
    meeting = _panel(world)
    (item,) = panels.add_to_agenda(meeting, [referral], by=world.send_officer)
    html = render_to_string(
        "pathway/panels/_referral_section.html",
        panels.referral_section(world.send_officer, referral),
    )
    assert reverse("panel-item", args=[meeting.pk, item.pk]) in html
    assert "on the agenda" in html
    html = render_to_string(
        "pathway/panels/_child_section.html",
        panels.child_section(world.send_officer, world.child_a),
    )
    assert referral.reference in html
    assert render_to_string("pathway/panels/_child_section.html", {}).strip() == ""
