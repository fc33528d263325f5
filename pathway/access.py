"""The pathway's part of the access layer, built on earlyyears.access: referrals, drafts and
observations, scoped to what the signed-in user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.access import AnyUser, children_for, settings_for
from earlyyears.models import Child, Role

from .models import (
    AdviceRequest,
    ConcernDraft,
    Decision,
    EarlyHelpHandoff,
    FamilyPaperwork,
    FundingAward,
    InformationRequest,
    Observation,
    PanelMeeting,
    PortageVisit,
    Referral,
    ShareWith,
    SharingOverride,
    TacAction,
    TacMeeting,
)


def _active(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active


def shared_with(service: str) -> Q:
    """Referrals the family agreed to share with a service, or that a SEND manager shared on a
    recorded lawful basis. Read at every request, so a withdrawal takes effect at once."""
    return Q(share_with__icontains=f'"{service}"') | Q(
        pk__in=SharingOverride.objects.filter(service=service).values("referral")
    )


def referrals_for(user: AnyUser) -> QuerySet[Referral]:
    """The SEND team sees the service and a setting its own (the referral is theirs). Beyond
    them, consent decides: a portage worker sees their caseload's referrals, early help what was
    handed to them, a professional what they were asked to advise on, each only where the family
    agreed to share with their service or a lawful basis was recorded."""
    if not _active(user):
        return Referral.objects.none()
    if user.role in (Role.SEND_OFFICER, Role.SEND_MANAGER):
        return Referral.objects.all()
    if user.role == Role.PRACTITIONER:
        return Referral.objects.filter(setting__in=settings_for(user))
    if user.role == Role.PORTAGE_WORKER:
        # A portage worker always sees what they sent for a family themselves.
        return Referral.objects.filter(
            Q(submitted_by=user)
            | (Q(child__in=children_for(user)) & shared_with(ShareWith.PORTAGE))
        )
    if user.role == Role.EARLY_HELP_COORDINATOR:
        return Referral.objects.filter(
            Q(pk__in=EarlyHelpHandoff.objects.values("referral"))
            & shared_with(ShareWith.EARLY_HELP)
        )
    if user.role == Role.PROFESSIONAL:
        asked = AdviceRequest.objects.filter(professional=user).exclude(
            status=AdviceRequest.Status.WITHDRAWN
        )
        return Referral.objects.filter(
            Q(submitted_by=user)
            | (Q(pk__in=asked.values("referral")) & shared_with(ShareWith.HEALTH))
        )
    return Referral.objects.none()


def queue_for(user: AnyUser) -> QuerySet[Referral]:
    """Referrals waiting for a decision: the SEND team's triage queue."""
    if not is_send_team(user):
        return Referral.objects.none()
    return Referral.objects.filter(status__in=Referral.WAITING)


def decisions_for(user: AnyUser) -> QuerySet[Decision]:
    return Decision.objects.filter(referral__in=referrals_for(user))


def information_requests_for(user: AnyUser) -> QuerySet[InformationRequest]:
    """Questions the SEND team asked: the team sees all; a setting sees those about its
    children."""
    if is_send_team(user) or (_active(user) and user.role == Role.PRACTITIONER):
        return InformationRequest.objects.filter(referral__in=referrals_for(user))
    return InformationRequest.objects.none()


def information_request_for(user: AnyUser, request_id: int) -> InformationRequest:
    return get_object_or_404(
        information_requests_for(user).select_related("referral", "referral__child"),
        pk=request_id,
    )


def funding_awards_for(user: AnyUser) -> QuerySet[FundingAward]:
    """The SEND team sees every award; a setting sees the awards made to it."""
    if is_send_team(user):
        return FundingAward.objects.all()
    if _active(user) and user.role == Role.PRACTITIONER:
        return FundingAward.objects.filter(setting__in=settings_for(user))
    return FundingAward.objects.none()


def panel_meetings_for(user: AnyUser) -> QuerySet[PanelMeeting]:
    if not is_send_team(user):
        return PanelMeeting.objects.none()
    return PanelMeeting.objects.all()


def panel_meeting_for(user: AnyUser, meeting_id: int) -> PanelMeeting:
    return get_object_or_404(panel_meetings_for(user), pk=meeting_id)


def portage_visits_for(user: AnyUser) -> QuerySet[PortageVisit]:
    """Home visits: the family's portage worker and the SEND team, nobody else."""
    if not _active(user) or user.role not in (
        Role.PORTAGE_WORKER,
        Role.SEND_OFFICER,
        Role.SEND_MANAGER,
    ):
        return PortageVisit.objects.none()
    return PortageVisit.objects.filter(child__in=children_for(user))


def family_paperwork_for(user: AnyUser) -> QuerySet[FamilyPaperwork]:
    if not _active(user) or user.role not in (
        Role.PORTAGE_WORKER,
        Role.SEND_OFFICER,
        Role.SEND_MANAGER,
    ):
        return FamilyPaperwork.objects.none()
    return FamilyPaperwork.objects.filter(child__in=children_for(user))


def can_record_portage(user: AnyUser) -> bool:
    return _active(user) and user.role == Role.PORTAGE_WORKER


def early_help_handoffs_for(user: AnyUser) -> QuerySet[EarlyHelpHandoff]:
    if not _active(user) or user.role not in (
        Role.EARLY_HELP_COORDINATOR,
        Role.SEND_OFFICER,
        Role.SEND_MANAGER,
    ):
        return EarlyHelpHandoff.objects.none()
    return EarlyHelpHandoff.objects.filter(referral__in=referrals_for(user))


def early_help_handoff_for(user: AnyUser, referral_id: int) -> EarlyHelpHandoff:
    return get_object_or_404(
        early_help_handoffs_for(user).select_related(
            "referral", "referral__child", "referral__setting", "referral__area", "coordinator"
        ),
        referral_id=referral_id,
    )


def tac_children_for(user: AnyUser) -> QuerySet[Child]:
    """Children whose Team Around the Child the user is part of: those they may see, and for a
    professional those they were asked to advise on."""
    if not _active(user):
        return children_for(user)
    if user.role == Role.PROFESSIONAL:
        return Child.objects.filter(
            pk__in=AdviceRequest.objects.filter(professional=user)
            .exclude(status=AdviceRequest.Status.WITHDRAWN)
            .values("referral__child")
        )
    return children_for(user)


def tac_meetings_for(user: AnyUser) -> QuerySet[TacMeeting]:
    return TacMeeting.objects.filter(child__in=tac_children_for(user))


def tac_meeting_for(user: AnyUser, meeting_id: int) -> TacMeeting:
    return get_object_or_404(tac_meetings_for(user).select_related("child"), pk=meeting_id)


def tac_actions_for(user: AnyUser) -> QuerySet[TacAction]:
    """Actions on the children the user works with."""
    return TacAction.objects.filter(child__in=tac_children_for(user))


def my_tac_actions(user: AnyUser) -> QuerySet[TacAction]:
    if not _active(user):
        return TacAction.objects.none()
    return tac_actions_for(user).filter(owner=user)


def advice_requests_for(user: AnyUser) -> QuerySet[AdviceRequest]:
    """The SEND team sees every request; a professional only those asked of them."""
    if is_send_team(user):
        return AdviceRequest.objects.all()
    if _active(user) and user.role == Role.PROFESSIONAL:
        return AdviceRequest.objects.filter(professional=user)
    return AdviceRequest.objects.none()


def advice_request_for(user: AnyUser, request_id: int) -> AdviceRequest:
    return get_object_or_404(
        advice_requests_for(user).select_related(
            "referral", "referral__child", "professional", "requested_by"
        ),
        pk=request_id,
    )


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


def is_send_manager(user: AnyUser) -> bool:
    return _active(user) and user.role == Role.SEND_MANAGER


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
