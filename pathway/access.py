"""The pathway's part of the access layer, built on earlyyears.access: referrals, drafts and
observations, scoped to what the signed-in user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.access import AnyUser, children_for, settings_for
from earlyyears.models import Role

from .models import ConcernDraft, Observation, Referral, Route


def referrals_for(user: AnyUser) -> QuerySet[Referral]:
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    if user.role in (Role.SEND_OFFICER, Role.SEND_MANAGER):
        return Referral.objects.all()
    if user.role == Role.PRACTITIONER:
        return Referral.objects.filter(setting__in=settings_for(user))
    if user.role == Role.PORTAGE_WORKER:
        return Referral.objects.filter(child__in=children_for(user))
    if user.role == Role.EARLY_HELP_COORDINATOR:
        return Referral.objects.filter(current_routes__route=Route.EARLY_HELP)
    if user.role == Role.PROFESSIONAL:
        return Referral.objects.filter(submitted_by=user)
    return Referral.objects.none()


def referral_for(user: AnyUser, referral_id: int) -> Referral:
    return get_object_or_404(
        referrals_for(user).select_related("child", "setting", "area", "rule_set", "submitted_by"),
        pk=referral_id,
    )


def drafts_for(user: AnyUser) -> QuerySet[ConcernDraft]:
    """The user's own unsubmitted, unexpired drafts: nobody else's, whatever their role."""
    if not user.is_authenticated or not user.is_active:
        return ConcernDraft.objects.none()
    return ConcernDraft.objects.filter(
        owner=user, submitted_at__isnull=True, expires_at__gt=timezone.now()
    )


def draft_for(user: AnyUser, draft_id) -> ConcernDraft:
    """One of the user's own drafts, while they still work with its setting or child."""
    if not user.is_authenticated or not user.is_active:
        return get_object_or_404(ConcernDraft.objects.none(), pk=draft_id)
    owned = ConcernDraft.objects.filter(owner=user)
    if user.role == Role.PRACTITIONER:
        owned = owned.filter(setting__in=settings_for(user))
    elif user.role == Role.PORTAGE_WORKER:
        owned = owned.filter(Q(child__isnull=True) | Q(child__in=children_for(user)))
    else:
        owned = owned.none()
    return get_object_or_404(owned.select_related("setting", "child"), pk=draft_id)


def observations_for(user: AnyUser) -> QuerySet[Observation]:
    return Observation.objects.filter(child__in=children_for(user))


def observation_for(user: AnyUser, observation_id: int) -> Observation:
    return get_object_or_404(observations_for(user).select_related("child"), pk=observation_id)


def can_raise_concerns(user: AnyUser) -> bool:
    return user.is_authenticated and user.role in (Role.PRACTITIONER, Role.PORTAGE_WORKER)


def can_manage_routing(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.SEND_MANAGER


def is_send_team(user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role
        in (
            Role.SEND_OFFICER,
            Role.SEND_MANAGER,
        )
    )
