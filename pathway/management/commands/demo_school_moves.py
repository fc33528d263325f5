"""Demo moves to school (run after `demo_pathway`): children known to the pathway who start
Reception next September, at each stage of the checklist (nothing yet, school named, meeting
booked, hand-over written, hand-over sent), and one delayed start for a summer-born child of the
year before.

Made by the real services as the SEND officer, so the case timeline is the real one.
Idempotent: skipped when any move to school is recorded."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.dates import born_in_intake
from earlyyears.models import Child, User
from pathway.models import HandoverRecord, SchoolMove
from pathway.school_move import services

SCHOOLS = [
    ("Hilltop Primary School", "123456"),
    ("St Mary's Church of England Primary School", "123457"),
    ("Westmoor Community Primary School", "123458"),
    ("Riverside Infant School", "123459"),
]


class Command(BaseCommand):
    help = "Demo moves to school for children who start Reception next September."

    def handle(self, *args, **options):
        demo.check_demo_command()
        if SchoolMove.objects.exists():
            self.stdout.write("Moves to school already recorded: nothing to do.")
            return
        officer = User.objects.filter(username="send.officer").first()
        if officer is None:
            self.stdout.write("Run `manage.py demo_data` first.")
            return
        today = timezone.localdate()
        year = today.year + 1 if today.month >= 9 else today.year
        known = (
            Child.objects.exclude(record_status=Child.RecordStatus.MERGED)
            .filter(referrals__isnull=False)
            .distinct()
            .order_by("pk")
        )
        movers = list(known.filter(date_of_birth__range=born_in_intake(year))[:5])
        summer_born = (
            known.filter(date_of_birth__range=born_in_intake(year - 1), date_of_birth__month__gte=4)
            .exclude(pk__in=[c.pk for c in movers])
            .first()
        )
        with transaction.atomic():
            for stage, child in enumerate(movers):
                self.prepare(officer, child, stage, today)
            if summer_born is not None:
                services.record_school_move(
                    officer,
                    summer_born,
                    **self.values(
                        intake_year=year,
                        intake_change_reason=(
                            "A delayed start agreed with the family for a summer-born child"
                        ),
                    ),
                )
        self.stdout.write(
            f"Moves to school: {len(movers)} children starting in September {year}"
            + (", and one delayed start" if summer_born else "")
            + f"; {HandoverRecord.objects.count()} hand-over records."
        )

    @staticmethod
    def values(**given) -> dict:
        return {name: given.get(name) for name in services.MOVE_FIELDS} | {
            "school_name": given.get("school_name", ""),
            "school_urn": given.get("school_urn", ""),
            "intake_change_reason": given.get("intake_change_reason", ""),
        }

    def prepare(self, officer: User, child: Child, stage: int, today: datetime.date) -> None:
        """Stage 0: nothing yet; 1: school named; 2: meeting booked; 3: hand-over written;
        4: hand-over sent after the meeting."""
        if stage == 0:
            return
        name, urn = SCHOOLS[stage % len(SCHOOLS)]
        meeting = None
        if stage >= 2:
            meeting = today + datetime.timedelta(days=21) if stage < 4 else today
        services.record_school_move(
            officer,
            child,
            **self.values(school_name=name, school_urn=urn, transition_meeting_on=meeting),
        )
        if stage < 3:
            return
        record = services.write_handover(
            officer,
            child,
            strengths=f"{child.first_name} loves the sand tray, music and stories about animals.",
            needs="Finds busy, noisy rooms hard, and changes to the routine.",
            what_works=(
                "A visual timetable, a warning before changes, and a quiet corner to go to."
            ),
            support_in_place="A support plan at the targeted tier, reviewed each term.",
            family_views="We want the school to know how well they have done this year.",
            consent_given_by="A parent",
            consent_given_on=today,
        )
        if stage >= 4:
            services.record_sent(
                officer,
                record,
                sent_how=HandoverRecord.Method.SECURE_EMAIL,
                sent_to="office@school.example",
                sent_on=today,
            )
