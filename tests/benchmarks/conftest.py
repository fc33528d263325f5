"""One table for every benchmark: each measure, the project's figure, the ceiling measured in the
same run, the ratio, the target and whether it is met. `make bench` prints it at the end and
writes it to docs/performance.md (BENCH_REPORT) with the date and the machine; the tiny smoke
run prints it only, since its figures mean nothing."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import TINY


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


@pytest.fixture(scope="session")
def bench_table() -> BenchTable:
    return TABLE


def _machine() -> str:
    cores = os.cpu_count() or 0
    database = os.environ.get("DATABASE_URL", "") or "SQLite"
    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    python = platform.python_version()
    return f"{platform.system()} {platform.machine()}, {cores} cores, Python {python}, {engine}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TABLE.measures:
        return
    terminalreporter.write_sep("=", "benchmarks")
    terminalreporter.write_line(TABLE.markdown())
    report = os.environ.get("BENCH_REPORT")
    if report and not TINY:
        today = datetime.date.today()
        Path(report).write_text(
            "# Performance\n\n"
            f"Measured by `make bench` on {today:%-d %B %Y} ({_machine()}). The machine is "
            "shared and noisy: only the ratios within one run count. Each ceiling is measured "
            "in the same run as the figure beside it.\n\n" + TABLE.markdown() + "\n",
            encoding="utf-8",
        )
        terminalreporter.write_line(f"Written to {report}")
