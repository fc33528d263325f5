"""Writing the case timeline for changes to a child's record (not to one referral): each of the
child's referrals gets the event, so every timeline that shows the child shows the change."""

from __future__ import annotations

from django.utils import timezone

from earlyyears.models import Child, User

from .models import Referral, ReferralEvent


def record_child_event(
    children: list[Child], user: User, summary: str, detail: dict | None = None
) -> None:
    now = timezone.now()
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral_id=referral_id,
            kind=ReferralEvent.Kind.CHILD_RECORD,
            actor=user,
            at=now,
            summary=summary,
            detail=detail or {},
        )
        for referral_id in Referral.objects.filter(child__in=children).values_list("pk", flat=True)
    )
