"""Early help hand-off: the referral pack an early help coordinator receives when a referral is
routed to an Early Help Assessment, and the coordinator's acceptance and outcome.

Hand-offs are created by routing (pathway.services / pathway.casework). Everything here starts
from pathway.access.early_help_handoffs_for: the coordinator sees hand-offs and nothing else of
the child, so the family contacts in the pack are read through the hand-off, not through
earlyyears.access (which gives the coordinator no children).

The JSON export is a stable, versioned structure (PACK_SCHEMA, served at
/early-help/pack-schema.json): fields may be added in a minor change; renaming or removing a field
raises PACK_SCHEMA_VERSION.

The pack goes to another agency, so it obeys the safeguarding flags for everyone who opens or
downloads it, the SEND team included (earlyyears.safeguarding): a withheld postcode is left
out, every contact carries their flags, and a person marked do not contact or restricted by a
court order is listed without any way to reach them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from earlyyears.access import AnyUser
from earlyyears.models import FamilyContact, Role, User, display_name
from earlyyears.needs import BroadAreaOfNeed
from earlyyears.safeguarding import (
    WITHHELD,
    Flag,
    SharedContact,
    child_flags,
    contact_for_sharing,
    postcode_for_sharing,
)
from pathway.access import early_help_handoff_for, early_help_handoffs_for, is_send_team
from pathway.forms import EARLY_HELP_NEEDS
from pathway.models import (
    ConsentRecord,
    EarlyHelpHandoff,
    Referral,
    ReferralEvent,
    Route,
    ShareWith,
)
from pathway.pdf import Look, TaggedPDF, file_part, unicode_font
from pathway.routing import reason_sentences
from pathway.selectors import answer_sections
from pathway.timeline import record_event

Status = EarlyHelpHandoff.Status

# The list's three tabs: (key, label, statuses).
LIST_STATUSES = {
    "waiting": ("Waiting", (Status.AWAITING,)),
    "accepted": ("Accepted", (Status.ACCEPTED,)),
    "closed": ("Closed", (Status.DECLINED, Status.CLOSED)),
}
PAGE_SIZE = 50

# The sections of pathway.selectors.answer_sections that are about the family as a whole.
FAMILY_SECTIONS = ("Health and family", "The family's views")

PACK_SCHEMA_VERSION = "1.2"  # 1.2: routing_matches (reasons as data)


class EarlyHelpError(ValueError):
    """A response or outcome the hand-off's state does not allow; the message says why."""


def _event(referral: Referral, actor: User, summary: str, kind: str, **detail) -> None:
    record_event(referral, kind, actor, summary, **detail)


# Who may do what -----------------------------------------------------------------------------


def may_view(user: AnyUser) -> bool:
    """The early help coordinator and the SEND team read hand-offs."""
    return (
        user.is_authenticated and user.is_active and user.role == Role.EARLY_HELP_COORDINATOR
    ) or is_send_team(user)


def may_respond(user: AnyUser) -> bool:
    """Only the early help coordinator accepts, declines and records outcomes."""
    return user.is_authenticated and user.is_active and user.role == Role.EARLY_HELP_COORDINATOR


# Selectors ----------------------------------------------------------------------------------


@dataclass
class HandoffList:
    status: str
    counts: dict[str, int]
    page: Page
    tabs: list[dict[str, Any]] = field(default_factory=list)


def handoff_list(user: AnyUser, status: str = "waiting", page_number: Any = 1) -> HandoffList:
    """Hand-offs in one status group, oldest first, with the count of every group: three
    queries whatever the number of rows (counts, page count, page)."""
    if status not in LIST_STATUSES:
        status = "waiting"
    handoffs = early_help_handoffs_for(user)
    counts = handoffs.aggregate(
        **{
            key: Count("pk", filter=Q(status__in=statuses))
            for key, (_, statuses) in LIST_STATUSES.items()
        }
    )
    rows = (
        handoffs.filter(status__in=LIST_STATUSES[status][1])
        .select_related("referral", "referral__child", "referral__setting", "coordinator")
        .order_by("created_at", "pk")
    )
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = counts[status]  # known already: saves the COUNT query
    page = paginator.get_page(page_number)
    tabs = [
        {"key": key, "label": label, "count": counts[key], "active": key == status}
        for key, (label, _) in LIST_STATUSES.items()
    ]
    return HandoffList(status=status, counts=counts, page=page, tabs=tabs)


def family_contacts_of(handoff: EarlyHelpHandoff) -> QuerySet[FamilyContact]:
    """The family's contacts, which the coordinator may see because of the hand-off: callers
    reach the hand-off only through early_help_handoff_for. A contact the setting or the SEND
    team rejected as not the family's is left out."""
    return (
        FamilyContact.objects.filter(child_id=handoff.referral.child_id)
        .exclude(confirmation=FamilyContact.Confirmation.REJECTED)
        .order_by("-is_primary", "name", "pk")
    )


@dataclass
class Pack:
    """The referral pack: what the coordinator needs to contact the family and start."""

    handoff: EarlyHelpHandoff
    referral: Referral
    age_in_months: int
    age_description: str
    sections: list[dict[str, Any]]
    early_help: dict[str, Any] | None
    broad_areas: list[tuple[str, str]]
    share_with: list[tuple[str, str]]
    contacts: list[SharedContact]
    postcode: str
    child_flags: list[Flag]

    @property
    def consents_to_early_help(self) -> bool:
        return any(code == ShareWith.EARLY_HELP for code, _ in self.share_with)


def _early_help_answers(referral: Referral) -> dict[str, Any] | None:
    """The early help step of the concern (asked only when family circumstances are flagged);
    answer_sections does not show it, and it is the heart of the pack."""
    answers = (referral.answers or {}).get("early_help")
    if not answers:
        return None
    labels = dict(EARLY_HELP_NEEDS)
    return {
        "needs": [(code, labels.get(code, code)) for code in answers.get("needs") or []],
        "details": answers.get("details") or "",
        "family_agrees": answers.get("family_agrees"),
    }


def pack_for(user: AnyUser, referral_id: int, today: datetime.date | None = None) -> Pack:
    """The pack for one hand-off, or 404: three queries (hand-off with its referral, contacts,
    and what the family agrees to share now: the consent records, not the referral form's list,
    which a later change on the consent page supersedes)."""
    handoff = early_help_handoff_for(user, referral_id)
    referral = handoff.referral
    child = referral.child
    today = today or timezone.localdate()
    return Pack(
        handoff=handoff,
        referral=referral,
        age_in_months=child.age_in_months(today),
        age_description=child.age_description,
        sections=[s for s in answer_sections(referral) if s["title"] in FAMILY_SECTIONS],
        early_help=_early_help_answers(referral),
        broad_areas=[
            (code, BroadAreaOfNeed(code).label if code in BroadAreaOfNeed.values else code)
            for code in referral.broad_areas_of_need
        ],
        share_with=[
            (code, ShareWith(code).label)
            for code in sorted(
                ConsentRecord.objects.filter(
                    child=child, given=True, agency__in=ShareWith.values
                ).values_list("agency", flat=True),
                key=list(ShareWith.values).index,
            )
        ],
        contacts=[contact_for_sharing(contact) for contact in family_contacts_of(handoff)],
        postcode=postcode_for_sharing(child),
        child_flags=child_flags(child),
    )


def referral_section(user: AnyUser, referral: Referral) -> dict[str, Any]:
    """The hand-off's status on the referral page, for those who may see hand-offs."""
    if not may_view(user):
        return {}
    handoff = (
        early_help_handoffs_for(user)
        .filter(referral=referral)
        .select_related("coordinator")
        .first()
    )
    if handoff is None:
        return {}
    return {"handoff": handoff, "can_respond": may_respond(user)}


def record_view(pack: Pack, user: User, how: str) -> None:
    """Reading or downloading a pack with the family's contacts is recorded on the case."""
    _event(
        pack.referral,
        user,
        f"Early help referral pack {how} by {display_name(user)}",
        ReferralEvent.Kind.VIEWED,
    )


# The JSON export ------------------------------------------------------------------------------

_CODED = {
    "type": "object",
    "required": ["code", "label"],
    "properties": {"code": {"type": "string"}, "label": {"type": "string"}},
    "additionalProperties": False,
}
_DATE = {"type": ["string", "null"], "format": "date"}
_DATETIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": "string"}
_FLAGS = {
    "type": "array",
    "items": _CODED,
    "description": "Safeguarding flags set by the SEND team; handle the record accordingly.",
}

PACK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "early-help-referral-pack",
    "title": "Early help referral pack",
    "description": (
        "What an early help coordinator receives when a referral is routed to an Early Help "
        "Assessment. schema_version is MAJOR.MINOR: a minor change only adds optional fields."
    ),
    "type": "object",
    "required": [
        "schema",
        "schema_version",
        "generated_at",
        "authority",
        "referral",
        "child",
        "setting",
        "broad_areas_of_need",
        "answers",
        "early_help",
        "consent",
        "family_contacts",
        "handoff",
    ],
    "properties": {
        "schema": {"const": "early-help-referral-pack"},
        "schema_version": {"type": "string", "pattern": r"^\d+\.\d+$"},
        "generated_at": _DATETIME,
        "authority": _TEXT,
        "referral": {
            "type": "object",
            "required": ["reference", "submitted_at", "source", "routes", "routing_reasons"],
            "properties": {
                "reference": _TEXT,
                "submitted_at": _DATETIME,
                "source": _CODED,
                "routes": {"type": "array", "items": _CODED},
                "routing_reasons": {"type": "array", "items": _TEXT},
                "routing_matches": {
                    "description": "Each rule that matched, as data: the rule, its version, "
                    "and each fact's value with the rule's threshold (empty for a referral "
                    "routed before reasons were kept as data)",
                    "type": "array",
                    "items": {"type": "object"},
                },
                "rule_set_version": {"type": "integer"},
            },
        },
        "child": {
            "type": "object",
            "required": [
                "reference",
                "first_name",
                "last_name",
                "date_of_birth",
                "age_in_months",
                "postcode",
            ],
            "properties": {
                "reference": _TEXT,
                "first_name": _TEXT,
                "last_name": _TEXT,
                "date_of_birth": _DATE,
                "age_in_months": {"type": "integer", "minimum": 0},
                "postcode": {
                    **_TEXT,
                    "description": "Empty when the address must not be disclosed (see flags).",
                },
                "languages": {"type": "array", "items": _TEXT},
                "safeguarding_flags": _FLAGS,
            },
        },
        "setting": {
            "type": ["object", "null"],
            "required": ["name", "urn"],
            "properties": {"name": _TEXT, "urn": _TEXT},
        },
        "broad_areas_of_need": {"type": "array", "items": _CODED},
        "answers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "rows"],
                "properties": {
                    "title": _TEXT,
                    "rows": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["question", "answer"],
                            "properties": {"question": _TEXT, "answer": _TEXT},
                        },
                    },
                },
            },
        },
        "early_help": {
            "type": ["object", "null"],
            "required": ["needs", "details", "family_agrees"],
            "properties": {
                "needs": {"type": "array", "items": _CODED},
                "details": _TEXT,
                "family_agrees": {"type": ["boolean", "null"]},
            },
        },
        "consent": {
            "type": "object",
            "required": ["given_by", "given_on", "share_with", "early_help_included"],
            "properties": {
                "given_by": _TEXT,
                "given_on": _DATE,
                "share_with": {"type": "array", "items": _CODED},
                "early_help_included": {"type": "boolean"},
                "sms_consent": {"type": "boolean"},
            },
        },
        "family_contacts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "relationship", "mobile_phone", "email", "is_primary"],
                "properties": {
                    "name": _TEXT,
                    "relationship": _CODED,
                    "mobile_phone": _TEXT,
                    "email": _TEXT,
                    "preferred_language": _CODED,
                    "sms_consent": {"type": "boolean"},
                    "is_primary": {"type": "boolean"},
                    "details_withheld": {
                        "type": "boolean",
                        "description": "True when the mobile and email are left out because "
                        "this person must not be contacted or a court order restricts what "
                        "they may be told.",
                    },
                    "safeguarding_flags": _FLAGS,
                },
            },
        },
        "handoff": {
            "type": "object",
            "required": ["status", "created_at"],
            "properties": {
                "status": _CODED,
                "created_at": _DATETIME,
                "coordinator": {"type": ["string", "null"]},
                "responded_at": _DATETIME,
                "response_reason": _TEXT,
                "outcome": {"oneOf": [_CODED, {"type": "null"}]},
                "outcome_notes": _TEXT,
                "closed_at": _DATETIME,
            },
        },
    },
}


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _coded(code: str, label: str) -> dict[str, str]:
    return {"code": code, "label": str(label)}


def pack_json(pack: Pack, generated_at: datetime.datetime | None = None) -> dict[str, Any]:
    """The pack as the documented structure (PACK_SCHEMA)."""
    referral, handoff, child = pack.referral, pack.handoff, pack.referral.child
    return {
        "schema": "early-help-referral-pack",
        "schema_version": PACK_SCHEMA_VERSION,
        "generated_at": _iso(generated_at or timezone.now()),
        "authority": settings.AUTHORITY_NAME,
        "referral": {
            "reference": referral.reference or str(referral.pk),
            "submitted_at": _iso(referral.submitted_at),
            "source": _coded(referral.source, referral.get_source_display()),
            "routes": [
                _coded(code, Route(code).label) for code in referral.routes if code in Route.values
            ],
            "routing_reasons": reason_sentences(referral.routing_reasons, referral.routes),
            "routing_matches": [r for r in referral.routing_reasons if isinstance(r, dict)],
            "rule_set_version": referral.rule_set.version,
        },
        "child": {
            "reference": child.reference,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": _iso(child.date_of_birth),
            "age_in_months": pack.age_in_months,
            "postcode": "" if child.address_withheld else child.postcode,
            "languages": list(child.languages or []),
            "safeguarding_flags": [_coded(flag.code, flag.label) for flag in pack.child_flags],
        },
        "setting": (
            {"name": referral.setting.name, "urn": referral.setting.urn}
            if referral.setting
            else None
        ),
        "broad_areas_of_need": [_coded(code, label) for code, label in pack.broad_areas],
        "answers": [
            {
                "title": section["title"],
                "rows": [
                    {"question": str(question), "answer": str(answer)}
                    for question, answer in section["rows"]
                ],
            }
            for section in pack.sections
        ],
        "early_help": (
            {
                "needs": [_coded(code, label) for code, label in pack.early_help["needs"]],
                "details": pack.early_help["details"],
                "family_agrees": pack.early_help["family_agrees"],
            }
            if pack.early_help
            else None
        ),
        "consent": {
            "given_by": referral.consent_given_by,
            "given_on": _iso(referral.consent_given_on),
            "share_with": [_coded(code, label) for code, label in pack.share_with],
            "early_help_included": pack.consents_to_early_help,
            "sms_consent": referral.sms_consent,
        },
        "family_contacts": [
            {
                "name": contact.name,
                "relationship": _coded(contact.relationship, contact.relationship_label),
                "mobile_phone": contact.mobile_phone,
                "email": contact.email,
                "preferred_language": _coded(
                    contact.preferred_language, contact.preferred_language_label
                ),
                "sms_consent": contact.sms_consent,
                "is_primary": contact.is_primary,
                "details_withheld": contact.details_withheld,
                "safeguarding_flags": [_coded(flag.code, flag.label) for flag in contact.flags],
            }
            for contact in pack.contacts
        ],
        "handoff": {
            "status": _coded(handoff.status, handoff.get_status_display()),
            "created_at": _iso(handoff.created_at),
            "coordinator": display_name(handoff.coordinator) if handoff.coordinator else None,
            "responded_at": _iso(handoff.responded_at),
            "response_reason": handoff.response_reason,
            "outcome": (
                _coded(handoff.outcome, handoff.get_outcome_display()) if handoff.outcome else None
            ),
            "outcome_notes": handoff.outcome_notes,
            "closed_at": _iso(handoff.closed_at),
        },
    }


def pack_filename(referral: Referral, extension: str) -> str:
    """Named by the referral's reference, never the child's name: files travel."""
    safe = file_part(referral.reference, referral.pk)
    return f"early-help-pack-{safe}.{extension}"


# The PDF export -------------------------------------------------------------------------------

# Imported under this name so that a test can switch the PDF to the core fonts.
_unicode_font = unicode_font

# A size smaller and tighter than the family's documents: a pack for professionals.
LOOK = Look(
    heading_sizes={1: 20, 2: 14},
    body_size=11,
    line_height=6,
    space_above_h2=3,
    space_above_h2_at_page_top=3,
    space_below_heading=1,
    space_below_paragraph=1,
    keep_below_heading={1: 18, 2: 15},
)


def pack_pdf(pack: Pack) -> bytes:
    """The pack as a tagged, text PDF with title, language, headings and outline."""
    referral, child = pack.referral, pack.referral.child
    reference = referral.reference or str(referral.pk)
    pdf = TaggedPDF(_unicode_font(), LOOK)
    pdf.begin(
        title=f"Early help referral pack {reference}",
        heading=f"Early help referral pack {reference}",
        author=f"{settings.AUTHORITY_NAME} Early Years SEND team",
        subject="Early help referral pack: the facts, consent and family contacts",
    )
    pdf.paragraph(
        f"Official sensitive: personal information about a child and family. Produced "
        f"{timezone.localtime():%-d %B %Y} by {settings.AUTHORITY_NAME}."
    )
    pdf.heading("The child", 2)
    pdf.summary_list(
        [
            ("Name", child.full_name),
            ("Date of birth", f"{child.date_of_birth:%-d %B %Y}"),
            ("Age", pack.age_description),
            ("Postcode", pack.postcode),
            ("Setting", referral.setting.name if referral.setting else "Not in a setting"),
            ("Referral received", f"{timezone.localtime(referral.submitted_at):%-d %B %Y}"),
        ]
    )
    if pack.child_flags:
        pdf.paragraph(
            "Safeguarding: " + "; ".join(flag.label for flag in pack.child_flags) + ".",
            bold=True,
        )
    pdf.heading("Why it came to early help", 2)
    pdf.bullets(reason_sentences(referral.routing_reasons, referral.routes), empty="Not given.")
    if pack.early_help:
        pdf.heading("What the family might need help with", 2)
        pdf.bullets((label for _, label in pack.early_help["needs"]), empty="Not given.")
        if pack.early_help["details"]:
            pdf.paragraph(pack.early_help["details"])
        agrees = pack.early_help["family_agrees"]
        pdf.paragraph(
            "The family has agreed to an Early Help Assessment."
            if agrees
            else "The family has not yet agreed to an Early Help Assessment."
        )
    for section in pack.sections:
        pdf.heading(section["title"], 2)
        pdf.summary_list([(str(q), str(a)) for q, a in section["rows"]])
    pdf.heading("Broad areas of need", 2)
    pdf.bullets((label for _, label in pack.broad_areas), empty="None identified.")
    pdf.heading("Consent", 2)
    given = referral.consent_given_by or "Not recorded"
    if referral.consent_given_on:
        given += f", on {referral.consent_given_on:%-d %B %Y}"
    pdf.summary_list(
        [
            ("Given by", given),
            ("Agreed to share with", "; ".join(label for _, label in pack.share_with) or "None"),
        ]
    )
    if not pack.consents_to_early_help:
        pdf.paragraph(
            "The family has not recorded consent to share with early help services. Check with "
            "the family before sharing this pack further.",
            bold=True,
        )
    pdf.heading("Family contacts", 2)
    if not pack.contacts:
        pdf.paragraph("No family contacts recorded.")
    for contact in pack.contacts:
        rows = [("Name", f"{contact.name} ({contact.relationship_label.lower()})")]
        if contact.flags:
            rows.append(("Safeguarding", "; ".join(flag.label for flag in contact.flags)))
        if contact.details_withheld:
            rows.append(("Mobile and email", f"{WITHHELD}: ask the SEND team"))
        else:
            rows += [
                ("Mobile", contact.mobile_phone or "Not given"),
                ("Email", contact.email or "Not given"),
            ]
        rows += [
            ("Preferred language", contact.preferred_language_label),
            ("Text messages", "Agreed" if contact.sms_consent else "Not agreed"),
        ]
        pdf.summary_list(rows)
    pdf.heading("Hand-off", 2)
    handoff = pack.handoff
    rows = [("Status", handoff.get_status_display())]
    if handoff.response_reason:
        rows.append(("Reason", handoff.response_reason))
    if handoff.outcome:
        rows.append(("Outcome", handoff.get_outcome_display()))
    pdf.summary_list(rows)
    return pdf.to_bytes()


# Services ------------------------------------------------------------------------------------


def _must_be_coordinator(user: User) -> None:
    if not may_respond(user):
        raise EarlyHelpError("Only the early help coordinator can do this")


def respond(handoff: EarlyHelpHandoff, *, by: User, accept: bool, reason: str = "") -> None:
    """Accept or decline a waiting hand-off, once. A conditional update decides: if two
    coordinators respond at once, exactly one wins and the other is told."""
    _must_be_coordinator(by)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise EarlyHelpError("Enter why early help is declining this referral")
    status = Status.ACCEPTED if accept else Status.DECLINED
    now = timezone.now()
    with transaction.atomic():
        changed = EarlyHelpHandoff.objects.filter(pk=handoff.pk, status=Status.AWAITING).update(
            status=status, coordinator=by, responded_at=now, response_reason=reason
        )
        handoff.refresh_from_db()
        if not changed:
            raise EarlyHelpError(
                f"This referral has already been {handoff.get_status_display().lower()}"
                if handoff.status != Status.AWAITING
                else "This referral could not be updated"
            )
        verb = "Accepted" if accept else "Declined"
        _event(
            handoff.referral,
            by,
            f"{verb} by early help ({display_name(by)})",
            ReferralEvent.Kind.EARLY_HELP,
            reason=reason,
            status=status,
        )


def record_outcome(handoff: EarlyHelpHandoff, *, by: User, outcome: str, notes: str = "") -> None:
    """Close an accepted hand-off with its outcome, once."""
    _must_be_coordinator(by)
    if outcome not in EarlyHelpHandoff.Outcome.values:
        raise EarlyHelpError("Select the outcome")
    notes = (notes or "").strip()
    now = timezone.now()
    with transaction.atomic():
        changed = EarlyHelpHandoff.objects.filter(pk=handoff.pk, status=Status.ACCEPTED).update(
            status=Status.CLOSED, outcome=outcome, outcome_notes=notes, closed_at=now
        )
        handoff.refresh_from_db()
        if not changed:
            raise EarlyHelpError(
                {
                    Status.AWAITING: "Record whether early help accepts this referral before "
                    "recording an outcome",
                    Status.DECLINED: "Early help declined this referral, so it has no outcome",
                    Status.CLOSED: "An outcome has already been recorded for this referral",
                }.get(handoff.status, "This referral could not be updated")
            )
        label = EarlyHelpHandoff.Outcome(outcome).label
        _event(
            handoff.referral,
            by,
            f"Early help outcome: {label}",
            ReferralEvent.Kind.EARLY_HELP,
            outcome=outcome,
        )
