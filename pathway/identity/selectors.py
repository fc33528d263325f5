"""Reads for the SEND team's possible-matches list: the two records side by side."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from earlyyears.access import AnyUser
from earlyyears.models import Child, FamilyContact

from ..access import is_send_manager, is_send_team
from ..models import ChildMerge, PossibleMatch, Referral


def possible_matches_for(user: AnyUser) -> QuerySet[PossibleMatch]:
    """Only the SEND team sees possible matches: a submitter never learns of one."""
    if not is_send_team(user):
        return PossibleMatch.objects.none()
    return PossibleMatch.objects.select_related(
        "child", "child__setting", "existing", "existing__setting", "decided_by"
    )


def open_possible_matches(user: AnyUser) -> QuerySet[PossibleMatch]:
    return (
        possible_matches_for(user)
        .filter(status=PossibleMatch.Status.OPEN)
        .order_by("found_at", "pk")
    )


def possible_match_for(user: AnyUser, match_id: int) -> PossibleMatch:
    return get_object_or_404(possible_matches_for(user), pk=match_id)


def merges_for(user: AnyUser) -> QuerySet[ChildMerge]:
    if not is_send_team(user):
        return ChildMerge.objects.none()
    return ChildMerge.objects.select_related("survivor", "merged", "merged_by", "undone_by")


def merge_for(user: AnyUser, merge_id: int) -> ChildMerge:
    """Only a SEND manager undoes a merge."""
    if not is_send_manager(user):
        return get_object_or_404(ChildMerge.objects.none(), pk=merge_id)
    return get_object_or_404(merges_for(user), pk=merge_id)


@dataclass
class RecordSide:
    """One record of a pair, as the SEND team compares it."""

    child: Child
    contacts: list[FamilyContact] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def side_by_side(match: PossibleMatch) -> list[RecordSide]:
    """Both records with their contacts and referrals, in two queries beyond the children."""
    children = [match.existing, match.child]
    ids = [c.pk for c in children]
    contacts = FamilyContact.objects.filter(child_id__in=ids).prefetch_related("details")
    referrals = (
        Referral.objects.filter(child_id__in=ids)
        .select_related("setting", "submitted_by")
        .order_by("submitted_at")
    )
    counted = {
        row["pk"]: row
        for row in Child.objects.filter(pk__in=ids)
        .annotate(
            n_observations=Count("observations", distinct=True),
            n_visits=Count("portage_visits", distinct=True),
        )
        .values("pk", "n_observations", "n_visits")
    }
    sides = []
    for child in children:
        sides.append(
            RecordSide(
                child=child,
                contacts=[c for c in contacts if c.child_id == child.pk],
                referrals=[r for r in referrals if r.child_id == child.pk],
                counts={
                    "observations": counted[child.pk]["n_observations"],
                    "visits": counted[child.pk]["n_visits"],
                },
            )
        )
    return sides


def recent_merges(user: AnyUser, limit: int = 20) -> list[ChildMerge]:
    return list(merges_for(user).order_by("-merged_at", "-pk")[:limit])
