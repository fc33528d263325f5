"""Ending accounts, closing dormant ones, and the quarterly access review.

- `end_account` switches an account off at once (never held for approval: it is how access
  ends) and ends every session it has, so a leaver signed in somewhere is signed out at their
  next click, not when their session would have expired.
- `close_dormant_accounts` (daily, Celery beat) emails a local account that has not signed in
  for DORMANT_ACCOUNT_DAYS less DORMANT_NOTICE_DAYS, and closes it once the notice is that old
  and it still has not signed in. Accounts that sign in through the council's provider are the
  provider's to close (its leavers process), so they are not counted here.
- `start_review` builds the checklist of everyone who can see children or change accounts;
  the SEND manager keeps or ends each person and completes the review when all are decided.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..messaging.services import queue_message
from ..models import (
    AccessReview,
    AccessReviewEntry,
    AccountEnding,
    OutboxMessage,
    Role,
    SettingMembership,
    User,
)
from ..roles import CHILD_ROLES

DORMANT_NOTICE_TEMPLATE = "account_dormant_notice"
DORMANT_CLOSED_TEMPLATE = "account_closed_dormant"
REVIEW_DUE_TEMPLATE = "access_review_due"


class ReviewRuleBroken(Exception):
    """A decision the rules refuse; the message says why in plain words."""


# Ending an account ---------------------------------------------------------------------------


def end_sessions(user: User) -> int:
    """Deletes every stored session signed in as `user`. Sessions are read one by one (Django
    keeps no index by user); an ended account is also refused by the authentication backends at
    the next request, whatever the session store."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def end_account(actor: User | None, user: User, reason: str, note: str = "") -> AccountEnding:
    if actor is not None and actor.pk == user.pk:
        raise ReviewRuleBroken("You cannot end your own account: ask another SEND team manager")
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        ending = AccountEnding.objects.create(
            user=user, reason=reason, note=note[:500], ended_by=actor
        )
        ending.sessions_ended = end_sessions(user)
        ending.save(update_fields=["sessions_ended"])
    return ending


# Dormant local accounts ----------------------------------------------------------------------


def dormant_days() -> int:
    return int(settings.DORMANT_ACCOUNT_DAYS)


def notice_days() -> int:
    return int(settings.DORMANT_NOTICE_DAYS)


def _local_active_accounts():
    return (
        get_user_model()
        .objects.filter(is_active=True, oidcidentity__isnull=True)
        .annotate(last_active=Coalesce("last_login", "date_joined"))
    )


def _notice_key(user: User) -> str:
    return f"dormant-notice:{user.pk}:{user.last_active:%Y%m%d%H%M%S}"


def close_dormant_accounts(now: datetime.datetime | None = None) -> dict[str, int]:
    """Notices first, then closures for accounts whose notice is old enough. Idempotent: the
    notice's key names the last sign-in, so it is sent once for each spell of not signing in."""
    now = now or timezone.now()
    days, notice = dormant_days(), notice_days()
    noticed = closed = 0
    warn_before = now - datetime.timedelta(days=days - notice)
    for user in _local_active_accounts().filter(last_active__lte=warn_before):
        key = _notice_key(user)
        with transaction.atomic():
            message = OutboxMessage.objects.filter(idempotency_key=key).first()
            if message is None:
                closes_on = timezone.localtime(now + datetime.timedelta(days=notice))
                queue_message(
                    key=key,
                    template=DORMANT_NOTICE_TEMPLATE,
                    channel="email",
                    user=user,
                    context={
                        "authority": settings.AUTHORITY_NAME,
                        "service": settings.SERVICE_NAME,
                        "name": user.first_name or user.username,
                        "username": user.username,
                        "days": days,
                        "closes": f"{closes_on.day} {closes_on:%B %Y}",
                    },
                )
                noticed += 1
                continue
            idle_enough = user.last_active <= now - datetime.timedelta(days=days)
            if idle_enough and message.created_at <= now - datetime.timedelta(days=notice):
                end_account(None, user, AccountEnding.Reason.DORMANT)
                queue_message(
                    key=f"dormant-closed:{user.pk}:{user.last_active:%Y%m%d%H%M%S}",
                    template=DORMANT_CLOSED_TEMPLATE,
                    channel="email",
                    user=user,
                    context={
                        "authority": settings.AUTHORITY_NAME,
                        "service": settings.SERVICE_NAME,
                        "name": user.first_name or user.username,
                        "username": user.username,
                        "days": days,
                    },
                )
                closed += 1
    return {"noticed": noticed, "closed": closed}


# The quarterly access review -----------------------------------------------------------------


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def reviewed_people():
    """Everyone who can see children, or give someone access (Django admin users)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(role__in=CHILD_ROLES) | Q(is_staff=True) | Q(is_superuser=True))
        .annotate(
            caseload_size=Count("caseload_memberships", distinct=True),
            council=Count("oidcidentity", distinct=True),
        )
        .order_by("first_name", "last_name", "username")
    )


def _settings_words(user_ids: list[int]) -> dict[int, str]:
    words: dict[int, list[str]] = {}
    for membership in SettingMembership.objects.filter(user_id__in=user_ids).select_related(
        "setting"
    ):
        senco = " (SENCO)" if membership.is_senco else ""
        words.setdefault(membership.user_id, []).append(f"{membership.setting.name}{senco}")
    return {pk: "; ".join(sorted(names)) for pk, names in words.items()}


def start_review(manager: User, today: datetime.date | None = None) -> AccessReview:
    """The checklist, built from the accounts as they are now. One open review at a time."""
    if manager.role != Role.SEND_MANAGER:
        raise ReviewRuleBroken("Only a SEND team manager can review access")
    today = today or timezone.localdate()
    with transaction.atomic():
        open_review = AccessReview.objects.filter(completed_at__isnull=True).first()
        if open_review is not None:
            return open_review
        review = AccessReview.objects.create(quarter_start=quarter_start(today), started_by=manager)
        people = list(reviewed_people())
        held = _settings_words([person.pk for person in people])
        AccessReviewEntry.objects.bulk_create(
            AccessReviewEntry(
                review=review,
                user=person,
                name=person.get_full_name() or person.username,
                username=person.username,
                role=person.role,
                settings_held=held.get(person.pk, ""),
                caseload=person.caseload_size,
                council_sign_in=bool(person.council),
                last_sign_in=person.last_login,
            )
            for person in people
        )
    return review


def decide(manager: User, entry: AccessReviewEntry, decision: str) -> AccessReviewEntry:
    """Keep or end one person. Ending is at once (their sessions too)."""
    if decision not in (AccessReviewEntry.Decision.KEEP, AccessReviewEntry.Decision.END):
        raise ReviewRuleBroken("Select whether to keep or end this person's account")
    with transaction.atomic():
        entry = (
            AccessReviewEntry.objects.select_for_update().select_related("review").get(pk=entry.pk)
        )
        if entry.review.completed_at:
            raise ReviewRuleBroken("This review is finished: start a new one to change access")
        if decision == AccessReviewEntry.Decision.END:
            if entry.user_id == manager.pk:
                raise ReviewRuleBroken(
                    "You cannot end your own account: ask another SEND team manager"
                )
            if entry.user is not None:
                end_account(manager, entry.user, AccountEnding.Reason.REVIEW)
        entry.decision = decision
        entry.decided_by = manager
        entry.decided_at = timezone.now()
        entry.save(update_fields=["decision", "decided_by", "decided_at"])
    return entry


def complete(manager: User, review: AccessReview) -> AccessReview:
    with transaction.atomic():
        review = AccessReview.objects.select_for_update().get(pk=review.pk)
        if review.completed_at:
            return review
        if review.entries.filter(decision=AccessReviewEntry.Decision.PENDING).exists():
            raise ReviewRuleBroken("Decide about everyone on the list before finishing the review")
        review.completed_at = timezone.now()
        review.completed_by = manager
        review.save(update_fields=["completed_at", "completed_by"])
    return review


def remind_review_due(today: datetime.date | None = None) -> int:
    """From the first day of a quarter, each SEND manager is emailed once that the quarter's
    review is due, unless one has been completed since the quarter began."""
    today = today or timezone.localdate()
    start = quarter_start(today)
    if AccessReview.objects.filter(completed_at__isnull=False, quarter_start__gte=start).exists():
        return 0
    sent = 0
    managers = get_user_model().objects.filter(role=Role.SEND_MANAGER, is_active=True)
    with transaction.atomic():
        for manager in managers:
            key = f"access-review-due:{start:%Y-%m}:{manager.pk}"
            if OutboxMessage.objects.filter(idempotency_key=key).exists():
                continue
            queue_message(
                key=key,
                template=REVIEW_DUE_TEMPLATE,
                channel="email",
                user=manager,
                context={
                    "authority": settings.AUTHORITY_NAME,
                    "service": settings.SERVICE_NAME,
                    "name": manager.first_name or manager.username,
                    "quarter": f"{start:%B %Y}",
                },
            )
            sent += 1
    return sent
