"""Writes for support plans: start a plan, change it, record a review, start the next cycle.

Each write is one transaction: a refused or failed write leaves nothing half-saved. Nothing is
overwritten silently: before a change the plan as it was is saved as a `SupportPlanVersion`
(who, when, what changed), a change made from an out-of-date page is refused, outcomes and
provision taken out are ended rather than deleted, and a reviewed cycle is never changed. Every
write goes on the child's latest referral's timeline (if they have one)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from earlyyears.models import Child, User, display_name
from pathway.access.plans import concerns_for_plan, may_write_plans
from pathway.models import (
    OutcomeProgress,
    PlanCycle,
    PlanOutcome,
    PlanProvision,
    Referral,
    ReferralEvent,
    SupportPlan,
    SupportPlanVersion,
    SupportTier,
)
from pathway.timeline import record_event_on_latest


class PlanError(ValueError):
    """A change the plan's state does not allow; the message says why, for the form."""


@dataclass
class OutcomeRow:
    text: str
    by_when: datetime.date | None = None
    kept_after_warning: bool = False
    id: int | None = None


@dataclass
class ProvisionRow:
    what: str
    who: str
    how_often: str
    starts_on: datetime.date | None = None
    outcome_index: int | None = None  # which outcome row it meets (0-based), or None for all
    id: int | None = None


@dataclass
class CycleStart:
    started_on: datetime.date
    review_due_on: datetime.date
    planned: str
    assess: str = ""


@dataclass
class Review:
    reviewed_on: datetime.date
    overall: str
    progress: dict[int, tuple[str, str]] = field(default_factory=dict)  # outcome id: (code, notes)
    notes: str = ""
    family_views: str = ""
    child_voice: str = ""


# The wizard's support cycles --------------------------------------------------------------


@dataclass(frozen=True)
class SeedCycle:
    """A support cycle as the concern wizard collected it (referral.answers["support_cycles"])."""

    started_on: datetime.date | None
    reviewed_on: datetime.date | None
    tried: str
    outcome: str

    @property
    def is_reviewed(self) -> bool:
        return bool(self.reviewed_on and self.outcome)


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def seed_cycles(referral: Referral | None) -> list[SeedCycle]:
    """The concern's cycles, oldest first (undated ones last, in the order given)."""
    if referral is None:
        return []
    rows = (referral.answers or {}).get("support_cycles") or []
    cycles = [
        SeedCycle(
            _date(row.get("started_on")),
            _date(row.get("reviewed_on")),
            str(row.get("tried") or ""),
            row.get("outcome") or "",
        )
        for row in rows
        if isinstance(row, dict) and row.get("tried")
    ]
    order = {id(cycle): index for index, cycle in enumerate(cycles)}
    return sorted(
        cycles,
        key=lambda c: (c.started_on is None, c.started_on or datetime.date.min, order[id(c)]),
    )


def seed_for(user: User, child: Child) -> tuple[Referral | None, list[SeedCycle]]:
    """The latest concern the user may see for the child, and its cycles."""
    referral = concerns_for_plan(user, child).first()
    return referral, seed_cycles(referral)


# History ---------------------------------------------------------------------------------


def snapshot(plan: SupportPlan) -> dict[str, Any]:
    """The plan's own words as they stand: tier, strengths, live outcomes and provision."""
    outcomes = list(plan.outcomes.filter(ended_at__isnull=True))
    return {
        "tier": plan.tier,
        "strengths": plan.strengths,
        "outcomes": [
            {
                "id": o.pk,
                "text": o.text,
                "by_when": o.by_when.isoformat() if o.by_when else None,
            }
            for o in outcomes
        ],
        "provision": [
            {
                "id": p.pk,
                "what": p.what,
                "who": p.who,
                "how_often": p.how_often,
                "starts_on": p.starts_on.isoformat() if p.starts_on else None,
                "outcome": p.outcome_id,
            }
            for p in plan.provision.filter(ended_at__isnull=True)
        ],
    }


def describe_changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    """A short, plain account of what a change did, for the history."""
    parts = []
    if before["tier"] != after["tier"]:
        parts.append(
            f"tier changed from {SupportTier(before['tier']).label.lower()} to "
            f"{SupportTier(after['tier']).label.lower()}"
        )
    if before["strengths"] != after["strengths"]:
        parts.append("strengths changed")
    for key, noun in (("outcomes", "outcome"), ("provision", "help")):
        old = {row["id"]: row for row in before[key]}
        new = {row["id"]: row for row in after[key]}
        added = len(set(new) - set(old))
        removed = len(set(old) - set(new))
        changed = sum(1 for pk in set(old) & set(new) if old[pk] != new[pk])
        for count, verb in ((added, "added"), (changed, "changed"), (removed, "taken out")):
            if count:
                parts.append(f"{count} {noun}{'s' if count > 1 and noun != 'help' else ''} {verb}")
    text = "; ".join(parts) or "saved with no changes"
    return text[0].upper() + text[1:]


def _timeline(child: Child, user: User, summary: str, plan: SupportPlan, **detail: Any) -> None:
    record_event_on_latest(
        child,
        ReferralEvent.Kind.CHILD_RECORD,
        user,
        summary,
        support_plan=plan.pk,
        **detail,
    )


# Writes -----------------------------------------------------------------------------------


def _must_write(user: User, child: Child) -> None:
    if not may_write_plans(user, child):
        raise PlanError("Only the child's setting or the SEND team can change a support plan")


def _save_rows(
    plan: SupportPlan, outcomes: list[OutcomeRow], provision: list[ProvisionRow], now
) -> None:
    """Outcomes and provision as the form gave them: rows kept are updated, new rows added,
    rows left out ended (never deleted)."""
    live_outcomes = {o.pk: o for o in plan.outcomes.filter(ended_at__isnull=True)}
    saved: list[PlanOutcome] = []
    for position, row in enumerate(outcomes):
        outcome = live_outcomes.pop(row.id, None) if row.id else None
        if outcome is None:
            outcome = PlanOutcome(plan=plan, added_at=now)
        outcome.position = position
        outcome.text = row.text
        outcome.by_when = row.by_when
        outcome.kept_after_warning = row.kept_after_warning
        outcome.save()
        saved.append(outcome)
    PlanOutcome.objects.filter(pk__in=list(live_outcomes)).update(ended_at=now)

    live_provision = {p.pk: p for p in plan.provision.filter(ended_at__isnull=True)}
    for position, row in enumerate(provision):
        item = live_provision.pop(row.id, None) if row.id else None
        if item is None:
            item = PlanProvision(plan=plan, added_at=now)
        item.position = position
        item.what, item.who, item.how_often = row.what, row.who, row.how_often
        item.starts_on = row.starts_on
        index = row.outcome_index
        item.outcome = saved[index] if index is not None and 0 <= index < len(saved) else None
        item.save()
    PlanProvision.objects.filter(pk__in=list(live_provision)).update(ended_at=now)


@transaction.atomic
def create_plan(
    user: User,
    child: Child,
    *,
    tier: str,
    strengths: str,
    outcomes: list[OutcomeRow],
    provision: list[ProvisionRow],
    cycle: CycleStart,
) -> SupportPlan:
    """Start the child's plan. The latest concern's support cycles become its first cycles
    (linked to the concern); an unreviewed last one is the current cycle, with the review date
    and plan given here."""
    _must_write(user, child)
    if not outcomes:
        raise PlanError("Add at least one outcome")
    if SupportPlan.objects.filter(child=child).exists():
        raise PlanError(f"{child.full_name} already has a support plan")
    referral, seeds = seed_for(user, child)
    now = timezone.now()
    plan = SupportPlan(
        child=child,
        setting=child.setting,
        tier=tier,
        strengths=strengths,
        seeded_from=referral if seeds else None,
        created_by=user,
        created_at=now,
        updated_by=user,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise PlanError(f"{child.full_name} already has a support plan") from None
    _save_rows(plan, outcomes, provision, now)
    reviewed = [seed for seed in seeds if seed.is_reviewed]
    open_seed = next((seed for seed in reversed(seeds) if not seed.is_reviewed), None)
    cycles = [
        PlanCycle(
            plan=plan,
            number=number,
            started_on=seed.started_on,
            review_due_on=seed.reviewed_on,
            planned=seed.tried,
            reviewed_on=seed.reviewed_on,
            overall=seed.outcome,
            from_referral=referral,
            started_by=None,
            created_at=now,
        )
        for number, seed in enumerate(reviewed, start=1)
    ]
    cycles.append(
        PlanCycle(
            plan=plan,
            number=len(cycles) + 1,
            started_on=cycle.started_on,
            review_due_on=cycle.review_due_on,
            assess=cycle.assess,
            planned=cycle.planned,
            from_referral=referral if open_seed else None,
            started_by=user,
            created_at=now,
        )
    )
    PlanCycle.objects.bulk_create(cycles)
    SupportPlanVersion.objects.create(
        plan=plan,
        number=1,
        saved_by=user,
        saved_at=now,
        summary="Plan started"
        + (
            f", with {len(seeds)} support cycle{'s' if len(seeds) != 1 else ''} from the concern"
            if seeds
            else ""
        ),
        snapshot=snapshot(plan),
    )
    _timeline(
        child,
        user,
        f"Support plan started by {display_name(user)} ({SupportTier(tier).label.lower()})",
        plan,
    )
    return plan


@transaction.atomic
def update_plan(
    user: User,
    plan: SupportPlan,
    *,
    version: int,
    tier: str,
    strengths: str,
    outcomes: list[OutcomeRow],
    provision: list[ProvisionRow],
) -> SupportPlanVersion:
    """Change the plan's tier, strengths, outcomes and provision. `version` is the version the
    writer saw: if someone saved since, the change is refused rather than overwrite theirs."""
    _must_write(user, plan.child)
    if not outcomes:
        raise PlanError("Add at least one outcome")
    locked = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.version != version:
        raise PlanError(
            "Someone else changed this plan since you opened it. Your changes have not been "
            "saved: open the plan again to see theirs."
        )
    now = timezone.now()
    before = snapshot(locked)
    locked.tier, locked.strengths = tier, strengths
    _save_rows(locked, outcomes, provision, now)
    after = snapshot(locked)
    locked.version += 1
    locked.updated_by, locked.updated_at = user, now
    locked.save(update_fields=["tier", "strengths", "version", "updated_by", "updated_at"])
    summary = describe_changes(before, after)
    saved = SupportPlanVersion.objects.create(
        plan=locked,
        number=locked.version,
        saved_by=user,
        saved_at=now,
        summary=summary,
        snapshot={"before": before, "after": after},
    )
    _timeline(
        locked.child, user, f"Support plan changed by {display_name(user)}: {summary}", locked
    )
    plan.refresh_from_db()
    return saved


def current_cycle(plan: SupportPlan) -> PlanCycle | None:
    return plan.cycles.order_by("-number").first()


@transaction.atomic
def record_review(user: User, plan: SupportPlan, review: Review) -> PlanCycle:
    """Review the current cycle: progress against each outcome, the family's views, the
    child's voice. A cycle is reviewed once; the next cycle starts separately."""
    _must_write(user, plan.child)
    SupportPlan.objects.select_for_update().filter(pk=plan.pk).first()
    cycle = current_cycle(plan)
    if cycle is None or cycle.is_reviewed:
        raise PlanError("This cycle has already been reviewed. Start the next cycle first.")
    if cycle.started_on and review.reviewed_on < cycle.started_on:
        raise PlanError("The review date must be on or after the date the cycle started")
    live = {o.pk for o in plan.outcomes.filter(ended_at__isnull=True)}
    if set(review.progress) != live:
        raise PlanError("Say how the child is doing against every outcome")
    cycle.reviewed_on = review.reviewed_on
    cycle.overall = review.overall
    cycle.review_notes = review.notes
    cycle.family_views = review.family_views
    cycle.child_voice = review.child_voice
    cycle.reviewed_by = user
    cycle.save()
    OutcomeProgress.objects.bulk_create(
        OutcomeProgress(cycle=cycle, outcome_id=pk, progress=code, notes=notes)
        for pk, (code, notes) in review.progress.items()
    )
    now = timezone.now()
    SupportPlan.objects.filter(pk=plan.pk).update(updated_by=user, updated_at=now)
    _timeline(
        plan.child,
        user,
        f"Support plan cycle {cycle.number} reviewed by {display_name(user)}: "
        f"{cycle.get_overall_display().lower()}",
        plan,
        cycle=cycle.number,
    )
    return cycle


@transaction.atomic
def start_next_cycle(user: User, plan: SupportPlan, start: CycleStart) -> PlanCycle:
    """Start the next cycle once the current one is reviewed."""
    _must_write(user, plan.child)
    SupportPlan.objects.select_for_update().filter(pk=plan.pk).first()
    cycle = current_cycle(plan)
    if cycle is not None and not cycle.is_reviewed:
        raise PlanError(f"Record the review of cycle {cycle.number} before starting the next one")
    if cycle is not None and cycle.reviewed_on and start.started_on < cycle.reviewed_on:
        raise PlanError("The next cycle must start on or after the last review")
    now = timezone.now()
    new = PlanCycle.objects.create(
        plan=plan,
        number=(cycle.number + 1) if cycle else 1,
        started_on=start.started_on,
        review_due_on=start.review_due_on,
        assess=start.assess,
        planned=start.planned,
        started_by=user,
        created_at=now,
    )
    SupportPlan.objects.filter(pk=plan.pk).update(updated_by=user, updated_at=now)
    _timeline(
        plan.child,
        user,
        f"Support plan cycle {new.number} started by {display_name(user)}",
        plan,
        cycle=new.number,
    )
    return new
