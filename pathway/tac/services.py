"""Team Around the Child: meetings about a child with the people around them (attendees by
discipline), notes, agreed actions with owners and due dates, and the next review.

Who sees what comes from pathway.access (tac_children_for, tac_meetings_for, tac_actions_for,
my_tac_actions): the SEND team every child, a setting its children, a portage worker their
caseload, a professional the children they were asked to advise on. Recording a meeting is for
the people who work with the child day to day (SEND team, the setting, the portage worker);
professionals read meetings and own actions.

The case timeline gets a short event for each meeting and each completed action, without the
notes or the action's text: everyone who can see the referral reads the timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.access import AnyUser
from earlyyears.messaging.services import remind_staff
from earlyyears.models import Child, User, display_name
from earlyyears.roles import ACTION_HOLDER_ROLES, DIRECT_CHILD_ROLES
from pathway.access import (
    my_tac_actions,
    tac_actions_for,
    tac_children_for,
    tac_meetings_for,
    tac_team,
)
from pathway.models import Discipline, ReferralEvent, TacAction, TacAttendee, TacMeeting
from pathway.timeline import record_event_on_latest

RECORDING_ROLES = DIRECT_CHILD_ROLES
ACTION_OWNER_ROLES = ACTION_HOLDER_ROLES
MAX_ROWS = 30


class TacError(ValueError):
    """A meeting or action the rules do not allow; the message says why, for the error summary."""


def _active(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active


# Who may do what -----------------------------------------------------------------------------


def tac_child_for(user: AnyUser, child_id: int) -> Child:
    """A child whose Team Around the Child the user is part of, or 404."""
    return get_object_or_404(tac_children_for(user).select_related("setting"), pk=child_id)


def may_record(user: AnyUser) -> bool:
    """Whether the user's role records meetings (for a child they can see)."""
    return _active(user) and user.role in RECORDING_ROLES


def may_own_actions(user: AnyUser) -> bool:
    return _active(user) and user.role in ACTION_OWNER_ROLES


# Selectors ----------------------------------------------------------------------------------


def action_owners(child: Child) -> QuerySet[User]:
    """Staff who are part of the child's team now and so may own an action (pathway.access's
    tac_team: the same rules as who sees the meetings). One query."""
    return tac_team(child).order_by("first_name", "last_name", "username")


def owner_label(user: User) -> str:
    detail = user.job_title or user.role_label
    if user.organisation:
        detail = f"{detail}, {user.organisation}"
    return f"{display_name(user)} ({detail})"


def meetings_of(user: AnyUser, child: Child) -> QuerySet[TacMeeting]:
    """The child's meetings, newest first, with attendee and open action counts: one query."""
    return (
        tac_meetings_for(user)
        .filter(child=child)
        .select_related("created_by")
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            action_count=Count("actions", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__done_at__isnull=True), distinct=True
            ),
        )
        .order_by("-held_on", "-pk")
    )


def meeting_detail(user: AnyUser, meeting_id: int) -> TacMeeting:
    """One meeting with its attendees and actions (three queries), or 404."""
    meeting = get_object_or_404(
        tac_meetings_for(user).select_related("child", "child__setting", "created_by"),
        pk=meeting_id,
    )
    meeting.attendee_list = list(meeting.attendees.order_by("pk"))
    meeting.action_list = list(
        meeting.actions.select_related("owner", "done_by").order_by("due_on", "pk")
    )
    return meeting


@dataclass
class MyActions:
    open: list[TacAction]
    done: list[TacAction]
    overdue: int
    today: datetime.date


def my_actions(
    user: AnyUser, today: datetime.date | None = None, done_limit: int = 50
) -> MyActions:
    """The user's open actions, due soonest first, and their most recent done ones: two queries
    however many there are."""
    today = today or timezone.localdate()
    mine = my_tac_actions(user).select_related("child", "meeting")
    open_actions = list(mine.filter(done_at__isnull=True).order_by("due_on", "pk"))
    for action in open_actions:
        action.is_overdue = action.due_on < today
        action.is_due_today = action.due_on == today
    done = list(mine.filter(done_at__isnull=False).order_by("-done_at", "-pk")[:done_limit])
    return MyActions(
        open=open_actions,
        done=done,
        overdue=sum(1 for action in open_actions if action.is_overdue),
        today=today,
    )


def open_action_counts(user: AnyUser, today: datetime.date | None = None) -> dict[str, int]:
    """For the landing page: how many open actions the user owns, and how many are overdue."""
    today = today or timezone.localdate()
    return (
        my_tac_actions(user)
        .filter(done_at__isnull=True)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )


def actions_due(within_days: int, today: datetime.date) -> QuerySet[TacAction]:
    """Open actions with an owner account due on or before today + within_days (overdue ones
    included), for the reminder job, which keys each message by action and due date."""
    return (
        TacAction.objects.filter(
            done_at__isnull=True,
            owner__isnull=False,
            owner__is_active=True,
            due_on__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("owner", "child", "meeting")
        .order_by("due_on", "pk")
    )


def child_section(user: AnyUser, child: Child) -> dict[str, Any]:
    """The child page's Team Around the Child part: recent meetings and open actions. Three
    queries whatever the number of meetings or actions."""
    if not tac_children_for(user).filter(pk=child.pk).exists():
        return {}
    meetings = list(meetings_of(user, child)[:5])
    open_actions = list(
        tac_actions_for(user)
        .filter(child=child, done_at__isnull=True)
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    today = timezone.localdate()
    for action in open_actions:
        action.is_overdue = action.due_on < today
    return {
        "child": child,
        "meetings": meetings,
        "next_review_on": next((m.next_review_on for m in meetings if m.next_review_on), None),
        "open_actions": open_actions,
        "can_record": may_record(user),
    }


# Services ------------------------------------------------------------------------------------


def _event(child: Child, actor: User, summary: str, **detail) -> None:
    record_event_on_latest(
        child, ReferralEvent.Kind.TEAM_AROUND_THE_CHILD, actor, summary, **detail
    )


def _check_meeting(
    held_on: datetime.date,
    next_review_on: datetime.date | None,
    attendees: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    owners: dict[int, User],
) -> None:
    if held_on > timezone.localdate():
        raise TacError("The meeting date must be today or in the past")
    if next_review_on is not None and next_review_on <= held_on:
        raise TacError("The next review date must be after the meeting date")
    if not attendees:
        raise TacError("Add at least one person who was invited to the meeting")
    if len(attendees) > MAX_ROWS or len(actions) > MAX_ROWS:
        raise TacError(f"A meeting can have at most {MAX_ROWS} attendees and {MAX_ROWS} actions")
    for attendee in attendees:
        if not (attendee.get("name") or "").strip():
            raise TacError("Enter the name of each attendee")
        if attendee.get("discipline") not in Discipline.values:
            raise TacError("Choose each attendee's discipline")
    for n, action in enumerate(actions, start=1):
        if not (action.get("description") or "").strip():
            raise TacError(f"Action {n}: enter what is to be done")
        owner, owner_name = action.get("owner"), (action.get("owner_name") or "").strip()
        if bool(owner) == bool(owner_name):
            raise TacError(
                f"Action {n}: choose who will do it, or enter the name of someone without an "
                "account, but not both"
            )
        if owner is not None and owner.pk not in owners:
            raise TacError(f"Action {n}: the owner must be someone who works with this child")
        if action.get("due_on") is None:
            raise TacError(f"Action {n}: enter the due date")
        if action["due_on"] < held_on:
            raise TacError(f"Action {n}: the due date must be on or after the meeting date")


def record_meeting(
    user: User,
    child: Child,
    *,
    held_on: datetime.date,
    notes: str = "",
    next_review_on: datetime.date | None = None,
    attendees: list[dict[str, Any]],
    actions: list[dict[str, Any]],
) -> TacMeeting:
    """Save a meeting with its attendees and actions, all or nothing.

    attendees: [{"name", "discipline", "present"}]; actions: [{"description", "owner" (a User
    from action_owners) or "owner_name", "due_on"}]."""
    if not may_record(user) or not tac_children_for(user).filter(pk=child.pk).exists():
        raise TacError("You cannot record a Team Around the Child meeting for this child")
    owners = {owner.pk: owner for owner in action_owners(child)}
    _check_meeting(held_on, next_review_on, attendees, actions, owners)
    with transaction.atomic():
        meeting = TacMeeting.objects.create(
            child=child,
            held_on=held_on,
            notes=(notes or "").strip(),
            next_review_on=next_review_on,
            created_by=user,
        )
        TacAttendee.objects.bulk_create(
            TacAttendee(
                meeting=meeting,
                name=attendee["name"].strip(),
                discipline=attendee["discipline"],
                present=bool(attendee.get("present", True)),
            )
            for attendee in attendees
        )
        TacAction.objects.bulk_create(
            TacAction(
                meeting=meeting,
                child=child,
                description=action["description"].strip(),
                owner=owners[action["owner"].pk] if action.get("owner") else None,
                owner_name="" if action.get("owner") else action["owner_name"].strip(),
                due_on=action["due_on"],
            )
            for action in actions
        )
        review = f"; next review {next_review_on:%-d %B %Y}" if next_review_on else ""
        _event(
            child,
            user,
            f"Team Around the Child meeting on {held_on:%-d %B %Y} "
            f"recorded by {display_name(user)} "
            f"({len(attendees)} attendees, {len(actions)} actions{review})",
            meeting_id=meeting.pk,
        )
    return meeting


def complete_action(user: User, action_id: int) -> TacAction:
    """The owner marks their action as done, once. 404 for an action that is not theirs."""
    action = get_object_or_404(my_tac_actions(user).select_related("child"), pk=action_id)
    now = timezone.now()
    with transaction.atomic():
        changed = TacAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
            done_at=now, done_by=user
        )
        if not changed:
            raise TacError("This action has already been marked as done")
        action.done_at, action.done_by = now, user
        _event(
            action.child,
            user,
            f"Team Around the Child action due {action.due_on:%-d %B %Y} "
            f"done by {display_name(user)}",
            meeting_id=action.meeting_id,
            action_id=action.pk,
        )
    return action


def remind_actions_due(today: datetime.date | None = None, within_days: int = 2) -> int:
    """Tell each owner about an open action due within two days (or overdue): once per action
    and due date, by their chosen channel."""
    today = today or timezone.localdate()
    queued = 0
    for action in actions_due(within_days, today).iterator(chunk_size=500):
        if not my_tac_actions(action.owner).filter(pk=action.pk).exists():
            continue  # the owner is no longer part of the child's team
        with transaction.atomic():
            queued += remind_staff(
                action.owner,
                key=f"tac-action-due:{action.pk}:{action.due_on.isoformat()}",
                template="tac_action_due_staff",
                context={
                    "authority": settings.AUTHORITY_NAME,
                    "due": f"{action.due_on:%-d %B %Y}",
                },
                child=action.child,
            )
    return queued
