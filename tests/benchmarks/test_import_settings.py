"""Benchmark: 10,000 settings imported through the resource (every row checked in memory, the
rows written in batches by django-import-export's bulk mode, the whole file in one transaction)
beside a plain bulk_create of the same rows, in one run: the check (dry run) and both apply
modes, each with its own ceiling measured just after it. Prints the times and the ratios.

    make bench PYTEST_ARGS="-k import_settings"

BENCH_IMPORT_ROWS (10000; 200 under BENCH_SCALE=tiny) changes the size. Under `make bench` the
file is imported beside the template's 10,000 settings (pathway/benchdata.py), which stay: only
the imported rows (URNs EY2...) are removed between runs.
"""

from __future__ import annotations

import time

import pytest

from earlyyears.bulk import services as imports
from earlyyears.models import Area, ImportJob, Setting
from tests.factories import AreaFactory, UserFactory

from . import size

ROWS = size("BENCH_IMPORT_ROWS", 10000, tiny=200)
HEAD = (
    "URN,Provider name,Provider type,Address line 1,Town,Postcode,Registration status,Area code\n"
)


def register(count: int) -> bytes:
    lines = [
        f"EY{200000 + n},Nursery {n},Day nursery,{n} High Street,Westmoor,WM{1 + n % 9} "
        f"{1 + n % 9}AB,Active,W{n % 20:02d}"
        for n in range(count)
    ]
    return (HEAD + "\n".join(lines) + "\n").encode()


def imported():
    """The settings this file makes (URNs from EY200000), not the ones the database had."""
    return Setting.objects.filter(urn__startswith="EY2")


def bulk_create_ceiling(content: bytes, spec) -> float:
    """The same file read the same way, its rows written by one bulk_create: the floor."""
    started = time.perf_counter()
    table = imports.read_table(content, "csv", spec.columns)
    areas = {a.code: a for a in Area.objects.filter(code__in=[f"W{n:02d}" for n in range(20)])}
    Setting.objects.bulk_create(
        [
            Setting(
                urn=row["URN"],
                name=row["Provider name"],
                provider_type=Setting.ProviderType.DAY_NURSERY,
                address_line_1=row["Address line 1"],
                town=row["Town"],
                postcode=row["Postcode"],
                registration_status=Setting.RegistrationStatus.ACTIVE,
                area=areas[row["Area code"]],
            )
            for row in table.rows
        ],
        batch_size=1000,
    )
    return time.perf_counter() - started


def through_the_resource(content: bytes, spec, officer, *, mode: str, dry_run: bool) -> float:
    """What the worker runs for a job: read the file, check every row, write (or roll back)."""
    started = time.perf_counter()
    table = imports.read_table(content, "csv", spec.columns)
    outcome = imports.execute(spec, table, user=officer, dry_run=dry_run, mode=mode)
    seconds = time.perf_counter() - started
    assert outcome.new == ROWS and outcome.invalid == 0, outcome.as_report()
    assert outcome.applied is not dry_run
    return seconds


@pytest.mark.django_db
def test_import_settings_through_the_resource_beside_bulk_create(bench_table):
    for n in range(20):
        AreaFactory(code=f"W{n:02d}", name=f"Ward {n}")
    officer = UserFactory(username="bench.officer")
    content = register(ROWS)
    spec = imports.get_spec("settings")
    lines = []
    runs = [
        ("check (dry run)", ImportJob.Mode.ALL_OR_NOTHING, True),
        ("apply, only if every row is valid", ImportJob.Mode.ALL_OR_NOTHING, False),
        ("apply, all valid rows", ImportJob.Mode.VALID_ROWS, False),
    ]
    for label, mode, dry_run in runs:
        imported().delete()
        resource_seconds = through_the_resource(content, spec, officer, mode=mode, dry_run=dry_run)
        assert imported().count() == (0 if dry_run else ROWS)
        imported().delete()
        bulk_seconds = bulk_create_ceiling(content, spec)
        assert imported().count() == ROWS
        bench_table.add(
            f"import {ROWS:,} settings, {label}",
            resource_seconds * 1000,
            ceiling=bulk_seconds * 1000,
            ceiling_name="bulk_create",
            target="<= 5x bulk_create (3x with bulk mode)",
            met=resource_seconds <= 3 * bulk_seconds,
        )
        lines.append(
            f"  {label}: resource {resource_seconds:.2f} s ({ROWS / resource_seconds:,.0f} rows/s)"
            f", bulk_create {bulk_seconds:.2f} s, ratio {resource_seconds / bulk_seconds:.1f}x"
        )
    print(f"\nImport {ROWS:,} settings (target: apply <= 5x bulk_create, 3x if bulk mode allows)")
    print("\n".join(lines))
