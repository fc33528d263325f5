"""Team Around the Child: meetings with attendees, notes, actions with owners and due dates, the
next review; actions on their owners' "My actions"; who may see and record any of it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import Role
from pathway.models import (
    AdviceRequest,
    AdviceTemplate,
    Discipline,
    ReferralEvent,
    TacAction,
    TacAttendee,
    TacMeeting,
)
from pathway.tac import services as tac
from pathway.views import CHILD_SECTIONS
from tests.factories import ChildFactory, UserFactory, practitioner_at

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def LAST_WEEK() -> datetime.date:
    return TODAY() - datetime.timedelta(days=7)


@pytest.fixture
def make_referral(make_referral):
    """Referrals the family agreed to share with health: advice is asked only on those."""

    def make(*args, share_with=("send_team", "health"), **kwargs):
        return make_referral(*args, share_with=list(share_with), **kwargs)

    return make


def ask_advice(world, professional, child=None, make_referral=None):
    referral = make_referral(child or world.child_a)
    return AdviceRequest.objects.create(
        referral=referral,
        template=AdviceTemplate.objects.first(),
        discipline=Discipline.SLT,
        professional=professional,
        requested_by=world.send_officer,
        due_on=TODAY() + datetime.timedelta(days=28),
    )


def attendee(name="Priya Shah", discipline=Discipline.SLT, present=True):
    return {"name": name, "discipline": discipline, "present": present}


def action(owner=None, owner_name="", description="Visit home", due_on=None):
    return {
        "description": description,
        "owner": owner,
        "owner_name": owner_name,
        "due_on": due_on or TODAY() + datetime.timedelta(days=14),
    }


def record(world, by=None, child=None, **kwargs):
    data = {
        "held_on": LAST_WEEK(),
        "notes": "Talked about words at home",
        "next_review_on": TODAY() + datetime.timedelta(days=60),
        "attendees": [attendee()],
        "actions": [action(owner=world.portage_a)],
    }
    data.update(kwargs)
    return tac.record_meeting(by or world.send_officer, child or world.child_a, **data)


def date_fields(prefix: str, day: datetime.date | None) -> dict[str, str]:
    if day is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def meeting_post(
    attendees=(), actions=(), *, held_on="last week", review=None, total=None, **extra
):
    data = {
        **date_fields("held_on", LAST_WEEK() if held_on == "last week" else held_on),
        **date_fields("next_review_on", review),
        "notes": "Agreed to try a visual timetable",
        "attendees-TOTAL_FORMS": str(total or max(4, len(attendees))),
        "attendees-INITIAL_FORMS": "0",
        "attendees-MIN_NUM_FORMS": "0",
        "attendees-MAX_NUM_FORMS": "30",
        "actions-TOTAL_FORMS": str(total or max(3, len(actions))),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
    }
    for n in range(int(data["attendees-TOTAL_FORMS"])):
        data[f"attendees-{n}-present"] = "on"
    for n, (name, discipline, present) in enumerate(attendees):
        data[f"attendees-{n}-name"] = name
        data[f"attendees-{n}-discipline"] = discipline
        if not present:
            data.pop(f"attendees-{n}-present")
    for n, (description, owner, owner_name, due) in enumerate(actions):
        data[f"actions-{n}-description"] = description
        data[f"actions-{n}-owner"] = str(owner.pk) if owner else ""
        data[f"actions-{n}-owner_name"] = owner_name
        data.update({f"actions-{n}-{k}": v for k, v in date_fields("due_on", due).items()})
    data.update(extra)
    return data


# Owners -------------------------------------------------------------------------------------


def test_action_owners_are_the_staff_who_can_see_the_child(world, make_referral):
    asked = UserFactory(role=Role.PROFESSIONAL, username="asked")
    ask_advice(world, asked, make_referral=make_referral)
    gone = UserFactory(role=Role.SEND_OFFICER, username="gone", is_active=False)
    owners = set(tac.action_owners(world.child_a))
    assert {
        world.send_officer,
        world.send_manager,
        world.practitioner_a,
        world.portage_a,
        asked,
    } <= owners
    for outsider in (
        world.practitioner_b,
        world.portage_b,
        world.professional,
        world.planner,
        world.early_help,
        world.trainer,
        world.admin,
        gone,
    ):
        assert outsider not in owners


# Recording a meeting --------------------------------------------------------------------------


def test_a_meeting_is_saved_with_attendees_actions_and_an_event(world, make_referral):
    older = make_referral(days_ago=30)
    latest = make_referral(days_ago=2)
    meeting = record(
        world,
        attendees=[attendee(), attendee("Grace Okafor", Discipline.PARENT, present=False)],
        actions=[
            action(owner=world.portage_a, description="Show Grace the timetable"),
            action(owner_name="Grace Okafor", description="Try the timetable at home"),
        ],
    )
    assert meeting.child == world.child_a
    assert meeting.created_by == world.send_officer
    assert {(a.name, a.discipline, a.present) for a in meeting.attendees.all()} == {
        ("Priya Shah", "slt", True),
        ("Grace Okafor", "parent", False),
    }
    owned, parent = meeting.actions.order_by("pk")
    assert owned.owner == world.portage_a and owned.owner_name == ""
    assert parent.owner is None and parent.owner_name == "Grace Okafor"
    assert parent.child == world.child_a
    [event] = latest.events.filter(kind=ReferralEvent.Kind.TEAM_AROUND_THE_CHILD)
    assert "2 attendees, 2 actions" in event.summary
    assert event.detail == {"meeting_id": meeting.pk}
    assert "timetable" not in event.summary
    assert not older.events.filter(kind=ReferralEvent.Kind.TEAM_AROUND_THE_CHILD).exists()


def test_a_child_without_a_referral_gets_a_meeting_and_no_event(world):
    meeting = record(world)
    assert meeting.pk
    assert not ReferralEvent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"next_review_on": LAST_WEEK()}, "next review date must be after"),
        ({"held_on": TODAY() + datetime.timedelta(days=1)}, "today or in the past"),
        ({"attendees": []}, "at least one person"),
        ({"attendees": [attendee(discipline="wizard")]}, "discipline"),
        ({"attendees": [attendee(name=" ")]}, "name of each attendee"),
        ({"actions": [action()]}, "Action 1: choose who will do it"),
        ({"actions": [action(owner="x", owner_name="Mum")]}, "not both"),
        ({"actions": [action(owner_name="Mum", description="")]}, "Action 1: enter what"),
        (
            {"actions": [action(owner_name="Mum", due_on=LAST_WEEK() - datetime.timedelta(1))]},
            "on or after the meeting date",
        ),
    ],
)
def test_bad_meetings_are_refused_and_nothing_is_saved(world, changes, message):
    if changes.get("actions") and changes["actions"][0]["owner"] == "x":
        changes["actions"][0]["owner"] = world.portage_a
    with pytest.raises(tac.TacError, match=message):
        record(world, **changes)
    assert not TacMeeting.objects.exists()
    assert not TacAttendee.objects.exists()
    assert not TacAction.objects.exists()


def test_an_owner_who_cannot_see_the_child_is_refused(world):
    with pytest.raises(tac.TacError, match="works with this child"):
        record(world, actions=[action(owner=world.practitioner_b)])
    assert not TacMeeting.objects.exists()


@pytest.mark.parametrize(
    "role", ["practitioner_b", "portage_b", "planner", "professional", "early_help", "trainer"]
)
def test_only_the_childs_team_records_meetings(world, role):
    with pytest.raises(tac.TacError, match="cannot record"):
        record(world, by=getattr(world, role))
    assert not TacMeeting.objects.exists()


@pytest.mark.parametrize("role", ["practitioner_a", "portage_a", "send_manager"])
def test_the_setting_portage_worker_and_send_team_record_meetings(world, role):
    assert record(world, by=getattr(world, role)).pk


def test_the_meeting_is_all_or_nothing(world, make_referral, monkeypatch):
    make_referral()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tac, "_event", broken)
    with pytest.raises(RuntimeError):
        record(world)
    assert not TacMeeting.objects.exists()
    assert not TacAttendee.objects.exists()
    assert not TacAction.objects.exists()


# Actions --------------------------------------------------------------------------------------


def test_the_owner_marks_an_action_done_once(world, make_referral):
    referral = make_referral()
    meeting = record(world, actions=[action(owner=world.portage_a)])
    item = meeting.actions.get()
    done = tac.complete_action(world.portage_a, item.pk)
    assert done.done_at is not None
    item.refresh_from_db()
    assert item.done_by == world.portage_a
    summaries = list(
        referral.events.filter(kind=ReferralEvent.Kind.TEAM_AROUND_THE_CHILD).values_list(
            "summary", flat=True
        )
    )
    assert summaries[-1].startswith("Team Around the Child action due")
    with pytest.raises(tac.TacError, match="already been marked as done"):
        tac.complete_action(world.portage_a, item.pk)


def test_only_the_owner_marks_an_action_done(world):
    from django.http import Http404

    item = record(world, actions=[action(owner=world.portage_a)]).actions.get()
    for other in (world.send_officer, world.practitioner_a, world.portage_b, world.planner):
        with pytest.raises(Http404):
            tac.complete_action(other, item.pk)
    item.refresh_from_db()
    assert item.done_at is None


def test_my_actions_soonest_first_with_overdue_and_done_apart(world):
    meeting = record(
        world,
        held_on=TODAY() - datetime.timedelta(days=30),
        actions=[
            action(
                owner=world.portage_a, description="later", due_on=TODAY() + datetime.timedelta(9)
            ),
            action(owner=world.portage_a, description="overdue", due_on=LAST_WEEK()),
            action(owner=world.portage_a, description="today", due_on=TODAY()),
            action(owner=world.portage_a, description="finished", due_on=TODAY()),
            action(owner=world.practitioner_a, description="not mine"),
        ],
    )
    tac.complete_action(world.portage_a, meeting.actions.get(description="finished").pk)
    mine = tac.my_actions(world.portage_a, TODAY())
    assert [a.description for a in mine.open] == ["overdue", "today", "later"]
    assert [a.is_overdue for a in mine.open] == [True, False, False]
    assert mine.open[1].is_due_today
    assert mine.overdue == 1
    assert [a.description for a in mine.done] == ["finished"]
    assert tac.open_action_counts(world.portage_a, TODAY()) == {"open": 3, "overdue": 1}


def test_actions_due_for_reminders(world):
    inactive = UserFactory(role=Role.SEND_OFFICER, username="left")
    meeting = record(
        world,
        held_on=TODAY() - datetime.timedelta(days=30),
        actions=[
            action(owner=world.portage_a, description="overdue", due_on=LAST_WEEK()),
            action(
                owner=world.portage_a,
                description="in 3 days",
                due_on=TODAY() + datetime.timedelta(3),
            ),
            action(
                owner=world.portage_a,
                description="in 4 days",
                due_on=TODAY() + datetime.timedelta(4),
            ),
            action(owner=world.portage_a, description="done", due_on=TODAY()),
            action(owner_name="Mum", description="parent", due_on=TODAY()),
            action(owner=inactive, description="left", due_on=TODAY()),
        ],
    )
    tac.complete_action(world.portage_a, meeting.actions.get(description="done").pk)
    inactive.is_active = False
    inactive.save()
    assert [a.description for a in tac.actions_due(3, TODAY())] == ["overdue", "in 3 days"]
    assert [a.description for a in tac.actions_due(4, TODAY())][-1] == "in 4 days"


# Pages ----------------------------------------------------------------------------------------


def test_the_send_team_records_a_meeting_through_the_page(client, world, make_referral):
    make_referral()
    client.force_login(world.send_officer)
    url = reverse("tac-new", args=[world.child_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.text.count("Attendee ") >= 4
    assert 'name="attendees-TOTAL_FORMS" value="4"' in page.text
    assert 'name="actions-TOTAL_FORMS" value="3"' in page.text
    assert "prac.a" in page.text or "Sam Jones" in page.text
    response = client.post(
        url,
        meeting_post(
            attendees=[("Priya Shah", "slt", True), ("Grace Okafor", "parent", False)],
            actions=[
                ("Visual timetable at nursery", world.practitioner_a, "", TODAY()),
                ("Try it at home", None, "Grace Okafor", TODAY() + datetime.timedelta(7)),
            ],
            review=TODAY() + datetime.timedelta(days=42),
        ),
    )
    meeting = TacMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tac-detail", args=[meeting.pk])
    assert meeting.attendees.count() == 2
    assert meeting.actions.count() == 2
    assert meeting.next_review_on == TODAY() + datetime.timedelta(days=42)
    detail = client.get(response["Location"])
    for text in (
        "Priya Shah",
        "Parent or carer",
        "No, sent apologies",
        "Visual timetable",
        "Grace Okafor",
        "Agreed to try a visual timetable",
    ):
        assert text in detail.text
    listing = client.get(reverse("tac-meetings", args=[world.child_a.pk]))
    assert reverse("tac-detail", args=[meeting.pk]) in listing.text


def test_add_another_row_keeps_what_was_typed_and_saves_nothing(client, world):
    client.force_login(world.send_officer)
    url = reverse("tac-new", args=[world.child_a.pk])
    data = meeting_post(attendees=[("Priya Shah", "slt", True)], add="attendee")
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'name="attendees-TOTAL_FORMS" value="5"' in response.text
    assert 'value="Priya Shah"' in response.text
    assert "govuk-error-summary" not in response.text
    assert "<title>Error" not in response.text
    data = meeting_post(add="action", held_on=None)
    response = client.post(url, data)
    assert 'name="actions-TOTAL_FORMS" value="4"' in response.text
    assert "govuk-error-summary" not in response.text
    assert not TacMeeting.objects.exists()


def test_rows_stop_at_the_maximum(client, world):
    client.force_login(world.send_officer)
    url = reverse("tac-new", args=[world.child_a.pk])
    response = client.post(url, meeting_post(total=30, add="attendee"))
    assert 'name="attendees-TOTAL_FORMS" value="30"' in response.text
    for tampered in ({"add": "attendee"}, {"add": "action", "actions-TOTAL_FORMS": "many"}):
        assert client.post(url, tampered).status_code == 200
    assert not TacMeeting.objects.exists()


def test_bad_input_gives_the_error_summary_and_saves_nothing(client, world):
    client.force_login(world.send_officer)
    url = reverse("tac-new", args=[world.child_a.pk])
    cases = [
        (meeting_post(), "Add at least one person who was invited to the meeting"),
        (meeting_post(attendees=[("Priya", "", True)]), "Attendee 1: Choose the attendee"),
        (meeting_post(attendees=[("Priya", "slt", True)], held_on=None), "Enter the date"),
        (
            meeting_post(
                attendees=[("Priya", "slt", True)], actions=[("Do it", None, "", TODAY())]
            ),
            "Action 1: Choose who will do this",
        ),
        (
            meeting_post(
                attendees=[("Priya", "slt", True)],
                actions=[("Do it", world.practitioner_b, "", TODAY())],
            ),
            "Choose someone from the list",
        ),
        (
            meeting_post(
                attendees=[("Priya", "slt", True)], actions=[("Do it", None, "Mum", None)]
            ),
            "Action 1: Enter the date the action is due",
        ),
        (
            meeting_post(
                attendees=[("Priya", "slt", True)],
                actions=[("Do it", None, "Mum", LAST_WEEK() - datetime.timedelta(days=1))],
            ),
            "Action 1: the due date must be on or after the meeting date",
        ),
        (
            meeting_post(attendees=[("Priya", "slt", True)], review=LAST_WEEK()),
            "The next review date must be after the meeting date",
        ),
        (meeting_post(total=31, attendees=[("Priya", "slt", True)]), "at most 30"),
        ({"held_on_day": "1"}, "The form was incomplete"),
        (
            meeting_post(
                attendees=[("Priya", "slt", True)],
                **{"actions-0-due_on_day": "٣", "actions-0-description": "x"},
            ),
            "There is a problem",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200, message
        assert "govuk-error-summary" in response.text, message
        assert message in response.text, message
        assert "<title>Error:" in response.text
    assert not TacMeeting.objects.exists()
    assert not TacAction.objects.exists()


def test_my_actions_page_and_mark_as_done(client, world, make_referral):
    make_referral()
    meeting = record(
        world,
        held_on=TODAY() - datetime.timedelta(days=20),
        actions=[
            action(
                owner=world.portage_a, description="Bring the picture cards", due_on=LAST_WEEK()
            ),
            action(owner=world.portage_a, description="Model two-word phrases"),
        ],
    )
    client.force_login(world.portage_a)
    page = client.get(reverse("my-actions"))
    assert page.status_code == 200
    assert page.text.index("Bring the picture cards") < page.text.index("Model two-word")
    assert "Overdue" in page.text
    assert "Amara Okafor" in page.text
    cards = meeting.actions.get(description="Bring the picture cards")
    response = client.post(reverse("tac-action-done", args=[cards.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("my-actions")
    page = client.get(reverse("my-actions"))
    to_do, done = page.text.split('<h2 class="govuk-heading-m">Done</h2>')
    assert "Bring the picture cards" in done and "Bring the picture cards" not in to_do
    again = client.post(reverse("tac-action-done", args=[cards.pk]), follow=True)
    assert "already been marked as done" in again.text
    assert client.get(reverse("tac-action-done", args=[cards.pk])).status_code == 405


def test_someone_elses_action_is_404(client, world):
    item = record(world, actions=[action(owner=world.portage_a)]).actions.get()
    for other in (world.practitioner_a, world.send_officer, world.portage_b):
        client.force_login(other)
        assert client.post(reverse("tac-action-done", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


def test_a_professional_asked_to_advise_reads_meetings_and_owns_actions(
    client, world, make_referral
):
    ask_advice(world, world.professional, make_referral=make_referral)
    meeting = record(world, actions=[action(owner=world.professional, description="Assess")])
    client.force_login(world.professional)
    assert client.get(reverse("tac-meetings", args=[world.child_a.pk])).status_code == 200
    assert client.get(reverse("tac-detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("tac-new", args=[world.child_a.pk])).status_code == 403
    page = client.get(reverse("my-actions"))
    assert "Assess" in page.text
    item = meeting.actions.get()
    client.post(reverse("tac-action-done", args=[item.pk]))
    item.refresh_from_db()
    assert item.done_by == world.professional
    # Not for another child.
    other = record(world, child=world.child_b, actions=[action(owner_name="Dad")])
    assert client.get(reverse("tac-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("tac-meetings", args=[world.child_b.pk])).status_code == 404


def test_child_page_shows_the_section(client, world):
    meeting = record(world, actions=[action(owner=world.portage_a, description="Cards")])
    client.force_login(world.practitioner_a)
    page = client.get(reverse("child-detail", args=[world.child_a.pk]))
    assert page.status_code == 200
    assert "Team Around the Child" in page.text
    assert reverse("tac-detail", args=[meeting.pk]) in page.text
    assert reverse("tac-new", args=[world.child_a.pk]) in page.text
    assert "Cards" in page.text


def test_child_section_is_empty_for_those_who_may_not_see_it(world):
    record(world)
    assert tac.child_section(world.practitioner_b, world.child_a) == {}
    assert tac.child_section(world.planner, world.child_a) == {}
    section = tac.child_section(world.portage_a, world.child_a)
    assert section["can_record"] and len(section["meetings"]) == 1
    assert tac in CHILD_SECTIONS


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    ["practitioner_b", "portage_b", "planner", "professional", "early_help", "trainer", "admin"],
)
def test_outsiders_get_nothing_from_any_tac_url(client, world, role):
    meeting = record(world, actions=[action(owner=world.portage_a)])
    item = meeting.actions.get()
    client.force_login(getattr(world, role))
    for method, url in (
        ("get", reverse("tac-meetings", args=[world.child_a.pk])),
        ("get", reverse("tac-new", args=[world.child_a.pk])),
        ("post", reverse("tac-new", args=[world.child_a.pk])),
        ("get", reverse("tac-detail", args=[meeting.pk])),
        ("post", reverse("tac-action-done", args=[item.pk])),
    ):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), (role, url, response.status_code)
    item.refresh_from_db()
    assert item.done_at is None
    assert TacMeeting.objects.count() == 1


@pytest.mark.parametrize("role", ["planner", "trainer", "admin", "early_help"])
def test_roles_that_own_no_actions_have_no_actions_page(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("my-actions")).status_code == 403


def test_signed_out_users_are_sent_to_sign_in(client, world):
    meeting = record(world)
    for url in (
        reverse("tac-meetings", args=[world.child_a.pk]),
        reverse("tac-new", args=[world.child_a.pk]),
        reverse("tac-detail", args=[meeting.pk]),
        reverse("my-actions"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_practitioner_of_another_setting_cannot_be_chosen_as_owner_on_the_page(client, world):
    client.force_login(world.send_officer)
    page = client.get(reverse("tac-new", args=[world.child_a.pk]))
    assert f'value="{world.practitioner_a.pk}"' in page.text
    assert f'value="{world.practitioner_b.pk}"' not in page.text


# Constant queries ---------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_actions_page_queries_do_not_grow(client, world):
    client.force_login(world.portage_a)
    record(world, actions=[action(owner=world.portage_a)])
    one = count_queries(client, reverse("my-actions"))
    other_child = ChildFactory(setting=world.setting_a)
    world.portage_a.caseload_memberships.create(child=other_child)
    for n in range(6):
        meeting = record(
            world,
            child=other_child if n % 2 else world.child_a,
            actions=[action(owner=world.portage_a, description=f"a{n}") for _ in range(3)],
        )
        tac.complete_action(world.portage_a, meeting.actions.first().pk)
    assert count_queries(client, reverse("my-actions")) == one


def test_meeting_pages_and_the_child_section_queries_do_not_grow(client, world):
    client.force_login(world.send_officer)
    first = record(world)
    detail_one = count_queries(client, reverse("tac-detail", args=[first.pk]))
    list_one = count_queries(client, reverse("tac-meetings", args=[world.child_a.pk]))
    child_one = count_queries(client, reverse("child-detail", args=[world.child_a.pk]))
    form_one = count_queries(client, reverse("tac-new", args=[world.child_a.pk]))
    extra_practitioner = practitioner_at(world.setting_a, username="senco")
    big = record(
        world,
        attendees=[attendee(f"Person {n}") for n in range(10)],
        actions=[action(owner=extra_practitioner, description=f"act {n}") for n in range(10)],
    )
    for _ in range(4):
        record(world)
    assert count_queries(client, reverse("tac-detail", args=[big.pk])) == detail_one
    assert count_queries(client, reverse("tac-meetings", args=[world.child_a.pk])) == list_one
    assert count_queries(client, reverse("child-detail", args=[world.child_a.pk])) == child_one
    assert count_queries(client, reverse("tac-new", args=[world.child_a.pk])) == form_one
