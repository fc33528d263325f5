"""The one writer of the case timeline. An event belongs to a referral; a change to the child's
record (not to one referral) goes on each of the child's referrals, so every timeline that
shows the child shows the change."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from earlyyears.models import Child, User

from .models import Referral, ReferralEvent

SUMMARY_LENGTH = 300


def event(
    referral: Referral,
    kind: str,
    actor: User | None,
    summary: str,
    *,
    at: datetime.datetime | None = None,
    **detail: Any,
) -> ReferralEvent:
    """An unsaved event, for `record_events` to write with others in one query."""
    return ReferralEvent(
        referral=referral,
        kind=kind,
        actor=actor,
        at=at or timezone.now(),
        summary=summary[:SUMMARY_LENGTH],
        detail=detail,
    )


def record_event(
    referral: Referral, kind: str, actor: User | None, summary: str, **detail: Any
) -> ReferralEvent:
    saved = event(referral, kind, actor, summary, **detail)
    saved.save(force_insert=True)
    return saved


def record_events(events: Iterable[ReferralEvent]) -> None:
    ReferralEvent.objects.bulk_create(events)


def latest_referral(child: Child) -> Referral | None:
    return Referral.objects.filter(child=child).order_by("-submitted_at", "-pk").first()


def record_event_on_latest(
    child: Child, kind: str, actor: User | None, summary: str, **detail: Any
) -> ReferralEvent | None:
    """Work with a child outside one referral (a home visit, a meeting) goes on their latest
    referral's timeline, if they have one."""
    referral = latest_referral(child)
    if referral is None:
        return None
    return record_event(referral, kind, actor, summary, **detail)


def record_child_event(
    children: list[Child], user: User, summary: str, detail: dict | None = None
) -> None:
    now = timezone.now()
    record_events(
        event(
            Referral(pk=referral_id),
            ReferralEvent.Kind.CHILD_RECORD,
            user,
            summary,
            at=now,
            **(detail or {}),
        )
        for referral_id in Referral.objects.filter(child__in=children).values_list("pk", flat=True)
    )


# Undoing a mistaken claim or allocation. The undo is itself an allocation change
# (ReferralEvent.Kind.ALLOCATED), so whoever follows the referral sees it as they saw the claim it
# undoes; `detail["undo"]` says which kind of undo, `detail["undoes"]` the event it undoes.
CLAIM_UNDONE = "claim_undone"
ALLOCATION_UNDONE = "allocation_undone"


def record_undo(
    referral: Referral,
    undone: ReferralEvent,
    actor: User,
    summary: str,
    *,
    reason: str,
    officer: int | None,
    previous: int | None,
) -> ReferralEvent:
    """The event that undoes a claim or allocation: who undid it, why, who held the referral
    (`previous`) and who holds it now (`officer`, or None)."""
    kind = CLAIM_UNDONE if undone.kind == ReferralEvent.Kind.CLAIMED else ALLOCATION_UNDONE
    return record_event(
        referral,
        ReferralEvent.Kind.ALLOCATED,
        actor,
        summary,
        reason=reason,
        undo=kind,
        undoes=undone.pk,
        officer=officer,
        previous=previous,
    )
