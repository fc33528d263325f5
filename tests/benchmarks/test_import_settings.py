"""Benchmark: 10,000 settings imported through the resource (every row validated, each in a
savepoint, the whole file in one transaction) beside a plain bulk_create of the same rows, in
one run. Prints both times and the ratio.

    make bench PYTEST_ARGS="-k import_settings"

BENCH_IMPORT_ROWS (10000; 200 under BENCH_SCALE=tiny) changes the size.
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


@pytest.mark.django_db
def test_import_settings_through_the_resource_beside_bulk_create():
    for n in range(20):
        AreaFactory(code=f"W{n:02d}", name=f"Ward {n}")
    officer = UserFactory(username="bench.officer")
    content = register(ROWS)
    spec = imports.get_spec("settings")

    started = time.perf_counter()
    table = imports.read_table(content, "csv", spec.columns)
    outcome = imports.execute(
        spec, table, user=officer, dry_run=False, mode=ImportJob.Mode.ALL_OR_NOTHING
    )
    resource_seconds = time.perf_counter() - started
    assert outcome.applied and outcome.new == ROWS, outcome.as_report()
    assert Setting.objects.count() == ROWS

    Setting.objects.all().delete()
    started = time.perf_counter()
    table = imports.read_table(content, "csv", spec.columns)
    areas = {a.code: a for a in Area.objects.all()}
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
    bulk_seconds = time.perf_counter() - started
    assert Setting.objects.count() == ROWS

    print(
        f"\nImport {ROWS:,} settings: resource {resource_seconds:.2f} s "
        f"({ROWS / resource_seconds:,.0f} rows/s), bulk_create {bulk_seconds:.2f} s "
        f"({ROWS / bulk_seconds:,.0f} rows/s), ratio {resource_seconds / bulk_seconds:.1f}x"
    )
