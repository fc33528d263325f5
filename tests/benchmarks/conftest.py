"""One table for every benchmark: each measure, the project's figure, the ceiling measured in the
same run, the ratio, the target and whether it is met. `make bench` prints it at the end and
writes it to docs/performance.md (BENCH_REPORT) with the date and the machine; the tiny smoke
run prints it only, since its figures mean nothing.

The data: under `make bench` (BENCH_TEMPLATE set, PostgreSQL) the test database is a copy of the
benchmark template database (`pathway.benchtemplate`: 10x county scale, built once by
`manage.py bench_template` and copied in seconds), and the benchmarks measure over the rows they
find there. Without it (`make bench-smoke`, SQLite) pytest-django makes an empty test database
and each benchmark builds its own data, as before. The copy is dropped at the end; the
transactional benchmarks, which empty the database when they finish, run after the others
(pytest-django's order).
"""

from __future__ import annotations

import datetime
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import TEMPLATE, TINY

RUN_DATABASE = os.environ.get("BENCH_RUN_DATABASE", "earlyyears_bench_run")
DATA: dict[str, str] = {}  # how the data was had, for the report


@dataclass(frozen=True)
class Measure:
    name: str
    figure: float
    unit: str = "ms"
    ceiling: float | None = None
    ceiling_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> str:
        if self.ceiling in (None, 0):
            return ""
        return f"{self.figure / self.ceiling:.1f}x"

    @property
    def verdict(self) -> str:
        return {True: "meets", False: "falls short", None: ""}[self.met]


class BenchTable:
    def __init__(self) -> None:
        self.measures: list[Measure] = []

    def add(
        self,
        name: str,
        figure: float,
        *,
        unit: str = "ms",
        ceiling: float | None = None,
        ceiling_name: str = "",
        target: str = "",
        met: bool | None = None,
    ) -> None:
        self.measures.append(
            Measure(name, figure, unit, ceiling, ceiling_name, target, met)  # type: ignore[arg-type]
        )

    def markdown(self) -> str:
        lines = [
            "| measure | figure | ceiling in the same run | ratio | target | |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for m in self.measures:
            ceiling = f"{m.ceiling_name}: {_number(m.ceiling, m.unit)}" if m.ceiling else ""
            lines.append(
                f"| {m.name} | {_number(m.figure, m.unit)} | {ceiling} | {m.ratio} | "
                f"{m.target} | {m.verdict} |"
            )
        return "\n".join(lines)


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"
    return f"{value:,.2f} {unit}".rstrip()


TABLE = BenchTable()


if TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_test_environment, django_db_blocker):
        """The test database is a fresh copy of the template (built first if it is missing or
        out of date), dropped at the end of the run."""
        from django.conf import settings
        from django.db import connections

        from pathway import benchtemplate

        with django_db_blocker.unblock():
            started = time.perf_counter()
            built = benchtemplate.ensure(TEMPLATE, log=lambda line: print(f"\n{line}"))
            ensured = time.perf_counter() - started
            copied = benchtemplate.clone(TEMPLATE, RUN_DATABASE)
            DATA["template"] = TEMPLATE
            DATA["fingerprint"] = benchtemplate.stored_fingerprint(TEMPLATE) or ""
            DATA["built"] = f"{ensured:.0f} s" if built else ""
            DATA["note"] = benchtemplate.build_note(TEMPLATE)
            DATA["copied"] = f"{copied:.1f} s"
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = RUN_DATABASE
        connections["default"].settings_dict["NAME"] = RUN_DATABASE
        yield
        with django_db_blocker.unblock():
            connections.close_all()
            benchtemplate.drop(RUN_DATABASE)


@pytest.fixture(scope="session")
def bench_table() -> BenchTable:
    return TABLE


def _machine() -> str:
    cores = os.cpu_count() or 0
    database = os.environ.get("DATABASE_URL", "") or "SQLite"
    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    python = platform.python_version()
    return f"{platform.system()} {platform.machine()}, {cores} cores, Python {python}, {engine}"


def _data_note() -> str:
    """How the data was had, and how to have it again."""
    if not DATA:
        return "Each benchmark built its own data for this run (no template database).\n\n"
    built = DATA["note"] or "built before this run"
    if DATA["built"]:
        built = f"built for this run in {DATA['built']}"
    return (
        "The data is 10x county scale, made in bulk by `manage.py bench_data` "
        "(`pathway/benchdata.py`: 500 wards in 10 districts, 10,000 settings, 400,000 children, "
        "1,000,000 referrals with their routes, triage clocks and needs, the planning figures, "
        "50,000 local offer services) and kept as the PostgreSQL template database "
        f"`{DATA['template']}` (fingerprint `{DATA['fingerprint']}`: the migrations' names, the "
        f"generator, the sizes and the month; {built}). Each run works on a copy of it "
        f"(made in {DATA['copied']}), dropped afterwards. `make bench` builds the template again "
        "by itself when a migration or the generator changes; `make bench-data` (or "
        "`BENCH_REBUILD=1 make bench`) rebuilds it at any time.\n\n"
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TABLE.measures:
        return
    terminalreporter.write_sep("=", "benchmarks")
    terminalreporter.write_line(TABLE.markdown())
    report = os.environ.get("BENCH_REPORT")
    if report and not TINY:
        today = datetime.date.today()
        # Sections written by hand below the table (from the first "## " heading) are kept.
        path = Path(report)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        kept = old[old.index("\n## ") :] if "\n## " in old else ""
        path.write_text(
            "# Performance\n\n"
            f"Measured by `make bench` on {today:%-d %B %Y} ({_machine()}). The machine is "
            "shared and noisy: only the ratios within one run count. Each ceiling is measured "
            "in the same run as the figure beside it.\n\n"
            + _data_note()
            + TABLE.markdown()
            + "\n"
            + kept,
            encoding="utf-8",
        )
        terminalreporter.write_line(f"Written to {report}")
