"""Demo support plans (run after `demo_pathway`): plans at every tier for children of the demo
practitioners' settings, those with a concern first (their concern's support cycles start the
plan), some through one or two reviews, one changed since it started.

Every plan is made by the real services as a practitioner of the child's setting, so the
history and the case timeline are the real ones. Idempotent: skipped when any plan exists."""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from earlyyears.models import Child, SettingMembership, User
from pathway.models import PlanCycle, Referral, SupportPlan, SupportTier
from pathway.support_plans import services

OUTCOMES = [
    "{name} will ask for help using two or three words",
    "{name} will take turns in a short game with one other child",
    "{name} will follow a two-step instruction with a picture to help",
    "{name} will join in with a group story for five minutes",
    "{name} will use a spoon to feed themselves at lunch",
    "{name} will tell an adult when they feel upset, by words or a sign",
]
HELP = [
    ("Small-group language sessions", "The setting's SENCO", "3 times a week for 15 minutes"),
    ("A visual timetable and now-and-next board", "Key person", "Every day"),
    ("Makaton signs for everyday words", "All staff in the room", "Every day"),
    ("Turn-taking games with one friend", "Key person", "Twice a week for 10 minutes"),
    (
        "Advice and a programme from the speech and language therapist",
        "Speech and language therapist, with the key person",
        "A visit each half term",
    ),
]
PLANNED = [
    "Story time in a small group with props, and a now-and-next board at tidy-up time",
    "Key person models two-word phrases in play; choices offered with pictures",
    "Short turn-taking games with one friend, growing to two",
]
FAMILY = [
    "Mum says {name} is pointing and saying more words at home.",
    "Dad is pleased and would like the signs to use at home too.",
    "The family say mornings are still hard and would like ideas for getting ready.",
]
CHILD = [
    "{name} chose the bubbles and smiled when we looked at the photos together.",
    "{name} pointed to the picture of the sand tray as their favourite thing.",
]
# Tier, reviews done, whether it was changed since it started: two plans a tier.
SHAPES = [
    (SupportTier.UNIVERSAL, 0, False),
    (SupportTier.UNIVERSAL, 1, False),
    (SupportTier.TARGETED, 1, True),
    (SupportTier.TARGETED, 2, False),
    (SupportTier.TARGETED_PLUS, 2, True),
    (SupportTier.TARGETED_PLUS, 1, False),
    (SupportTier.SPECIALIST, 2, True),
    (SupportTier.SPECIALIST, 0, False),
]


class Command(BaseCommand):
    help = "Add demo support plans at every tier (skipped if any plan exists)."

    def handle(self, *args, **options):
        if SupportPlan.objects.exists():
            self.stdout.write("Support plans: already there.")
            return
        rng = random.Random(23)  # noqa: S311 (demo data, not secrets)
        made = 0
        for tier, reviews, changed in SHAPES:
            pair = self.next_child()
            if pair is None:
                break
            child, practitioner = pair
            with transaction.atomic():
                self.plan(rng, child, practitioner, tier, reviews, changed)
            made += 1
        self.stdout.write(f"Support plans: {made} added, at every tier.")

    def next_child(self) -> tuple[Child, User] | None:
        """A child of a demo practitioner's setting without a plan, one with a concern first."""
        for cap, username in (
            (cap, name)
            for cap in (2, 4, 8)
            for name in ("practitioner", "senco", "practitioner2", "childminder")
        ):
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                continue
            settings = SettingMembership.objects.filter(user=user).values("setting")
            children = (
                Child.objects.filter(setting__in=settings, record_status=Child.RecordStatus.ACTIVE)
                .exclude(Exists(SupportPlan.objects.filter(child=OuterRef("pk"))))
                .annotate(
                    concern=Exists(
                        Referral.objects.filter(
                            child=OuterRef("pk"), source=Referral.Source.SETTING_CONCERN
                        )
                    )
                )
                .order_by("-concern", "pk")
            )
            # Spread over the demo sign-ins, so each has plans to open.
            if SupportPlan.objects.filter(setting__in=settings).count() >= cap:
                continue
            child = children.first()
            if child is not None:
                return child, user
        return None

    def plan(self, rng, child: Child, user: User, tier, reviews: int, changed: bool) -> None:
        today = timezone.localdate()
        name = child.first_name
        started = today - datetime.timedelta(weeks=8 * reviews + rng.randint(1, 5))
        outcomes = [
            services.OutcomeRow(text.format(name=name), today + datetime.timedelta(weeks=26))
            for text in rng.sample(OUTCOMES, 2)
        ]
        provision = [
            services.ProvisionRow(what, who, often, started, index % 2)
            for index, (what, who, often) in enumerate(rng.sample(HELP, 2))
        ]
        plan = services.create_plan(
            user,
            child,
            tier=tier,
            strengths=f"{name} loves water play, music and being outside.",
            outcomes=outcomes,
            provision=provision,
            cycle=services.CycleStart(
                started,
                started + datetime.timedelta(weeks=8),
                rng.choice(PLANNED),
                assess=f"{name} uses single words and gestures; understands short phrases.",
            ),
        )
        for number in range(reviews):
            cycle = plan.cycles.order_by("-number").first()
            reviewed_on = min(today, (cycle.started_on or started) + datetime.timedelta(weeks=8))
            live = list(plan.outcomes.filter(ended_at__isnull=True))
            services.record_review(
                user,
                plan,
                services.Review(
                    reviewed_on=reviewed_on,
                    overall=rng.choice([c for c, _ in PlanCycle.Progress.choices]),
                    progress={
                        o.pk: (rng.choice(["good_progress", "some_progress"]), "") for o in live
                    },
                    notes="The small-group sessions are helping; keep the visual timetable.",
                    family_views=rng.choice(FAMILY).format(name=name),
                    child_voice=rng.choice(CHILD).format(name=name),
                ),
            )
            if number < reviews - 1 or rng.random() < 0.7:
                services.start_next_cycle(
                    user,
                    plan,
                    services.CycleStart(
                        reviewed_on,
                        reviewed_on + datetime.timedelta(weeks=8),
                        rng.choice(PLANNED),
                    ),
                )
        if changed:
            live = list(plan.outcomes.filter(ended_at__isnull=True))
            services.update_plan(
                user,
                plan,
                version=plan.version,
                tier=tier,
                strengths=plan.strengths,
                outcomes=[services.OutcomeRow(o.text, o.by_when, id=o.pk) for o in live]
                + [
                    services.OutcomeRow(
                        OUTCOMES[5].format(name=name), today + datetime.timedelta(weeks=30)
                    )
                ],
                provision=[
                    services.ProvisionRow(p.what, p.who, p.how_often, p.starts_on, None, id=p.pk)
                    for p in plan.provision.filter(ended_at__isnull=True)
                ],
            )
