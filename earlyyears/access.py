"""The access layer: the only way to reach child-level data.

Every view asks here for what the signed-in user may see. Functions return querysets already
scoped to the user, so a foreign id in a URL finds nothing (404) rather than another family.
Least privilege: a role not named here sees no child at all.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Child, FamilyContact, Role, Setting, User

AnyUser = User | AnonymousUser


def settings_for(user: AnyUser) -> QuerySet[Setting]:
    """Settings whose children the user may see."""
    if not user.is_authenticated or not user.is_active:
        return Setting.objects.none()
    if user.role in (Role.SEND_OFFICER, Role.SEND_MANAGER):
        return Setting.objects.all()
    if user.role == Role.PRACTITIONER:
        return Setting.objects.filter(memberships__user=user)
    return Setting.objects.none()


def children_for(user: AnyUser) -> QuerySet[Child]:
    """Children the user may see: their setting's, their caseload's, or all for the SEND team."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    if user.role in (Role.SEND_OFFICER, Role.SEND_MANAGER):
        return Child.objects.all()
    if user.role == Role.PRACTITIONER:
        return Child.objects.filter(setting__memberships__user=user)
    if user.role == Role.PORTAGE_WORKER:
        return Child.objects.filter(caseload_memberships__portage_worker=user)
    # Early help coordinators and professionals see children through the referrals routed or
    # the advice asked of them (the pathway's access functions); planners, trainers and
    # administrators see no child.
    return Child.objects.none()


def child_for(user: AnyUser, child_id: int) -> Child:
    """One child the user may see, or 404."""
    return get_object_or_404(children_for(user).select_related("setting", "area"), pk=child_id)


def family_contacts_for(user: AnyUser, child: Child) -> QuerySet[FamilyContact]:
    return FamilyContact.objects.filter(child__in=children_for(user).filter(pk=child.pk))


def can_see_child_records(user: AnyUser) -> bool:
    """Whether the role works with individual children at all (for navigation, not for access)."""
    return user.is_authenticated and user.role in (
        Role.PRACTITIONER,
        Role.PORTAGE_WORKER,
        Role.SEND_OFFICER,
        Role.SEND_MANAGER,
    )
