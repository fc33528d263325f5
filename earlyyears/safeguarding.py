"""What the SEND team's safeguarding flags let each reader see, in one place.

The flags are set by the SEND team (pathway.contacts). Pages, downloads, PDFs and messages
that could reveal a flagged detail ask these functions (or the template tags in
earlyyears.templatetags.safeguarding) rather than reading the fields themselves:

- A withheld address (the child's, or a contact's, for example a refuge) is shown only to the
  SEND team on the child's page, tagged "Do not disclose". It never goes into anything that can
  leave the service (exports, PDFs, JSON packs, messages), whoever downloads it: the word
  "Withheld" goes instead (an empty value and the flag in JSON, for the systems that read it).
- A contact marked do not contact, restricted by a court order, or without parental
  responsibility is never texted or emailed, and is tagged wherever a contact is shown so that
  nobody phones them by mistake.
- A pack that goes to another agency lists every contact with their flags, but gives no way
  to reach a person marked do not contact or restricted by a court order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .access import AnyUser
from .models import SEND_TEAM_ROLES, Child, FamilyContact

WITHHELD = "Withheld"


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    colour: str  # a GOV.UK tag colour


CHILD_FLAGS = (
    Flag("address_withheld", "Address must not be disclosed", "red"),
    Flag("looked_after", "Looked after by the local authority", "purple"),
    Flag("court_order", "A court order restricts information about this child", "red"),
)
CONTACT_FLAGS = (
    Flag("do_not_contact", "Do not contact", "red"),
    Flag("court_order", "Court order: restricts what they may be told", "red"),
    Flag("no_parental_responsibility", "No parental responsibility", "orange"),
    Flag("address_withheld", "Address must not be disclosed", "red"),
)


def child_flags(child: Child) -> list[Flag]:
    return [flag for flag in CHILD_FLAGS if getattr(child, flag.code)]


def contact_flags(contact: FamilyContact) -> list[Flag]:
    raised = {
        "do_not_contact": contact.do_not_contact,
        "court_order": contact.court_order,
        "no_parental_responsibility": not contact.has_parental_responsibility,
        "address_withheld": contact.address_withheld,
    }
    return [flag for flag in CONTACT_FLAGS if raised[flag.code]]


def address_withheld_from(
    user: AnyUser, child: Child, contact: FamilyContact | None = None
) -> bool:
    """Whether an address of this child (or of this contact) must be hidden from this reader:
    only the SEND team, who set the flags, see a withheld address, and only on screen."""
    withheld = child.address_withheld or bool(contact and contact.address_withheld)
    send_team = user.is_authenticated and user.is_active and user.role in SEND_TEAM_ROLES
    return withheld and not send_team


def unreachable(contact: FamilyContact) -> bool:
    """Whether the service and anyone it shares with must not contact this person: a pack
    going to another agency carries their name and flags but no phone, email or address."""
    return contact.do_not_contact or contact.court_order


def family_contact_for_texts(child: Child) -> FamilyContact | None:
    """The contact a family text goes to: the main contact who agreed to texts and may be
    contacted; a flagged main contact is passed over, so another parent still hears."""
    candidates: QuerySet[FamilyContact] = (
        FamilyContact.objects.filter(
            child=child,
            sms_consent=True,
            do_not_contact=False,
            court_order=False,
            has_parental_responsibility=True,
        )
        .exclude(mobile_phone="")
        .exclude(confirmation=FamilyContact.Confirmation.REJECTED)
        .order_by("-is_primary", "pk")
    )
    return candidates.first()


def sharing_warnings(child: Child) -> list[str]:
    """What someone about to print or pass on a document about the child must know first.
    The other flags (looked after, the SEND team's note) stay with the SEND team."""
    warnings = []
    if child.court_order:
        warnings.append(
            "A court order restricts information about this child. Ask the SEND team before "
            "you share this."
        )
    if child.address_withheld:
        warnings.append("The family's address must not be disclosed. Do not write it here.")
    return warnings


def postcode_for_sharing(child: Child) -> str:
    """The child's postcode in anything that can leave the service."""
    return WITHHELD if child.address_withheld else child.postcode


@dataclass
class SharedContact:
    """A family contact as it may go to another agency (early help packs, page, PDF, JSON)."""

    name: str
    relationship: str
    relationship_label: str
    preferred_language: str
    preferred_language_label: str
    sms_consent: bool
    is_primary: bool
    mobile_phone: str
    email: str
    details_withheld: bool
    flags: list[Flag] = field(default_factory=list)


def contact_for_sharing(contact: FamilyContact) -> SharedContact:
    """A contact as it may leave the service: flags always, no way to reach an unreachable
    person, and never an address (a withheld one least of all)."""
    hidden = unreachable(contact)
    return SharedContact(
        name=contact.name,
        relationship=contact.relationship,
        relationship_label=contact.get_relationship_display(),
        preferred_language=contact.preferred_language,
        preferred_language_label=contact.get_preferred_language_display(),
        sms_consent=contact.sms_consent and not hidden,
        is_primary=contact.is_primary,
        mobile_phone="" if hidden else contact.mobile_phone,
        email="" if hidden else contact.email,
        details_withheld=hidden,
        flags=contact_flags(contact),
    )
