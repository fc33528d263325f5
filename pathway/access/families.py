"""The access layer for families: what a family session may see (issue 21).

A family member is never `request.user`: their identity (`FamilyIdentity`) lives in the Django
session under its own keys, and is checked against the database on every request (the link
still open, the contact still allowed, the child not blocked, not idle for 30 minutes). Nothing
that decides access is kept beyond one request. Every function here starts from
`earlyyears.access.family_children_for(family)`, which gives exactly the children the member's
open links name; every staff access function (children_for included) gives a family nothing.

Built on pathway.access: import from there, never the other way round."""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.access import FamilyIdentity, family_children_for, is_family, open_family_links
from earlyyears.models import Child, FamilyLink, FamilyMember
from pathway.models import Decision, InformationRequest, Referral, TacMeeting

FAMILY_MEMBER_KEY = "family_member_id"
FAMILY_ACTIVITY_KEY = "family_last_activity"
FAMILY_PENDING_LINK_KEY = "family_pending_link_id"
FAMILY_LANGUAGE_KEY = "family_language"
FAMILY_KEYS = (FAMILY_MEMBER_KEY, FAMILY_ACTIVITY_KEY, FAMILY_PENDING_LINK_KEY)


def family_idle_seconds() -> int:
    return int(getattr(settings, "FAMILY_IDLE_TIMEOUT_SECONDS", 30 * 60))


def end_family_session(request: HttpRequest) -> None:
    """Forget the family member in this session (sign-out, idle, or access ended)."""
    for key in FAMILY_KEYS:
        request.session.pop(key, None)


def start_family_session(request: HttpRequest, member: FamilyMember) -> None:
    """After a right code: a new session key (no fixation), the member's id, the time."""
    request.session.cycle_key()
    request.session.pop(FAMILY_PENDING_LINK_KEY, None)
    request.session[FAMILY_MEMBER_KEY] = member.pk
    request.session[FAMILY_ACTIVITY_KEY] = int(time.time())


def family_from_request(request: HttpRequest) -> FamilyIdentity | None:
    """The family member signed in on this request, or None. Read from the database every
    time: one query (does the member still have an open link?). A staff user signed in in the
    same browser is never treated as a family (and a family never as staff)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    member_id = request.session.get(FAMILY_MEMBER_KEY)
    if member_id is None:
        return None
    now = int(time.time())
    last = request.session.get(FAMILY_ACTIVITY_KEY)
    if last is None or now - int(last) >= family_idle_seconds():
        end_family_session(request)
        request.family_timed_out = True
        return None
    if not open_family_links(int(member_id)).exists():
        end_family_session(request)
        return None
    request.session[FAMILY_ACTIVITY_KEY] = now
    return FamilyIdentity(member_id=int(member_id))


def family_member(family: FamilyIdentity) -> FamilyMember:
    return FamilyMember.objects.get(pk=family.member_id)


def family_child_for(family: FamilyIdentity, child_id: int) -> Child:
    """One of the family's own children, or 404 (another family's, unlinked, blocked...)."""
    return get_object_or_404(family_children_for(family).select_related("setting"), pk=child_id)


def family_links_for(family: FamilyIdentity) -> QuerySet[FamilyLink]:
    if not is_family(family):
        return FamilyLink.objects.none()
    return open_family_links(family.member_id)


def family_referrals_for(family: FamilyIdentity) -> QuerySet[Referral]:
    """Referrals about the family's own children (what was raised), never anyone else's."""
    return Referral.objects.filter(child__in=family_children_for(family))


def family_decisions_for(family: FamilyIdentity) -> QuerySet[Decision]:
    return Decision.objects.filter(referral__in=family_referrals_for(family))


def family_questions_for(family: FamilyIdentity) -> QuerySet[InformationRequest]:
    return InformationRequest.objects.filter(referral__in=family_referrals_for(family))


def family_meetings_for(family: FamilyIdentity) -> QuerySet[TacMeeting]:
    """Team Around the Child meetings about the family's own children still to come."""
    return TacMeeting.objects.filter(
        child__in=family_children_for(family), held_on__gte=timezone.localdate()
    )
