"""Rules for changing staff accounts in any admin (Django's, Wagtail's, or anything later), so
that nobody who manages accounts can become someone else.

- No administrator sets a password: they send a reset link, which goes to the email address
  the account already has.
- For anyone who can see children (before or after the change, or with a change waiting), a
  change of email, role, groups, powers, active state, settings or caseload is held as an
  `AccountChange` until a SEND manager (not the person asking, not the person changed)
  approves it, and the old email address is told at once. Switching an account off is never
  held: it is how access ends.
- Nobody changes their own role, groups, powers or settings.
- Removing an authenticator is the only thing an administrator does to one: the user sets up a
  new app at their next sign-in. No page shows a secret after set-up.

Admins read `review` and `hold`; the SEND manager's pages call `approve` and `reject`.
A new account, or a reset, gets a single-use link that expires (`invite`, `accept_invitation`).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..messaging.services import queue_message
from ..models import (
    AccountChange,
    CaseloadMembership,
    Child,
    Invitation,
    OutboxMessage,
    Role,
    Setting,
    SettingMembership,
    User,
)
from ..roles import CHILD_ROLES
from .selectors import LABELS, hash_token

SCALAR_KEYS = ("email", "role", "is_active", "is_staff", "is_superuser")
MANY_KEYS = ("groups", "user_permissions")
KEYS = (*SCALAR_KEYS, *MANY_KEYS, "settings", "caseload")
# What nobody may change about themselves: it is how access is granted.
PRIVILEGE_KEYS = frozenset(
    {"role", "is_active", "is_staff", "is_superuser", *MANY_KEYS, "settings", "caseload"}
)
CHANGE_TEMPLATE = "account_change_requested"
RESET_TEMPLATE = "password_reset"
INVITATION_TEMPLATE = "staff_invitation"


class AccountRuleBroken(Exception):
    """An admin asked for something the rules refuse; the message says what, in plain words."""


@dataclass
class Review:
    """What an admin's edit changes: `immediate` is saved now, `held` waits for approval."""

    before: dict[str, Any]
    proposed: dict[str, Any]
    immediate: dict[str, Any] = field(default_factory=dict)
    held: dict[str, Any] = field(default_factory=dict)


def sees_children(role: str) -> bool:
    return role in CHILD_ROLES


def account_state(user: User) -> dict[str, Any]:
    """The values the rules guard, as stored now (JSON-ready, lists sorted)."""
    stored = User.objects.get(pk=user.pk)
    return {
        **{key: getattr(stored, key) for key in SCALAR_KEYS},
        "groups": sorted(stored.groups.values_list("pk", flat=True)),
        "user_permissions": sorted(stored.user_permissions.values_list("pk", flat=True)),
        "settings": sorted(
            [m.setting_id, m.is_senco] for m in SettingMembership.objects.filter(user=stored)
        ),
        "caseload": sorted(
            CaseloadMembership.objects.filter(portage_worker=stored).values_list(
                "child_id", flat=True
            )
        ),
    }


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Proposed values from a form, in the shape of `account_state`."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key in MANY_KEYS:
            clean[key] = sorted(getattr(item, "pk", item) for item in value)
        elif key == "caseload":
            clean[key] = sorted(getattr(child, "pk", child) for child in value)
        elif key == "settings":
            clean[key] = sorted([getattr(s, "pk", s), bool(senco)] for s, senco in value)
        elif key == "email":
            clean[key] = (value or "").strip()
        elif key in SCALAR_KEYS:
            clean[key] = value
    return clean


def review(actor: User, user: User, proposed: dict[str, Any]) -> Review:
    """Splits an edit of `user` by `actor` into what is saved now and what is held.

    Raises AccountRuleBroken when someone changes their own access."""
    before = account_state(user)
    wanted = {**before, **normalise(proposed)}
    changed = [key for key in KEYS if wanted[key] != before[key]]
    if getattr(actor, "pk", None) == user.pk and PRIVILEGE_KEYS.intersection(changed):
        raise AccountRuleBroken(
            "You cannot change your own role, groups, permissions or settings: ask another "
            "administrator"
        )
    result = Review(before=before, proposed=wanted)
    guarded = (
        sees_children(before["role"])
        or sees_children(wanted["role"])
        or AccountChange.objects.filter(user=user, status=AccountChange.Status.PENDING).exists()
    )
    for key in changed:
        switching_off = key == "is_active" and not wanted[key]
        target = result.held if guarded and not switching_off else result.immediate
        target[key] = wanted[key]
    return result


def apply_values(user: User, values: dict[str, Any]) -> None:
    """Writes guarded values to the account (used for approved changes and immediate ones)."""
    scalars = [key for key in SCALAR_KEYS if key in values]
    for key in scalars:
        setattr(user, key, values[key])
    if scalars:
        user.save(update_fields=scalars)
    if "groups" in values:
        user.groups.set(Group.objects.filter(pk__in=values["groups"]))
    if "user_permissions" in values:
        user.user_permissions.set(Permission.objects.filter(pk__in=values["user_permissions"]))
    if "settings" in values:
        wanted = {setting_id: senco for setting_id, senco in values["settings"]}
        for membership in SettingMembership.objects.filter(user=user):
            if membership.setting_id not in wanted:
                membership.delete()
            elif membership.is_senco != wanted[membership.setting_id]:
                membership.is_senco = wanted[membership.setting_id]
                membership.save(update_fields=["is_senco"])
        have = set(SettingMembership.objects.filter(user=user).values_list("setting_id", flat=True))
        for setting in Setting.objects.filter(pk__in=set(wanted) - have):
            SettingMembership.objects.create(
                user=user, setting=setting, is_senco=wanted[setting.pk]
            )
    if "caseload" in values:
        wanted_children = set(values["caseload"])
        CaseloadMembership.objects.filter(portage_worker=user).exclude(
            child_id__in=wanted_children
        ).delete()
        have = set(
            CaseloadMembership.objects.filter(portage_worker=user).values_list(
                "child_id", flat=True
            )
        )
        for child in Child.objects.filter(pk__in=wanted_children - have):
            CaseloadMembership.objects.create(portage_worker=user, child=child)


def hold(
    actor: User | None, user: User, result: Review, kind: str = AccountChange.Kind.CHANGE
) -> AccountChange | None:
    """Records the held part of an edit for a SEND manager and tells the account's (old) email
    address at once. A change still waiting for the same account is folded into the new one
    (a form shows the stored values, so a second edit would otherwise drop the first)."""
    if not result.held:
        return None
    before = {key: result.before[key] for key in result.held}
    proposed = dict(result.held)
    with transaction.atomic():
        for waiting in AccountChange.objects.select_for_update().filter(
            user=user, status=AccountChange.Status.PENDING
        ):
            before = {**waiting.before, **before}
            proposed = {**waiting.proposed, **proposed}
            if waiting.kind == AccountChange.Kind.NEW:
                kind = AccountChange.Kind.NEW
            waiting.status = AccountChange.Status.REPLACED
            waiting.save(update_fields=["status"])
        change = AccountChange.objects.create(
            user=user,
            kind=kind,
            before=before,
            proposed=proposed,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        if kind == AccountChange.Kind.CHANGE:
            queue_message(
                key=f"account-change:{change.pk}",
                template=CHANGE_TEMPLATE,
                channel="email",
                user=user,
                context={
                    "authority": settings.AUTHORITY_NAME,
                    "service": settings.SERVICE_NAME,
                    "name": user.first_name or user.username,
                    "username": user.username,
                    "what": ", ".join(LABELS[key].lower() for key in result.held),
                },
            )
    return change


def submit(actor: User, user: User, proposed: dict[str, Any]) -> AccountChange | None:
    """An edit outside a model form: the immediate part is saved, the rest is held."""
    result = review(actor, user, proposed)
    with transaction.atomic():
        apply_values(user, result.immediate)
        return hold(actor, user, result)


def new_account_made(actor: User, user: User) -> AccountChange | None:
    """After an admin made an account. One that can see children cannot sign in until a SEND
    manager approves it; then (or at once, for other roles) it is sent a link to set a password.
    The password the admin may have typed is never usable."""
    with transaction.atomic():
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if not sees_children(user.role):
            if user.email:
                invite(user, by=actor)
            return None
        wanted = {**account_state(user), "is_active": True}
        user.is_active = False
        user.save(update_fields=["is_active"])
        before = account_state(user)
        return hold(actor, user, Review(before=before, proposed=wanted, held=wanted), kind="new")


def may_decide(manager: User, change: AccountChange) -> str:
    """Why `manager` may not decide the change, or "" if they may."""
    if not (manager.is_authenticated and manager.is_active and manager.role == Role.SEND_MANAGER):
        return "Only a SEND team manager can approve changes to accounts"
    if manager.pk == change.user_id:
        return "You cannot approve a change to your own account: ask another SEND team manager"
    if manager.pk == change.requested_by_id:
        return "You asked for this change, so another SEND team manager must approve it"
    if change.status != AccountChange.Status.PENDING:
        return "This change has already been decided"
    return ""


def approve(manager: User, change: AccountChange) -> AccountChange:
    with transaction.atomic():
        change = AccountChange.objects.select_for_update().get(pk=change.pk)
        refusal = may_decide(manager, change)
        if refusal:
            raise AccountRuleBroken(refusal)
        user = change.user
        apply_values(user, change.proposed)
        change.status = AccountChange.Status.APPROVED
        change.decided_by = manager
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        if change.kind == AccountChange.Kind.NEW and user.email:
            invite(user, by=manager)
    return change


def reject(manager: User, change: AccountChange, reason: str) -> AccountChange:
    with transaction.atomic():
        change = AccountChange.objects.select_for_update().get(pk=change.pk)
        refusal = may_decide(manager, change)
        if refusal:
            raise AccountRuleBroken(refusal)
        change.status = AccountChange.Status.REJECTED
        change.decided_by = manager
        change.decided_at = timezone.now()
        change.reason = reason
        change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return change


def send_password_reset(actor: User, user: User) -> None:
    """A single-use link to the address the account already has, instead of a password an
    administrator would know."""
    if not user.email:
        raise AccountRuleBroken(f"{user.username} has no email address to send a link to")
    with transaction.atomic():
        invite(user, by=actor, template=RESET_TEMPLATE)


def remove_authenticator(user: User) -> int:
    """Removes the user's authenticator app and recovery codes: they set up a new app at their
    next sign-in. One row at a time, so each removal is in the audit trail."""
    removed = 0
    with transaction.atomic():
        for device in [
            *TOTPDevice.objects.filter(user=user),
            *StaticDevice.objects.filter(user=user),
        ]:
            device.delete()
            removed += 1
    return removed


# Invitations for new staff accounts ----------------------------------------------------------


def invitation_days() -> int:
    return int(getattr(settings, "INVITATION_DAYS", 7))


def invite(user: User, *, by: User | None = None, template: str = INVITATION_TEMPLATE):
    """Make a single-use link for a new account (or, with the password reset template, an
    existing one) and queue the email that carries it, in the caller's transaction. Earlier
    links for the same person stop working."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=hash_token(token),
        created_by=by if getattr(by, "pk", None) else None,
        created_at=now,
        expires_at=now + datetime.timedelta(days=invitation_days()),
    )
    base = getattr(settings, "SERVICE_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    try:
        where = reverse("invitation", args=[token])
    except NoReverseMatch:  # the page's URLs not included yet: the path they will have
        where = f"/invitations/{token}/"
    link = urljoin(base.rstrip("/") + "/", where.lstrip("/"))
    queue_message(
        key=f"invitation:{invitation.pk}",
        template=template,
        channel="email",
        user=user,
        context={
            "authority": settings.AUTHORITY_NAME,
            "service": settings.SERVICE_NAME,
            "name": user.first_name or user.username,
            "username": user.username,
            "link": link,
            "expires": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y"),
        },
    )
    return invitation, token


def accept_invitation(token: str, password: str) -> User | None:
    """Set the person's password and use the link up, once: two submissions at the same time
    set it once. The link is removed from the queued email's record as well."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None or not invitation.is_usable or not invitation.user.is_active:
            return None
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        for message in OutboxMessage.objects.filter(idempotency_key=f"invitation:{invitation.pk}"):
            message.context = {**message.context, "link": ""}
            message.save(update_fields=["context"])
    return user
