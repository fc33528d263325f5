"""Reminders of clocks: once per due date, to the right person, by their chosen channel."""

import datetime

from earlyyears.models import OutboxMessage, Role, User
from pathway.casework import services as casework
from pathway.models import ReferralClock
from tests.factories import UserFactory


def _clock(referral):
    return ReferralClock.objects.get(referral=referral, policy__key="triage")


def test_due_soon_then_overdue_each_once_to_the_allocated_officer(world, make_referral):
    referral = make_referral()
    officer = UserFactory(
        role=Role.SEND_OFFICER,
        email="officer@example.org",
        mobile_phone="+447700900456",
        reminder_channel=User.ReminderChannel.BOTH,
    )
    casework.claim(referral, officer)
    clock = _clock(referral)
    before = clock.due_soon_from - datetime.timedelta(days=1)
    assert casework.remind_clocks(before) == 0
    assert casework.remind_clocks(clock.due_soon_from) == 2  # email and SMS
    assert casework.remind_clocks(clock.due_on) == 0  # the same due date: already told
    after = clock.due_on + datetime.timedelta(days=1)
    assert casework.remind_clocks(after) == 2
    assert casework.remind_clocks(after + datetime.timedelta(days=3)) == 0
    messages = OutboxMessage.objects.filter(to_user=officer).order_by("pk")
    assert [m.template for m in messages] == [
        "clock_due_soon_staff",
        "clock_due_soon_staff",
        "clock_overdue_staff",
        "clock_overdue_staff",
    ]
    assert {m.channel for m in messages} == {"email", "sms"}
    assert referral.reference in messages[0].context["reference"]
    assert messages[0].context["clock"] == "Triage decision"


def test_unallocated_clocks_go_to_the_managers(world, make_referral):
    referral = make_referral()
    world.send_manager.email = "manager@example.org"
    world.send_manager.save()
    clock = _clock(referral)
    assert casework.remind_clocks(clock.due_soon_from) >= 1
    assert OutboxMessage.objects.filter(to_user=world.send_manager).exists()
    assert not OutboxMessage.objects.filter(to_user=world.send_officer).exists()


def test_a_new_due_date_is_a_new_reminder(world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    clock = _clock(referral)
    casework.remind_clocks(clock.due_soon_from)
    first = OutboxMessage.objects.count()
    new_due = clock.due_on + datetime.timedelta(days=14)
    ReferralClock.objects.filter(pk=clock.pk).update(
        due_on=new_due, due_soon_from=new_due - datetime.timedelta(days=3)
    )
    assert casework.remind_clocks(new_due - datetime.timedelta(days=3)) >= 1
    assert OutboxMessage.objects.count() > first


def test_stopped_clocks_send_nothing(world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    casework.decide(referral, "close", by=world.send_officer, reason="Needs met")
    clock = _clock(referral)
    assert casework.remind_clocks(clock.due_on + datetime.timedelta(days=5)) == 0


def test_team_around_the_child_actions_are_reminded_once_per_due_date(world):
    from django.utils import timezone

    from pathway.models import TacAction, TacMeeting
    from pathway.tac import services as tac

    today = timezone.localdate()
    world.practitioner_a.email = "sam@example.org"
    world.practitioner_a.save()
    meeting = TacMeeting.objects.create(
        child=world.child_a, held_on=today, created_by=world.send_officer
    )
    action = TacAction.objects.create(
        meeting=meeting,
        child=world.child_a,
        description="Visual timetable",
        owner=world.practitioner_a,
        due_on=today + datetime.timedelta(days=5),
    )
    TacAction.objects.create(
        meeting=meeting,
        child=world.child_a,
        description="Parent to try at home",
        owner_name="Parent",
        due_on=today,
    )
    assert tac.remind_actions_due(today) == 0  # not yet within two days; no account to tell
    assert tac.remind_actions_due(today + datetime.timedelta(days=3)) == 1
    assert tac.remind_actions_due(today + datetime.timedelta(days=9)) == 0  # same due date
    message = OutboxMessage.objects.get(template="tac_action_due_staff")
    assert message.to_user == world.practitioner_a
    TacAction.objects.filter(pk=action.pk).update(done_at=timezone.now())
    TacAction.objects.filter(pk=action.pk).update(due_on=today + datetime.timedelta(days=20))
    assert tac.remind_actions_due(today + datetime.timedelta(days=19)) == 0  # done: no reminder
