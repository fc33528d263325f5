"""Load the training demo: the section and its permissions, the starter module, a training
lead who approves modules, and some completions so the coverage pages show figures.

Runs after `demo_data` (it uses the demo staff when they exist). Idempotent: running it again
changes nothing. Dates are relative to the day a record is first made."""

from __future__ import annotations

import datetime
import os

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.management.commands.demo_data import DEFAULT_PASSWORD
from earlyyears.models import Role, User
from training import services, starter
from training.models import Completion, Enrolment, LessonProgress

LEAD = "training.lead"
# (username, days ago, how, or None for "part way through": lessons done)
DEMO_LEARNERS = (
    ("senco", 300, Completion.Source.ONLINE),
    ("practitioner2", 800, Completion.Source.ONLINE),
    ("childminder", 90, Completion.Source.FACE_TO_FACE),
    ("bank.practitioner", 400, Completion.Source.FACE_TO_FACE),
    ("portage", 150, Completion.Source.ONLINE),
)
PART_WAY = (("practitioner3", 2),)


class Command(BaseCommand):
    help = "Load the training demo (idempotent; run after demo_data)."

    def handle(self, *args, **options):
        try:
            known_keys = demo.demo_keys_allowed()  # refuses before anything is written
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        with transaction.atomic():
            self.load(known_keys)

    def load(self, known_keys: bool) -> None:
        made: list[str] = []
        index = services.ensure_training_section()
        module, created = starter.load_starter_module(index)
        if created:
            made.append(f"module '{module.title}' with 5 lessons")
        lead, created = self.ensure_lead()
        if created:
            made.append(f"user {LEAD}")
        if known_keys:
            demo.give_demo_key(lead)
        removed = self.leave_editors()
        if removed:
            made.append(f"{removed} trainer(s) taken out of Wagtail's Editors group")
        made += self.demo_records(module)

        out = self.stdout.write
        out(self.style.MIGRATE_HEADING("Training"))
        out(f"  Catalogue: {index.get_url() or '/training/'}")
        out("  Trainers write modules in Wagtail (/admin/) and submit them for approval;")
        out(f"  {LEAD} (a training lead, in 'Training approvers') approves and publishes.")
        out("  Coverage for trainers: /training/coverage/")
        out(
            self.style.SUCCESS(
                "Created this run: " + (", ".join(made) or "nothing (already up to date)")
            )
        )

    def ensure_lead(self) -> tuple[User, bool]:
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        fields = {
            "role": Role.TRAINER,
            "first_name": "Priya",
            "last_name": "Shah",
            "job_title": "Early years SEND training lead",
            "organisation": "Westmoor County Council",
            "email": f"{LEAD}@example.com",
        }
        lead, created = User.objects.get_or_create(
            username=LEAD, defaults={**fields, "password": make_password(password)}
        )
        lead.groups.add(*Group.objects.filter(name__in=(services.TRAINERS, services.APPROVERS)))
        return lead, created

    def leave_editors(self) -> int:
        """Wagtail's Editors group can edit every page (the local offer too): trainers work
        through the Trainers group only."""
        editors = Group.objects.filter(name="Editors").first()
        if editors is None:
            return 0
        trainers = list(editors.user_set.filter(role=Role.TRAINER))
        editors.user_set.remove(*trainers)
        return len(trainers)

    def demo_records(self, module) -> list[str]:
        today = timezone.localdate()
        lessons = list(module.live_lessons())
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=[
                    *(name for name, _, _ in DEMO_LEARNERS),
                    *(name for name, _ in PART_WAY),
                ]
            )
        }
        made = 0
        for username, days_ago, source in DEMO_LEARNERS:
            user = users.get(username)
            if user is None or Completion.objects.filter(user=user, module=module).exists():
                continue
            day = today - datetime.timedelta(days=days_ago)
            if source == Completion.Source.ONLINE:
                enrolment, _ = Enrolment.objects.get_or_create(
                    user=user,
                    module=module,
                    defaults={
                        "enrolled_at": timezone.now() - datetime.timedelta(days=days_ago + 3)
                    },
                )
                for lesson in lessons:
                    LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
            services.record_completion(user, module, day, source=source)
            made += 1
        for username, done in PART_WAY:
            user = users.get(username)
            if user is None or Enrolment.objects.filter(user=user, module=module).exists():
                continue
            enrolment = Enrolment.objects.create(user=user, module=module)
            for lesson in lessons[:done]:
                LessonProgress.objects.create(enrolment=enrolment, lesson=lesson)
            made += 1
        return [f"{made} demo learner record(s)"] if made else []
