"""The access layer for fund applications, evidence and payments (issue 23).

Built on pathway.access: import from there, never the other way round. A setting sees the
applications it made for children still at the setting (a practitioner who leaves, or a child
who moves, ends it at once); the SEND team sees every one; planners see budget totals only,
through the funds selectors, never an application."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from earlyyears.access import AnyUser, children_for, settings_for
from earlyyears.models import Child, Role
from earlyyears.roles import PLANNING_ROLES
from pathway.access import is_send_team
from pathway.models import FundApplication, FundEvidence, FundPayment


def _practitioner(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.PRACTITIONER


def fund_applications_for(user: AnyUser) -> QuerySet[FundApplication]:
    if is_send_team(user):
        return FundApplication.objects.all()
    if _practitioner(user):
        mine = settings_for(user)
        return FundApplication.objects.filter(setting__in=mine, child__in=children_for(user))
    return FundApplication.objects.none()


def fund_application_for(user: AnyUser, application_id: int) -> FundApplication:
    return get_object_or_404(
        fund_applications_for(user).select_related(
            "fund_type", "child", "setting", "band", "window", "decided_by", "submitted_by"
        ),
        pk=application_id,
    )


def fund_evidence_for(user: AnyUser) -> QuerySet[FundEvidence]:
    return FundEvidence.objects.filter(application__in=fund_applications_for(user))


def fund_payments_for(user: AnyUser) -> QuerySet[FundPayment]:
    return FundPayment.objects.filter(application__in=fund_applications_for(user))


def can_apply_for_funding(user: AnyUser, child: Child) -> bool:
    """A practitioner at the child's setting applies for the child."""
    return _practitioner(user) and settings_for(user).filter(pk=child.setting_id).exists()


def can_decide_funding(user: AnyUser) -> bool:
    return is_send_team(user)


def can_see_fund_budgets(user: AnyUser) -> bool:
    """Budget totals by fund, year and area: the SEND team and planners (no child in them)."""
    return is_send_team(user) or (
        user.is_authenticated and user.is_active and user.role in PLANNING_ROLES
    )
