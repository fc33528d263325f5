"""The Early Years panel: scheduling, members and attendance, the agenda, decisions at the
meeting and the minutes.

Writes are plain functions, each one transaction; reads (selectors) start from the access
layer. Decisions at panel go through pathway.casework.decide, so the panel follows exactly the
rules an officer does. Once the minutes are published nothing about the meeting changes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.models import Area, Child, User
from earlyyears.needs import BroadAreaOfNeed
from pathway import clocks
from pathway.access import (
    is_send_team,
    panel_items_for,
    panel_meetings_for,
    queue_for,
    referrals_for,
)
from pathway.casework import services as casework
from pathway.casework.selectors import area_and_descendants
from pathway.models import (
    Decision,
    PanelAgendaItem,
    PanelMeeting,
    PanelMember,
    Referral,
    ReferralEvent,
    Route,
)
from pathway.timeline import event, record_event, record_events

FORTNIGHT = datetime.timedelta(days=14)
MAX_FOLLOWING = 6


class PanelError(casework.CaseworkError):
    """Something the panel's rules do not allow; the message says why, for the error summary."""


# Helpers ------------------------------------------------------------------------------------


def _must_be_send_team(user: User) -> None:
    if not is_send_team(user):
        raise PanelError("Only the Early Years SEND team can do this")


def _locked(meeting: PanelMeeting) -> PanelMeeting:
    """The meeting row, locked, so two officers changing one panel take turns."""
    return PanelMeeting.objects.select_for_update().get(pk=meeting.pk)


def _must_be_open(meeting: PanelMeeting) -> None:
    if meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED:
        raise PanelError("The minutes of this panel are published: it can no longer be changed")


def _must_be_scheduled(meeting: PanelMeeting, doing: str) -> None:
    _must_be_open(meeting)
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        raise PanelError(f"This panel has been marked as held: you cannot {doing} now")


def _must_have_started(meeting: PanelMeeting, today: datetime.date, doing: str) -> None:
    if meeting.held_on > today:
        raise PanelError(
            f"This panel meets on {meeting.held_on:%-d %B %Y}: you can {doing} on or after that day"
        )


def _panel_event(referral: Referral, actor: User, summary: str, **detail: Any) -> None:
    record_event(referral, ReferralEvent.Kind.PANEL, actor, summary, **detail)


def describe(meeting: PanelMeeting) -> str:
    return f"the Early Years panel on {meeting.held_on:%-d %B %Y}"


def initials(child: Child) -> str:
    """What the minutes call a child: minutes circulate beyond the SEND team."""
    parts = [*child.first_name.split(), *child.last_name.split()]
    return "".join(part[0].upper() for part in parts if part) or "?"


def is_deferred(item: PanelAgendaItem) -> bool:
    """An item is deferred when the panel recorded a note but no decision."""
    return item.decision_id is None and bool(item.discussion.strip())


# Scheduling ---------------------------------------------------------------------------------


def schedule_panel(
    *,
    held_on: datetime.date,
    by: User,
    starts_at: datetime.time | None = None,
    location: str = "",
    area: Area | None = None,
    chair: User | None = None,
) -> PanelMeeting:
    _must_be_send_team(by)
    if chair is not None and not is_send_team(chair):
        raise PanelError("The chair must be a member of the Early Years SEND team")
    return PanelMeeting.objects.create(
        held_on=held_on,
        starts_at=starts_at,
        location=location.strip(),
        area=area,
        chair=chair,
        created_by=by,
    )


def update_panel(
    meeting: PanelMeeting,
    *,
    held_on: datetime.date,
    by: User,
    starts_at: datetime.time | None = None,
    location: str = "",
    area: Area | None = None,
    chair: User | None = None,
) -> PanelMeeting:
    """Change a scheduled panel's date, time, place, area or chair."""
    _must_be_send_team(by)
    if chair is not None and not is_send_team(chair):
        raise PanelError("The chair must be a member of the Early Years SEND team")
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_scheduled(locked, "change its details")
        locked.held_on = held_on
        locked.starts_at = starts_at
        locked.location = location.strip()
        locked.area = area
        locked.chair = chair
        locked.save(update_fields=["held_on", "starts_at", "location", "area", "chair"])
    return locked


def schedule_following(
    meeting: PanelMeeting, *, count: int, by: User, copy_members: bool = True
) -> list[PanelMeeting]:
    """Schedule the next `count` panels a fortnight apart, at the same time and place. A date
    that already has a panel for the same area is skipped rather than doubled."""
    _must_be_send_team(by)
    if not 1 <= count <= MAX_FOLLOWING:
        raise PanelError(f"Choose between 1 and {MAX_FOLLOWING} panels")
    dates = [meeting.held_on + FORTNIGHT * step for step in range(1, count + 1)]
    taken = set(
        PanelMeeting.objects.filter(held_on__in=dates, area=meeting.area).values_list(
            "held_on", flat=True
        )
    )
    members = list(meeting.members.all()) if copy_members else []
    created = []
    with transaction.atomic():
        for day in dates:
            if day in taken:
                continue
            new = PanelMeeting.objects.create(
                held_on=day,
                starts_at=meeting.starts_at,
                location=meeting.location,
                area=meeting.area,
                chair=meeting.chair,
                created_by=by,
            )
            PanelMember.objects.bulk_create(
                PanelMember(
                    meeting=new,
                    name=m.name,
                    role_title=m.role_title,
                    agency=m.agency,
                    user=m.user,
                )
                for m in members
            )
            created.append(new)
    return created


# Members and attendance ---------------------------------------------------------------------


def _same_person(member: PanelMember) -> tuple[str, str]:
    return (" ".join(member.name.lower().split()), member.agency)


def add_member(
    meeting: PanelMeeting, *, name: str, agency: str, by: User, role_title: str = ""
) -> PanelMember:
    _must_be_send_team(by)
    name = " ".join((name or "").split())
    if not name:
        raise PanelError("Enter the member's name")
    if agency not in PanelMember.Agency.values:
        raise PanelError("Select the member's agency")
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_open(locked)
        candidate = PanelMember(
            meeting=locked, name=name, role_title=role_title.strip(), agency=agency
        )
        if any(_same_person(m) == _same_person(candidate) for m in locked.members.all()):
            raise PanelError(f"{name} is already a member of this panel")
        candidate.save()
    return candidate


def remove_member(member: PanelMember, *, by: User) -> None:
    _must_be_send_team(by)
    with transaction.atomic():
        _must_be_open(_locked(member.meeting))
        member.delete()


def copy_members(meeting: PanelMeeting, source: PanelMeeting, *, by: User) -> list[PanelMember]:
    """Copy another panel's members (not their attendance), skipping people already here."""
    _must_be_send_team(by)
    if source.pk == meeting.pk:
        raise PanelError("Choose another panel to copy members from")
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_open(locked)
        here = {_same_person(m) for m in locked.members.all()}
        new = [
            PanelMember(
                meeting=locked,
                name=m.name,
                role_title=m.role_title,
                agency=m.agency,
                user=m.user,
            )
            for m in source.members.all()
            if _same_person(m) not in here
        ]
        return PanelMember.objects.bulk_create(new)


ATTENDANCE = {"present": True, "apologies": False, "": None}


def record_attendance(
    meeting: PanelMeeting,
    attendance: dict[int, bool | None],
    *,
    by: User,
    today: datetime.date | None = None,
) -> None:
    """Who was there and who sent apologies, by member id: True present, False apologies,
    None not recorded."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_open(locked)
        _must_have_started(locked, today, "record attendance")
        members = {m.pk: m for m in locked.members.all()}
        unknown = set(attendance) - set(members)
        if unknown:
            raise PanelError("Record attendance only for this panel's members")
        changed = []
        for pk, attended in attendance.items():
            member = members[pk]
            if member.attended is not attended:
                member.attended = attended
                changed.append(member)
        PanelMember.objects.bulk_update(changed, ["attended"])


# The agenda ---------------------------------------------------------------------------------


def on_scheduled_agendas() -> QuerySet[PanelAgendaItem]:
    return PanelAgendaItem.objects.filter(meeting__status=PanelMeeting.Status.SCHEDULED)


def add_to_agenda(
    meeting: PanelMeeting, referrals: list[Referral], *, by: User
) -> list[PanelAgendaItem]:
    """Put waiting referrals on a scheduled panel's agenda, after the items already there.
    All or none: one referral that cannot go on leaves the agenda as it was."""
    _must_be_send_team(by)
    if not referrals:
        raise PanelError("Select at least one referral to add to the agenda")
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_scheduled(locked, "add to its agenda")
        ids = sorted({r.pk for r in referrals})
        rows = list(
            Referral.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .only("pk", "reference", "status")
        )
        elsewhere = set(
            on_scheduled_agendas().filter(referral_id__in=ids).values_list("referral_id", flat=True)
        )
        for referral in rows:
            if referral.status not in Referral.WAITING:
                raise PanelError(
                    f"Referral {referral.reference} is no longer waiting for a decision"
                )
            if referral.pk in elsewhere:
                raise PanelError(f"Referral {referral.reference} is already on a panel's agenda")
        last = locked.items.aggregate(last=Max("position"))["last"] or 0
        by_pk = {r.pk: r for r in rows}
        ordered = list(dict.fromkeys(by_pk[r.pk] for r in referrals if r.pk in by_pk))
        items = PanelAgendaItem.objects.bulk_create(
            PanelAgendaItem(meeting=locked, referral=referral, position=last + step)
            for step, referral in enumerate(ordered, start=1)
        )
        record_events(
            event(
                referral,
                ReferralEvent.Kind.PANEL,
                by,
                f"Added to the agenda of {describe(locked)}",
                panel=locked.pk,
            )
            for referral in ordered
        )
    return items


def remove_from_agenda(item: PanelAgendaItem, *, by: User) -> None:
    _must_be_send_team(by)
    with transaction.atomic():
        meeting = _locked(item.meeting)
        _must_be_scheduled(meeting, "change its agenda")
        item = PanelAgendaItem.objects.select_related("referral").get(pk=item.pk)
        if item.decision_id:
            raise PanelError("The panel has decided this item: it cannot be removed")
        referral = item.referral
        item.delete()
        _renumber(meeting)
        _panel_event(
            referral, by, f"Removed from the agenda of {describe(meeting)}", panel=meeting.pk
        )


def _renumber(meeting: PanelMeeting) -> list[PanelAgendaItem]:
    items = list(meeting.items.order_by("position", "pk"))
    for number, item in enumerate(items, start=1):
        item.position = number
    PanelAgendaItem.objects.bulk_update(items, ["position"])
    return items


def move_item(item: PanelAgendaItem, direction: str, *, by: User) -> None:
    """Move an item one place up or down the agenda; at either end it stays where it is."""
    _must_be_send_team(by)
    if direction not in ("up", "down"):
        raise PanelError("Choose to move the item up or down")
    with transaction.atomic():
        meeting = _locked(item.meeting)
        _must_be_scheduled(meeting, "change its agenda")
        items = _renumber(meeting)
        index = next(i for i, row in enumerate(items) if row.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index].position, items[other].position = (
                items[other].position,
                items[index].position,
            )
            PanelAgendaItem.objects.bulk_update([items[index], items[other]], ["position"])


# At the meeting -----------------------------------------------------------------------------


def _locked_item(item: PanelAgendaItem) -> PanelAgendaItem:
    return (
        PanelAgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "referral")
        .get(pk=item.pk)
    )


def decide_item(
    item: PanelAgendaItem,
    kind: str,
    *,
    by: User,
    reason: str,
    discussion: str = "",
    today: datetime.date | None = None,
    **decide_kwargs: Any,
) -> Decision:
    """The panel's decision on one item: the same rules and consequences as an officer's
    decision (casework.decide), recorded against the panel and linked to the item."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        meeting = _locked(item.meeting)
        _must_be_scheduled(meeting, "record decisions")
        _must_have_started(meeting, today, "record decisions")
        locked = _locked_item(item)
        if locked.decision_id:
            raise PanelError("The panel has already decided this item")
        decision = casework.decide(
            locked.referral, kind, by=by, reason=reason, panel=meeting, **decide_kwargs
        )
        locked.decision = decision
        locked.discussion = discussion.strip()
        locked.save(update_fields=["decision", "discussion"])
    return decision


def defer_item(
    item: PanelAgendaItem, *, note: str, by: User, today: datetime.date | None = None
) -> PanelAgendaItem:
    """The panel did not decide: the note says why, and the referral stays waiting, free to
    go on a later panel's agenda once this one is held."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    note = (note or "").strip()
    if not note:
        raise PanelError("Enter why the panel deferred this referral")
    with transaction.atomic():
        meeting = _locked(item.meeting)
        _must_be_scheduled(meeting, "defer items")
        _must_have_started(meeting, today, "defer items")
        locked = _locked_item(item)
        if locked.decision_id:
            raise PanelError("The panel has already decided this item")
        locked.discussion = note
        locked.save(update_fields=["discussion"])
        _panel_event(
            locked.referral,
            by,
            f"Deferred at {describe(meeting)}: {note}",
            panel=meeting.pk,
            note=note,
        )
    return locked


def update_discussion(item: PanelAgendaItem, *, discussion: str, by: User) -> PanelAgendaItem:
    """Correct the minutes of a decided or deferred item before they are published."""
    _must_be_send_team(by)
    discussion = (discussion or "").strip()
    with transaction.atomic():
        _must_be_open(_locked(item.meeting))
        locked = _locked_item(item)
        if locked.decision_id is None and not discussion:
            raise PanelError("Enter why the panel deferred this referral")
        locked.discussion = discussion
        locked.save(update_fields=["discussion"])
    return locked


def update_notes(meeting: PanelMeeting, *, notes: str, by: User) -> PanelMeeting:
    _must_be_send_team(by)
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_open(locked)
        locked.notes = (notes or "").strip()
        locked.save(update_fields=["notes"])
    return locked


def reasons_not_ready(meeting: PanelMeeting, today: datetime.date) -> list[str]:
    """What stops the panel being marked held, in plain words; empty when it is ready."""
    problems = []
    if meeting.held_on > today:
        problems.append(f"The panel meets on {meeting.held_on:%-d %B %Y}")
    members = list(meeting.members.all())
    if not members:
        problems.append("Add the panel's members")
    else:
        unrecorded = sum(1 for m in members if m.attended is None)
        if unrecorded:
            problems.append(
                f"Record attendance for {unrecorded} member{'s' if unrecorded != 1 else ''}"
            )
        elif not any(m.attended for m in members):
            problems.append("At least one member must have been present")
    open_items = sum(
        1 for item in meeting.items.all() if not (item.decision_id or is_deferred(item))
    )
    if open_items:
        problems.append(
            f"Record a decision or defer {open_items} agenda item{'s' if open_items != 1 else ''}"
        )
    return problems


def mark_held(
    meeting: PanelMeeting, *, by: User, today: datetime.date | None = None
) -> PanelMeeting:
    """Close the meeting: attendance recorded and every item decided or deferred. Deferred
    referrals may then go on the next panel's agenda."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_scheduled(locked, "mark it held again")
        problems = reasons_not_ready(locked, today)
        if problems:
            raise PanelError(problems[0])
        locked.status = PanelMeeting.Status.HELD
        locked.save(update_fields=["status"])
    return locked


def publish_minutes(meeting: PanelMeeting, *, by: User) -> PanelMeeting:
    """Publish the minutes; from now on the meeting is a fixed record."""
    _must_be_send_team(by)
    with transaction.atomic():
        locked = _locked(meeting)
        _must_be_open(locked)
        if locked.status != PanelMeeting.Status.HELD:
            raise PanelError("Mark the panel as held before publishing its minutes")
        locked.status = PanelMeeting.Status.MINUTES_PUBLISHED
        locked.minutes_published_at = timezone.now()
        locked.save(update_fields=["status", "minutes_published_at"])
    return locked


# Selectors ----------------------------------------------------------------------------------


def panels_for(user: User) -> QuerySet[PanelMeeting]:
    """Panels with their counts, in one query."""
    return (
        panel_meetings_for(user)
        .select_related("area", "chair")
        .annotate(
            item_count=Count("items", distinct=True),
            decided_count=Count("items", filter=Q(items__decision__isnull=False), distinct=True),
            member_count=Count("members", distinct=True),
        )
    )


def upcoming_panels(user: User) -> QuerySet[PanelMeeting]:
    """Panels not yet marked held, soonest first."""
    return panels_for(user).filter(status=PanelMeeting.Status.SCHEDULED).order_by("held_on", "pk")


def past_panels(user: User) -> QuerySet[PanelMeeting]:
    return (
        panels_for(user).exclude(status=PanelMeeting.Status.SCHEDULED).order_by("-held_on", "-pk")
    )


def previous_panel_with_members(meeting: PanelMeeting) -> PanelMeeting | None:
    """The panel whose members to offer to copy: the latest one before this with members,
    otherwise the latest one with members at all."""
    return (
        PanelMeeting.objects.exclude(pk=meeting.pk)
        .annotate(
            member_count=Count("members"),
            earlier=Case(When(held_on__lte=meeting.held_on, then=1), default=0),
        )
        .filter(member_count__gt=0)
        .order_by("-earlier", "-held_on", "-pk")
        .first()
    )


def members_of(meeting: PanelMeeting) -> list[PanelMember]:
    return list(meeting.members.order_by("agency", "name", "pk"))


def candidate_referrals(user: User, meeting: PanelMeeting, *, area_only: bool = True):
    """Referrals the panel could decide: waiting, on no scheduled panel's agenda, most urgent
    clock first and then the longest waiting. A panel for an area starts with that area's."""
    queryset = queue_for(user).exclude(pk__in=on_scheduled_agendas().values("referral_id"))
    if area_only and meeting.area_id:
        queryset = queryset.filter(area_id__in=area_and_descendants(meeting.area_id))
    return queryset.select_related("child", "setting").order_by(
        F("next_due_on").asc(nulls_last=True), "submitted_at", "pk"
    )


NEED_LABELS = dict(BroadAreaOfNeed.choices)


@dataclass(frozen=True)
class ReferralSummary:
    """What the panel needs to see about a referral, on the agenda and the candidate list."""

    referral: Referral
    clock: clocks.ClockState
    needs: list[str]

    @property
    def routes(self) -> list[str]:
        return self.referral.route_labels


def summarise(referral: Referral, today: datetime.date) -> ReferralSummary:
    return ReferralSummary(
        referral=referral,
        clock=clocks.state_of(referral.next_due_on, referral.next_due_soon_from, today),
        needs=[NEED_LABELS.get(code, code) for code in referral.broad_areas_of_need],
    )


@dataclass(frozen=True)
class AgendaRow:
    item: PanelAgendaItem
    summary: ReferralSummary
    first: bool
    last: bool

    @property
    def deferred(self) -> bool:
        return is_deferred(self.item)


def agenda(meeting: PanelMeeting, today: datetime.date) -> list[AgendaRow]:
    items = list(
        meeting.items.select_related(
            "referral", "referral__child", "referral__setting", "decision"
        ).order_by("position", "pk")
    )
    return [
        AgendaRow(
            item=item,
            summary=summarise(item.referral, today),
            first=index == 0,
            last=index == len(items) - 1,
        )
        for index, item in enumerate(items)
    ]


def agenda_item(meeting: PanelMeeting, item_id: int) -> PanelAgendaItem:
    """One item of a panel the user may already see; 404 for an item of another panel."""
    return get_object_or_404(
        meeting.items.select_related(
            "referral",
            "referral__child",
            "referral__setting",
            "referral__area",
            "decision",
            "decision__decided_by",
        ),
        pk=item_id,
    )


@dataclass(frozen=True)
class MinutesItem:
    number: int
    reference: str
    initials: str
    discussion: str
    decision: Decision | None
    routes: list[str]


def minutes(meeting: PanelMeeting) -> dict[str, Any]:
    """Everything the minutes show; children by initials and reference only."""
    members = members_of(meeting)
    agencies = dict(PanelMember.Agency.choices)

    def by_agency(rows: list[PanelMember]) -> list[tuple[str, list[PanelMember]]]:
        grouped: dict[str, list[PanelMember]] = {}
        for member in rows:
            grouped.setdefault(agencies.get(member.agency, member.agency), []).append(member)
        return list(grouped.items())

    items = meeting.items.select_related("referral", "referral__child", "decision").order_by(
        "position", "pk"
    )
    return {
        "present": by_agency([m for m in members if m.attended is True]),
        "apologies": by_agency([m for m in members if m.attended is False]),
        "not_recorded": [m for m in members if m.attended is None],
        "items": [
            MinutesItem(
                number=number,
                reference=item.referral.reference or str(item.referral),
                initials=initials(item.referral.child),
                discussion=item.discussion,
                decision=item.decision,
                routes=[
                    Route(value).label
                    for value in (item.decision.routes if item.decision else [])
                    if value in Route.values
                ],
            )
            for number, item in enumerate(items, start=1)
        ],
    }


# Sections for the child and referral pages --------------------------------------------------


def _items_for(user: User, referrals: QuerySet[Referral]) -> list[PanelAgendaItem]:
    return list(
        panel_items_for(user)
        .filter(referral__in=referrals)
        .select_related("meeting", "referral", "decision")
        .order_by("-meeting__held_on", "-pk")
    )


def referral_section(user: User, referral: Referral) -> dict[str, Any]:
    """The panels a referral has been on, for the referral page; {} for anyone outside the
    SEND team."""
    if not is_send_team(user):
        return {}
    return {"panel_items": _items_for(user, referrals_for(user).filter(pk=referral.pk))}


def child_section(user: User, child: Child) -> dict[str, Any]:
    if not is_send_team(user):
        return {}
    items = _items_for(user, referrals_for(user).filter(child=child))
    return {"panel_items": items} if items else {}
