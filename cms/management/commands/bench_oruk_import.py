"""Benchmark the Open Referral UK import: a generated feed of full service records (20,000
by default, about 60 MB).

By default as an editor's large upload goes, on a worker through the staging area
(`cms.staging`): checked, built and swapped in a chunk at a time, printing the progress the
editor sees; the imported services are deleted afterwards unless --keep. With --direct, as
`import_oruk` does in one transaction, rolled back afterwards unless --keep."""

from __future__ import annotations

import json
import time
import uuid

from django.core.management.base import BaseCommand
from django.db import transaction

from cms import oruk, services, staging
from cms.models import ServiceImport
from cms.staging_models import StagedImport

NAMESPACE = uuid.UUID("3d0b6c1e-9a0f-4d7e-8b5c-2f1e0d9c8b7a")
WORDS = ["speech", "play", "sensory", "portage", "music", "swim", "sign", "stay", "story"]


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def feed_record(n: int) -> dict:
    """One fully populated service record of about 3 KB, its ids derived from `n`."""
    sid, lid, oid = _id("s", n), _id("l", n), _id("o", n % 500)
    word = WORDS[n % len(WORDS)]
    term = {
        "id": _id("t", n % 40),
        "name": f"{word.title()} services",
        "description": f"Services about {word}",
        "taxonomy": "esdServiceTypes",
        "taxonomy_id": _id("taxonomy"),
        "term_uri": f"https://example.org/terms/{n % 40}",
        "term": word,
    }
    return {
        "id": sid,
        "organization_id": oid,
        "name": f"{word.title()} group {n}",
        "description": f"A {word} group for young children and their families, number {n}. " * 4,
        "url": f"https://example.org/services/{n}",
        "email": f"service{n}@example.org",
        "status": "active",
        "fees": "£2 a session",
        "accreditations": "Ofsted registered",
        "minimum_age": n % 3,
        "maximum_age": 5 + n % 4,
        "assured_date": "2026-03-01",
        "alert": "Closed in August",
        "last_modified": "2026-03-01T09:30:00.000Z",
        "organization": {
            "id": oid,
            "name": f"Provider {n % 500}",
            "description": "A local charity",
            "website": "https://example.org",
        },
        "schedules": [
            {
                "id": _id("sch", n),
                "service_id": sid,
                "freq": "WEEKLY",
                "interval": 1,
                "byday": ["MO", "TU", "WE", "TH", "FR"][n % 5],
                "opens_at": "09:30:00",
                "closes_at": "11:00:00",
                "valid_from": "2026-01-05",
                "valid_to": "2026-07-20",
                "description": "Weekly in term time",
            }
        ],
        "service_areas": [{"id": _id("a", n), "service_id": sid, "name": f"Ward {n % 4 + 1}"}],
        "service_at_locations": [
            {
                "id": _id("sal", n),
                "service_id": sid,
                "location_id": lid,
                "location": {
                    "id": lid,
                    "location_type": "physical",
                    "name": f"Family hub {n % 300}",
                    "latitude": 52.6 + (n % 400) / 1000,
                    "longitude": -2.6 + (n % 400) / 1000,
                    "addresses": [
                        {
                            "id": _id("ad", n),
                            "location_id": lid,
                            "address_1": f"{n % 200 + 1} High Street",
                            "city": "Northdale",
                            "state_province": "Westmoor",
                            "postal_code": f"WM{n % 4 + 1} 1AB",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [{"id": _id("ac", n), "description": "Step-free"}],
                },
            }
        ],
        "languages": [{"id": _id("lang", n), "name": "English", "code": "en"}],
        "funding": [{"id": _id("f", n), "service_id": sid, "source": "Council grant"}],
        "cost_options": [
            {
                "id": _id("c", n),
                "service_id": sid,
                "option": "Per child",
                "amount": 2,
                "amount_description": "a session",
                "currency": "GBP",
            }
        ],  # fmt: skip
        "contacts": [
            {
                "id": _id("ct", n),
                "service_id": sid,
                "name": "Group leader",
                "title": "Leader",
                "phones": [{"id": _id("p", n), "number": "01632 960123"}],
            }
        ],
        "attributes": [
            {
                "id": _id("at", n),
                "link_id": sid,
                "link_type": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        ],
    }


def feed_text(records: int) -> str:
    return json.dumps(
        {"total_items": records, "contents": [feed_record(n) for n in range(records)]},
        ensure_ascii=False,
    )


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=20_000)
        parser.add_argument("--keep", action="store_true", help="Keep the imported services")
        parser.add_argument(
            "--direct", action="store_true", help="In one transaction, not the staging area"
        )
        parser.add_argument("--again", action="store_true", help="Then import it again (updates)")

    def handle(self, *args, records: int, keep: bool, direct: bool, again: bool, **options):
        started = time.perf_counter()
        text = feed_text(records)
        self.stdout.write(f"generated {records} records, {len(text) / 1e6:.1f} MB")
        if not direct:
            self.staged(text, keep, again)
            return
        marks = {"start": time.perf_counter()}
        document, error = services.parse_json(text)
        if error:
            self.stderr.write(error)
            return
        marks["parsed"] = time.perf_counter()
        for record in oruk.records_in(document)[:1]:
            services.check_record(record)

        def progress(done: int, total: int) -> None:
            elapsed = time.perf_counter() - marks["parsed"]
            self.stdout.write(f"  saved {done} of {total} new services ({elapsed:.0f} s)")

        with transaction.atomic():
            report = services.import_oruk(document, progress=progress)
            marks["imported"] = time.perf_counter()
            if not keep:
                transaction.set_rollback(True)
        counts = report.counts
        steps = ", ".join(f"{name} {value:.1f} s" for name, value in report.seconds.items())
        self.stdout.write(f"steps: {steps}")
        self.stdout.write(
            f"parse {marks['parsed'] - marks['start']:.1f} s, check and save "
            f"{marks['imported'] - marks['parsed']:.1f} s, total with generation "
            f"{time.perf_counter() - started:.1f} s; {counts.get('new', 0)} new, "
            f"{counts.get('update', 0)} updated, {report.error_count} with errors"
        )

    def staged(self, text: str, keep: bool, again: bool) -> None:
        upload = ServiceImport.objects.create(format="json", filename="bench.json", content=text)
        rounds = [("first import", upload)]
        if again:
            rounds.append(("again", ServiceImport.objects.create(format="json", content=text)))
        ids: set[int] = set()
        for label, service_import in rounds:
            staged = StagedImport.objects.create(service_import=service_import)
            clock = time.perf_counter()
            shown = {"status": ""}

            def show(progress: StagedImport, clock=clock, shown=shown) -> None:
                seconds = time.perf_counter() - clock
                self.stdout.write(
                    f"  {seconds:6.1f} s  {progress.get_status_display().lower()}: checked "
                    f"{progress.checked} and imported {progress.imported} of {progress.total}"
                )

            staged = staging.run(staged.pk, on_chunk=show)
            seconds = time.perf_counter() - clock
            self.stdout.write(
                f"{label}: {staged.get_status_display().lower()} in {seconds:.1f} s "
                f"({staged.created} new, {staged.updated} updated, {len(staged.errors)} errors)"
            )
            for error in staged.errors[:5]:
                self.stderr.write(f"  {error}")
            ids |= set(
                services.ServicePage.objects.filter(
                    oruk_id__in=[_id("s", n) for n in range(staged.total)]
                ).values_list("pk", flat=True)
            )
        ServiceImport.objects.filter(pk__in=[u.pk for _, u in rounds]).delete()
        if not keep:
            clock = time.perf_counter()
            services.Page.objects.filter(pk__in=ids).delete()
            self.stdout.write(
                f"deleted the imported services ({time.perf_counter() - clock:.1f} s)"
            )
