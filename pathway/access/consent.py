"""Consent to share, read for the access rules (issue 22). Every rule that depends on the
family's agreement reads the current `ConsentRecord` here, on every request, so a withdrawal or
a new agreement takes effect on the next page anyone opens. No record means not agreed.

Two forms: `consent_given(child, agency)` for one child, and `consent_q` / `consent_exists`
for list pages (one subquery, so a list stays at a constant number of queries)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from earlyyears.access import AnyUser
from earlyyears.models import SEND_TEAM_ROLES, Child
from pathway.models import Agency, ConsentRecord

AGENCIES = tuple(Agency.values)


def consent_given(child: Child | int, agency: str) -> bool:
    """Whether the family agrees, now, to share with the agency. One query."""
    child_id = child if isinstance(child, int) else child.pk
    return ConsentRecord.objects.filter(child_id=child_id, agency=agency, given=True).exists()


def consenting_children(agency: str) -> QuerySet[ConsentRecord]:
    """The ids of children whose family agrees to share with the agency (a subquery)."""
    return ConsentRecord.objects.filter(agency=agency, given=True).values("child_id")


def consent_q(agency: str, child_field: str = "child") -> Q:
    """A filter for any model that names a child: `child_field` is the path to the child
    ("child" on a referral, "referral__child" on an advice request, "pk" on a Child)."""
    return Q(**{f"{child_field}__in": consenting_children(agency)})


def consent_exists(agency: str, child_ref: str = "child") -> Exists:
    """The same as an annotation: `.annotate(shares=consent_exists("setting"))`."""
    return Exists(
        ConsentRecord.objects.filter(agency=agency, given=True, child_id=OuterRef(child_ref))
    )


def consent_records(child: Child) -> dict[str, ConsentRecord | None]:
    """Every agency, with the child's current record or None (nobody asked yet). One query."""
    found = {r.agency: r for r in ConsentRecord.objects.filter(child=child)}
    return {agency: found.get(agency) for agency in AGENCIES}


def consent_talks_for(user: AnyUser) -> QuerySet[ConsentRecord]:
    """Consent the SEND team is asked to talk through with the family (two people with parental
    responsibility disagree, or the family withdrew consent for the team itself): the team's
    own list in My work, nobody else's."""
    if not user.is_authenticated or not user.is_active or user.role not in SEND_TEAM_ROLES:
        return ConsentRecord.objects.none()
    return ConsentRecord.objects.filter(talk_to_family_since__isnull=False)
