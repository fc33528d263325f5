"""Demo referrals and observations for the demo authority (run after `demo_data`).

Referrals go through the real routing (services.create_referral), back-dated across the last 18
months so triage, the register and planning have history. Idempotent: each demo referral
carries a demo key and is created once.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.models import (
    Area,
    Child,
    ContactDetail,
    Provenance,
    Role,
    SettingMembership,
    User,
)
from earlyyears.needs import PRIME_AREAS, ConcernLevel
from earlyyears.roles import SEND_TEAM_ROLES
from pathway.casework import services as casework
from pathway.planning.aggregates import rebuild_need_figures

from ...models import (
    Decision,
    FundingBudget,
    Observation,
    PossibleMatch,
    Referral,
    ReferralClock,
    ReferralEvent,
    Route,
)
from ...routing import DEVELOPMENTAL_BANDS
from ...services import create_referral, submit_health_notification

EVIDENCE = {
    "communication_language": [
        "Uses around ten single words; does not yet join two words.",
        "Rarely responds to their name; follows routines by watching others.",
        "Speech is unclear to staff who know the child well.",
    ],
    "physical": [
        "Falls often when running; avoids climbing equipment.",
        "Finds it hard to hold a crayon or use a spoon.",
    ],
    "personal_social_emotional": [
        "Plays alone and becomes very distressed at changes in routine.",
        "Long outbursts at transitions that usual strategies do not help.",
    ],
}
ACCEPT_REASONS = [
    "Significant delay in prime areas despite two cycles of support in the setting.",
    "The setting's evidence shows needs beyond what SEN support alone can meet.",
    "Under three with delays in more than one prime area: home-visiting support fits best.",
    "The family agreed to an early help assessment; the SEND team will stay involved.",
]
TRIED = [
    "Small-group language sessions three times a week",
    "Visual timetable and now-and-next board",
    "Key person 1:1 sessions for ten minutes a day",
    "Sensory circuit each morning",
]


class Command(BaseCommand):
    help = "Adds demo observations and referrals (routed by the published rules)."

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, default=400)

    def handle(self, *args, referrals: int, **options):
        demo.check_demo_command()  # DEMO=1 beside a production setting: refuse
        rng = random.Random(2026)  # noqa: S311 - demo data, not security
        children = list(
            Child.objects.filter(setting__isnull=False)
            .select_related("setting", "area")
            .order_by("reference")[: referrals * 2]
        )
        # Settings without a demo practitioner sent paper forms the SEND team keyed in.
        fallback = User.objects.filter(role=Role.SEND_OFFICER).order_by("username").first()
        if not children or fallback is None:
            self.stderr.write("Run `manage.py demo_data` first.")
            return
        practitioners = {
            m.setting_id: m.user for m in SettingMembership.objects.select_related("user")
        }
        existing = set(
            Referral.objects.filter(answers__has_key="demo_key").values_list(
                "answers__demo_key", flat=True
            )
        )
        now = timezone.now()
        created = 0
        sample = rng.sample(children, min(referrals, len(children)))
        for number, child in enumerate(sample, start=1):
            key = f"demo-{number:05d}"
            if key in existing:
                continue
            age_days = (now.date() - child.date_of_birth).days
            submitted_at = now - datetime.timedelta(
                days=rng.randint(0, min(540, max(age_days - 200, 1)))
            )
            submitter = practitioners.get(child.setting_id, fallback)
            with transaction.atomic():
                create_referral(
                    child=child,
                    source=Referral.Source.SETTING_CONCERN,
                    submitted_by=submitter,
                    answers=self.answers(rng, key),
                    setting=child.setting,
                    consent={
                        "consent_given_by": "Parent",
                        "share_with": ["send_team", "portage", "early_help", "health"],
                        "sms_consent": rng.random() < 0.7,
                    },
                    submitted_at=submitted_at,
                    notify=False,
                )
            created += 1
        observations = self.observations(rng, children[:300], practitioners, fallback)
        decided = self.casework(rng, now)
        self.identity()
        rebuild_need_figures()
        self.stdout.write(
            f"Demo pathway: {created} referrals created ({Referral.objects.count()} in all), "
            f"{observations} observations created, {decided} referrals decided."
        )

    def identity(self) -> None:
        """Something to check in the demo: a health notification about a child of the demo
        practitioner's setting, from a professional who cannot see that child (so it makes its
        own record and waits on the possible-matches list), and a number for the family that
        waits for the setting to confirm it. Only once."""
        if PossibleMatch.objects.exists():
            return
        professional = User.objects.filter(username="professional").first()
        membership = SettingMembership.objects.filter(user__username="practitioner").first()
        if professional is None or membership is None:
            return
        child = (
            Child.objects.filter(setting=membership.setting, family_contacts__isnull=False)
            .order_by("reference")
            .first()
        )
        if child is None:
            return
        parent = child.family_contacts.order_by("-is_primary", "pk").first()
        with transaction.atomic():
            submit_health_notification(
                professional,
                {
                    "first_name": child.first_name,
                    "last_name": child.last_name,
                    "date_of_birth": child.date_of_birth,
                    "postcode": child.postcode,
                    "area": child.area,
                    "broad_areas_of_need": ["sensory_physical"],
                    "diagnoses": "Glue ear, referred to audiology",
                    "parent_name": parent.name,
                    "parent_mobile": "+447700900999",
                    "sms_consent": "yes",
                    "ehc_assessment_requested": "no",
                },
            )
            ContactDetail.objects.create(
                contact=parent,
                kind=ContactDetail.Kind.MOBILE,
                value="+447700900998",
                source=Provenance.PORTAGE,
                sms_consent=True,
                status=ContactDetail.Status.UNCONFIRMED,
            )
            # A family in a refuge: the address is shown to the SEND team only, and the other
            # parent, who the family must not be contacted through, gets nothing.
            refuge = (
                Child.objects.filter(setting=membership.setting, family_contacts__isnull=False)
                .exclude(pk=child.pk)
                .order_by("-reference")
                .first()
            )
            if refuge is not None:
                Child.objects.filter(pk=refuge.pk).update(
                    address_withheld=True,
                    safeguarding_note="Family in a refuge since the spring: check before sharing.",
                )
                refuge.family_contacts.filter(is_primary=False).update(do_not_contact=True)

    def budgets(self, financial_year: int) -> None:
        """Inclusion funding budgets as an authority sets them: the county's, each district's
        and each ward's (the funding page shows awards by the setting's area, a ward), shared
        by under-5 population, so no area says "No budget set"."""
        county = Decimal("250000")
        FundingBudget.objects.get_or_create(
            financial_year=financial_year, area=None, defaults={"amount": county}
        )
        areas = list(Area.objects.filter(kind__in=(Area.Kind.DISTRICT, Area.Kind.WARD)))
        for kind in (Area.Kind.DISTRICT, Area.Kind.WARD):
            of_kind = [a for a in areas if a.kind == kind]
            people = sum(a.under_5_population for a in of_kind) or len(of_kind) or 1
            for area in of_kind:
                share = Decimal(area.under_5_population or 1) / Decimal(people)
                amount = (county * Decimal("0.9") * share / 500).quantize(Decimal(1)) * 500
                FundingBudget.objects.get_or_create(
                    financial_year=financial_year, area=area, defaults={"amount": amount}
                )

    def casework(self, rng: random.Random, now: datetime.datetime) -> int:
        """Decide the older demo referrals as the SEND team would have, back-dated; leave the
        last month's waiting, half of them claimed; set this year's inclusion funding budgets."""
        officers = list(User.objects.filter(role__in=SEND_TEAM_ROLES).order_by("username"))
        if not officers:
            return 0
        year = casework.financial_year_of(now.date())
        for financial_year in (year - 1, year):
            self.budgets(financial_year)
        waiting = (
            Referral.objects.filter(answers__has_key="demo_key", status__in=Referral.WAITING)
            .select_related("setting")
            .order_by("submitted_at")
        )
        decided = 0
        for referral in waiting:
            officer = rng.choice(officers)
            age = (now - referral.submitted_at).days
            if age < 30:
                if rng.random() < 0.5 and referral.allocated_to_id is None:
                    casework.claim(referral, officer)
                continue
            decided_at = referral.submitted_at + datetime.timedelta(days=rng.randint(3, 16))
            kind, extra = self.decision_for(rng, referral, decided_at.date())
            decision = casework.decide(referral, kind, by=officer, notify=False, **extra)
            Decision.objects.filter(pk=decision.pk).update(decided_at=decided_at)
            ReferralClock.objects.filter(stopped_by=decision).update(stopped_at=decided_at)
            ReferralEvent.objects.filter(
                referral=referral, at__gte=now - datetime.timedelta(minutes=5)
            ).exclude(kind=ReferralEvent.Kind.VIEWED).update(at=decided_at)
            Referral.objects.filter(pk=referral.pk).update(
                allocated_to=officer, allocated_at=decided_at
            )
            decided += 1
        return decided

    def decision_for(self, rng: random.Random, referral: Referral, on: datetime.date):
        roll = rng.random()
        routes = [route for route in referral.routes if route != Route.LOCAL_OFFER]
        if roll < 0.55 and routes:
            return "accept", {
                "routes": routes,
                "reason": rng.choice(ACCEPT_REASONS),
            }
        if roll < 0.75 and referral.setting_id:
            starts = on + datetime.timedelta(days=14)
            return "funding", {
                "reason": "Extra adult support for small-group and 1:1 work on the outcomes "
                "in the setting's support plan.",
                "funding": casework.FundingTerms(
                    amount=Decimal(rng.choice([600, 900, 1200, 1500, 2400])),
                    hours_per_week=Decimal(rng.choice([3, 5, 7.5, 10])),
                    starts_on=starts,
                    ends_on=starts + datetime.timedelta(weeks=12),
                    review_on=starts + datetime.timedelta(weeks=8),
                ),
            }
        if roll < 0.9:
            return "signpost", {
                "reason": "Needs can be met through universal services for now: the family "
                "has details of stay-and-play and speech and language drop-ins."
            }
        return "close", {"reason": "The child has moved out of the county."}

    def answers(self, rng: random.Random, key: str) -> dict:
        development = {}
        for area in PRIME_AREAS:
            level = rng.choices(
                [
                    ConcernLevel.NONE,
                    ConcernLevel.EMERGING,
                    ConcernLevel.SIGNIFICANT,
                    ConcernLevel.SEVERE,
                ],
                weights=[35, 30, 25, 10],
            )[0]
            item = {"level": str(level), "age_band": None, "evidence": ""}
            if level != ConcernLevel.NONE:
                item["age_band"] = rng.choice(list(DEVELOPMENTAL_BANDS)[:4])
                item["evidence"] = rng.choice(EVIDENCE[area.value])
            development[area.value] = item
        if all(item["level"] == "none" for item in development.values()):
            development["communication_language"] = {
                "level": "emerging",
                "age_band": "16-26",
                "evidence": EVIDENCE["communication_language"][0],
            }
        cycles = [
            {
                "started_on": None,
                "reviewed_on": None,
                "tried": rng.choice(TRIED),
                "outcome": "some_progress",
                "complete": True,
            }
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3]))
        ]
        return {
            "demo_key": key,
            "development": development,
            "support_cycles": cycles,
            "checks": {"wellcomm_result": rng.choice(["not_done", "green", "amber", "red"])},
            "health_family": {
                "diagnoses": "",
                "family_circumstances": rng.random() < 0.15,
                "ehc_assessment_requested": rng.random() < 0.08,
            },
            "family": {"family_views": "They would like help with talking and play."},
        }

    def observations(self, rng, children, practitioners, fallback) -> int:
        if Observation.objects.exists():
            return 0
        rows = []
        today = timezone.localdate()
        for child in children:
            for _ in range(rng.randint(1, 3)):
                area = rng.choice(PRIME_AREAS).value
                rows.append(
                    Observation(
                        child=child,
                        setting=child.setting,
                        eyfs_area=area,
                        observed_on=today - datetime.timedelta(days=rng.randint(1, 120)),
                        what_was_seen=rng.choice(EVIDENCE[area]),
                        strengths=rng.choice(
                            ["Loves music", "Enjoys water play", "Good at puzzles"]
                        ),
                        observer=practitioners.get(child.setting_id, fallback),
                    )
                )
        Observation.objects.bulk_create(rows)
        return len(rows)
