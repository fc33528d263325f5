"""Benchmarks (`make bench`): figures printed, not part of the suite's pass/fail.

Every size comes from `size(NAME, default, tiny=...)`: the environment variable NAME if set,
else the tiny value under BENCH_SCALE=tiny (`make bench-smoke`, run by CI so that a benchmark
broken by a change elsewhere is seen at once), else the full default.

Under `make bench` the data comes from the template database instead (BENCH_TEMPLATE; see
conftest.py) and the sizes are the rows found there.
"""

from __future__ import annotations

import os

TINY = os.environ.get("BENCH_SCALE", "").strip().lower() == "tiny"
# `make bench`: the test database is a copy of this template database (conftest.py), so the
# benchmarks find their data there instead of building it.
TEMPLATE = os.environ.get("BENCH_TEMPLATE", "").strip() if not TINY else ""


def size(name: str, default: int, *, tiny: int) -> int:
    if os.environ.get(name):
        return int(os.environ[name])
    return tiny if TINY else default
