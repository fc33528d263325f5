"""Writes for case reviews: drawing the sample, the panel, each reviewer's findings, and a
finding turned into a draft of the routing rules."""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from earlyyears.models import User
from pathway.models import (
    CaseReview,
    ReviewCase,
    ReviewCause,
    ReviewFinding,
    ReviewPanelMember,
    RoutingRuleSet,
)
from pathway.rules import published_rule_set
from pathway.services import copy_rule_set

from . import selectors

# Ordered rules take their top cases; the random rule draws from every case.
ORDERED_METHODS = frozenset({CaseReview.Method.LONGEST_WAIT})


class NothingToSample(ValueError):
    """No case matches the rule in the period."""


@dataclass(frozen=True)
class SampleRequest:
    title: str
    method: str
    referred_from: datetime.date
    referred_to: datetime.date
    sample_size: int
    opens_on: datetime.date
    closes_on: datetime.date
    seed: int | None = None


def draw(pool: list[int], size: int, seed: int, *, ordered: bool) -> list[int]:
    """The sample: the first `size` of an ordered pool, or `size` drawn at random with the seed
    (the same seed and pool give the same sample)."""
    if ordered:
        return pool[:size]
    return random.Random(seed).sample(pool, min(size, len(pool)))  # noqa: S311 (not security)


def create_review(request: SampleRequest, user: User) -> CaseReview:
    pool = selectors.candidates(request.method, request.referred_from, request.referred_to)
    if not pool:
        raise NothingToSample(
            "No cases match that rule in that period. Choose a longer period or another rule."
        )
    seed = request.seed if request.seed is not None else secrets.randbelow(1_000_000)
    sample = draw(pool, request.sample_size, seed, ordered=request.method in ORDERED_METHODS)
    with transaction.atomic():
        review = CaseReview.objects.create(
            title=request.title,
            method=request.method,
            referred_from=request.referred_from,
            referred_to=request.referred_to,
            sample_size=request.sample_size,
            seed=seed,
            pool_size=len(pool),
            opens_on=request.opens_on,
            closes_on=request.closes_on,
            created_by=user,
        )
        ReviewCase.objects.bulk_create(
            ReviewCase(review=review, referral_id=pk, position=number)
            for number, pk in enumerate(sample, start=1)
        )
    return review


def add_member(review: CaseReview, user: User, perspective: str, added_by: User) -> None:
    ReviewPanelMember.objects.update_or_create(
        review=review, user=user, defaults={"perspective": perspective, "added_by": added_by}
    )


def remove_member(review: CaseReview, member_id: int) -> None:
    review.members.filter(pk=member_id).delete()


@dataclass(frozen=True)
class StageFinding:
    stage: str
    earlier: str
    causes: list[ReviewCause]
    notes: str


def record_findings(case: ReviewCase, reviewer: User, findings: list[StageFinding]) -> None:
    """A reviewer's findings on every stage of a case, saved together or not at all; saving
    again replaces their own earlier answers and nobody else's."""
    with transaction.atomic():
        for each in findings:
            finding, _ = ReviewFinding.objects.update_or_create(
                case=case,
                reviewer=reviewer,
                stage=each.stage,
                defaults={
                    "earlier": each.earlier,
                    "notes": each.notes,
                    "recorded_at": timezone.now(),
                },
            )
            finding.causes.set(each.causes)


def propose_rule_change(review: CaseReview, user: User, proposal: str) -> RoutingRuleSet:
    """A draft copy of the published routing rules, its notes saying which review proposed it
    and why, for the SEND manager to change and test against the review's cases."""
    draft = copy_rule_set(published_rule_set(), user)
    draft.notes = f'Proposed by the case review "{review.title}": {proposal}'.strip()
    draft.save(update_fields=["notes"])
    return draft
