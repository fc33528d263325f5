"""The service's integrity checks (dataprotection.integrity): referrals' routes and events,
file references, the audit trail against a backup's manifest. Exit status 1 on any problem.

    manage.py integrity_check --write-manifest manifest.json   # when taking a backup
    manage.py integrity_check --manifest manifest.json         # on the restored database
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from dataprotection import integrity


class Command(BaseCommand):
    help = "Check referrals, files and the audit trail (after a restore, against a manifest)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--manifest", help="the backup's manifest to compare with")
        parser.add_argument("--write-manifest", help="write this database's manifest here")

    def handle(self, *args, manifest=None, write_manifest=None, **options) -> None:
        if write_manifest:
            Path(write_manifest).write_text(json.dumps(integrity.manifest(), indent=2))
            self.stdout.write(f"Manifest written to {write_manifest}")
            return
        expected = json.loads(Path(manifest).read_text()) if manifest else None
        report = integrity.run(expected)
        for what, count in report.checked.items():
            self.stdout.write(f"Checked {count} {what}")
        for problem in report.problems:
            self.stdout.write(f"PROBLEM: {problem}")
        self.stdout.write("Integrity check passed." if report.ok else "Integrity check FAILED.")
        sys.exit(0 if report.ok else 1)
