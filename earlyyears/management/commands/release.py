"""The release step: run once per release, before the new code serves (Procfile `release`).

Refuses with DEBUG on or the embedded secret key (earlyyears.serving), applies the migrations,
then makes what a new installation needs and a later release may add (`setup_training`, which
is idempotent). Static files are collected where each web process runs (a build step, `make
serve` does it first), not here: the release step runs in one place only.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from earlyyears.serving import refusal_message, refusals


class Command(BaseCommand):
    help = "Check it is safe to serve, apply migrations, and set up what a new installation needs."

    def handle(self, *args, **options):
        reasons = refusals()
        if reasons:
            self.stderr.write(refusal_message(reasons))
            raise SystemExit(1)
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("setup_training", verbosity=verbosity)
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Release step done: the database is up to date."))
