"""Reads for the access review pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..models import AccessReview, AccessReviewEntry, AccountEnding
from ..roles import Role


def reviews() -> QuerySet[AccessReview]:
    return AccessReview.objects.select_related("started_by", "completed_by").annotate(
        people=Count("entries"),
        ended=Count("entries", filter=Q(entries__decision=AccessReviewEntry.Decision.END)),
        pending=Count("entries", filter=Q(entries__decision=AccessReviewEntry.Decision.PENDING)),
    )


def checklist(review: AccessReview) -> QuerySet[AccessReviewEntry]:
    return review.entries.select_related("decided_by")


def staff_subject_access(person) -> dict[str, Any]:
    """What the service holds about a member of staff from their sign-in and access, in words:
    for a staff member's subject access request (`manage.py staff_subject_access USERNAME`)."""
    from ..models import OIDCIdentity

    def day(value) -> str:
        if not value:
            return "never"
        value = timezone.localtime(value) if hasattr(value, "hour") else value
        return f"{value.day} {value:%B %Y}"

    return {
        "Account": {
            "Username": person.username,
            "Name": person.get_full_name() or "not given",
            "Email": person.email or "not given",
            "Role": Role(person.role).label if person.role in Role.values else person.role,
            "Can sign in": "yes" if person.is_active else "no",
            "Last signed in": day(person.last_login),
        },
        "Council sign-in": [
            {
                "Identity provider": identity.issuer,
                "Your identifier there": identity.subject,
                "Groups at your last sign-in": ", ".join(identity.groups) or "none",
                "Linked on": day(identity.linked_at),
                "Last signed in with it": day(identity.last_signed_in_at),
                "Second factor at the provider last time": (
                    "yes" if identity.last_used_second_factor else "no"
                ),
            }
            for identity in OIDCIdentity.objects.filter(user=person)
        ],
        "Accounts ended": [
            {
                "Ended on": day(ending.ended_at),
                "Why": ending.get_reason_display(),
                "Note": ending.note or "none",
            }
            for ending in AccountEnding.objects.filter(user=person)
        ],
        "Access reviews": [
            {
                "Quarter from": day(entry.review.quarter_start),
                "Role then": Role(entry.role).label if entry.role in Role.values else entry.role,
                "Settings then": entry.settings_held or "none",
                "Decision": entry.get_decision_display(),
            }
            for entry in AccessReviewEntry.objects.filter(user=person).select_related("review")
        ],
    }
