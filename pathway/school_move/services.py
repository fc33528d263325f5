"""Changes to a child's move to school. Each is one transaction with an event on the child's
timeline (without the record's words: everyone who reads the timeline may not read those)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from earlyyears.access import AnyUser
from earlyyears.models import Child, User, display_name
from pathway.models import HandoverRecord, ReferralEvent, SchoolMove
from pathway.pdf import TaggedPDF, file_part, unicode_font
from pathway.school_move.selectors import may_record
from pathway.timeline import record_event_on_latest

MOVE_FIELDS = (
    "school_name",
    "school_urn",
    "intake_year",
    "intake_change_reason",
    "transition_meeting_on",
    "ehc_review_finished_on",
)
HANDOVER_SECTIONS = (
    ("strengths", "What the child is good at and enjoys"),
    ("needs", "What the child finds hard"),
    ("what_works", "What helps the child"),
    ("support_in_place", "Support in place now"),
    ("family_views", "What the family wants the school to know"),
)


class HandoverError(Exception):
    """A change the record's state does not allow, said in words for the person trying."""


def _require_recorder(user: AnyUser) -> None:
    if not may_record(user):
        raise PermissionDenied


@transaction.atomic
def record_school_move(user: User, child: Child, **values: object) -> SchoolMove:
    _require_recorder(user)
    move, _ = SchoolMove.objects.select_for_update().get_or_create(child=child)
    changed = [name for name in MOVE_FIELDS if getattr(move, name) != values.get(name)]
    for name in MOVE_FIELDS:
        setattr(move, name, values.get(name))
    move.updated_by = user
    move.updated_at = timezone.now()
    move.full_clean()
    move.save()
    if changed:
        record_event_on_latest(
            child,
            ReferralEvent.Kind.CHILD_RECORD,
            user,
            f"Move to school updated by {display_name(user)}",
            fields=changed,
        )
    return move


@transaction.atomic
def write_handover(user: User, child: Child, **values: object) -> HandoverRecord:
    _require_recorder(user)
    record = HandoverRecord(child=child, written_by=user, **values)
    record.full_clean()
    record.save()
    record_event_on_latest(
        child,
        ReferralEvent.Kind.CHILD_RECORD,
        user,
        f"Hand-over record for the school written by {display_name(user)}",
        handover=record.pk,
    )
    return record


@transaction.atomic
def record_sent(
    user: User, record: HandoverRecord, *, sent_how: str, sent_to: str, sent_on: datetime.date
) -> HandoverRecord:
    """What reached the school, how and when. A record is sent once: a correction is a new one."""
    _require_recorder(user)
    record = HandoverRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_sent:
        raise HandoverError(
            "This record has already been sent. To correct it, write a new hand-over record."
        )
    now = timezone.localtime()
    sent_at = (
        now
        if sent_on == now.date()
        else timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(12)))
    )
    record.sent_how, record.sent_to, record.sent_at, record.sent_by = (
        sent_how,
        sent_to,
        sent_at,
        user,
    )
    record.save(update_fields=["sent_how", "sent_to", "sent_at", "sent_by"])
    record_event_on_latest(
        record.child,
        ReferralEvent.Kind.CHILD_RECORD,
        user,
        f"Hand-over record sent to the school ({record.get_sent_how_display().lower()}) "
        f"by {display_name(user)}",
        handover=record.pk,
    )
    return record


def pdf_filename(child: Child) -> str:
    """Named by the child's reference, never their name: files travel by email."""
    safe = file_part(child.reference, child.pk)
    return f"school-hand-over-{safe}.pdf"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def handover_pdf(record: HandoverRecord, school_name: str = "") -> bytes:
    """The hand-over record as a tagged, text PDF, for the school."""
    child = record.child
    pdf = TaggedPDF(unicode_font())
    pdf.begin(
        title=f"Hand-over record for school: {child.reference}",
        heading=f"Starting school: {child.full_name}",
        author=f"{settings.AUTHORITY_NAME}",
        subject="What the school needs to know to welcome the child",
    )
    pdf.paragraph(
        f"Date of birth: {_day(child.date_of_birth)}. Reference: {child.reference}."
        + (f" School: {school_name}." if school_name else "")
        + f"\nWritten by {display_name(record.written_by)} on "
        f"{_day(timezone.localtime(record.written_at).date())}. "
        f"{record.consent_given_by} agreed to share it with the school on "
        f"{_day(record.consent_given_on)}."
    )
    for field, title in HANDOVER_SECTIONS:
        pdf.heading(title, 2)
        pdf.paragraph(getattr(record, field) or "Nothing recorded.")
    return pdf.to_bytes()
