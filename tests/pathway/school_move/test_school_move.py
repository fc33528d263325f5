"""The move to school: the intake year, the checklist and its 15 February deadline, hand-over
records written, sent once and downloaded, and who may see or change any of it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from earlyyears.dates import born_in_intake, reception_intake_year
from pathway.models import Decision, HandoverRecord, ReferralEvent, SchoolMove
from pathway.school_move import selectors, services
from pathway.views import CHILD_SECTIONS

TODAY = timezone.localdate  # called in each test: a run may cross midnight
# A child whose age group starts Reception next September: the checklist is open now.
NEXT_INTAKE = TODAY().year + 1 if TODAY().month >= 9 else TODAY().year
DOB = born_in_intake(NEXT_INTAKE)[0] + datetime.timedelta(days=120)


@pytest.fixture
def child(world):
    world.child_a.date_of_birth = DOB
    world.child_a.save()
    return world.child_a


def date_post(prefix: str, day: datetime.date | None) -> dict[str, str]:
    if day is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def move_post(**overrides) -> dict[str, str]:
    data = {
        "school_name": "Hilltop Primary School",
        "school_urn": "123456",
        "intake_year": "",
        "intake_change_reason": "",
        **date_post("transition_meeting_on", None),
        **date_post("ehc_review_finished_on", None),
    }
    data.update(overrides)
    return data


def handover_post(**overrides) -> dict[str, str]:
    data = {
        "strengths": "Loves building towers and the sand tray.",
        "needs": "Finds the noise at lunchtime hard.",
        "what_works": "A visual timetable and a quiet corner.",
        "support_in_place": "",
        "family_views": "We want the school to know she is brave.",
        "consent_given_by": "Ngozi Okafor",
        **date_post("consent_given_on", TODAY()),
    }
    data.update(overrides)
    return data


# The rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "starts"),
    [
        (datetime.date(2022, 9, 1), 2027),  # oldest in the year group
        (datetime.date(2023, 8, 31), 2027),  # youngest in the same group
        (datetime.date(2022, 8, 31), 2026),
        (datetime.date(2024, 2, 29), 2028),
    ],
)
def test_a_child_starts_reception_in_the_september_after_their_fourth_birthday(born, starts):
    assert reception_intake_year(born) == starts
    first, last = born_in_intake(starts)
    assert first <= born <= last


def test_the_checklist_is_open_from_the_autumn_before_to_the_end_of_the_first_term():
    assert not selectors.checklist_is_open(2027, datetime.date(2026, 8, 31))
    assert selectors.checklist_is_open(2027, datetime.date(2026, 9, 1))
    assert selectors.checklist_is_open(2027, datetime.date(2027, 12, 31))
    assert not selectors.checklist_is_open(2027, datetime.date(2028, 1, 1))


def test_a_plan_review_not_finished_by_15_february_is_overdue(world):
    move = SchoolMove(child=world.child_a)
    on_time = selectors.checklist(move, 2027, None, True, datetime.date(2027, 2, 15))
    late = selectors.checklist(move, 2027, None, True, datetime.date(2027, 2, 16))
    assert on_time[-1].label == "EHC plan reviewed and amended for the move"
    assert on_time[-1].detail == "Must be finished by 15 February 2027"
    assert not on_time[-1].overdue
    assert late[-1].overdue
    move.ehc_review_finished_on = datetime.date(2027, 2, 20)
    finished = selectors.checklist(move, 2027, None, True, datetime.date(2027, 3, 1))
    assert finished[-1].done and not finished[-1].overdue
    assert len(selectors.checklist(move, 2027, None, False, datetime.date(2027, 3, 1))) == 3


def test_the_ehc_step_appears_once_a_final_plan_is_issued(world, make_referral, child):
    referral = make_referral(child)
    assert not selectors.has_ehc_plan(child)
    Decision.objects.create(
        referral=referral,
        kind=Decision.Kind.EHC_PLAN_ISSUED,
        reason="Plan issued",
        decided_by=world.send_officer,
    )
    assert selectors.has_ehc_plan(child)


# Recording the move --------------------------------------------------------------------------


def test_the_setting_names_the_school_and_books_the_meeting(client, world, child, make_referral):
    make_referral(child)
    client.force_login(world.practitioner_a)
    url = reverse("school-move", args=[child.pk])
    meeting = TODAY() + datetime.timedelta(days=30)
    response = client.post(url, move_post(**date_post("transition_meeting_on", meeting)))
    assert response.status_code == 302
    move = SchoolMove.objects.get(child=child)
    assert (move.school_name, move.school_urn) == ("Hilltop Primary School", "123456")
    assert move.transition_meeting_on == meeting and move.updated_by == world.practitioner_a
    page = client.get(url).content.decode()
    assert "Hilltop Primary School" in page
    assert f"Booked for {meeting.day} {meeting:%B %Y}" in page
    assert ReferralEvent.objects.filter(
        referral__child=child, summary__startswith="Move to school updated"
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"school_urn": "12345"}, "Enter the URN as 6 digits, like 123456"),
        ({"intake_year": str(NEXT_INTAKE + 3)}, "starts Reception in"),
        ({"intake_year": str(NEXT_INTAKE + 1)}, "Say why the child starts in a different year"),
        ({"intake_year": "next year"}, "Enter the year as 4 digits, like 2027"),
        (date_post("transition_meeting_on", None) | {"transition_meeting_on_day": "31"}, "must"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, world, child, overrides, message):
    client.force_login(world.practitioner_a)
    response = client.post(reverse("school-move", args=[child.pk]), move_post(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not SchoolMove.objects.exists()


def test_a_delayed_start_moves_the_intake_year_with_its_reason(client, world, child):
    client.force_login(world.send_officer)
    client.post(
        reverse("school-move", args=[child.pk]),
        move_post(
            intake_year=str(NEXT_INTAKE + 1),
            intake_change_reason="A delayed start agreed for a summer-born child",
        ),
    )
    move = SchoolMove.objects.get(child=child)
    assert selectors.intake_year(child, move) == NEXT_INTAKE + 1
    page = client.get(reverse("school-move", args=[child.pk])).content.decode()
    assert f"starts Reception in September {NEXT_INTAKE + 1}" in page
    assert f"Their age group starts in {NEXT_INTAKE}" in page


def test_the_child_page_shows_the_checklist_only_in_its_window(client, world, child):
    assert any(module.__name__ == "pathway.school_move.selectors" for module in CHILD_SECTIONS)
    client.force_login(world.practitioner_a)
    page = client.get(reverse("child-detail", args=[child.pk])).content.decode()
    assert "Move to school" in page and f"September {NEXT_INTAKE}" in page
    child.date_of_birth = DOB - datetime.timedelta(days=3 * 365)
    child.save()
    page = client.get(reverse("child-detail", args=[child.pk])).content.decode()
    assert "Move to school" not in page


# The hand-over record ------------------------------------------------------------------------


def test_a_handover_record_is_written_sent_once_and_downloaded(client, world, child):
    client.force_login(world.practitioner_a)
    response = client.post(reverse("school-handover-new", args=[child.pk]), handover_post())
    record = HandoverRecord.objects.get(child=child)
    assert response["Location"] == reverse("school-handover", args=[child.pk, record.pk])
    assert record.written_by == world.practitioner_a and not record.is_sent

    url = reverse("school-handover", args=[child.pk, record.pk])
    response = client.post(
        url,
        {"sent_how": "secure_email", "sent_to": "office@hilltop.sch.uk"}
        | date_post("sent_on", TODAY()),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_sent and record.sent_to == "office@hilltop.sch.uk"
    page = client.get(reverse("school-move", args=[child.pk])).content.decode()
    assert "by secure email" in page

    # sent once: the form is gone, and a second send is refused in words
    assert "Record as sent" not in client.get(url).content.decode()
    with pytest.raises(services.HandoverError, match="already been sent"):
        services.record_sent(
            world.practitioner_a, record, sent_how="handed_over", sent_to="x", sent_on=TODAY()
        )
    pdf = client.get(reverse("school-handover-pdf", args=[child.pk, record.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert child.reference in pdf["Content-Disposition"]
    assert child.first_name not in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")


def test_a_new_record_starts_from_the_last_one(client, world, child):
    client.force_login(world.practitioner_a)
    client.post(reverse("school-handover-new", args=[child.pk]), handover_post())
    page = client.get(reverse("school-handover-new", args=[child.pk])).content.decode()
    assert "Loves building towers" in page and "Check every part is still true" in page


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("strengths", "Enter what the child is good at and enjoys"),
        ("consent_given_by", "Enter the name of the parent or carer who agreed"),
    ],
)
def test_a_handover_needs_its_parts_and_the_familys_agreement(
    client, world, child, missing, message
):
    client.force_login(world.practitioner_a)
    response = client.post(
        reverse("school-handover-new", args=[child.pk]), handover_post(**{missing: ""})
    )
    assert message in response.content.decode()
    assert not HandoverRecord.objects.exists()


# Who may see and change it -------------------------------------------------------------------


def _record(world, child) -> HandoverRecord:
    return services.write_handover(
        world.practitioner_a,
        child,
        strengths="s",
        needs="n",
        what_works="w",
        consent_given_by="Ngozi Okafor",
        consent_given_on=TODAY(),
    )


@pytest.mark.parametrize(
    "who", ["practitioner_b", "portage_b", "planner", "early_help", "professional", "trainer"]
)
def test_anyone_without_the_child_is_refused(client, world, child, who):
    record = _record(world, child)
    client.force_login(getattr(world, who))
    for url in (
        reverse("school-move", args=[child.pk]),
        reverse("school-handover-new", args=[child.pk]),
        reverse("school-handover", args=[child.pk, record.pk]),
        reverse("school-handover-pdf", args=[child.pk, record.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, handover_post()).status_code in (403, 404), url
    assert HandoverRecord.objects.count() == 1


def test_the_portage_worker_reads_but_does_not_change(client, world, child):
    record = _record(world, child)
    client.force_login(world.portage_a)
    assert client.get(reverse("school-move", args=[child.pk])).status_code == 200
    assert client.get(reverse("school-handover", args=[child.pk, record.pk])).status_code == 200
    assert client.post(reverse("school-move", args=[child.pk]), move_post()).status_code == 403
    assert (
        client.post(reverse("school-handover-new", args=[child.pk]), handover_post()).status_code
        == 403
    )
    assert not SchoolMove.objects.exists()


def test_a_record_of_another_child_is_not_found_through_this_child(client, world, child):
    other = _record(world, world.child_b)
    client.force_login(world.send_officer)
    response = client.get(reverse("school-handover", args=[child.pk, other.pk]))
    assert response.status_code == 404


def test_a_setting_the_child_left_sees_nothing_new(client, world, child):
    _record(world, child)
    child.setting = world.setting_b
    child.save()
    client.force_login(world.practitioner_a)
    assert client.get(reverse("school-move", args=[child.pk])).status_code == 404


def test_the_page_reads_a_constant_number_of_queries(
    client, world, child, django_assert_max_num_queries
):
    client.force_login(world.practitioner_a)
    url = reverse("school-move", args=[child.pk])
    for _ in range(3):
        _record(world, child)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(10):
        _record(world, child)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# Demo data -----------------------------------------------------------------------------------


def test_the_demo_has_moves_at_every_stage(world, make_referral):
    from django.core.management import call_command

    from tests.factories import ChildFactory, UserFactory

    UserFactory(role="send_officer", username="send.officer")
    first, _ = born_in_intake(NEXT_INTAKE)
    for n in range(5):
        make_referral(
            ChildFactory(
                setting=world.setting_a, date_of_birth=first + datetime.timedelta(days=30 * n)
            )
        )
    summer = ChildFactory(
        setting=world.setting_a, date_of_birth=datetime.date(NEXT_INTAKE - 5, 7, 1)
    )
    make_referral(summer)
    call_command("demo_school_moves")
    assert SchoolMove.objects.count() == 5  # four at a stage, and the delayed start
    assert selectors.intake_year(summer, SchoolMove.objects.get(child=summer)) == NEXT_INTAKE
    assert HandoverRecord.objects.count() == 2
    assert HandoverRecord.objects.filter(sent_at__isnull=False).count() == 1
    call_command("demo_school_moves")  # idempotent
    assert SchoolMove.objects.count() == 5
