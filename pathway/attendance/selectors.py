"""Reads for the settings a child attends: the child page's part and the settings page. Each
is constant in queries however many settings the child has attended."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from earlyyears.access import AnyUser
from earlyyears.models import Attendance, Child, Setting, display_name
from pathway.access.attendance import attendances_for, may_manage_attendance
from pathway.access.plans import plan_withheld_from


@dataclass(frozen=True)
class Row:
    """One setting the child attends or attended, as a page shows it."""

    pk: int | None
    setting: Setting
    started_on: datetime.date | None
    ended_on: datetime.date | None
    is_lead: bool
    sees_plan: bool

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


def _row(a: Attendance) -> Row:
    return Row(a.pk, a.setting, a.started_on, a.ended_on, a.is_lead, a.sees_plan)


def rows(user: AnyUser, child: Child) -> tuple[list[Row], list[Row]]:
    """The current settings (lead first) and the ones the child left (latest first). A child
    whose setting was set without an attendance shows it as the lead, start not recorded. One
    query."""
    found = list(attendances_for(user, child).select_related("setting"))
    current = [_row(a) for a in found if a.ended_on is None]
    if child.setting_id and not any(r.setting.pk == child.setting_id for r in current):
        current.append(Row(None, child.setting, None, None, True, True))
    current.sort(key=lambda r: (not r.is_lead, r.started_on or datetime.date.min))
    left = [_row(a) for a in found if a.ended_on is not None]
    left.sort(key=lambda r: r.ended_on, reverse=True)
    return current, left


def child_section(user: AnyUser, child: Child) -> dict[str, Any]:
    """The child page's part: the settings the child attends now, which one leads."""
    page = settings_page(user, child)
    if not page["current"] and not page["left"] and not page["can_manage"]:
        return {}
    return page


def settings_page(user: AnyUser, child: Child) -> dict[str, Any]:
    """The settings, whether the user may change them, and whether the child has a support plan
    the family has not agreed to share with the user's setting (to say so, not to show it).
    Three queries at most."""
    current, left = rows(user, child)
    return {
        "child": child,
        "current": current,
        "left": left,
        "can_manage": may_manage_attendance(user, child),
        "plan_withheld": plan_withheld_from(user, child),
    }


def attendance_subject_access(child: Child) -> list[dict[str, Any]]:
    """Every setting the child attends or attended, in words, for the subject access record:
    dates, whether it led SEN support, whether the family agreed to share the support plan."""
    found = (
        Attendance.objects.filter(child=child)
        .select_related("setting", "created_by", "ended_by")
        .order_by("started_on", "pk")
    )
    return [
        {
            "setting": a.setting.name,
            "from": a.started_on,
            "to": a.ended_on,
            "led_sen_support": "Yes" if a.is_lead else "No",
            "family_agreed_to_share_the_support_plan": "Yes" if a.sees_plan else "No",
            "answer_recorded": a.plan_consent_recorded_at,
            "recorded_by": display_name(a.created_by, nobody=""),
            "ended_by": display_name(a.ended_by, nobody="") if a.ended_on else "",
        }
        for a in found
    ]
