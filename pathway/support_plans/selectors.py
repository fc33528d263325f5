"""Reads for support plans: the plan page (a fixed number of queries however long the plan),
the child page's part, and what the forms start from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from earlyyears.access import AnyUser
from earlyyears.models import Child
from pathway.access.plans import may_write_plans, support_plans_for
from pathway.models import (
    OutcomeProgress,
    PlanCycle,
    PlanOutcome,
    PlanProvision,
    Referral,
    SupportPlan,
    SupportPlanVersion,
)
from pathway.support_plans.services import SeedCycle, seed_for


@dataclass
class PlanPage:
    child: Child
    plan: SupportPlan | None
    outcomes: list[PlanOutcome] = field(default_factory=list)
    ended_outcomes: list[PlanOutcome] = field(default_factory=list)
    provision: list[PlanProvision] = field(default_factory=list)
    cycles: list[PlanCycle] = field(default_factory=list)
    versions: list[SupportPlanVersion] = field(default_factory=list)
    can_write: bool = False
    seed_referral: Referral | None = None
    seeds: list[SeedCycle] = field(default_factory=list)

    @property
    def current_cycle(self) -> PlanCycle | None:
        return self.cycles[-1] if self.cycles else None

    @property
    def can_review(self) -> bool:
        cycle = self.current_cycle
        return self.can_write and cycle is not None and not cycle.is_reviewed

    @property
    def can_start_cycle(self) -> bool:
        cycle = self.current_cycle
        return self.can_write and (cycle is None or cycle.is_reviewed)


def _plan_with_rows(user: AnyUser, child: Child) -> SupportPlan | None:
    return (
        support_plans_for(user)
        .filter(child=child)
        .select_related("setting", "created_by", "updated_by")
        .prefetch_related(
            Prefetch("outcomes", queryset=PlanOutcome.objects.order_by("position", "pk")),
            Prefetch(
                "provision",
                queryset=PlanProvision.objects.filter(ended_at__isnull=True).select_related(
                    "outcome"
                ),
            ),
            Prefetch(
                "cycles",
                queryset=PlanCycle.objects.select_related(
                    "started_by", "reviewed_by", "from_referral"
                ).prefetch_related(
                    Prefetch(
                        "progress",
                        queryset=OutcomeProgress.objects.select_related("outcome"),
                    )
                ),
            ),
            Prefetch("versions", queryset=SupportPlanVersion.objects.select_related("saved_by")),
        )
        .first()
    )


def plan_page(user: AnyUser, child: Child, *, with_seed: bool = True) -> PlanPage:
    """The child's plan and its history for the plan page; with no plan, what starting one
    would bring in from the latest concern."""
    plan = _plan_with_rows(user, child)
    page = PlanPage(child=child, plan=plan, can_write=may_write_plans(user, child))
    if plan is None:
        if with_seed:
            page.seed_referral, page.seeds = seed_for(user, child)
        return page
    outcomes = list(plan.outcomes.all())
    page.outcomes = [o for o in outcomes if o.ended_at is None]
    page.ended_outcomes = [o for o in outcomes if o.ended_at is not None]
    page.provision = list(plan.provision.all())
    page.cycles = list(plan.cycles.all())
    page.versions = list(plan.versions.all())
    return page


def child_section(user: AnyUser, child: Child) -> dict[str, Any]:
    """The child page's part: the plan's tier and next review, or a way to start one. One
    query (two for someone who may write and the child has no plan)."""
    plans = support_plans_for(user).filter(child=child)
    plan = plans.first()
    can_write = may_write_plans(user, child)
    if plan is None and not can_write:
        return {"child": child, "plan": None, "can_write": False}
    cycle = plan.cycles.order_by("-number").first() if plan else None
    return {"child": child, "plan": plan, "cycle": cycle, "can_write": can_write}
