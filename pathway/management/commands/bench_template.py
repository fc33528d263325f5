"""Make sure the benchmark template database is up to date, building it if not
(pathway.benchtemplate). `make bench` runs it first; `make bench-data` runs it with --rebuild.

    DATABASE_URL=postgres://.../earlyyears_bench manage.py bench_template [--rebuild] [--name N]

BENCH_REBUILD=1 is --rebuild; BENCH_TEMPLATE names the template (earlyyears_bench_template).
"""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand

from pathway import benchtemplate


class Command(BaseCommand):
    help = "Build the benchmark template database if it is missing or out of date"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="build it even if up to date")
        parser.add_argument(
            "--name", default=os.environ.get("BENCH_TEMPLATE") or benchtemplate.DEFAULT_NAME
        )

    def handle(self, *args, rebuild: bool = False, name: str = "", **options):
        rebuild = rebuild or os.environ.get("BENCH_REBUILD", "") not in ("", "0")
        started = time.perf_counter()
        built = benchtemplate.ensure(name, rebuild=rebuild, log=self.stdout.write)
        verb = "built" if built else "checked"
        self.stdout.write(f"{name} {verb} in {time.perf_counter() - started:.1f} s")
