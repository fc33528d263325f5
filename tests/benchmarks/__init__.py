"""Benchmarks (`make bench`): figures printed, not part of the suite's pass/fail.

Every size comes from `size(NAME, default, tiny=...)`: the environment variable NAME if set,
else the tiny value under BENCH_SCALE=tiny (`make bench-smoke`, run by CI so that a benchmark
broken by a change elsewhere is seen at once), else the full default.
"""

from __future__ import annotations

import os

TINY = os.environ.get("BENCH_SCALE", "").strip().lower() == "tiny"


def size(name: str, default: int, *, tiny: int) -> int:
    if os.environ.get(name):
        return int(os.environ[name])
    return tiny if TINY else default
