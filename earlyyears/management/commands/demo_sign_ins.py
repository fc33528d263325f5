"""Print every demo sign-in: username, role, password and authenticator key.

`make run` runs it beside the development server with `--wait-for`, so the table comes last,
after the server's start-up lines: it waits until the server answers its health check, then
prints. Only accounts a demo load (DEMO=1) gave a known key are listed."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from earlyyears.accounts import demo
from earlyyears.management.commands.demo_data import DEFAULT_PASSWORD
from earlyyears.models import SettingMembership
from earlyyears.roles import Role

# Groups that say more about a demo account than its role does, and what to call it then.
TELLING_GROUPS = {
    "Training approvers": "Training lead (approves training)",
    "Local offer moderators": "Local offer moderator (approves, imports)",
    "Local offer editors": "Local offer editor",
}


class Command(BaseCommand):
    help = "Print the demo sign-ins (after the server answers, with --wait-for)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait-for",
            metavar="URL",
            help="Print once this address answers, e.g. http://127.0.0.1:8000/healthz/",
        )
        parser.add_argument(
            "--timeout", type=float, default=300.0, help="Seconds to wait (default 300)"
        )
        parser.add_argument(
            "--server-pid",
            type=int,
            help="Stop waiting, quietly, once this process (the server) has ended",
        )

    def handle(
        self, *args, wait_for: str | None, timeout: float, server_pid: int | None, **options
    ):
        self.server_pid = server_pid
        if wait_for and not self.wait(wait_for, timeout):
            if not self.server_running():
                return  # the server stopped (its own messages say why): nothing to add
            raise CommandError(
                f"The server did not answer at {wait_for} within {timeout:.0f} seconds, so "
                "no sign-ins are printed: see the server's messages above."
            )
        try:
            demo.demo_keys_allowed()
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.print_table(wait_for)

    def wait(self, url: str, timeout: float) -> bool:
        """Poll until the address answers (any HTTP status counts: the server is up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.server_running():
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                    pass
            except urllib.error.HTTPError:
                pass
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
                continue
            # Let the server write its own line about this request before the table.
            time.sleep(0.5)
            return True
        return False

    def server_running(self) -> bool:
        if not self.server_pid:
            return True
        try:
            os.kill(self.server_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def print_table(self, url: str | None) -> None:
        out = self.stdout.write
        accounts = demo.demo_accounts()
        if not accounts:
            out(
                "No demo account has a known authenticator key: load the demo with DEMO=1 "
                "(make run does), or set up an authenticator app at first sign-in."
            )
            return
        sencos = set(
            SettingMembership.objects.filter(is_senco=True, user__in=accounts).values_list(
                "user_id", flat=True
            )
        )
        rows = []
        for user in accounts:
            groups = {g.name for g in user.groups.all()}
            role = next(
                (label for name, label in TELLING_GROUPS.items() if name in groups),
                Role(user.role).label + (" (SENCO)" if user.pk in sencos else ""),
            )
            rows.append((user.username, role, demo.key_for_app(user.username)))
        headings = ("Username", "Role", "Authenticator key (or: manage.py demo_code USERNAME)")
        widths = [max(len(r[k]) for r in [headings, *rows]) for k in range(3)]
        rule = "  ".join("-" * w for w in widths)
        origin = url.split("/healthz/")[0] if url else ""
        out("")
        out(
            self.style.MIGRATE_HEADING(
                "Demo sign-ins" + (f" at {origin}/sign-in/" if origin else "")
            )
        )
        out("  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip())
        out(rule)
        for row in rows:
            out("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        out(rule)
        source = "DEMO_PASSWORD" if "DEMO_PASSWORD" in os.environ else "default"
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        out(f"Password for every account ({source}): {password}")
        out(
            "Second step: the code from an authenticator app given the key above, or without "
            "one: .venv/bin/python manage.py demo_code USERNAME"
        )
        out("Wagtail's admin (trainers, local offer editors): /admin/")
