"""The access layer for people and places: the only way to reach child-level data.

Every view asks here (or in pathway.access, built on these) for what the signed-in user may see.
Functions return querysets already scoped to the user, so a foreign id in a URL finds nothing
(404) rather than another family. Least privilege: a role not named here sees no child at all.
Relationships are read at every request: a practitioner who leaves a setting, a child who moves
to another setting, a family that leaves a caseload changes what is seen on the next request.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import SEND_TEAM_ROLES, Child, FamilyContact, OutboxMessage, Role, Setting, User
from .roles import DIRECT_CHILD_ROLES

AnyUser = User | AnonymousUser


def settings_for(user: AnyUser) -> QuerySet[Setting]:
    """Settings whose children the user may see."""
    if not user.is_authenticated or not user.is_active:
        return Setting.objects.none()
    if user.role in SEND_TEAM_ROLES:
        return Setting.objects.all()
    if user.role == Role.PRACTITIONER:
        return Setting.objects.filter(memberships__user=user)
    return Setting.objects.none()


def children_for(user: AnyUser) -> QuerySet[Child]:
    """Children the user may see: their setting's, their caseload's, or all for the SEND team."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    if user.role in SEND_TEAM_ROLES:
        return Child.objects.all()
    # A record merged into another is an alias: only the SEND team, who can undo the merge,
    # still opens it; everyone else finds the child under the record that was kept.
    live = Child.objects.exclude(record_status=Child.RecordStatus.MERGED)
    if user.role == Role.PRACTITIONER:
        return live.filter(setting__memberships__user=user)
    if user.role == Role.PORTAGE_WORKER:
        return live.filter(caseload_memberships__portage_worker=user)
    # Early help coordinators and professionals see children through the referrals routed or
    # the advice asked of them (the pathway's access functions); planners, trainers and
    # administrators see no child.
    return Child.objects.none()


def child_for(user: AnyUser, child_id: int) -> Child:
    """One child the user may see, or 404."""
    return get_object_or_404(
        children_for(user).select_related("setting", "area").defer("area__boundary"),
        pk=child_id,
    )


def family_contacts_for(user: AnyUser, child: Child) -> QuerySet[FamilyContact]:
    return FamilyContact.objects.filter(child__in=children_for(user).filter(pk=child.pk))


def messages_for(user: AnyUser) -> QuerySet[OutboxMessage]:
    """Messages the service sent or tried to send (they name the child and the family's phone):
    the SEND team's message log only."""
    if not user.is_authenticated or not user.is_active or user.role not in SEND_TEAM_ROLES:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.all()


def can_see_child_records(user: AnyUser) -> bool:
    """Whether the role works with individual children at all (for navigation, not for access)."""
    return user.is_authenticated and user.role in DIRECT_CHILD_ROLES
