"""`manage.py apply_retention [--dry-run]`: run the retention rules now, or show what would go."""

from django.core.management.base import BaseCommand

from dataprotection.retention import apply_retention, describe_rules


class Command(BaseCommand):
    help = "Delete or anonymise records due under the retention rules (--dry-run to preview)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Work out what would be deleted or anonymised, change nothing",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        run = apply_retention(dry_run=dry_run)
        self.stdout.write("Dry run: nothing changed." if dry_run else f"Retention run {run.pk}.")
        for rule in describe_rules():
            self.stdout.write(f"- {rule['rule']}: {rule['description']}")
        self.stdout.write(f"Children under a legal hold (skipped): {run.held_children}")
        verb = "would be" if dry_run else "were"
        if not run.lines:
            self.stdout.write(f"No records {verb} deleted or anonymised.")
        for line in run.lines:
            self.stdout.write(
                f"{line['rule']}: {line['count']} {line['record_type']} {verb} {line['action']}"
            )
        self.stdout.write(f"Total: {run.total}")
