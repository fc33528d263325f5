"""Writes about a family's contacts: recording what a submission said, checking it, and the
SEND team's safeguarding flags.

Nobody overwrites a contact detail. What a submission supplies is added beside what is there;
only the setting and the SEND team (who know the family) confirm a detail, and only confirmed
details are ever used to send anything."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from earlyyears.messaging.services import release_held_messages
from earlyyears.models import (
    CONFIRMING_SOURCES,
    Child,
    ContactDetail,
    FamilyContact,
    OutboxMessage,
    Provenance,
    Role,
    User,
)

from ..timeline import record_child_event

SOURCE_FOR_ROLE = {
    Role.PRACTITIONER: Provenance.SETTING,
    Role.SEND_OFFICER: Provenance.SEND_TEAM,
    Role.SEND_MANAGER: Provenance.SEND_TEAM,
    Role.PROFESSIONAL: Provenance.HEALTH,
    Role.PORTAGE_WORKER: Provenance.PORTAGE,
}

CHILD_FLAGS = ("address_withheld", "looked_after", "court_order")
CONTACT_FLAGS = ("do_not_contact", "address_withheld", "court_order", "no_parental_responsibility")


def source_for(user: User) -> str:
    return SOURCE_FOR_ROLE.get(user.role, Provenance.FAMILY)


@dataclass
class SuppliedContact:
    """A family contact as a submission gave it."""

    name: str
    relationship: str = FamilyContact.Relationship.PARENT
    mobile_phone: str = ""
    email: str = ""
    preferred_language: str = ""
    sms_consent: bool = False


def _add_detail(
    contact: FamilyContact, kind: str, value: str, *, source: str, user: User | None, consent: bool
) -> ContactDetail | None:
    """Add a supplied detail beside the current one. Same as the confirmed value: nothing to
    do. The same value already waiting: nothing new. No confirmed value yet and a confirming
    submitter: it becomes the confirmed value. Otherwise it waits, unconfirmed."""
    field = ContactDetail.FIELD_FOR_KIND[kind]
    current = getattr(contact, field)
    if not value or value == current:
        return None
    waiting = contact.details.filter(
        kind=kind, value=value, status=ContactDetail.Status.UNCONFIRMED
    )
    if waiting.exists():
        return None
    now = timezone.now()
    confirmed = source in CONFIRMING_SOURCES and not current and contact.is_confirmed
    detail = ContactDetail.objects.create(
        contact=contact,
        kind=kind,
        value=value,
        source=source,
        submitted_by=user,
        submitted_at=now,
        sms_consent=consent if kind == ContactDetail.Kind.MOBILE else False,
        status=ContactDetail.Status.CONFIRMED if confirmed else ContactDetail.Status.UNCONFIRMED,
        decided_by=user if confirmed else None,
        decided_at=now if confirmed else None,
    )
    if confirmed:
        setattr(contact, field, value)
        contact.save(update_fields=[field])
    return detail


def record_supplied_contact(
    child: Child, supplied: SuppliedContact, *, user: User, source: str | None = None
) -> FamilyContact:
    """The contact a submission names, found among the child's contacts by name or added.

    A confirming submitter (the setting, the SEND team) adds a confirmed contact and may record
    the family's answer about texts; anyone else adds an unconfirmed contact, and never changes
    an existing contact's consent. Call inside the submission's transaction."""
    source = source or source_for(user)
    confirming = source in CONFIRMING_SOURCES
    now = timezone.now()
    contact = (
        child.family_contacts.exclude(confirmation=FamilyContact.Confirmation.REJECTED)
        .filter(name__iexact=supplied.name.strip())
        .first()
    )
    if contact is None:
        contact = FamilyContact.objects.create(
            child=child,
            name=supplied.name.strip(),
            relationship=supplied.relationship or FamilyContact.Relationship.PARENT,
            preferred_language=supplied.preferred_language or FamilyContact.Language.ENGLISH,
            is_primary=not child.family_contacts.exists(),
            source=source,
            added_by=user,
            added_at=now,
            confirmation=(
                FamilyContact.Confirmation.CONFIRMED
                if confirming
                else FamilyContact.Confirmation.UNCONFIRMED
            ),
            confirmed_by=user if confirming else None,
            confirmed_at=now if confirming else None,
            sms_consent=bool(supplied.sms_consent) and confirming and bool(supplied.mobile_phone),
            sms_consent_recorded_at=now if confirming else None,
        )
    elif confirming:
        changed = []
        if supplied.preferred_language and supplied.preferred_language != (
            contact.preferred_language
        ):
            contact.preferred_language = supplied.preferred_language
            changed.append("preferred_language")
        if contact.sms_consent != bool(supplied.sms_consent):
            contact.sms_consent = bool(supplied.sms_consent)
            contact.sms_consent_recorded_at = now
            changed += ["sms_consent", "sms_consent_recorded_at"]
        if changed:
            contact.save(update_fields=changed)
    _add_detail(
        contact,
        ContactDetail.Kind.MOBILE,
        supplied.mobile_phone,
        source=source,
        user=user,
        consent=supplied.sms_consent,
    )
    _add_detail(
        contact, ContactDetail.Kind.EMAIL, supplied.email, source=source, user=user, consent=False
    )
    return contact


@dataclass
class CheckAnswer:
    """What the person checking said: about the contact (True, False or None for not now), and
    for each waiting detail by id: "confirm", "reject" or "" (not now)."""

    person: bool | None
    details: dict[int, str]


def check_contact(contact: FamilyContact, user: User, answer: CheckAnswer) -> FamilyContact:
    """Confirm or reject a contact and its waiting details, then send what was held for them (or
    record why not). Confirming a detail replaces the one it differs from; both stay on file."""
    now = timezone.now()
    with transaction.atomic():
        contact = FamilyContact.objects.select_for_update().get(pk=contact.pk)
        summary = []
        if answer.person is True and not contact.is_confirmed:
            contact.confirmation = FamilyContact.Confirmation.CONFIRMED
            contact.confirmed_by, contact.confirmed_at = user, now
            summary.append(f"{contact.name} confirmed as a family contact")
        elif answer.person is False:
            contact.confirmation = FamilyContact.Confirmation.REJECTED
            contact.confirmed_by, contact.confirmed_at = user, now
            contact.sms_consent = False
            summary.append(f"{contact.name} rejected as a family contact")
        waiting = contact.details.filter(status=ContactDetail.Status.UNCONFIRMED)
        for detail in waiting.filter(pk__in=list(answer.details)):
            verdict = answer.details[detail.pk]
            label = detail.get_kind_display().lower()
            if verdict == "reject" or (verdict == "confirm" and answer.person is False):
                detail.status = ContactDetail.Status.REJECTED
                summary.append(f"A {label} for {contact.name} rejected")
            elif verdict == "confirm":
                field = ContactDetail.FIELD_FOR_KIND[detail.kind]
                contact.details.filter(
                    kind=detail.kind, status=ContactDetail.Status.CONFIRMED
                ).update(status=ContactDetail.Status.REPLACED, decided_by=user, decided_at=now)
                setattr(contact, field, detail.value)
                if detail.kind == ContactDetail.Kind.MOBILE:
                    contact.sms_consent = detail.sms_consent
                    contact.sms_consent_recorded_at = now
                detail.status = ContactDetail.Status.CONFIRMED
                if not contact.is_confirmed and answer.person is not False:
                    contact.confirmation = FamilyContact.Confirmation.CONFIRMED
                    contact.confirmed_by, contact.confirmed_at = user, now
                summary.append(f"A {label} for {contact.name} confirmed")
            else:
                continue
            detail.decided_by, detail.decided_at = user, now
            detail.save(update_fields=["status", "decided_by", "decided_at"])
        contact.save()
        if summary:
            record_child_event([contact.child], user, "; ".join(summary), {"contact": contact.pk})
        release_held_messages(contact)
        return contact


def set_child_flags(child: Child, user: User, flags: dict[str, bool], note: str) -> Child:
    """The SEND team's safeguarding flags on a child. Every change is on the timeline (which
    flag, never the note)."""
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        changed = [name for name in CHILD_FLAGS if getattr(child, name) != bool(flags.get(name))]
        for name in CHILD_FLAGS:
            setattr(child, name, bool(flags.get(name)))
        note_changed = child.safeguarding_note != note
        child.safeguarding_note = note
        child.save(update_fields=[*CHILD_FLAGS, "safeguarding_note"])
        if changed or note_changed:
            labels = [
                ("set: " if getattr(child, name) else "removed: ")
                + str(Child._meta.get_field(name).verbose_name)
                for name in changed
            ]
            record_child_event(
                [child],
                user,
                "Safeguarding flags changed" + (f" ({'; '.join(labels)})" if labels else ""),
                {"flags": changed},
            )
        return child


def set_contact_flags(contact: FamilyContact, user: User, flags: dict[str, bool]) -> FamilyContact:
    """The SEND team's safeguarding flags on a contact. A do-not-contact or court order flag
    stops messages still waiting to be sent to them."""
    with transaction.atomic():
        contact = FamilyContact.objects.select_for_update().get(pk=contact.pk)
        wanted = {
            "do_not_contact": bool(flags.get("do_not_contact")),
            "address_withheld": bool(flags.get("address_withheld")),
            "court_order": bool(flags.get("court_order")),
            "has_parental_responsibility": not flags.get("no_parental_responsibility"),
        }
        changed = [name for name, value in wanted.items() if getattr(contact, name) != value]
        for name, value in wanted.items():
            setattr(contact, name, value)
        contact.save(update_fields=list(wanted))
        if changed:
            if not contact.may_be_contacted and contact.is_confirmed:
                OutboxMessage.objects.filter(
                    to_contact=contact,
                    status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.HELD],
                ).update(
                    status=OutboxMessage.Status.SUPPRESSED,
                    failure_reason="Stopped by a safeguarding flag",
                    to_phone="",
                    status_updated_at=timezone.now(),
                )
            record_child_event(
                [contact.child],
                user,
                f"Safeguarding flags changed for {contact.name}",
                {"contact": contact.pk, "flags": changed},
            )
        return contact
