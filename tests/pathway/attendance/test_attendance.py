"""Children who attend two settings or move (issue 23): a second setting sees the child and adds
observations but does not write the plan, and sees the plan only with the family's agreement; a
move passes the plan on with the family's agreement (and not without), keeps its history whole,
and leaves the setting moved from with what it wrote and sent and nothing new; bad input; the
pages' queries; the data migration."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from earlyyears.access import children_for
from earlyyears.models import Attendance, Child
from pathway.access import observations_for, referral_events_for, referrals_for
from pathway.access.plans import may_write_plans, support_plans_for
from pathway.attendance import services
from pathway.models import Observation, Referral, ReferralEvent, SupportPlan
from pathway.services import create_referral
from pathway.support_plans import services as plans
from tests.factories import ChildFactory, SettingFactory, practitioner_at

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def LAST_MONTH() -> datetime.date:
    return TODAY() - datetime.timedelta(days=30)


def start_plan(user, child) -> SupportPlan:
    return plans.create_plan(
        user,
        child,
        tier="targeted",
        strengths="Loves music",
        outcomes=[plans.OutcomeRow("Amara will say her name when asked", TODAY())],
        provision=[],
        cycle=plans.CycleStart(TODAY(), TODAY() + datetime.timedelta(weeks=8), "Story time"),
    )


def a_concern(world):
    with transaction.atomic():
        return create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            setting=world.setting_a,
            answers={"development": {"communication_language": {"level": "significant"}}},
            notify=False,
        )


def dates(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def move(world, child, to_setting, *, sees_plan: bool, user=None, lead=services.NEW_SETTING):
    services.ensure_lead_recorded(child)
    leaving = Attendance.objects.get(child=child, ended_on__isnull=True, is_lead=True)
    return services.record_move(
        user or world.send_officer,
        child,
        services.Move(leaving.pk, to_setting, TODAY(), lead, sees_plan),
    )


@pytest.fixture
def setting_c(db):
    return SettingFactory(name="Chestnut Childminding")


@pytest.fixture
def practitioner_c(setting_c):
    return practitioner_at(setting_c, username="prac.c")


# Two settings at once ------------------------------------------------------------------------


def test_a_second_setting_sees_the_child_and_adds_observations(client, world):
    services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=False,
    )
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting == world.setting_a  # the lead stays
    for user in (world.practitioner_a, world.practitioner_b):
        assert children_for(user).filter(pk=child.pk).exists()
    # No duplicates from the two ways in.
    assert list(children_for(world.practitioner_b)) == sorted(
        [world.child_a, world.child_b], key=lambda c: (c.last_name, c.first_name)
    )
    client.force_login(world.practitioner_b)
    assert client.get(reverse("child-detail", args=[child.pk])).status_code == 200
    response = client.get(reverse("child-settings", args=[child.pk]))
    page = response.content.decode()
    assert "Acorns Day Nursery" in page and "Bluebell Pre-School" in page
    assert "Yes, the lead setting" in page


def test_the_second_setting_sees_the_plan_only_with_the_familys_agreement(client, world):
    start_plan(world.practitioner_a, world.child_a)
    attendance = services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=False,
    )
    child = Child.objects.get(pk=world.child_a.pk)
    assert not support_plans_for(world.practitioner_b).exists()
    client.force_login(world.practitioner_b)
    assert client.get(reverse("support-plan-edit", args=[child.pk])).status_code == 404
    assert support_plans_for(world.practitioner_a).count() == 1

    services.record_plan_sharing(world.send_officer, child, attendance, True)
    assert support_plans_for(world.practitioner_b).count() == 1
    assert client.get(reverse("support-plan", args=[child.pk])).status_code == 200
    # It reads the plan; the lead setting writes it.
    assert not may_write_plans(world.practitioner_b, child)
    assert may_write_plans(world.practitioner_a, child)
    assert client.get(reverse("support-plan-edit", args=[child.pk])).status_code == 403
    assert client.post(reverse("support-plan-review", args=[child.pk]), {}).status_code == 403
    with pytest.raises(plans.PlanError):
        plans.start_next_cycle(
            world.practitioner_b,
            child.support_plan,
            plans.CycleStart(TODAY(), TODAY() + datetime.timedelta(weeks=8), "More"),
        )


def test_the_second_setting_cannot_add_settings_or_record_moves(client, world):
    services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=True,
    )
    client.force_login(world.practitioner_b)
    for name in ("child-settings-add", "child-settings-move"):
        assert client.get(reverse(name, args=[world.child_a.pk])).status_code == 403
    with pytest.raises(services.AttendanceError):
        services.add_setting(
            world.practitioner_b,
            world.child_a,
            setting=SettingFactory(),
            started_on=TODAY(),
            sees_plan=True,
        )


def test_the_lead_setting_adds_a_second_setting_through_the_form(client, world):
    client.force_login(world.practitioner_a)
    url = reverse("child-settings-add", args=[world.child_a.pk])
    response = client.post(
        url,
        {"setting": world.setting_b.urn.lower(), "sees_plan": "no", **dates("started_on", TODAY())},
    )
    assert response.status_code == 302
    current = Attendance.objects.filter(child=world.child_a, ended_on__isnull=True)
    assert {(a.setting_id, a.is_lead, a.sees_plan) for a in current} == {
        (world.setting_a.pk, True, True),
        (world.setting_b.pk, False, False),
    }


# Moves ---------------------------------------------------------------------------------------


def test_a_move_with_consent_passes_the_plan_on_with_its_history(world, setting_c, practitioner_c):
    plan = start_plan(world.practitioner_a, world.child_a)
    plans.update_plan(
        world.practitioner_a,
        plan,
        version=plan.version,
        tier="targeted_plus",
        strengths="Loves music and water play",
        outcomes=[plans.OutcomeRow("Amara will say her name when asked", TODAY())],
        provision=[],
    )
    versions = list(plan.versions.values_list("pk", flat=True))
    assert len(versions) >= 1
    move(world, world.child_a, setting_c, sees_plan=True)
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting == setting_c
    seen = support_plans_for(practitioner_c).get()
    assert seen.pk == plan.pk
    assert list(seen.versions.values_list("pk", flat=True)) == versions  # its history, whole
    assert seen.cycles.count() == 1
    assert may_write_plans(practitioner_c, child)
    assert not support_plans_for(world.practitioner_a).exists()


def test_a_move_without_consent_does_not_pass_the_plan_on(client, world, setting_c, practitioner_c):
    start_plan(world.practitioner_a, world.child_a)
    move(world, world.child_a, setting_c, sees_plan=False)
    child = Child.objects.get(pk=world.child_a.pk)
    # The new setting sees the child but not the plan, and cannot write over it.
    assert children_for(practitioner_c).filter(pk=child.pk).exists()
    assert not support_plans_for(practitioner_c).exists()
    assert not may_write_plans(practitioner_c, child)
    client.force_login(practitioner_c)
    assert client.get(reverse("support-plan-edit", args=[child.pk])).status_code == 404
    assert client.get(reverse("support-plan-new", args=[child.pk])).status_code == 403
    page = client.get(reverse("support-plan", args=[child.pk])).content.decode()
    assert "Loves music" not in page
    page = client.get(reverse("child-detail", args=[child.pk])).content.decode()
    assert "The family has not agreed to share it with your setting" in page
    assert "Loves music" not in page
    # The family agrees later: the new lead records it and has the whole plan.
    attendance = Attendance.objects.get(child=child, setting=setting_c)
    services.record_plan_sharing(practitioner_c, child, attendance, True)
    assert support_plans_for(practitioner_c).count() == 1
    assert may_write_plans(practitioner_c, child)


def test_a_move_to_a_setting_without_a_plan_lets_it_start_one(world, setting_c, practitioner_c):
    move(world, world.child_a, setting_c, sees_plan=False)
    child = Child.objects.get(pk=world.child_a.pk)
    assert may_write_plans(practitioner_c, child)
    start_plan(practitioner_c, child)
    assert support_plans_for(practitioner_c).count() == 1


def test_the_setting_moved_from_keeps_what_it_sent_and_sees_nothing_new(
    world, setting_c, practitioner_c
):
    child = world.child_a
    referral = a_concern(world)
    observation = Observation.objects.create(
        child=child,
        setting=world.setting_a,
        observer=world.practitioner_a,
        observed_on=LAST_MONTH(),
        what_was_seen="Played alone",
    )
    move(world, child, setting_c, sees_plan=True, user=world.practitioner_a)
    old = world.practitioner_a
    assert not children_for(old).filter(pk=child.pk).exists()
    assert list(observations_for(old)) == [observation]  # what it wrote, kept
    new_observation = Observation.objects.create(
        child=child,
        setting=setting_c,
        observer=practitioner_c,
        observed_on=TODAY(),
        what_was_seen="Joined in at circle time",
    )
    assert new_observation not in observations_for(old)
    assert new_observation in observations_for(practitioner_c)
    # Its concern stays its own; the new setting does not get it.
    assert referrals_for(old).filter(pk=referral.pk).exists()
    assert not referrals_for(practitioner_c).filter(pk=referral.pk).exists()
    assert not support_plans_for(old).exists()


def test_the_move_is_on_the_timeline_for_the_new_team_not_the_old(
    client, world, setting_c, practitioner_c
):
    referral = a_concern(world)
    move(world, world.child_a, setting_c, sees_plan=True)
    event = ReferralEvent.objects.get(referral=referral, kind=ReferralEvent.Kind.CHILD_RECORD)
    assert "Moved from Acorns Day Nursery to Chestnut Childminding" in event.summary
    assert "the family agreed to share the support plan" in event.summary
    # The old setting still follows its referral, but not the child's care since.
    assert referrals_for(world.practitioner_a).filter(pk=referral.pk).exists()
    assert not referral_events_for(world.practitioner_a).filter(pk=event.pk).exists()
    assert referral_events_for(world.send_officer).filter(pk=event.pk).exists()


def test_a_move_through_the_form_by_the_lead_setting(client, world, setting_c):
    client.force_login(world.practitioner_a)
    url = reverse("child-settings-move", args=[world.child_a.pk])
    page = client.get(url).content.decode()
    assert "Acorns Day Nursery" in page
    response = client.post(
        url,
        {
            "leaving": "0",  # the lead setting, not yet recorded as an attendance
            "to_setting": "Chestnut Childminding",
            "lead": services.NEW_SETTING,
            "sees_plan": "yes",
            **dates("moved_on", TODAY()),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("children")  # the old setting no longer sees the child
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting == setting_c
    old = Attendance.objects.get(child=child, setting=world.setting_a)
    assert old.ended_on == max(old.started_on, TODAY() - datetime.timedelta(days=1))
    assert client.get(reverse("child-detail", args=[child.pk])).status_code == 404


def test_a_child_at_two_settings_leaves_the_lead_and_the_other_leads(world, setting_c):
    services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=True,
    )
    second = Attendance.objects.get(child=world.child_a, setting=world.setting_b)
    move(world, world.child_a, setting_c, sees_plan=False, lead=str(second.pk))
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting == world.setting_b
    current = Attendance.objects.filter(child=child, ended_on__isnull=True)
    assert {(a.setting_id, a.is_lead) for a in current} == {
        (world.setting_b.pk, True),
        (setting_c.pk, False),
    }
    assert not children_for(world.practitioner_a).filter(pk=child.pk).exists()


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Enter the setting the child is moving to"),
        ({"to_setting": "Nowhere Nursery"}, "No setting has that Ofsted URN or name"),
        ({"to_setting": "Acorns Day Nursery"}, "must be a different setting"),
        ({"lead": "0"}, "The setting the child is leaving cannot lead"),
        ({"moved_on": TODAY() + datetime.timedelta(days=3)}, "must be today or in the past"),
        ({"sees_plan": ""}, "Select yes if the family agreed"),
    ],
)
def test_a_bad_move_shows_the_error_and_saves_nothing(client, world, setting_c, data, error):
    client.force_login(world.send_officer)
    post = {
        "leaving": "0",
        "to_setting": "Chestnut Childminding",
        "lead": services.NEW_SETTING,
        "sees_plan": "yes",
        **dates("moved_on", TODAY()),
    }
    for key, value in data.items():
        if key == "moved_on":
            post |= dates("moved_on", value)
        else:
            post[key] = value
    if not data:
        post["to_setting"] = ""
    response = client.post(reverse("child-settings-move", args=[world.child_a.pk]), post)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and error in page
    assert not Attendance.objects.exists()
    assert Child.objects.get(pk=world.child_a.pk).setting == world.setting_a


def test_a_setting_already_attended_is_refused(client, world):
    client.force_login(world.send_officer)
    response = client.post(
        reverse("child-settings-add", args=[world.child_a.pk]),
        {"setting": world.setting_a.urn, "sees_plan": "yes", **dates("started_on", TODAY())},
    )
    assert "already attends Acorns Day Nursery" in response.content.decode()
    assert Attendance.objects.count() <= 1


# Queries -------------------------------------------------------------------------------------


def test_the_settings_page_queries_are_constant(client, world, django_assert_num_queries):
    client.force_login(world.send_officer)
    url = reverse("child-settings", args=[world.child_a.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        setting = SettingFactory()
        services.add_setting(
            world.send_officer,
            world.child_a,
            setting=setting,
            started_on=LAST_MONTH(),
            sees_plan=True,
        )
        move(world, world.child_a, SettingFactory(), sees_plan=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('<tr class="govuk-table__row">') > 10
    assert len(many.captured_queries) == len(few.captured_queries)


# The data migration --------------------------------------------------------------------------


def test_the_migration_gives_each_child_a_current_lead_attendance(world):
    from django.apps import apps

    migration = importlib.import_module("earlyyears.migrations.0014_attendance")
    ChildFactory(setting=None, area=world.child_a.area)
    migration.lead_attendance_for_each_child(apps, None)
    found = {(a.child_id, a.setting_id, a.is_lead, a.sees_plan) for a in Attendance.objects.all()}
    assert found == {
        (world.child_a.pk, world.setting_a.pk, True, True),
        (world.child_b.pk, world.setting_b.pk, True, True),
    }


def test_every_list_function_gives_the_setting_moved_from_nothing_new(
    world, setting_c, practitioner_c
):
    from tests.test_access_states import _about, _one_user_functions

    old, child = world.practitioner_a, world.child_a
    a_concern(world)
    Observation.objects.create(
        child=child,
        setting=world.setting_a,
        observer=old,
        observed_on=LAST_MONTH(),
        what_was_seen="Played alone",
    )

    def seen() -> dict[str, set[int]]:
        found = {}
        for name, function in _one_user_functions():
            about = _about(function(old), Child.objects.get(pk=child.pk))
            if about is not None:
                found[name] = set(about.values_list("pk", flat=True))
        return found

    before = seen()
    move(world, child, setting_c, sees_plan=False, user=old)
    moved = Child.objects.get(pk=child.pk)
    Observation.objects.create(
        child=moved,
        setting=setting_c,
        observer=practitioner_c,
        observed_on=TODAY(),
        what_was_seen="Joined in at circle time",
    )
    start_plan(practitioner_c, moved)
    after = seen()
    assert after["children_for"] == set()
    for name, pks in after.items():
        assert pks <= before[name], name
    assert not support_plans_for(old).exists()


# Data protection -----------------------------------------------------------------------------


def test_subject_access_lists_the_settings_in_words(world, setting_c):
    from dataprotection.selectors import subject_access_record

    move(world, world.child_a, setting_c, sees_plan=False)
    _child, record = subject_access_record(world.send_manager, world.child_a.pk)
    rows = record["settings_attended"]
    assert [(r["setting"], r["led_sen_support"]) for r in rows] == [
        ("Acorns Day Nursery", "Yes"),
        ("Chestnut Childminding", "Yes"),
    ]
    assert rows[1]["family_agreed_to_share_the_support_plan"] == "No"
    assert rows[0]["to"] is not None and rows[1]["to"] is None


def test_attendances_go_with_the_child_under_retention(world, setting_c):
    from dataprotection.retention import apply_retention

    move(world, world.child_a, setting_c, sees_plan=True)
    Child.objects.filter(pk=world.child_a.pk).update(
        date_of_birth=TODAY().replace(year=TODAY().year - 40)
    )
    apply_retention()
    assert not Child.objects.filter(pk=world.child_a.pk).exists()
    assert not Attendance.objects.filter(child_id=world.child_a.pk).exists()


def test_the_pages_and_changes_are_in_the_audit_trail(client, world):
    from dataprotection.models import AccessEvent

    services.ensure_lead_recorded(world.child_a)
    lead = Attendance.objects.get(child=world.child_a)
    client.force_login(world.send_officer)
    client.get(reverse("child-settings", args=[world.child_a.pk]))
    client.post(
        reverse("child-settings-plan-sharing", args=[world.child_a.pk, lead.pk]),
        {"sees_plan": "no"},
    )
    events = AccessEvent.objects.filter(child_id=world.child_a.pk)
    assert {(e.url_name, e.action) for e in events} >= {
        ("child-settings", AccessEvent.Action.VIEW),
        ("child-settings-plan-sharing", AccessEvent.Action.CHANGE),
    }
    assert Attendance.objects.get(pk=lead.pk).sees_plan is False


# Demo data -----------------------------------------------------------------------------------


def test_the_demo_has_a_child_at_two_settings_and_a_move(world):
    from django.core.management import call_command

    demo = practitioner_at(world.setting_a, username="practitioner")
    start_plan(demo, world.child_a)
    third = SettingFactory(name="Daisy Chain Pre-School")
    practitioner_at(third, username="prac.daisy")
    mover = ChildFactory(setting=third, date_of_birth=TODAY().replace(year=TODAY().year - 3))
    call_command("demo_attendance")
    two = Attendance.objects.filter(child=world.child_a, ended_on__isnull=True)
    assert {(a.setting_id, a.is_lead, a.sees_plan) for a in two} == {
        (world.setting_a.pk, True, True),
        (world.setting_b.pk, False, True),
    }
    moved = Child.objects.get(pk=mover.pk)
    assert moved.setting == world.setting_a
    assert Attendance.objects.filter(child=moved, setting=third).get().ended_on
    call_command("demo_attendance")  # idempotent
    assert Attendance.objects.filter(created_by__isnull=False).count() == 2


# Words ---------------------------------------------------------------------------------------


def test_the_pages_read_in_govuk_style(client, world, setting_c):
    from tests.earlyyears.test_govuk_style_sweep import page_words, problems

    services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=False,
    )
    move(world, world.child_a, setting_c, sees_plan=True)
    second = Attendance.objects.get(child=world.child_a, setting=world.setting_b)
    client.force_login(world.send_officer)
    pages = [
        reverse(name, args=[world.child_a.pk])
        for name in ("child-detail", "child-settings", "child-settings-add", "child-settings-move")
    ] + [reverse("child-settings-plan-sharing", args=[world.child_a.pk, second.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert problems(page_words(response.content.decode())) == [], url
    words = page_words(client.get(pages[1]).content.decode())
    assert f"{LAST_MONTH().day} {LAST_MONTH():%B %Y}" in words
    assert "No, the family has not agreed" in words and "Yes, the lead setting" in words


# The last day at a setting, and a new lead without a move -------------------------------------


def test_a_child_stops_attending_a_second_setting_and_it_sees_nothing_new(client, world):
    services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=False,
    )
    second = Attendance.objects.get(child=world.child_a, setting=world.setting_b)
    client.force_login(world.practitioner_a)  # the lead setting records it
    page = client.get(reverse("child-settings", args=[world.child_a.pk])).content.decode()
    assert reverse("child-settings-end", args=[world.child_a.pk, second.pk]) in page
    response = client.post(
        reverse("child-settings-end", args=[world.child_a.pk, second.pk]),
        dates("left_on", TODAY()),
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.ended_on == TODAY() and second.ended_by == world.practitioner_a
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting == world.setting_a
    assert not children_for(world.practitioner_b).filter(pk=child.pk).exists()
    assert (
        ReferralEvent.objects.filter(
            summary__startswith="Stopped attending Bluebell Pre-School"
        ).exists()
        or not Referral.objects.filter(child=child).exists()
    )


def test_the_lead_setting_ends_and_the_one_chosen_leads(client, world):
    services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=True,
    )
    services.ensure_lead_recorded(world.child_a)
    lead = Attendance.objects.get(child=world.child_a, is_lead=True)
    second = Attendance.objects.get(child=world.child_a, setting=world.setting_b)
    Attendance.objects.filter(pk=lead.pk).update(started_on=LAST_MONTH())
    client.force_login(world.send_officer)
    url = reverse("child-settings-end", args=[world.child_a.pk, lead.pk])
    response = client.post(url, dates("left_on", TODAY()))
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select which setting leads the child&#x27;s SEN support now" in page
    assert Attendance.objects.get(pk=lead.pk).ended_on is None  # nothing half-saved
    response = client.post(url, {**dates("left_on", TODAY()), "new_lead": str(second.pk)})
    assert response.status_code == 302
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting == world.setting_b
    assert Attendance.objects.get(pk=second.pk).is_lead
    assert not children_for(world.practitioner_a).filter(pk=child.pk).exists()


def test_the_only_setting_ends_and_the_child_attends_none(world):
    a_concern(world)
    services.ensure_lead_recorded(world.child_a)
    lead = Attendance.objects.get(child=world.child_a, is_lead=True)
    services.end_attendance(world.send_officer, world.child_a, lead.pk, left_on=TODAY())
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting is None
    assert not children_for(world.practitioner_a).filter(pk=child.pk).exists()
    assert children_for(world.send_officer).filter(pk=child.pk).exists()
    assert ReferralEvent.objects.filter(
        referral__child=child, summary__contains="attends no setting that we know of"
    ).exists()


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (lambda lead: lead.started_on - datetime.timedelta(days=1), "must be on or after"),
        (lambda lead: TODAY() + datetime.timedelta(days=2), "must be today or in the past"),
    ],
)
def test_a_bad_last_day_shows_the_error_and_saves_nothing(client, world, day, error):
    services.ensure_lead_recorded(world.child_a)
    lead = Attendance.objects.get(child=world.child_a, is_lead=True)
    client.force_login(world.send_officer)
    response = client.post(
        reverse("child-settings-end", args=[world.child_a.pk, lead.pk]),
        dates("left_on", day(lead)),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and error in page
    assert Attendance.objects.get(pk=lead.pk).ended_on is None
    assert Child.objects.get(pk=world.child_a.pk).setting == world.setting_a


def test_a_second_setting_becomes_the_lead_only_with_the_plan_shared(client, world):
    services.add_setting(
        world.send_officer,
        world.child_a,
        setting=world.setting_b,
        started_on=LAST_MONTH(),
        sees_plan=False,
    )
    second = Attendance.objects.get(child=world.child_a, setting=world.setting_b)
    client.force_login(world.send_officer)
    url = reverse("child-settings-lead", args=[world.child_a.pk, second.pk])
    page = client.post(url).content.decode()
    assert "There is a problem" in page and "record their agreement first" in page
    assert Child.objects.get(pk=world.child_a.pk).setting == world.setting_a
    services.record_plan_sharing(world.send_officer, world.child_a, second, True)
    assert client.post(url).status_code == 302
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.setting == world.setting_b
    assert {(a.setting_id, a.is_lead) for a in child.attendances.filter(ended_on=None)} == {
        (world.setting_a.pk, False),
        (world.setting_b.pk, True),
    }
    # The old lead goes on as a second setting: it sees the child, and no longer manages.
    assert children_for(world.practitioner_a).filter(pk=child.pk).exists()
    client.force_login(world.practitioner_a)
    assert client.get(reverse("child-settings-add", args=[child.pk])).status_code == 403
    # The lead's own row offers no "Make lead".
    assert client.get(url).status_code in (403, 404)
