"""Runs every alert check once (earlyyears.monitoring.alerts) and prints what is wrong. Run it
from the infrastructure's own scheduler every five minutes as well as from beat: a stopped beat
cannot say so itself. Exit status 0 when all is well, 1 when an alert is open."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from earlyyears.monitoring import alerts


class Command(BaseCommand):
    help = "Check the outbox, texts, beat, workers and clock reminders; email ALERT_EMAIL."

    def handle(self, *args, **options) -> None:
        open_alerts = alerts.check()
        for alert in open_alerts:
            self.stdout.write(f"{alert.get_kind_display()}: {alert.detail}")
        if not open_alerts:
            self.stdout.write("All is well.")
        sys.exit(1 if open_alerts else 0)
