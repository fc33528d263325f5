"""The access layer for the EHC timeline (issue 24).

Built on pathway.access: import from there, never the other way round.

The SEND team works EHC cases and sees everything about them. The child's current setting and
their portage worker (while the family is on the caseload) see where the case stands and what
is due next for their child, never the letters, exceptions, disputes or review notes.
Professionals reach the case only through the advice asked of them, as before."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from earlyyears.access import AnyUser, children_for
from earlyyears.models import Child, Role
from pathway.access import is_send_team
from pathway.models import EhcLetter, EhcRequest, EhcReview

# Who may see the state of a child's EHC timeline (the stage and what is due next).
STATE_ROLES = (Role.PRACTITIONER, Role.PORTAGE_WORKER)


def ehc_requests_for(user: AnyUser) -> QuerySet[EhcRequest]:
    """Every case for the SEND team; for a setting or portage worker, the cases of the children
    they may see now (children_for: the current setting, the current caseload)."""
    if is_send_team(user):
        return EhcRequest.objects.all()
    if user.is_authenticated and user.is_active and user.role in STATE_ROLES:
        return EhcRequest.objects.filter(child__in=children_for(user))
    return EhcRequest.objects.none()


def may_see_ehc_state(user: AnyUser) -> bool:
    return is_send_team(user) or (
        user.is_authenticated and user.is_active and user.role in STATE_ROLES
    )


def ehc_child_for(user: AnyUser, child_id: int) -> Child:
    """The child whose EHC timeline the user may see: 404 for anyone else's child."""
    if not may_see_ehc_state(user):
        return get_object_or_404(Child.objects.none(), pk=child_id)
    return get_object_or_404(children_for(user).select_related("setting"), pk=child_id)


def ehc_case_for(user: AnyUser, ehc_id: int) -> EhcRequest:
    """One case for the SEND team to work on: 404 for everyone else."""
    if not is_send_team(user):
        return get_object_or_404(EhcRequest.objects.none(), pk=ehc_id)
    return get_object_or_404(
        EhcRequest.objects.select_related("child", "referral", "child__setting"), pk=ehc_id
    )


def ehc_letters_for(user: AnyUser) -> QuerySet[EhcLetter]:
    """Decision letters: the SEND team's (they go to the family, not to the setting)."""
    if not is_send_team(user):
        return EhcLetter.objects.none()
    return EhcLetter.objects.all()


def ehc_letter_for(user: AnyUser, ehc_id: int, letter_id: int) -> EhcLetter:
    return get_object_or_404(
        ehc_letters_for(user).select_related("ehc", "ehc__child"), pk=letter_id, ehc_id=ehc_id
    )


def ehc_reviews_for(user: AnyUser) -> QuerySet[EhcReview]:
    return EhcReview.objects.filter(ehc__in=ehc_requests_for(user))
