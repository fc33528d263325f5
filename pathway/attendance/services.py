"""Writes for the settings a child attends: a second setting, a move, the family's agreement to
share the support plan. Each is one transaction that keeps `Child.setting` (the lead setting,
which the rest of the service reads) in step with the attendances, and puts an event on the
child's timeline. The audit trail records each page by the child's id."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from earlyyears.models import Attendance, Child, Setting, User
from earlyyears.templatetags.govuk_style import govuk_date as long_date
from pathway.access.attendance import may_manage_attendance
from pathway.models import ReferralEvent
from pathway.timeline import record_event_on_latest

NEW_SETTING = "new"
# The lead setting of a child whose attendance there was never recorded (see
# `ensure_lead_recorded`): forms name it by this id until the move records it.
UNRECORDED_LEAD = 0


class AttendanceError(Exception):
    """A change that cannot be made, in words for the error summary."""


def _must_manage(user: User, child: Child) -> None:
    if not may_manage_attendance(user, child):
        raise AttendanceError(
            "Only the SEND team or the child's lead setting can change the settings they attend"
        )


def _locked(child: Child) -> Child:
    """The child's row, locked so two changes to their settings cannot interleave."""
    return Child.objects.select_for_update().get(pk=child.pk)


def ensure_lead_recorded(child: Child) -> None:
    """A child whose setting was set without an attendance (by the concern wizard, an import,
    or before attendances existed) gets it recorded as the current lead, from the day their
    record was made, with the plan shared as it was."""
    if child.setting_id is None:
        return
    current = Attendance.objects.filter(child=child, ended_on__isnull=True)
    at_lead = current.filter(setting_id=child.setting_id).first()
    if at_lead is not None and at_lead.is_lead:
        return
    current.filter(is_lead=True).update(is_lead=False)
    if at_lead is not None:
        at_lead.is_lead = True
        at_lead.save(update_fields=["is_lead"])
        return
    Attendance.objects.create(
        child=child,
        setting_id=child.setting_id,
        started_on=timezone.localdate(child.created_at),
        is_lead=True,
        sees_plan=True,
    )


def _timeline(child: Child, user: User, summary: str, attendance: Attendance) -> None:
    record_event_on_latest(
        child, ReferralEvent.Kind.CHILD_RECORD, user, summary, attendance=attendance.pk
    )


def _shared_words(sees_plan: bool) -> str:
    return (
        "the family agreed to share the support plan with it"
        if sees_plan
        else "the family did not agree to share the support plan with it"
    )


def _check_start(child: Child, started_on: datetime.date) -> None:
    if started_on < child.date_of_birth:
        raise AttendanceError("The start date must be on or after the child's date of birth")
    if started_on > timezone.localdate():
        raise AttendanceError("The start date must be today or in the past")


@transaction.atomic
def add_setting(
    user: User, child: Child, *, setting: Setting, started_on: datetime.date, sees_plan: bool
) -> Attendance:
    """The child starts at another setting as well. It is a second setting (the lead stays),
    or the lead if the child attends none now."""
    _must_manage(user, child)
    child = _locked(child)
    ensure_lead_recorded(child)
    _check_start(child, started_on)
    if Attendance.objects.filter(child=child, setting=setting, ended_on__isnull=True).exists():
        raise AttendanceError(f"{child.full_name} already attends {setting.name}")
    leads = child.setting_id is None
    attendance = Attendance.objects.create(
        child=child,
        setting=setting,
        started_on=started_on,
        is_lead=leads,
        sees_plan=sees_plan,
        plan_consent_recorded_at=timezone.now(),
        created_by=user,
    )
    if leads:
        child.setting = setting
        child.save(update_fields=["setting"])
    role = "the lead setting" if leads else "a second setting"
    _timeline(
        child,
        user,
        f"Started at {setting.name} on {long_date(started_on)}, as {role}; "
        f"{_shared_words(sees_plan)}",
        attendance,
    )
    return attendance


@dataclass(frozen=True)
class Move:
    """A move from one setting the child attends to another: the old attendance ends the day
    before `moved_on`. `lead` is NEW_SETTING or the id of an attendance that goes on."""

    leaving_id: int
    to_setting: Setting
    moved_on: datetime.date
    lead: str
    sees_plan: bool


@transaction.atomic
def record_move(user: User, child: Child, move: Move) -> Attendance:
    """End the attendance the child leaves, start (or keep) the one they move to, and choose
    which setting leads. The setting left keeps what it wrote and sent and sees nothing new
    (it no longer sees the child); the setting moved to sees the support plan only if the
    family agreed."""
    _must_manage(user, child)
    child = _locked(child)
    ensure_lead_recorded(child)
    current = {a.pk: a for a in Attendance.objects.filter(child=child, ended_on__isnull=True)}
    lead_now = next((a for a in current.values() if a.is_lead), None)
    if lead_now is not None and move.leaving_id == UNRECORDED_LEAD:
        move = replace(move, leaving_id=lead_now.pk)
    if lead_now is not None and move.lead == str(UNRECORDED_LEAD):
        move = replace(move, lead=str(lead_now.pk))
    leaving = current.get(move.leaving_id)
    if leaving is None:
        raise AttendanceError("Select the setting the child is leaving")
    if move.to_setting.pk == leaving.setting_id:
        raise AttendanceError("The setting the child moves to must be a different setting")
    if move.moved_on < leaving.started_on:
        raise AttendanceError(
            f"The date of the move must be on or after {long_date(leaving.started_on)}, "
            "when the child started at the setting they are leaving"
        )
    _check_start(child, move.moved_on)
    staying = {pk: a for pk, a in current.items() if pk != leaving.pk}
    joining = next((a for a in staying.values() if a.setting_id == move.to_setting.pk), None)
    if move.lead == str(leaving.pk):
        raise AttendanceError("The setting the child is leaving cannot lead their SEN support")
    if move.lead == NEW_SETTING:
        lead = None
    elif move.lead.isdigit() and int(move.lead) in staying:
        lead = staying[int(move.lead)]
    else:
        raise AttendanceError("Select which setting leads the child's SEN support")

    leaving.ended_on = max(leaving.started_on, move.moved_on - datetime.timedelta(days=1))
    leaving.ended_by = user
    leaving.save(update_fields=["ended_on", "ended_by"])
    if joining is None:
        joining = Attendance(
            child=child,
            setting=move.to_setting,
            started_on=move.moved_on,
            sees_plan=move.sees_plan,
            plan_consent_recorded_at=timezone.now(),
            created_by=user,
        )
    else:
        joining.sees_plan = move.sees_plan
        joining.plan_consent_recorded_at = timezone.now()
    if lead is None or lead.pk == joining.pk:
        lead = joining
    Attendance.objects.filter(child=child, ended_on__isnull=True, is_lead=True).exclude(
        pk=lead.pk
    ).update(is_lead=False)
    joining.is_lead = lead is joining
    joining.save()
    if lead is not joining and not lead.is_lead:
        lead.is_lead = True
        lead.save(update_fields=["is_lead"])
    child.setting_id = lead.setting_id
    child.save(update_fields=["setting"])
    lead_name = move.to_setting.name if lead is joining else lead.setting.name
    _timeline(
        child,
        user,
        f"Moved from {leaving.setting.name} to {move.to_setting.name} on "
        f"{long_date(move.moved_on)}; {lead_name} leads SEN support; "
        f"{_shared_words(move.sees_plan)}",
        joining,
    )
    return joining


@transaction.atomic
def record_plan_sharing(user: User, child: Child, attendance: Attendance, agreed: bool) -> None:
    """The family's answer on sharing the support plan with a setting the child attends,
    recorded after the setting started (they agreed later, or withdrew)."""
    _must_manage(user, child)
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("setting")
        .get(pk=attendance.pk, child=child, ended_on__isnull=True)
    )
    attendance.sees_plan = agreed
    attendance.plan_consent_recorded_at = timezone.now()
    attendance.save(update_fields=["sees_plan", "plan_consent_recorded_at"])
    words = "agreed" if agreed else "did not agree"
    _timeline(
        child,
        user,
        f"The family {words} to share the support plan with {attendance.setting.name}",
        attendance,
    )


@transaction.atomic
def end_attendance(
    user: User,
    child: Child,
    attendance_id: int,
    *,
    left_on: datetime.date,
    new_lead_id: int | None = None,
) -> Attendance:
    """The child stops attending a setting without moving to a new one (they go on at the
    other settings they attend, or leave early years provision). If that setting led their SEN
    support and they attend another, the one chosen leads now; if it was their only setting,
    they attend none and the SEND team keeps the record. The setting left keeps what it wrote
    and sent, and sees nothing new."""
    _must_manage(user, child)
    child = _locked(child)
    ensure_lead_recorded(child)
    current = {
        a.pk: a
        for a in Attendance.objects.filter(child=child, ended_on__isnull=True).select_related(
            "setting"
        )
    }
    if attendance_id == UNRECORDED_LEAD:
        attendance_id = next((pk for pk, a in current.items() if a.is_lead), UNRECORDED_LEAD)
    leaving = current.get(attendance_id)
    if leaving is None:
        raise AttendanceError("Select a setting the child attends now")
    if left_on < leaving.started_on:
        raise AttendanceError(
            f"The last day must be on or after {long_date(leaving.started_on)}, when the child "
            f"started at {leaving.setting.name}"
        )
    if left_on > timezone.localdate():
        raise AttendanceError("The last day must be today or in the past")
    staying = {pk: a for pk, a in current.items() if pk != leaving.pk}
    new_lead = None
    if leaving.is_lead and staying:
        new_lead = staying.get(new_lead_id or 0)
        if new_lead is None:
            raise AttendanceError("Select which setting leads the child's SEN support now")
    leaving.ended_on = left_on
    leaving.ended_by = user
    leaving.save(update_fields=["ended_on", "ended_by"])
    summary = f"Stopped attending {leaving.setting.name}; the last day was {long_date(left_on)}"
    if leaving.is_lead:
        if new_lead is not None:
            new_lead.is_lead = True
            new_lead.save(update_fields=["is_lead"])
            child.setting_id = new_lead.setting_id
            summary += f"; {new_lead.setting.name} leads SEN support now"
        else:
            child.setting = None
            summary += "; the child attends no setting that we know of"
        child.save(update_fields=["setting"])
    _timeline(child, user, summary, leaving)
    return leaving


@transaction.atomic
def change_lead(user: User, child: Child, attendance_id: int) -> Attendance:
    """Another setting the child attends leads their SEN support from now on: it writes the
    support plan and applies for funding, so the family must have agreed to share the plan
    with it first. The old lead goes on as a second setting."""
    _must_manage(user, child)
    child = _locked(child)
    ensure_lead_recorded(child)
    current = {
        a.pk: a
        for a in Attendance.objects.filter(child=child, ended_on__isnull=True).select_related(
            "setting"
        )
    }
    lead = current.get(attendance_id)
    if lead is None:
        raise AttendanceError("Select a setting the child attends now")
    if lead.is_lead:
        raise AttendanceError(f"{lead.setting.name} already leads the child's SEN support")
    if not lead.sees_plan:
        raise AttendanceError(
            f"The family has not agreed to share the support plan with {lead.setting.name}: "
            "record their agreement first (Change sharing), then make it the lead setting"
        )
    Attendance.objects.filter(child=child, ended_on__isnull=True, is_lead=True).update(
        is_lead=False
    )
    lead.is_lead = True
    lead.save(update_fields=["is_lead"])
    child.setting_id = lead.setting_id
    child.save(update_fields=["setting"])
    _timeline(child, user, f"{lead.setting.name} leads SEN support from now on", lead)
    return lead
