"""Writing consent to share (issue 22): the one place a ConsentRecord changes. Shared by the
referral form (pathway.services), the portage worker, the staff consent page and the family's
own page (pathway.consent), so every change is recorded the same way: the current record, a
`ConsentChange` in its history, and an event on the child's latest referral's timeline.

Withdrawing never deletes anything: what a professional already needed to record stays on the
record; it only stops the agency seeing more from the next request on."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from earlyyears.models import Child, FamilyMember, User
from pathway.models import Agency, ConsentChange, ConsentHow, ConsentRecord, ReferralEvent
from pathway.timeline import record_event_on_latest


class ConsentError(Exception):
    """A change that cannot be made, in words for the person making it."""


@dataclass(frozen=True)
class ConsentOutcome:
    """What happened: `changed` is False when the record already said so, or when a parent's
    agreement waits because the other parent withdrew (`disagreement`)."""

    record: ConsentRecord
    changed: bool
    disagreement: bool = False


def _label(agency: str) -> str:
    return Agency(agency).label


def record_consent(
    child: Child,
    agency: str,
    given: bool,
    *,
    how: str,
    by_member: FamilyMember | None = None,
    by_staff: User | None = None,
    on_behalf_of: str = "",
    note: str = "",
    at=None,
    timeline: bool = True,
) -> ConsentOutcome:
    """Give or withdraw the family's consent to share with one agency.

    When two people with parental responsibility disagree, a withdrawal by either applies: a
    family member's agreement does not undo another family member's withdrawal on their own
    pages; it is kept as a note and the SEND team is asked to talk to the family (the record's
    `talk_to_family_since`, listed in My work). A member of staff recording the outcome of that
    conversation on the family's behalf settles it."""
    if agency not in Agency.values:
        raise ConsentError("Choose who the family agrees to share with")
    if how not in ConsentHow.values:
        raise ConsentError("Choose how the family told you")
    if (
        by_member is None
        and by_staff is None
        and how
        not in (
            ConsentHow.REFERRAL_FORM,
            ConsentHow.PORTAGE_PAPERWORK,
        )
    ):
        raise ConsentError("Say who made the change")
    if by_staff is not None and not on_behalf_of.strip() and how != ConsentHow.REFERRAL_FORM:
        raise ConsentError("Enter the name of the family member who told you")
    at = at or timezone.now()
    with transaction.atomic():
        record, _ = ConsentRecord.objects.select_for_update().get_or_create(
            child=child, agency=agency, defaults={"given": False, "changed_at": at}
        )
        last = record.changes.order_by("-at", "-pk").first()
        disagreement = (
            by_member is not None
            and last is not None
            and last.given != given
            and last.by_member_id is not None
            and last.by_member_id != by_member.pk
        )
        if disagreement:
            about = (
                f"{by_member.name} withdrew consent to share with {_label(agency).lower()}; "
                f"another parent had agreed"
                if not given
                else f"{by_member.name} wants to share with {_label(agency).lower()}; "
                f"another parent withdrew"
            )
            record.talk_to_family_since = record.talk_to_family_since or at
            record.talk_to_family_about = about[:300]
        elif by_staff is not None and how != ConsentHow.REFERRAL_FORM:
            # Staff record what the family decided: any open disagreement is settled.
            record.talk_to_family_since = None
            record.talk_to_family_about = ""
        if agency == Agency.SEND_TEAM and not given and not disagreement:
            # The SEND team holds the referral to do its legal duties: withdrawing asks the team
            # to talk to the family about what happens next; it does not hide the referral.
            record.talk_to_family_since = record.talk_to_family_since or at
            record.talk_to_family_about = "The family withdrew consent for the SEND team"
        if disagreement and given:
            # A withdrawal by either parent applies: the agreement waits for the conversation.
            record.save(update_fields=["talk_to_family_since", "talk_to_family_about"])
            if timeline:
                record_event_on_latest(
                    child,
                    ReferralEvent.Kind.CONSENT,
                    None,
                    f"Parents disagree about sharing with {_label(agency)}: "
                    "the SEND team will talk to the family",
                    agency=agency,
                )
            return ConsentOutcome(record, changed=False, disagreement=True)
        if record.given == given and last is not None:
            record.save(update_fields=["talk_to_family_since", "talk_to_family_about"])
            return ConsentOutcome(record, changed=False, disagreement=disagreement)
        record.given = given
        record.changed_at = at
        record.save()
        ConsentChange.objects.create(
            record=record,
            given=given,
            at=at,
            how=how,
            by_member=by_member,
            by_staff=by_staff,
            on_behalf_of=on_behalf_of.strip(),
            note=note.strip(),
        )
        if timeline:
            who = by_member.name if by_member else (on_behalf_of.strip() or "The family")
            verb = "agreed to share with" if given else "withdrew consent to share with"
            record_event_on_latest(
                child,
                ReferralEvent.Kind.CONSENT,
                by_staff,
                f"{who} {verb} {_label(agency)}",
                agency=agency,
                how=ConsentHow(how).label,
                parents_disagree=disagreement,
            )
    return ConsentOutcome(record, changed=True, disagreement=disagreement)


def record_referral_consent(
    child: Child, share_with: list[str], *, by: User, given_by: str, at=None
) -> None:
    """The referral form's share list: it gives consent to the agencies ticked. It does not
    withdraw an agreement made before (withdrawing is done on the consent page, where the family
    sees what it means); an agency never asked about gets a "not agreed" record. At most four
    queries whatever was ticked, three for a child new to the service (a submission stays
    quick). Call inside a transaction."""
    at = at or timezone.now()
    asked = (Agency.SEND_TEAM, Agency.PORTAGE, Agency.EARLY_HELP, Agency.HEALTH)
    existing = {r.agency: r for r in ConsentRecord.objects.select_for_update().filter(child=child)}
    # Agencies never asked about before are recorded as the form says, in one insert.
    missing = [
        ConsentRecord(child=child, agency=agency, given=agency in share_with, changed_at=at)
        for agency in asked
        if agency not in existing
    ]
    if missing:
        ConsentRecord.objects.bulk_create(missing)
    changed = [
        existing[agency]
        for agency in asked
        if agency in share_with and agency in existing and not existing[agency].given
    ]
    newly = [record for record in missing if record.given] + changed
    if not newly:
        return
    if changed:
        ConsentRecord.objects.filter(pk__in=[r.pk for r in changed]).update(
            given=True, changed_at=at
        )
    ConsentChange.objects.bulk_create(
        ConsentChange(
            record=record,
            given=True,
            at=at,
            how=ConsentHow.REFERRAL_FORM,
            by_staff=by,
            on_behalf_of=(given_by or "")[:200],
        )
        for record in newly
    )
