"""Import Open Referral UK service records from a JSON file (or an API page saved as one)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms import services


class Command(BaseCommand):
    help = (
        "Import services from Open Referral UK JSON: one service record, a list of them, or a "
        "/services list page. Every record is checked against service.json first; if any is "
        "wrong, nothing is imported and the errors are listed per record."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file ('-' for standard input)")
        parser.add_argument("--dry-run", action="store_true", help="Check only, save nothing")

    def handle(self, *args, path: str, dry_run: bool, **options):
        if path == "-":
            import sys

            text = sys.stdin.read()
        else:
            try:
                text = Path(path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error
        preview = services.run_json_import(text, dry_run=dry_run)
        for error in preview.file_errors:
            self.stderr.write(error)
        for row in preview.rows:
            label = f"Record {row.number} ({row.name or 'no name'})"
            for error in row.errors:
                self.stderr.write(f"{label}: {error}")
            for warning in row.warnings:
                self.stdout.write(f"{label}: warning: {warning}")
        if preview.has_errors:
            raise CommandError(
                f"Nothing imported: {sum(1 for r in preview.rows if r.errors)} of "
                f"{len(preview.rows)} records have errors"
                if preview.rows
                else "Nothing imported"
            )
        counts = preview.counts
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(preview.rows)} services "
                f"({counts.get('new', 0)} new, {counts.get('update', 0)} updated)"
            )
        )
