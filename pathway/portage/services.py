"""Portage: a portage worker's caseload, the home visits they record and the family's "All about
me" paperwork, completed together and printable as a page or an accessible PDF.

Home visit notes belong to the family: only the family's portage worker and the SEND team read
them (pathway.access.portage_visits_for), never the child's setting. The case timeline gets a
short, note-free event for each visit and each save of the paperwork."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.access import AnyUser, child_for, children_for
from earlyyears.messaging.services import queue_message
from earlyyears.models import Child, OutboxMessage, User, display_name
from earlyyears.roles import PORTAGE_ROLES
from earlyyears.safeguarding import family_contact_for_texts, sharing_warnings
from pathway.access import can_record_portage, family_paperwork_for, portage_visits_for
from pathway.access.story import all_about_me_for
from pathway.consents import record_consent
from pathway.models import (
    AllAboutMe,
    ConsentHow,
    FamilyPaperwork,
    PortageVisit,
    ReferralEvent,
    ShareWith,
)
from pathway.pdf import TaggedPDF, file_part, unicode_font
from pathway.timeline import record_event_on_latest

VISIT_FIELDS = ("visited_on", "goals", "progress", "next_steps", "next_visit_on")
PAPERWORK_FIELDS = (
    "completed_by",
    "relationship",
    "what_people_like_about_me",
    "what_is_important_to_me",
    "how_best_to_support_me",
    "how_i_communicate",
    "family_hopes",
    "family_worries",
    "consent_to_share",
    "consent_given_on",
)
# The "All about me" sections in the order the family reads them: (field, heading).
ABOUT_ME_SECTIONS = (
    ("what_people_like_about_me", "What people like about me"),
    ("what_is_important_to_me", "What is important to me"),
    ("how_best_to_support_me", "How best to support me"),
    ("how_i_communicate", "How I communicate"),
    ("family_hopes", "My family's hopes for the future"),
    ("family_worries", "My family's worries"),
)
REQUIRED_PAPERWORK = {
    "completed_by": "Enter the name of the family member who completed this with you",
    "relationship": "Enter their relationship to the child",
    "what_people_like_about_me": "Enter what people like about the child",
    "what_is_important_to_me": "Enter what is important to the child",
    "how_best_to_support_me": "Enter how best to support the child",
}


class PortageError(ValueError):
    """Something the portage rules do not allow; the message says why, in plain words."""


# Selectors ----------------------------------------------------------------------------------


def may_see_portage(user: AnyUser) -> bool:
    """The family's portage worker and the SEND team; a child's setting never sees visit notes."""
    return user.is_authenticated and user.is_active and user.role in PORTAGE_ROLES


def portage_child_for(user: AnyUser, child_id: int) -> Child:
    """A child whose portage records the user may see, or 404 (never confirming the child)."""
    if not may_see_portage(user):
        raise Http404
    return child_for(user, child_id)


def on_caseload(user: AnyUser, child: Child) -> bool:
    """Whether the user is this child's portage worker, so may record visits and paperwork."""
    return can_record_portage(user) and children_for(user).filter(pk=child.pk).exists()


def caseload(user: AnyUser) -> QuerySet[Child]:
    """The worker's families with their last visit, the next visit booked then, and whether
    "All about me" is done: one query, however long the caseload."""
    if not can_record_portage(user):
        return Child.objects.none()
    latest = portage_visits_for(user).filter(child=OuterRef("pk")).order_by("-visited_on", "-pk")
    return (
        children_for(user)
        .select_related("setting")
        .annotate(
            last_visit_on=Subquery(latest.values("visited_on")[:1]),
            next_visit_on=Subquery(latest.values("next_visit_on")[:1]),
            # "All about me" is the family's own record now (issue 22), seen where they agree.
            has_paperwork=Exists(all_about_me_for(user).filter(child=OuterRef("pk"))),
        )
        .order_by("last_name", "first_name", "pk")
    )


def visits_of(user: AnyUser, child: Child) -> QuerySet[PortageVisit]:
    return portage_visits_for(user).filter(child=child).select_related("worker")


def visit_for(user: AnyUser, visit_id: int) -> PortageVisit:
    return get_object_or_404(
        portage_visits_for(user).select_related("child", "worker"), pk=visit_id
    )


def paperwork_of(user: AnyUser, child: Child) -> FamilyPaperwork | None:
    return family_paperwork_for(user).filter(child=child).select_related("recorded_by").first()


def all_about_me_of(user: AnyUser, child: Child) -> AllAboutMe | None:
    """The latest version of the family's "All about me" (issue 22), where the family agrees to
    share it with the portage service (or the SEND team)."""
    return (
        all_about_me_for(user)
        .filter(child=child)
        .select_related("assisted_by", "written_by_member")
        .order_by("-version")
        .first()
    )


def consent_labels(paperwork: FamilyPaperwork) -> list[str]:
    return [ShareWith(code).label for code in paperwork.consent_to_share if code in ShareWith]


def child_section(user: AnyUser, child: Child) -> dict[str, Any]:
    """The portage part of the child's page: latest visits and the paperwork's status.
    Empty for anyone who may not read the family's portage records."""
    if not may_see_portage(user):
        return {}
    visits = visits_of(user, child)
    latest = list(visits[:3])
    paperwork = all_about_me_of(user, child)
    recording = on_caseload(user, child)
    if not latest and paperwork is None and not recording:
        return {}
    return {
        "child": child,
        "latest_visits": latest,
        "visit_count": visits.count() if len(latest) == 3 else len(latest),
        "paperwork": paperwork,
        "can_record": recording,
    }


# Services -----------------------------------------------------------------------------------


def _must_hold_caseload(user: User, child: Child) -> None:
    if not on_caseload(user, child):
        raise PortageError("Only the family's portage worker can record this")


def _event(
    child: Child, actor: User, summary: str, kind: str = ReferralEvent.Kind.PORTAGE, **detail
) -> ReferralEvent | None:
    """The summary never carries the visit notes: the child's setting reads the timeline too."""
    return record_event_on_latest(child, kind, actor, summary, **detail)


def _check_dates(child: Child, visited_on: datetime.date, next_visit_on: datetime.date | None):
    if visited_on > timezone.localdate():
        raise PortageError("The date of the visit must be today or in the past")
    if visited_on < child.date_of_birth:
        raise PortageError("The date of the visit must be after the child's date of birth")
    if next_visit_on is not None and next_visit_on <= visited_on:
        raise PortageError("The date of the next visit must be after the date of the visit")


def sms_date(day: datetime.date, language: str) -> str:
    """A date the family reads in a text: words in English, figures in other languages (the
    month names would otherwise be English inside a Polish or Welsh message)."""
    if language == "en":
        return f"{day:%A} {day.day} {day:%B %Y}"
    return f"{day:%d/%m/%Y}"


def _tell_family_of_next_visit(visit: PortageVisit) -> OutboxMessage | None:
    """Queue the text about the next visit. One text per child and date, however often the
    visit is saved; only to a contact who agreed to texts and may be contacted."""
    if visit.next_visit_on is None:
        return None
    contact = family_contact_for_texts(visit.child)
    if contact is None:
        return None
    language = contact.preferred_language
    return queue_message(
        key=f"portage-visit:{visit.child_id}:{visit.next_visit_on.isoformat()}",
        template="portage_visit_family",
        context={
            "authority": settings.AUTHORITY_NAME,
            "worker": visit.worker.first_name or display_name(visit.worker),
            "date": sms_date(visit.next_visit_on, language),
        },
        contact=contact,
        child=visit.child,
        language=language,
    )


def record_visit(
    worker: User,
    child: Child,
    *,
    visited_on: datetime.date,
    goals: str,
    progress: str,
    next_steps: str = "",
    next_visit_on: datetime.date | None = None,
) -> PortageVisit:
    """Save a home visit, its event on the case and the family's text, in one transaction."""
    _must_hold_caseload(worker, child)
    _check_dates(child, visited_on, next_visit_on)
    with transaction.atomic():
        visit = PortageVisit.objects.create(
            child=child,
            worker=worker,
            visited_on=visited_on,
            goals=goals.strip(),
            progress=progress.strip(),
            next_steps=(next_steps or "").strip(),
            next_visit_on=next_visit_on,
        )
        _event(
            child,
            worker,
            f"Portage home visit on {visited_on:%-d %B %Y} recorded by {display_name(worker)}",
            visit=visit.pk,
            visited_on=visited_on.isoformat(),
        )
        _tell_family_of_next_visit(visit)
    return visit


def update_visit(visit: PortageVisit, *, by: User, **fields: Any) -> PortageVisit:
    """Correct a visit. Only the worker who recorded it, while the family is on their caseload."""
    if visit.worker_id != by.pk:
        raise PortageError("Only the portage worker who recorded this visit can change it")
    _must_hold_caseload(by, visit.child)
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise TypeError(f"Not a visit field: {', '.join(sorted(unknown))}")
    values = {name: fields.get(name, getattr(visit, name)) for name in VISIT_FIELDS}
    _check_dates(visit.child, values["visited_on"], values["next_visit_on"])
    with transaction.atomic():
        for name in ("goals", "progress", "next_steps"):
            values[name] = (values[name] or "").strip()
        for name, value in values.items():
            setattr(visit, name, value)
        visit.save(update_fields=list(VISIT_FIELDS))
        _event(
            visit.child,
            by,
            f"Portage home visit on {visit.visited_on:%-d %B %Y} updated by {display_name(by)}",
            visit=visit.pk,
            visited_on=visit.visited_on.isoformat(),
        )
        _tell_family_of_next_visit(visit)
    return visit


def save_paperwork(worker: User, child: Child, **fields: Any) -> FamilyPaperwork:
    """Complete or update "All about me" with the family: one current version per child, and
    an event on the case for each save."""
    _must_hold_caseload(worker, child)
    unknown = set(fields) - set(PAPERWORK_FIELDS)
    if unknown:
        raise TypeError(f"Not a paperwork field: {', '.join(sorted(unknown))}")
    consent = [code for code in ShareWith.values if code in (fields.get("consent_to_share") or [])]
    consent_on = fields.get("consent_given_on")
    if consent and consent_on is None:
        raise PortageError("Enter the date the family gave consent")
    if consent_on is not None and consent_on > timezone.localdate():
        raise PortageError("The date consent was given must be today or in the past")
    values = {
        name: (fields.get(name) or "").strip()
        for name in PAPERWORK_FIELDS
        if name not in ("consent_to_share", "consent_given_on")
    }
    for required, message in REQUIRED_PAPERWORK.items():
        if not values[required]:
            raise PortageError(message)
    with transaction.atomic():
        paperwork, created = FamilyPaperwork.objects.select_for_update().update_or_create(
            child=child,
            defaults={
                **values,
                "consent_to_share": consent,
                "consent_given_on": consent_on,
                "recorded_by": worker,
                "updated_at": timezone.now(),
            },
        )
        # Consent lives in one place (issue 22): what the family agreed here is recorded there.
        # Unticking does not withdraw: that is done on the consent page, where it is explained.
        for agency in consent:
            record_consent(
                child,
                agency,
                True,
                how=ConsentHow.PORTAGE_PAPERWORK,
                by_staff=worker,
                on_behalf_of=values["completed_by"],
                timeline=False,
            )
        doing = "completed" if created else "updated"
        _event(
            child,
            worker,
            f"“All about me” {doing} with {values['completed_by']} "
            f"({values['relationship']}) by {display_name(worker)}",
            paperwork=paperwork.pk,
            consent_to_share=consent,
        )
    return paperwork


def record_paperwork_viewed(user: User, child: Child, how: str) -> None:
    """Reads of the family's paperwork are part of the audit trail, as views of a referral are."""
    summary = f"“All about me” {how} by {display_name(user)}"
    _event(child, user, summary, kind=ReferralEvent.Kind.VIEWED)


# The accessible PDF -------------------------------------------------------------------------

# Imported under this name so that a test can switch the PDF to the core fonts.
_unicode_font = unicode_font


def pdf_filename(child: Child) -> str:
    """Named by the child's reference, never their name: files travel in downloads and email."""
    safe = file_part(child.reference, child.pk)
    return f"all-about-me-{safe}.pdf"


def paperwork_pdf(paperwork: FamilyPaperwork) -> bytes:
    """ "All about me" as a tagged, text PDF with a title, language and author."""
    child = paperwork.child
    pdf = TaggedPDF(_unicode_font())
    pdf.begin(
        title=f"All about me: {child.reference}",
        heading=f"All about me: {child.full_name}",
        author=f"{settings.AUTHORITY_NAME} portage service",
        subject="All about me: completed with the family by their portage worker",
    )
    pdf.paragraph(
        f"Date of birth: {child.date_of_birth:%-d %B %Y}. Reference: {child.reference}.\n"
        f"Completed with {paperwork.completed_by} ({paperwork.relationship}) and "
        f"{display_name(paperwork.recorded_by)}, portage worker. "
        f"Last updated {timezone.localtime(paperwork.updated_at):%-d %B %Y}."
    )
    for warning in sharing_warnings(child):
        pdf.paragraph(warning, bold=True)
    for field, title in ABOUT_ME_SECTIONS:
        pdf.heading(title, 2)
        pdf.paragraph(getattr(paperwork, field) or "Not recorded.")
    pdf.heading("Consent to share", 2)
    labels = consent_labels(paperwork)
    if labels:
        pdf.paragraph("The family agreed to share this information with:")
        pdf.bullets(labels)
        if paperwork.consent_given_on:
            pdf.paragraph(f"Consent given on {paperwork.consent_given_on:%-d %B %Y}.")
    else:
        pdf.paragraph("The family has not agreed to share this information with anyone else.")
    return pdf.to_bytes()


# The sections of the family's "All about me" record (issue 22), in the order they read them.
ALL_ABOUT_ME_SECTIONS = (
    ("what_people_like_about_me", "What people like about me"),
    ("what_is_important_to_me", "What is important to me"),
    ("how_i_communicate", "How I communicate"),
    ("strengths", "What I am good at"),
    ("what_works", "What works for me"),
    ("what_is_hard", "What is hard for me"),
    ("hopes", "What we hope for"),
)


def who_wrote(version: AllAboutMe) -> str:
    if version.assisted_by_id:
        who = version.completed_with
        if version.relationship:
            who = f"{who} ({version.relationship})"
        return f"Completed with the family ({who}), assisted by {display_name(version.assisted_by)}"
    if version.written_by_member_id:
        return f"Written by {version.written_by_member.name} (family)"
    return "Written by the family"


def all_about_me_pdf(version: AllAboutMe, child: Child) -> bytes:
    """The latest "All about me" as a tagged, text PDF with a title, language and author."""
    pdf = TaggedPDF(_unicode_font())
    pdf.begin(
        title=f"All about me: {child.reference}",
        heading=f"All about me: {child.full_name}",
        author=f"{settings.AUTHORITY_NAME} portage service",
        subject="All about me and what matters to us, in the family's words",
    )
    pdf.paragraph(
        f"Date of birth: {child.date_of_birth:%-d %B %Y}. Reference: {child.reference}.\n"
        f"{who_wrote(version)}. Version {version.version}, last changed "
        f"{timezone.localtime(version.written_at):%-d %B %Y}."
    )
    for warning in sharing_warnings(child):
        pdf.paragraph(warning, bold=True)
    for field, title in ALL_ABOUT_ME_SECTIONS:
        pdf.heading(title, 2)
        pdf.paragraph(getattr(version, field) or "Not written.")
    return pdf.to_bytes()
