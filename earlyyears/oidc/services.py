"""Signing in with the council's identity provider: who the person is, what role their groups
give them, and what the service does when that differs from the account.

- A person is matched on the provider's issuer and subject (`OIDCIdentity`), never on email.
- Their role comes from their groups at the provider, through `OIDC_GROUP_ROLES`
  (`group=role,...`, most powerful first: the first group the person has decides). Groups that
  map to no role are refused, and nothing about the account changes.
- A new account, or a change of role or email, goes through the same rules as a change made in
  an admin (`earlyyears.accounts.services`): for anyone who can see children it waits for a SEND
  manager's approval, and until then the account keeps its old values (a new one cannot sign
  in). The audit trail records these as it records every account change.
- An account switched off in the service (a leaver) stays off: signing in at the provider does
  not switch it back on.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from ..accounts import services as accounts
from ..models import AccountChange, OIDCIdentity, Role, User

logger = logging.getLogger(__name__)

DEVICE_NAME = "Council sign-in"


class Refusal:
    """Why a person who proved who they are at the provider cannot sign in here."""

    NO_ROLE = "no_role"
    WAITING = "waiting"
    ENDED = "ended"
    FAILED = "failed"


@dataclass
class SignIn:
    """The outcome: the account to sign in (or None with a refusal), and whether a change to
    it is waiting for approval."""

    user: User | None
    refusal: str = ""
    change_waiting: bool = False


def group_roles() -> list[tuple[str, str]]:
    """The configured mapping, in order. A role the service does not have is a configuration
    mistake, so it stops the sign-in rather than being guessed."""
    pairs = []
    for item in settings.OIDC_GROUP_ROLES.split(","):
        if not item.strip():
            continue
        group, _, role = item.rpartition("=")
        group, role = group.strip(), role.strip()
        if not group or role not in Role.values:
            raise ImproperlyConfigured(
                f"OIDC_GROUP_ROLES has {item.strip()!r}: write group=role with a role of "
                f"{', '.join(Role.values)}"
            )
        pairs.append((group, role))
    return pairs


def role_for_groups(groups: list[str]) -> str | None:
    have = set(groups)
    for group, role in group_roles():
        if group in have:
            return role
    return None


def groups_from(claims: dict[str, Any]) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return [str(group) for group in value]


def used_second_factor(claims: dict[str, Any]) -> bool:
    """The provider says it asked for a second factor: its `amr` claim (RFC 8176) names one of
    OIDC_MFA_AMR_VALUES. Without the claim, the service asks for its own second step."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(set(amr) & set(settings.OIDC_MFA_AMR_VALUES))


def _username_for(claims: dict[str, Any]) -> str:
    """A readable, unique username; it is only a label (matching is on issuer and subject)."""
    wanted = claims.get("preferred_username") or claims.get("email") or claims["sub"]
    base = re.sub(r"[^\w.@+-]", "", str(wanted))[:140] or "council-user"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base[:135]}-{n}"
    return username


def _new_account(issuer: str, claims: dict[str, Any], role: str) -> SignIn:
    user = User(
        username=_username_for(claims),
        email=str(claims.get("email") or ""),
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        role=role,
        is_active=True,
    )
    user.set_unusable_password()
    user.save()
    OIDCIdentity.objects.create(
        user=user,
        name=DEVICE_NAME,
        confirmed=True,
        issuer=issuer,
        subject=claims["sub"],
        groups=groups_from(claims),
    )
    if not accounts.sees_children(role):
        return SignIn(user=user)
    # Someone who will see children: the same hold as an account made in an admin.
    wanted = {**accounts.account_state(user), "is_active": True}
    user.is_active = False
    user.save(update_fields=["is_active"])
    before = accounts.account_state(user)
    accounts.hold(
        None,
        user,
        accounts.Review(before=before, proposed=wanted, held=wanted),
        kind=AccountChange.Kind.NEW,
    )
    return SignIn(user=None, refusal=Refusal.WAITING)


def _already_asked(user: User, held: dict[str, Any]) -> bool:
    """A change the provider asked for before and still waiting: not asked again at every
    sign-in."""
    for change in AccountChange.objects.filter(user=user, status=AccountChange.Status.PENDING):
        if all(change.proposed.get(key) == value for key, value in held.items()):
            return True
    return False


def sign_in(issuer: str, claims: dict[str, Any]) -> SignIn:
    """The account for a person the provider vouched for (claims of the verified ID token and
    the user information), with the provider's role and email applied by the account rules."""
    groups = groups_from(claims)
    role = role_for_groups(groups)
    with transaction.atomic():
        identity = (
            OIDCIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=claims["sub"])
            .first()
        )
        if role is None:
            logger.info("Council sign-in refused: no role for the person's groups")
            return SignIn(user=None, refusal=Refusal.NO_ROLE)
        if identity is None:
            return _new_account(issuer, claims, role)
        user = identity.user
        identity.groups = groups
        identity.save(update_fields=["groups"])
        if not user.is_active:
            waiting_new = AccountChange.objects.filter(
                user=user, kind=AccountChange.Kind.NEW, status=AccountChange.Status.PENDING
            ).exists()
            return SignIn(user=None, refusal=Refusal.WAITING if waiting_new else Refusal.ENDED)
        proposed: dict[str, Any] = {"role": role}
        if claims.get("email"):
            proposed["email"] = str(claims["email"])
        result = accounts.review(None, user, proposed)
        accounts.apply_values(user, result.immediate)
        waiting = False
        if result.held:
            waiting = True
            if not _already_asked(user, result.held):
                accounts.hold(None, user, result)
        return SignIn(user=user, change_waiting=waiting)


def record_sign_in(user: User, issuer: str, subject: str, second_factor: bool) -> OIDCIdentity:
    identity = OIDCIdentity.objects.get(user=user, issuer=issuer, subject=subject)
    identity.last_signed_in_at = timezone.now()
    identity.last_used_second_factor = second_factor
    identity.save(update_fields=["last_signed_in_at", "last_used_second_factor"])
    return identity
