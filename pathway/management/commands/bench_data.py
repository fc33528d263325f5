"""Fill the configured database with benchmark data at 10x county scale (pathway.benchdata).

    DATABASE_URL=postgres://.../earlyyears_bench_scratch manage.py migrate
    DATABASE_URL=postgres://.../earlyyears_bench_scratch manage.py bench_data [--tiny]

Sizes from BENCH_DATA_<NAME> (WARDS, DISTRICTS, SETTINGS, CHILDREN, REFERRALS, SERVICES), or the
tiny ones with --tiny or BENCH_SCALE=tiny. `make bench` keeps the result as a template database:
see `bench_template`.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from pathway import benchdata


class Command(BaseCommand):
    help = "Fill this database with benchmark data in bulk (1M referrals, 50k services)"

    def add_arguments(self, parser):
        parser.add_argument("--tiny", action="store_true", help="a few thousand rows (CI)")

    def handle(self, *args, tiny: bool = False, **options):
        sizes = benchdata.Sizes.from_env(tiny=True if tiny else None)
        started = time.perf_counter()

        def log(line: str) -> None:
            self.stdout.write(f"{time.perf_counter() - started:7.1f} s  {line}")

        try:
            benchdata.generate(sizes, log=log)
        except ValueError as error:
            raise CommandError(str(error)) from error
        log("done")
