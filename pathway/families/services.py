"""Writes for families following their child's referral (issue 21): linking a confirmed contact,
ending links, blocking family access, sign-in links and one-time codes, and texts when
something changes.

A family member is linked to a child only from a contact the setting or the SEND team
confirmed, with parental responsibility and no do-not-contact or court order flag, and only by
a member of staff who is recorded. Never from a matching phone number or name: a member of
staff may add a second child to a member who already follows one, but only by choosing them.

The link's token and the code are kept only as keyed hashes; the outbox keeps their words
only until they have done their job (`_forget_secrets`)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from earlyyears.access import open_family_links
from earlyyears.messaging.services import queue_message
from earlyyears.models import (
    Child,
    FamilyAccessBlock,
    FamilyContact,
    FamilyLink,
    FamilyMember,
    OutboxMessage,
    User,
)
from pathway.models import FamilySignInCode, FamilySignInLink

LINK_DAYS = 28
CODE_MINUTES = 10
CODES_PER_WINDOW = 3
CODE_WINDOW_MINUTES = 15
WRONG_CODES_BEFORE_LOCK = 5
LOCK_MINUTES = 30
SHIPPED_MESSAGE_LANGUAGES = {"en", "cy", "pl"}
REMOVED = "[removed once used: sign-in details are not kept]"


class FamilyError(Exception):
    """Something a member of staff asked for that the rules do not allow; the message says why."""


def send_team_phone() -> str:
    return getattr(settings, "SEND_TEAM_PHONE", "") or "0300 123 4567"


def base_url() -> str:
    return (
        getattr(settings, "SERVICE_BASE_URL", "")
        or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
        or "http://127.0.0.1:8000"
    ).rstrip("/")


def hash_token(token: str) -> str:
    return salted_hmac("pathway.families.link", token, algorithm="sha256").hexdigest()


def hash_code(link_id: int, code: str) -> str:
    return salted_hmac("pathway.families.code", f"{link_id}:{code}", algorithm="sha256").hexdigest()


def why_not_linkable(contact: FamilyContact) -> str:
    """Why this contact may not follow the child online, or "" if they may."""
    if not contact.is_confirmed:
        return "Their details have not been checked yet"
    if not contact.has_parental_responsibility:
        return "They do not have parental responsibility"
    if contact.do_not_contact:
        return "They are marked do not contact"
    if contact.court_order:
        return "A court order restricts what they may be told"
    if not contact.mobile_phone:
        return "There is no confirmed mobile number for the sign-in code"
    if not contact.sms_consent or contact.sms_opted_out_at:
        return "They have not agreed to text messages"
    if contact.child.is_merged:
        return "This record was merged into another"
    return ""


# --- Links between family members and children (the SEND team) -------------------------------


def link_contact(
    contact: FamilyContact, *, by: User, member: FamilyMember | None = None
) -> FamilyLink:
    """Let a confirmed contact follow their child online. `member`: a family member a member of
    staff chose because they already follow another child (same person, same mobile)."""
    problem = why_not_linkable(contact)
    if problem:
        raise FamilyError(problem)
    with transaction.atomic():
        if member is None:
            member = FamilyMember.objects.create(
                name=contact.name,
                mobile_phone=contact.mobile_phone,
                email=contact.email,
                preferred_language=contact.preferred_language,
            )
        elif member.mobile_phone != contact.mobile_phone:
            raise FamilyError("That family member has a different mobile number")
        existing = FamilyLink.objects.filter(
            member=member, child=contact.child, ended_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        return FamilyLink.objects.create(
            member=member, child=contact.child, contact=contact, confirmed_by=by
        )


def end_link(link: FamilyLink, *, by: User, reason: str) -> None:
    FamilyLink.objects.filter(pk=link.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=by, end_reason=reason[:200]
    )


def block_family_access(child: Child, *, by: User, reason: str) -> FamilyAccessBlock:
    reason = (reason or "").strip()
    if not reason:
        raise FamilyError("Enter why family access is blocked")
    existing = FamilyAccessBlock.objects.filter(child=child, lifted_at__isnull=True).first()
    return existing or FamilyAccessBlock.objects.create(child=child, reason=reason, blocked_by=by)


def lift_block(child: Child, *, by: User) -> int:
    return FamilyAccessBlock.objects.filter(child=child, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=by
    )


# --- Sign-in links and codes ------------------------------------------------------------------


def message_language(member: FamilyMember) -> str:
    return member.preferred_language


def send_sign_in_link(link: FamilyLink, *, by: User | None) -> tuple[FamilySignInLink, str]:
    """A new sign-in link by text to the confirmed mobile of the contact the link was made
    from. It replaces the member's earlier links (a lost phone): they stop working at once."""
    contact = link.contact
    problem = why_not_linkable(contact)
    if problem:
        raise FamilyError(problem)
    if not open_family_links(link.member_id).filter(pk=link.pk).exists():
        raise FamilyError("This family member no longer has access to this child")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        old = list(
            FamilySignInLink.objects.filter(
                member_id=link.member_id, replaced_at__isnull=True
            ).values_list("pk", flat=True)
        )
        FamilySignInLink.objects.filter(pk__in=old).update(replaced_at=now)
        _forget_secrets(link_ids=old)
        sign_in = FamilySignInLink.objects.create(
            member_id=link.member_id,
            contact=contact,
            token_hash=hash_token(token),
            sent_to=contact.mobile_phone,
            created_by=by,
            expires_at=now + datetime.timedelta(days=LINK_DAYS),
        )
        context = {
            "authority": settings.AUTHORITY_NAME,
            "link": base_url() + reverse("family-link", kwargs={"token": token}),
            "days": LINK_DAYS,
            "phone": send_team_phone(),
        }
        queue_message(
            key=f"family-link:{sign_in.pk}",
            template="family_sign_in_link",
            context=context,
            contact=contact,
            child=contact.child,
            language=message_language(link.member),
        )
        if contact.email:  # and by email where there is one (the code still goes by text)
            queue_message(
                key=f"family-link-email:{sign_in.pk}",
                template="family_sign_in_link",
                channel=OutboxMessage.Channel.EMAIL,
                context=context,
                contact=contact,
                child=contact.child,
                language=message_language(link.member),
            )
    return sign_in, token


@dataclass(frozen=True)
class LinkState:
    link: FamilySignInLink | None
    problem: str = ""  # "", "unknown", "expired", "replaced", "no_access", "locked"


def link_state(token: str, now: datetime.datetime | None = None) -> LinkState:
    """What opening a sign-in link finds, read from the database each time."""
    now = now or timezone.now()
    link = (
        FamilySignInLink.objects.select_related("member", "contact")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    return state_of(link, now)


def state_of(link: FamilySignInLink | None, now: datetime.datetime | None = None) -> LinkState:
    now = now or timezone.now()
    if link is None:
        return LinkState(None, "unknown")
    if link.replaced_at is not None:
        return LinkState(link, "replaced")
    if link.expires_at <= now:
        return LinkState(link, "expired")
    contact_ok = not why_not_linkable(link.contact) and link.contact.mobile_phone == link.sent_to
    if not contact_ok or not open_family_links(link.member_id).exists():
        return LinkState(link, "no_access")
    if link.locked_until and link.locked_until > now:
        return LinkState(link, "locked")
    return LinkState(link)


def codes_left(link: FamilySignInLink, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=CODE_WINDOW_MINUTES)
    return max(0, CODES_PER_WINDOW - link.codes.filter(created_at__gt=since).count())


def send_code(link: FamilySignInLink) -> FamilySignInCode | None:
    """A new one-time code by text to the number the link was sent to, or None when the link
    has had its share of codes for now (rate limit). Earlier codes stop working."""
    now = timezone.now()
    with transaction.atomic():
        locked = FamilySignInLink.objects.select_for_update().get(pk=link.pk)
        if state_of(locked, now).problem or codes_left(locked, now) <= 0:
            return None
        code = f"{secrets.randbelow(1_000_000):06d}"
        earlier = list(locked.codes.filter(used_at__isnull=True).values_list("pk", flat=True))
        locked.codes.filter(pk__in=earlier).update(used_at=now)
        _forget_secrets(code_ids=earlier)
        row = FamilySignInCode.objects.create(
            link=locked,
            code_hash=hash_code(locked.pk, code),
            sent_to=locked.sent_to,
            expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
        )
        queue_message(
            key=f"family-code:{row.pk}",
            template="family_sign_in_code",
            context={
                "authority": settings.AUTHORITY_NAME,
                "code": code,
                "phone": send_team_phone(),
            },
            contact=locked.contact,
            child=locked.contact.child,
            language=message_language(locked.member),
        )
    return row


@dataclass(frozen=True)
class CodeResult:
    ok: bool
    problem: str = ""  # "locked", "expired", "used", "wrong", "none", or a link problem
    tries_left: int = 0


def check_code(link: FamilySignInLink, typed: str) -> CodeResult:
    """Compare the typed code with the newest code sent, in constant time. Five wrong codes
    lock the link for LOCK_MINUTES. A right code is used once: a second use fails."""
    typed = "".join(ch for ch in (typed or "") if ch.isdigit())
    now = timezone.now()
    with transaction.atomic():
        locked = (
            FamilySignInLink.objects.select_for_update().select_related("contact").get(pk=link.pk)
        )
        state = state_of(locked, now)
        if state.problem:
            return CodeResult(False, state.problem)
        code = locked.codes.order_by("-created_at", "-pk").first()
        if code is None:
            return CodeResult(False, "none")
        matches = constant_time_compare(code.code_hash, hash_code(locked.pk, typed))
        if matches and code.used_at is not None:
            return CodeResult(False, "used")
        if matches and code.expires_at <= now:
            return CodeResult(False, "expired")
        if matches:
            used = FamilySignInCode.objects.filter(pk=code.pk, used_at__isnull=True).update(
                used_at=now
            )
            if not used:
                return CodeResult(False, "used")
            FamilySignInLink.objects.filter(pk=locked.pk).update(failed_codes=0, last_used_at=now)
            _forget_secrets(code_ids=[code.pk])
            return CodeResult(True)
        failed = locked.failed_codes + 1
        if failed >= WRONG_CODES_BEFORE_LOCK:
            FamilySignInLink.objects.filter(pk=locked.pk).update(
                failed_codes=0, locked_until=now + datetime.timedelta(minutes=LOCK_MINUTES)
            )
            return CodeResult(False, "locked")
        FamilySignInLink.objects.filter(pk=locked.pk).update(failed_codes=F("failed_codes") + 1)
        return CodeResult(False, "wrong", WRONG_CODES_BEFORE_LOCK - failed)


def _forget_secrets(*, link_ids: list[int] = (), code_ids: list[int] = ()) -> None:
    """Take a used or replaced code or link out of the outbox's copy of the words (the message
    log and the subject access record keep that a message was sent, not how to get in)."""
    keys = [f"family-link:{pk}" for pk in link_ids] + [f"family-code:{pk}" for pk in code_ids]
    keys += [f"family-link-email:{pk}" for pk in link_ids]
    if keys:
        OutboxMessage.objects.filter(idempotency_key__in=keys).exclude(
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
        ).update(context={}, body=REMOVED)


# --- What a family member does --------------------------------------------------------------


def record_view(member_id: int, child: Child) -> None:
    """When the family last looked, for the SEND team (the audit trail has every look)."""
    now = timezone.now()
    FamilyLink.objects.filter(member_id=member_id, child=child, ended_at__isnull=True).update(
        last_viewed_at=now
    )
    FamilyMember.objects.filter(pk=member_id).update(last_seen_at=now)


def set_preferences(member_id: int, *, fewer_texts: bool, language: str) -> None:
    FamilyMember.objects.filter(pk=member_id).update(
        fewer_texts=fewer_texts, preferred_language=language
    )


# --- Telling families when something changes ------------------------------------------------

UPDATE_TEMPLATES = {
    "decision": "family_update_decision",
    "meeting": "family_update_meeting",
    "question": "family_update_question",
}


def tell_families(child: Child, kind: str, key: str, date: datetime.date | None = None) -> int:
    """A text to each family member following the child: what kind of thing changed, never
    what it says (no health details). A member who chose fewer texts hears about decisions
    only. Written in the caller's transaction; sent after it commits."""
    from django.utils import formats, translation

    sent = 0
    links = open_family_links().filter(child=child).select_related("member", "contact")
    for link in links:
        member = link.member
        if member.fewer_texts and kind != "decision":
            continue
        day = ""
        if date is not None:
            language = member.preferred_language
            with translation.override(language if language in SHIPPED_MESSAGE_LANGUAGES else "en"):
                day = formats.date_format(date, "j E Y")
        queue_message(
            key=f"family-update:{kind}:{key}:{member.pk}",
            template=UPDATE_TEMPLATES[kind],
            context={
                "authority": settings.AUTHORITY_NAME,
                "url": base_url() + reverse("family-home"),
                "phone": send_team_phone(),
                "date": day,
            },
            contact=link.contact,
            child=child,
            language=member.preferred_language,
        )
        sent += 1
    return sent
