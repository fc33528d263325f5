"""Demo children who attend two settings or moved (run after `demo_support_plans`): a child of
the demo practitioner's setting with a support plan who also attends a second setting (the
family agreed to share the plan), and a child who moved to the demo practitioner's setting
from another, with the plan's history and the setting they left on their page.

Made by the real services as the SEND team, so the timeline and the audit are the real ones.
Idempotent: skipped when any attendance was recorded by someone."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from earlyyears.models import SEND_TEAM_ROLES, Attendance, Child, Setting, SettingMembership, User
from pathway.attendance import services
from pathway.models import SupportPlan


class Command(BaseCommand):
    help = "Add a demo child at two settings and a demo move (skipped if already there)."

    def handle(self, *args, **options):
        if Attendance.objects.filter(created_by__isnull=False).exists():
            self.stdout.write("Attendance: already there.")
            return
        officer = User.objects.filter(role__in=SEND_TEAM_ROLES, is_active=True).order_by("pk")
        officer = officer.first()
        practitioner = User.objects.filter(username="practitioner", is_active=True).first()
        if officer is None or practitioner is None:
            self.stdout.write("Attendance: no SEND team or demo practitioner to record it.")
            return
        home = SettingMembership.objects.filter(user=practitioner).values("setting")
        others = Setting.objects.exclude(pk__in=home).exclude(memberships__isnull=True)
        today = timezone.localdate()
        made = []
        with transaction.atomic():
            planned = Child.objects.filter(
                setting__in=home,
                record_status=Child.RecordStatus.ACTIVE,
                pk__in=SupportPlan.objects.values("child"),
            ).first()
            second = others.order_by("pk").first()
            if planned is not None and second is not None:
                self.backdate(planned, today - datetime.timedelta(days=300))
                services.add_setting(
                    officer,
                    planned,
                    setting=second,
                    started_on=today - datetime.timedelta(days=60),
                    sees_plan=True,
                )
                made.append(f"{planned.full_name} also attends {second.name}")
            mover = (
                Child.objects.filter(
                    setting__in=others.exclude(pk=getattr(second, "pk", None)),
                    record_status=Child.RecordStatus.ACTIVE,
                    date_of_birth__lte=today - datetime.timedelta(days=400),
                )
                .order_by("pk")
                .first()
            )
            destination = Setting.objects.filter(pk__in=home).first()
            if mover is not None and destination is not None:
                self.backdate(mover, today - datetime.timedelta(days=365))
                lead = Attendance.objects.get(child=mover, ended_on__isnull=True, is_lead=True)
                moved_on = today - datetime.timedelta(days=21)
                services.record_move(
                    officer,
                    mover,
                    services.Move(lead.pk, destination, moved_on, services.NEW_SETTING, True),
                )
                made.append(f"{mover.full_name} moved to {destination.name}")
        self.stdout.write("Attendance: " + ("; ".join(made) or "no children to use") + ".")

    def backdate(self, child: Child, started_on: datetime.date) -> None:
        """The child's lead setting recorded as attended since `started_on` (a demo's history
        starts before the demo was made)."""
        services.ensure_lead_recorded(child)
        earliest = max(started_on, child.date_of_birth)
        Attendance.objects.filter(child=child, ended_on__isnull=True, is_lead=True).update(
            started_on=earliest
        )
