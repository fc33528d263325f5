"""Reads about accounts: the changes waiting for a SEND manager and those decided, how a change
is shown, and the invitation a link carries."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import Group, Permission

from ..models import AccountChange, Child, Invitation, Role, Setting

LABELS = {
    "email": "Email address",
    "role": "Role",
    "is_active": "Can sign in",
    "is_staff": "Can use the staff admin",
    "is_superuser": "Has every permission",
    "groups": "Groups",
    "user_permissions": "Permissions",
    "settings": "Settings",
    "caseload": "Portage caseload",
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def pending_changes():
    return AccountChange.objects.filter(status=AccountChange.Status.PENDING).select_related(
        "user", "requested_by"
    )


def recent_decisions(limit: int = 20):
    return (
        AccountChange.objects.exclude(status=AccountChange.Status.PENDING)
        .select_related("user", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def _shown(key: str, value: Any) -> str:
    if key == "role":
        return Role(value).label if value in Role.values else str(value)
    if key in ("is_active", "is_staff", "is_superuser"):
        return "Yes" if value else "No"
    if key == "groups":
        names = Group.objects.filter(pk__in=value).values_list("name", flat=True)
        return ", ".join(sorted(names)) or "None"
    if key == "user_permissions":
        names = Permission.objects.filter(pk__in=value).values_list("name", flat=True)
        return ", ".join(sorted(names)) or "None"
    if key == "settings":
        names = dict(Setting.objects.filter(pk__in=[s for s, _ in value]).values_list("pk", "name"))
        shown = [
            f"{names.get(s, 'A removed setting')}{' (SENCO)' if senco else ''}"
            for s, senco in value
        ]
        return ", ".join(sorted(shown)) or "None"
    if key == "caseload":
        references = Child.objects.filter(pk__in=value).values_list("reference", flat=True)
        return ", ".join(sorted(references)) or "None"
    return str(value) or "None"


def describe(change: AccountChange) -> list[dict[str, str]]:
    """One row for each value the change sets: what it is, what it was, what it would be."""
    return [
        {
            "label": LABELS.get(key, key),
            "before": _shown(key, change.before.get(key, "")) if key in change.before else "",
            "after": _shown(key, value),
        }
        for key, value in change.proposed.items()
        if key in LABELS
    ]


def invitation_for_token(token: str):
    """The invitation a link carries, if it can still be used; otherwise None."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None or not invitation.is_usable or not invitation.user.is_active:
        return None
    return invitation
