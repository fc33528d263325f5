"""What the consent pages show: each agency, what it can see, whether the family agrees, and
any lawful basis a SEND manager recorded (shown as such, never as the family's agreement)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from earlyyears.models import Child
from pathway.access.consent import consent_records
from pathway.models import Agency, ConsentChange, ConsentRecord, SharingOverride

# What each agency can see, in the family's words. Kept beside the rules in pathway.access.
# Translated (the family's pages are in their language); staff pages render them in English.
WHAT_THEY_SEE = {
    Agency.SETTING: _(
        "All about me and what you tell us about your child at home. The setting always sees "
        "the referral it sent and what it records itself."
    ),
    Agency.SEND_TEAM: _(
        "Your child's referral and everything the team records while helping your child. The "
        "team needs your agreement to help: if you withdraw it, they will contact you to talk "
        "about what happens next."
    ),
    Agency.PORTAGE: _(
        "Your child's referral and what has happened since, while your family has a portage "
        "worker, and All about me."
    ),
    Agency.EARLY_HELP: _(
        "Your child's referral, if the SEND team passes it to early help, and All about me."
    ),
    Agency.HEALTH: _(
        "Your child's referral and All about me. They see these when the SEND team asks them "
        "for advice."
    ),
}

# The agencies' names as the family reads them. The model's labels stay plain English: they
# are also written into staff records (the timeline), which must not change language with
# the family who made the change. Same English as Agency's labels.
FAMILY_LABELS = {
    Agency.SETTING: _("Your child's setting (nursery, pre-school or childminder)"),
    Agency.SEND_TEAM: _("The Early Years SEND team"),
    Agency.PORTAGE: _("The portage service"),
    Agency.EARLY_HELP: _("Early help services"),
    Agency.HEALTH: _("Health professionals (for example health visitor, therapists)"),
}

# The same names inside a sentence ("You agreed to share with ..."): the English is the label
# in lower case, as the family's messages have always shown it; each language words its own.
IN_A_SENTENCE = {
    Agency.SETTING: pgettext_lazy(
        "agency in a sentence", "your child's setting (nursery, pre-school or childminder)"
    ),
    Agency.SEND_TEAM: pgettext_lazy("agency in a sentence", "the Early Years SEND team"),
    Agency.PORTAGE: pgettext_lazy("agency in a sentence", "the portage service"),
    Agency.EARLY_HELP: pgettext_lazy("agency in a sentence", "early help services"),
    Agency.HEALTH: pgettext_lazy(
        "agency in a sentence", "health professionals (for example health visitor, therapists)"
    ),
}


def family_label(agency: str) -> str:
    """The agency's name in the page's language."""
    return str(FAMILY_LABELS[agency])


def in_a_sentence(agency: str) -> str:
    """The agency's name inside a sentence, in the page's language."""
    return str(IN_A_SENTENCE[agency])


@dataclass(frozen=True)
class AgencyRow:
    agency: str
    label: str
    what_they_see: str
    given: bool
    asked: bool
    changed_at: object
    talk_to_family: bool
    lawful_basis: list[SharingOverride] = field(default_factory=list)


def agency_rows(child: Child) -> list[AgencyRow]:
    """Every agency for the child, in a fixed order. Two queries."""
    records = consent_records(child)
    overrides: dict[str, list[SharingOverride]] = {}
    for override in SharingOverride.objects.filter(referral__child=child).select_related(
        "referral", "recorded_by"
    ):
        overrides.setdefault(override.service, []).append(override)
    rows = []
    for agency in Agency.values:
        record: ConsentRecord | None = records[agency]
        rows.append(
            AgencyRow(
                agency=agency,
                label=family_label(agency),
                what_they_see=str(WHAT_THEY_SEE[agency]),
                given=bool(record and record.given),
                asked=record is not None,
                changed_at=record.changed_at if record else None,
                talk_to_family=bool(record and record.talk_to_family_since),
                lawful_basis=overrides.get(agency, []),
            )
        )
    return rows


def history(child: Child) -> QuerySet[ConsentChange]:
    """Every change, newest first, with who made it. One query."""
    return (
        ConsentChange.objects.filter(record__child=child)
        .select_related("record", "by_member", "by_staff")
        .order_by("-at", "-pk")
    )


def consent_subject_access(child: Child) -> dict:
    """The family's consent for the subject access record, in words: each agency now, every
    change with who made it and how, and any lawful basis a SEND manager recorded. Three
    queries."""
    rows = agency_rows(child)
    return {
        "consent_to_share": [
            {
                "agency": row.label,
                "now": "Agreed" if row.given else ("Not agreed" if row.asked else "Not asked"),
                "since": row.changed_at,
                "shared_on_a_lawful_basis": [
                    f"Referral {basis.referral.reference}: {basis.reason} "
                    f"(recorded {basis.recorded_at:%-d %B %Y})"
                    for basis in row.lawful_basis
                ],
            }
            for row in rows
        ],
        "consent_history": [
            {
                "when": change.at,
                "agency": change.record.get_agency_display(),
                "change": "Agreed" if change.given else "Withdrew consent",
                "by": change.who,
                "how": change.get_how_display(),
                "note": change.note,
            }
            for change in history(child)
        ],
    }
