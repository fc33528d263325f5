"""The pathway's part of the access layer, built on earlyyears.access: one function for each
kind of record that quotes a child, scoped to what the signed-in user may see.

Every function applies the same rules as `referrals_for`, so access that ends (the family
withdraws consent, the SEND team withdraws an advice request, early help declines a hand-off, a
caseload ends, a practitioner leaves a setting, a child moves) ends for every record at once.
What a user sent themselves they keep (a setting its concerns and observations, a professional the
advice they gave), but nothing new about the child reaches them through it."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.access import AnyUser, children_for, settings_for
from earlyyears.models import (
    SEND_TEAM_ROLES,
    Attendance,
    CaseloadMembership,
    Child,
    Role,
    User,
)
from earlyyears.roles import CONCERN_RAISER_ROLES, PORTAGE_ROLES, SHARED_WITH_ROLES
from pathway.models import (
    AdviceRequest,
    ConcernDraft,
    Decision,
    EarlyHelpHandoff,
    FamilyPaperwork,
    FundingAward,
    InformationRequest,
    Observation,
    PanelAgendaItem,
    PanelMeeting,
    PortageVisit,
    Referral,
    ReferralEvent,
    ShareWith,
    SharingOverride,
    TacAction,
    TacMeeting,
)

from .consent import consent_q

# What happened to a referral itself, which whoever sent it keeps following after their
# relationship with the child ends. The rest of the timeline (Team Around the Child, portage,
# advice, early help, case notes) is about the child's care now, for the child's current team.
REFERRAL_PROCESS_EVENTS = (
    ReferralEvent.Kind.SUBMITTED,
    ReferralEvent.Kind.ROUTED,
    ReferralEvent.Kind.STATUS_CHANGED,
    ReferralEvent.Kind.CLAIMED,
    ReferralEvent.Kind.ALLOCATED,
    ReferralEvent.Kind.DECISION,
    ReferralEvent.Kind.INFORMATION_REQUESTED,
    ReferralEvent.Kind.INFORMATION_GIVEN,
    ReferralEvent.Kind.FUNDING_AWARDED,
    ReferralEvent.Kind.CLOCK,
    ReferralEvent.Kind.PANEL,
    ReferralEvent.Kind.CONSENT,
)


def _active(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active


def _role(user: AnyUser, *roles: str) -> bool:
    return _active(user) and user.role in roles


def shared_with(service: str, through: str = "") -> Q:
    """Referrals of children whose family agrees to share with a service (their ConsentRecord,
    pathway.access.consent), or that a SEND manager shared on a recorded lawful basis. Read at
    every request, so a withdrawal takes effect at once.
    `through` names the referral from another model ("referral" for an advice request)."""
    prefix = f"{through}__" if through else ""
    overrides = SharingOverride.objects.filter(service=service).values("referral")
    return consent_q(service, f"{prefix}child") | Q(**{f"{through or 'pk'}__in": overrides})


def _advising(requests: QuerySet[AdviceRequest]) -> QuerySet[AdviceRequest]:
    """Requests that keep a professional part of a child's team: not withdrawn, on a referral
    the family still shares with health, and still open or on a referral not yet closed."""
    return (
        requests.exclude(status=AdviceRequest.Status.WITHDRAWN)
        .filter(shared_with(ShareWith.HEALTH, through="referral"))
        .filter(
            Q(status=AdviceRequest.Status.REQUESTED) | ~Q(referral__status=Referral.Status.CLOSED)
        )
    )


def _handed_to_early_help() -> QuerySet[EarlyHelpHandoff]:
    """Hand-offs early help still holds: a declined one is the SEND team's again."""
    return EarlyHelpHandoff.objects.exclude(status=EarlyHelpHandoff.Status.DECLINED)


def _related_referrals(user: AnyUser) -> QuerySet[Referral]:
    """Referrals the user reaches through a relationship with the child that still holds, not
    only because they sent it: the whole timeline is theirs to read."""
    if not _active(user):
        return Referral.objects.none()
    if user.role in SEND_TEAM_ROLES:
        return Referral.objects.all()
    if user.role == Role.PRACTITIONER:
        mine = settings_for(user)
        # A setting the child attends now, lead or second (issue 23), not one they left.
        return Referral.objects.filter(setting__in=mine, child__in=children_for(user))
    if user.role == Role.PORTAGE_WORKER:
        return Referral.objects.filter(
            Q(child__in=children_for(user)) & shared_with(ShareWith.PORTAGE)
        )
    if user.role == Role.EARLY_HELP_COORDINATOR:
        return Referral.objects.filter(
            Q(pk__in=_handed_to_early_help().values("referral")) & shared_with(ShareWith.EARLY_HELP)
        )
    if user.role == Role.PROFESSIONAL:
        asked = _advising(AdviceRequest.objects.filter(professional=user))
        return Referral.objects.filter(pk__in=asked.values("referral"))
    return Referral.objects.none()


def referrals_for(user: AnyUser) -> QuerySet[Referral]:
    """The SEND team sees the service and a setting what it sent (the referral is theirs, and
    stays theirs when the child moves on). Beyond them, consent decides: a portage worker sees
    their caseload's referrals, early help what was handed to them and not declined, a
    professional what they are advising on, each only where the family agreed to share with
    their service or a lawful basis was recorded. A portage worker or professional also keeps
    what they sent themselves."""
    if not _active(user):
        return Referral.objects.none()
    if user.role == Role.PRACTITIONER:
        return Referral.objects.filter(setting__in=settings_for(user))
    if user.role in SHARED_WITH_ROLES:
        return Referral.objects.filter(
            Q(submitted_by=user) | Q(pk__in=_related_referrals(user).values("pk"))
        )
    return _related_referrals(user)


def referral_events_for(user: AnyUser) -> QuerySet[ReferralEvent]:
    """Timeline events on the referrals the user may see. Where they only sent the referral
    (the child moved on, the caseload ended, consent was withdrawn), they follow what happened
    to it, not the child's care since."""
    return ReferralEvent.objects.filter(
        Q(referral__in=_related_referrals(user))
        | Q(referral__in=referrals_for(user), kind__in=REFERRAL_PROCESS_EVENTS)
    )


def queue_for(user: AnyUser) -> QuerySet[Referral]:
    """Referrals waiting for a decision: the SEND team's triage queue."""
    if not is_send_team(user):
        return Referral.objects.none()
    return Referral.objects.filter(status__in=Referral.WAITING)


REFERRAL_RELATED = ("child", "setting", "area", "rule_set", "submitted_by")


def referral_for(
    user: AnyUser, referral_id: int, related: tuple[str, ...] = REFERRAL_RELATED
) -> Referral:
    """One referral the user may see, or 404, with the records a page shows read in the same
    query (`related`: a page that shows fewer asks for fewer; PostgreSQL plans each join)."""
    referrals = referrals_for(user).select_related(*related)
    if "area" in related:
        referrals = referrals.defer("area__boundary")
    return get_object_or_404(referrals, pk=referral_id)


def decisions_for(user: AnyUser) -> QuerySet[Decision]:
    return Decision.objects.filter(referral__in=referrals_for(user))


def information_requests_for(user: AnyUser) -> QuerySet[InformationRequest]:
    """Questions the SEND team asked: the team sees all; a setting those about the referrals
    it sent (it answers them even after the child has moved on)."""
    if is_send_team(user) or _role(user, Role.PRACTITIONER):
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
    if _role(user, Role.PRACTITIONER):
        return FundingAward.objects.filter(setting__in=settings_for(user))
    return FundingAward.objects.none()


def panel_meetings_for(user: AnyUser) -> QuerySet[PanelMeeting]:
    if not is_send_team(user):
        return PanelMeeting.objects.none()
    return PanelMeeting.objects.all()


def panel_meeting_for(user: AnyUser, meeting_id: int) -> PanelMeeting:
    return get_object_or_404(panel_meetings_for(user), pk=meeting_id)


def panel_items_for(user: AnyUser) -> QuerySet[PanelAgendaItem]:
    """Referrals on panel agendas: the SEND team's, like the panels."""
    return PanelAgendaItem.objects.filter(meeting__in=panel_meetings_for(user))


def portage_visits_for(user: AnyUser) -> QuerySet[PortageVisit]:
    """Home visits: the family's portage worker (while the family is on their caseload) and the
    SEND team, nobody else."""
    if not _role(user, *PORTAGE_ROLES):
        return PortageVisit.objects.none()
    return PortageVisit.objects.filter(child__in=children_for(user))


def family_paperwork_for(user: AnyUser) -> QuerySet[FamilyPaperwork]:
    if not _role(user, *PORTAGE_ROLES):
        return FamilyPaperwork.objects.none()
    return FamilyPaperwork.objects.filter(child__in=children_for(user))


def can_record_portage(user: AnyUser) -> bool:
    return _role(user, Role.PORTAGE_WORKER)


def early_help_handoffs_for(user: AnyUser) -> QuerySet[EarlyHelpHandoff]:
    """The SEND team sees every hand-off; early help those it holds (not declined) on referrals
    the family still shares with it."""
    if not _role(user, Role.EARLY_HELP_COORDINATOR, *SEND_TEAM_ROLES):
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
    """Children whose Team Around the Child the user is part of now: those they may see (the
    child's current setting, the portage worker while the family is on their caseload, the SEND
    team), and for a professional the children they are advising on (`_advising`)."""
    if _role(user, Role.PROFESSIONAL):
        asked = _advising(AdviceRequest.objects.filter(professional=user))
        return Child.objects.filter(pk__in=asked.values("referral__child"))
    return children_for(user)


def tac_team(child: Child) -> QuerySet[User]:
    """Who is part of the child's Team Around the Child now, so may own an action: the same
    rules as tac_children_for, from the child's side. One query."""
    advising = _advising(AdviceRequest.objects.filter(referral__child=child))
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=SEND_TEAM_ROLES)
            | Q(role=Role.PRACTITIONER, setting_memberships__setting_id=child.setting_id)
            # A second setting the child attends now is part of the team too (issue 23).
            | Q(
                role=Role.PRACTITIONER,
                setting_memberships__setting__in=Attendance.objects.filter(
                    child=child, ended_on__isnull=True
                ).values("setting"),
            )
            | Q(
                role=Role.PORTAGE_WORKER,
                pk__in=CaseloadMembership.objects.filter(child=child).values("portage_worker"),
            )
            | Q(role=Role.PROFESSIONAL, pk__in=advising.values("professional"))
        )
        .distinct()
    )


def tac_meetings_for(user: AnyUser) -> QuerySet[TacMeeting]:
    return TacMeeting.objects.filter(child__in=tac_children_for(user))


def tac_actions_for(user: AnyUser) -> QuerySet[TacAction]:
    """Actions on the children whose team the user is part of now."""
    return TacAction.objects.filter(child__in=tac_children_for(user))


def my_tac_actions(user: AnyUser) -> QuerySet[TacAction]:
    """The user's own actions, while they are still part of the child's team: an owner whose
    access ended no longer sees the action, or the child it names."""
    if not _active(user):
        return TacAction.objects.none()
    return tac_actions_for(user).filter(owner=user)


def advice_requests_for(user: AnyUser) -> QuerySet[AdviceRequest]:
    """The SEND team sees every request. A professional sees those asked of them, unless the
    SEND team withdrew it or the family no longer shares the referral with health. Advice they
    gave stays readable (with what they were asked) after the referral closes; the rest of the
    case does not (see `_advising`)."""
    if is_send_team(user):
        return AdviceRequest.objects.all()
    if _role(user, Role.PROFESSIONAL):
        return (
            AdviceRequest.objects.filter(professional=user)
            .exclude(status=AdviceRequest.Status.WITHDRAWN)
            .filter(shared_with(ShareWith.HEALTH, through="referral"))
        )
    return AdviceRequest.objects.none()


def advice_request_for(user: AnyUser, request_id: int) -> AdviceRequest:
    return get_object_or_404(
        advice_requests_for(user).select_related(
            "referral", "referral__child", "referral__setting", "professional", "requested_by"
        ),
        pk=request_id,
    )


def _drafts_in_scope(user: AnyUser) -> QuerySet[ConcernDraft]:
    """The user's own drafts, while they still work with the draft's setting and child."""
    if not _role(user, *CONCERN_RAISER_ROLES):
        return ConcernDraft.objects.none()
    owned = ConcernDraft.objects.filter(owner=user).filter(
        Q(child__isnull=True) | Q(child__in=children_for(user))
    )
    if user.role == Role.PRACTITIONER:
        owned = owned.filter(setting__in=settings_for(user))
    return owned


def drafts_for(user: AnyUser) -> QuerySet[ConcernDraft]:
    """The user's own unsubmitted, unexpired drafts: nobody else's, whatever their role."""
    return _drafts_in_scope(user).filter(submitted_at__isnull=True, expires_at__gt=timezone.now())


def draft_for(user: AnyUser, draft_id) -> ConcernDraft:
    """One of the user's own drafts, while they still work with its setting or child: the same
    rules as `_drafts_in_scope`, checked as two small queries rather than one built from every
    child the user may see, because every request of the concern wizard starts here."""
    if not _role(user, *CONCERN_RAISER_ROLES):
        raise Http404
    mine = ConcernDraft.objects.select_related("setting").filter(owner=user)
    if user.role == Role.PRACTITIONER:
        mine = mine.filter(setting__memberships__user=user)
    draft = get_object_or_404(mine, pk=draft_id)
    if draft.child_id is not None and not children_for(user).filter(pk=draft.child_id).exists():
        raise Http404
    return draft


def observations_for(user: AnyUser) -> QuerySet[Observation]:
    """A setting sees the observations it recorded (kept when the child moves on, and none of
    another setting's); a portage worker their caseload's; the SEND team all."""
    if _role(user, Role.PRACTITIONER):
        return Observation.objects.filter(setting__in=settings_for(user))
    return Observation.objects.filter(child__in=children_for(user))


def observation_for(user: AnyUser, observation_id: int) -> Observation:
    return get_object_or_404(observations_for(user).select_related("child"), pk=observation_id)


def can_raise_concerns(user: AnyUser) -> bool:
    return user.is_authenticated and user.role in CONCERN_RAISER_ROLES


def is_send_manager(user: AnyUser) -> bool:
    return _role(user, Role.SEND_MANAGER)


def can_manage_routing(user: AnyUser) -> bool:
    return _role(user, Role.SEND_MANAGER)


def is_send_team(user: AnyUser) -> bool:
    return _role(user, *SEND_TEAM_ROLES)
