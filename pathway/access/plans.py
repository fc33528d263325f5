"""The access layer for support plans (issue 23).

Built on pathway.access and earlyyears.access: import from there, never the other way round.
Who may see a child's plan is who may see the child (the setting's practitioners, the portage
worker while the family is on their caseload, the SEND team), read at every request, so a
practitioner who leaves the setting or a caseload that ends loses the plan at once. The setting
and the SEND team write it; the portage worker reads it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from earlyyears.access import AnyUser, child_for, children_for, settings_for
from earlyyears.models import SEND_TEAM_ROLES, Attendance, Child, Role, Setting
from pathway.access import referrals_for
from pathway.models import Referral, SupportPlan

PLAN_WRITER_ROLES = (Role.PRACTITIONER, *SEND_TEAM_ROLES)


def support_plans_for(user: AnyUser) -> QuerySet[SupportPlan]:
    """Plans of the children the user may see now. A setting also needs the family's agreement
    (issue 23): a second setting, or one the child moved to, sees the plan only where its
    attendance records that the family agreed (`Attendance.sees_plan`)."""
    plans = SupportPlan.objects.filter(child__in=children_for(user))
    if user.is_authenticated and user.role == Role.PRACTITIONER:
        plans = plans.filter(_plan_shared_with(settings_for(user)))
    return plans


def _plan_shared_with(mine: QuerySet[Setting]) -> Q:
    """The plan is shared with one of `mine`: an attendance there the family agreed to, or the
    lead setting unless the family did not agree to pass on a plan written before it started
    (a plan the lead setting starts itself is its own; a child whose setting was set before
    attendances were recorded has none withheld)."""
    agreed = Attendance.objects.filter(
        child=OuterRef("child_id"), ended_on__isnull=True, setting__in=mine, sees_plan=True
    )
    withheld = Attendance.objects.filter(
        child=OuterRef("child_id"),
        ended_on__isnull=True,
        setting=OuterRef("child__setting"),
        sees_plan=False,
        created_at__gt=OuterRef("created_at"),
    )
    return Exists(agreed) | (Q(child__setting__in=mine) & ~Exists(withheld))


def plan_withheld_from(user: AnyUser, child: Child) -> bool:
    """The child has a plan the user may not see because the family has not agreed to share
    it with their setting (for the words on the page). One query, for practitioners only."""
    if not (user.is_authenticated and user.role == Role.PRACTITIONER):
        return False
    return (
        SupportPlan.objects.filter(child=child)
        .exclude(pk__in=support_plans_for(user).values("pk"))
        .exists()
    )


def plan_child_for(user: AnyUser, child_id: int) -> Child:
    """The child whose plan is asked for, or 404: the same rule as the child's page."""
    return child_for(user, child_id)


def support_plan_for(user: AnyUser, child_id: int) -> SupportPlan:
    """The plan of a child the user may see, or 404 (no child, or no plan yet)."""
    plan = (
        support_plans_for(user)
        .select_related("child", "setting", "created_by", "updated_by")
        .filter(child_id=child_id)
        .first()
    )
    if plan is None:
        raise Http404("No support plan")
    return plan


def may_write_plans(user: AnyUser, child: Child | None = None) -> bool:
    """The setting's practitioners and the SEND team write plans (on children they may see).
    Given the child, a practitioner must be at the child's lead setting (a second setting
    reads the plan, with the family's agreement, and does not write it), and may not write
    over a plan the family has not agreed to share with them."""
    if not (user.is_authenticated and user.is_active and user.role in PLAN_WRITER_ROLES):
        return False
    if child is None or user.role != Role.PRACTITIONER:
        return True
    if child.setting_id is None or not settings_for(user).filter(pk=child.setting_id).exists():
        return False
    return not plan_withheld_from(user, child)


def concerns_for_plan(user: AnyUser, child: Child) -> QuerySet[Referral]:
    """The child's concerns from a setting that the user may see, newest first: the latest
    one's support cycles start the plan."""
    return (
        referrals_for(user)
        .filter(child=child, source=Referral.Source.SETTING_CONCERN)
        .order_by("-submitted_at", "-pk")
    )
