"""Print the code a demo account's authenticator shows now (`manage.py demo_code USERNAME`).

Only for accounts given a known key by a demo load with DEMO=1, and never where a production
setting is present (earlyyears.accounts.demo)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from earlyyears.accounts import demo
from earlyyears.models import User


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo account (demo only)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="A demo account's username, e.g. send.officer")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account called {username}.")
        try:
            now = demo.current_code(user)
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(now.code)
        self.stderr.write(
            f"The code for {username} (good for {now.seconds_left} more seconds; each code "
            "signs in once)."
        )
