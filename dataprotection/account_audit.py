"""Every change to a staff account, through any admin or any code, in the audit trail.

Accounts decide who sees children, so a change of email, role, group, permission, setting,
caseload or authenticator is an `AccessEvent` (action "account") the SEND manager can search.
Receivers of Django's model signals write them, so Django's admin, Wagtail's admin, imports and
management commands are all covered without each knowing about the audit trail (earlyyears
must not import this app). The request being served names who did it.

Only changes made while serving a request are written: that is every admin, and every page of
the service. Code run without one (tests' factories, the demo data, management commands, which
need a shell on the server) is not, so the trail holds people's actions rather than set-up.
Bulk imports are recorded by the import audit as well (`ImportExportAudit`).
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyyears.models import (
    AccessReview,
    AccessReviewEntry,
    AccountChange,
    AccountEnding,
    CaseloadMembership,
    Invitation,
    OIDCIdentity,
    Role,
    SettingMembership,
    User,
)

from .audit import USER_AGENT_LENGTH, client_ip
from .models import AccessEvent

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_current_request", default=None
)

# Fields of an account worth a line in the trail; the password is named, never shown.
WATCHED = (
    "username",
    "email",
    "role",
    "is_active",
    "is_staff",
    "is_superuser",
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "mobile_phone",
    "password",
)
SNAPSHOT = "_audit_snapshot"


def _shown(field: str, value: Any) -> str:
    if field == "role":
        return Role(value).label if value in Role.values else str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value not in ("", None) else "blank"


def write(subject_id: int | None, detail: str, child_id: int | None = None) -> None:
    """One account event, done by the user of the current request (or the system)."""
    request = current_request.get()
    if request is None:
        return
    actor = getattr(request, "user", None)
    signed_in = actor is not None and actor.is_authenticated
    match = getattr(request, "resolver_match", None)
    AccessEvent(
        user_id=actor.pk if signed_in else None,
        username=actor.get_username() if signed_in else "not signed in",
        role=(getattr(actor, "role", "") or "") if signed_in else "",
        action=AccessEvent.Action.ACCOUNT,
        method=request.method or "",
        path=request.path[:500],
        url_name=((match.url_name or "") if match else "")[:100],
        child_id=child_id,
        object_type="earlyyears.user" if subject_id else "auth.group",
        object_id=str(subject_id or ""),
        status_code=0,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
        detail=detail[:500],
    ).save()


def _snapshot_user(sender, instance: User, update_fields=None, **kwargs) -> None:
    if current_request.get() is None or instance.pk is None:
        return
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    setattr(
        instance,
        SNAPSHOT,
        User.objects.filter(pk=instance.pk).values(*WATCHED).first(),
    )


def _user_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    if created:
        write(
            instance.pk,
            f"Account {instance.username} made: role {_shown('role', instance.role)}, "
            f"email {_shown('email', instance.email)}",
        )
        return
    before = instance.__dict__.pop(SNAPSHOT, None)
    if before is None:
        return
    changes = []
    for field in WATCHED:
        old, new = before[field], getattr(instance, field)
        if old == new:
            continue
        if field == "password":
            changes.append("password changed")
        else:
            changes.append(
                f"{field.replace('_', ' ')} {_shown(field, old)} to {_shown(field, new)}"
            )
    if changes:
        write(instance.pk, f"Account {instance.username} changed: " + "; ".join(changes))


def _user_deleted(sender, instance: User, **kwargs) -> None:
    write(instance.pk, f"Account {instance.username} deleted")


def _names(model, pks) -> str:
    return ", ".join(sorted(str(item) for item in model.objects.filter(pk__in=pks or ())))


def _user_groups_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs):
    """Both directions: a user's groups, and a group's users (Wagtail's "Assign role")."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    verb = "added to" if action == "post_add" else "removed from"
    if reverse:
        users = User.objects.filter(pk__in=pk_set or ())
        for user in users:
            write(user.pk, f"Account {user.username} {verb} group {instance.name}")
        return
    if action == "pre_clear":
        pk_set = set(instance.groups.values_list("pk", flat=True))
    if pk_set:
        write(instance.pk, f"Account {instance.username} {verb} groups: {_names(Group, pk_set)}")


def _user_permissions_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    verb = {"post_add": "given", "post_remove": "lost", "post_clear": "lost every"}[action]
    users = User.objects.filter(pk__in=pk_set or ()) if reverse else [instance]
    for user in users:
        what = f"permission {instance}" if reverse else f"permissions {len(pk_set or ())}"
        write(user.pk, f"Account {user.username} {verb} {what}")


def _group_changed(sender, instance: Group, created: bool = False, **kwargs) -> None:
    verb = "made" if created else ("deleted" if kwargs.get("signal") is post_delete else "saved")
    write(None, f"Group {instance.name} {verb}")


def _group_permissions_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        write(None, f"Group {instance.name} permissions changed ({action.removeprefix('post_')})")


def _membership_saved(sender, instance: SettingMembership, created: bool, **kwargs) -> None:
    senco = " as SENCO" if instance.is_senco else ""
    verb = "added to" if created else "updated at"
    write(instance.user_id, f"Account {instance.user} {verb} setting {instance.setting}{senco}")


def _membership_deleted(sender, instance: SettingMembership, **kwargs) -> None:
    write(
        instance.user_id, f"Account {instance.user_id} removed from setting {instance.setting_id}"
    )


def _caseload_saved(sender, instance: CaseloadMembership, created: bool, **kwargs) -> None:
    if created:
        write(instance.portage_worker_id, "Child added to a portage caseload", instance.child_id)


def _caseload_deleted(sender, instance: CaseloadMembership, **kwargs) -> None:
    write(instance.portage_worker_id, "Child taken off a portage caseload", instance.child_id)


def _snapshot_device(sender, instance, **kwargs) -> None:
    if instance.pk is not None and current_request.get() is not None:
        instance._audit_confirmed = (
            sender.objects.filter(pk=instance.pk).values_list("confirmed", flat=True).first()
        )


def _device_saved(sender, instance, created: bool, **kwargs) -> None:
    was = instance.__dict__.pop("_audit_confirmed", None)
    if instance.confirmed and (created or was is False):
        write(instance.user_id, f"{instance.name} set up for account {instance.user_id}")


def _device_deleted(sender, instance, **kwargs) -> None:
    if instance.confirmed:
        write(instance.user_id, f"{instance.name} removed from account {instance.user_id}")


def _invitation_saved(sender, instance: Invitation, created: bool, **kwargs) -> None:
    if created:
        write(instance.user_id, "Link to set a password sent")
    elif instance.used_at:
        write(instance.user_id, "Password set from a link")


def _account_change_saved(sender, instance: AccountChange, created: bool, **kwargs) -> None:
    what = ", ".join(instance.proposed)
    if created:
        write(
            instance.user_id,
            f"{instance.get_kind_display()} asked for ({what}): waits for approval",
        )
    else:
        write(
            instance.user_id,
            f"{instance.get_kind_display()} ({what}): {instance.get_status_display().lower()}",
        )


def _identity_saved(sender, instance: OIDCIdentity, created: bool, **kwargs) -> None:
    if created:
        write(instance.user_id, f"Council sign-in linked to account {instance.user}")


def _identity_deleted(sender, instance: OIDCIdentity, **kwargs) -> None:
    write(instance.user_id, f"Council sign-in unlinked from account {instance.user_id}")


def _system_write(subject_id: int, detail: str) -> None:
    """An account event done by the service itself (the dormant-account job): no request."""
    AccessEvent(
        username="the service",
        action=AccessEvent.Action.ACCOUNT,
        object_type="earlyyears.user",
        object_id=str(subject_id),
        status_code=0,
        detail=detail[:500],
    ).save()


def _ending_saved(sender, instance: AccountEnding, created: bool, **kwargs) -> None:
    if not created:
        return
    detail = f"Account {instance.user} ended: {instance.get_reason_display().lower()}"
    if current_request.get() is None:
        _system_write(instance.user_id, detail)
    else:
        write(instance.user_id, detail)


def _review_entry_saved(sender, instance: AccessReviewEntry, created: bool, **kwargs) -> None:
    if not created and instance.decision != AccessReviewEntry.Decision.PENDING:
        write(
            instance.user_id,
            f"Access review from {instance.review.quarter_start:%d/%m/%Y}: "
            f"{instance.get_decision_display().lower()} for {instance.username}",
        )


def _review_saved(sender, instance: AccessReview, created: bool, **kwargs) -> None:
    verb = "started" if created else ("finished" if instance.completed_at else "saved")
    write(None, f"Access review from {instance.quarter_start:%d/%m/%Y} {verb}")


def connect() -> None:
    """Called once from the app's ready(); dispatch_uid keeps a second call harmless."""
    uid = "dataprotection.account_audit."
    pre_save.connect(_snapshot_user, sender=User, dispatch_uid=uid + "user-pre")
    post_save.connect(_user_saved, sender=User, dispatch_uid=uid + "user")
    post_delete.connect(_user_deleted, sender=User, dispatch_uid=uid + "user-delete")
    m2m_changed.connect(
        _user_groups_changed, sender=User.groups.through, dispatch_uid=uid + "groups"
    )
    m2m_changed.connect(
        _user_permissions_changed, sender=User.user_permissions.through, dispatch_uid=uid + "perms"
    )
    post_save.connect(_group_changed, sender=Group, dispatch_uid=uid + "group")
    post_delete.connect(_group_changed, sender=Group, dispatch_uid=uid + "group-delete")
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid=uid + "group-perms",
    )
    post_save.connect(_membership_saved, sender=SettingMembership, dispatch_uid=uid + "member")
    post_delete.connect(
        _membership_deleted, sender=SettingMembership, dispatch_uid=uid + "member-d"
    )
    post_save.connect(_caseload_saved, sender=CaseloadMembership, dispatch_uid=uid + "caseload")
    post_delete.connect(
        _caseload_deleted, sender=CaseloadMembership, dispatch_uid=uid + "caseload-d"
    )
    for device in (TOTPDevice, StaticDevice):
        name = device.__name__
        pre_save.connect(_snapshot_device, sender=device, dispatch_uid=uid + name + "-pre")
        post_save.connect(_device_saved, sender=device, dispatch_uid=uid + name)
        post_delete.connect(_device_deleted, sender=device, dispatch_uid=uid + name + "-delete")
    post_save.connect(_invitation_saved, sender=Invitation, dispatch_uid=uid + "invitation")
    post_save.connect(_account_change_saved, sender=AccountChange, dispatch_uid=uid + "change")
    post_save.connect(_identity_saved, sender=OIDCIdentity, dispatch_uid=uid + "oidc")
    post_save.connect(_ending_saved, sender=AccountEnding, dispatch_uid=uid + "ending")
    post_save.connect(_review_saved, sender=AccessReview, dispatch_uid=uid + "review")
    post_save.connect(
        _review_entry_saved, sender=AccessReviewEntry, dispatch_uid=uid + "review-entry"
    )
    post_delete.connect(_identity_deleted, sender=OIDCIdentity, dispatch_uid=uid + "oidc-d")
