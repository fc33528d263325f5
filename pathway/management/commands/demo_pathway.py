"""Demo referrals and observations for the demo authority (run after `demo_data`).

Referrals go through the real routing (services.create_referral), back-dated across the last 18
months so triage, the register and planning have history. Idempotent: each demo referral
carries a demo key and is created once.
"""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from earlyyears.models import Child, Role, SettingMembership, User
from earlyyears.needs import PRIME_AREAS, ConcernLevel

from ...models import Observation, Referral
from ...routing import DEVELOPMENTAL_BANDS
from ...services import create_referral

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
        self.stdout.write(
            f"Demo pathway: {created} referrals created ({Referral.objects.count()} in all), "
            f"{observations} observations created."
        )

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
