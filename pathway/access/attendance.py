"""The access layer for the settings a child attends (issue 23).

Built on earlyyears.access: whoever may see the child sees the settings they attend and have
attended (a setting the child left sees none of it, because it no longer sees the child). The
SEND team and the child's current lead setting record a second setting, a move, and the
family's agreement to share the support plan; a second setting, a portage worker and everyone
else read at most."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from earlyyears.access import AnyUser, children_for, settings_for
from earlyyears.models import SEND_TEAM_ROLES, Attendance, Child, Role


def attendances_for(user: AnyUser, child: Child) -> QuerySet[Attendance]:
    """The child's attendances, past and present, for a user who may see the child now."""
    return Attendance.objects.filter(child__in=children_for(user).filter(pk=child.pk))


def attendance_for(user: AnyUser, child: Child, attendance_id: int) -> Attendance:
    """One of the child's current attendances, or 404."""
    return get_object_or_404(
        attendances_for(user, child).select_related("setting").filter(ended_on__isnull=True),
        pk=attendance_id,
    )


def may_manage_attendance(user: AnyUser, child: Child) -> bool:
    """The SEND team, or a practitioner at the child's current lead setting. One query for a
    practitioner, none for anyone else."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role in SEND_TEAM_ROLES:
        return True
    if user.role != Role.PRACTITIONER or child.setting_id is None:
        return False
    return settings_for(user).filter(pk=child.setting_id).exists()
