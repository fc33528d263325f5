"""The access layer for support plans (issue 23).

Built on pathway.access and earlyyears.access: import from there, never the other way round.
Who may see a child's plan is who may see the child (the setting's practitioners, the portage
worker while the family is on their caseload, the SEND team), read at every request, so a
practitioner who leaves the setting or a caseload that ends loses the plan at once. The setting
and the SEND team write it; the portage worker reads it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from earlyyears.access import AnyUser, child_for, children_for
from earlyyears.models import SEND_TEAM_ROLES, Child, Role
from pathway.access import referrals_for
from pathway.models import Referral, SupportPlan

PLAN_WRITER_ROLES = (Role.PRACTITIONER, *SEND_TEAM_ROLES)


def support_plans_for(user: AnyUser) -> QuerySet[SupportPlan]:
    """Plans of the children the user may see now."""
    return SupportPlan.objects.filter(child__in=children_for(user))


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


def may_write_plans(user: AnyUser) -> bool:
    """The setting's practitioners and the SEND team write plans (on children they may see)."""
    return bool(user.is_authenticated and user.is_active and user.role in PLAN_WRITER_ROLES)


def concerns_for_plan(user: AnyUser, child: Child) -> QuerySet[Referral]:
    """The child's concerns from a setting that the user may see, newest first: the latest
    one's support cycles start the plan."""
    return (
        referrals_for(user)
        .filter(child=child, source=Referral.Source.SETTING_CONCERN)
        .order_by("-submitted_at", "-pk")
    )
