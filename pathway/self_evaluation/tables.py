"""A figure's table with planning's disclosure control (pathway.planning.disclosure, reused not
copied): counts from 1 to 4 are shown as [c], and more cells are hidden until no hidden cell can
be worked out from a total. The only module here that imports the planning package.

Every table has the same shape: rows of a group (a discipline, an agency, an area), each with a
count of the whole ("requests due") and of those that meet the test ("returned on time"), and a
total row. Each row's count of those that do not meet the test is a hidden cell of its own, so
a row's two shown counts and the total row are all lines the suppression checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pathway.planning.disclosure import (
    SUPPRESSED,
    Line,
    secondary_suppression,
    suppression_explanation,
    threshold,
)

__all__ = ["SUPPRESSED", "RateRow", "rate_table", "suppression_explanation", "threshold"]

ALL, MET, NOT_MET = "all", "met", "not_met"


@dataclass
class RateRow:
    """One group's counts; `extra` holds further display values (a median), worked out by the
    caller, shown only when the row's counts are."""

    label: str
    whole: int
    met: int
    extra: dict[str, float | int | None] = field(default_factory=dict)


def share(met: int, whole: int) -> float | None:
    return round(100 * met / whole, 1) if whole else None


def rate_table(
    rows: Sequence[RateRow],
    *,
    columns: tuple[str, str],
    extra_columns: Sequence[tuple[str, Callable[[RateRow], str]]] = (),
    total_label: str = "All",
    total: RateRow | None = None,
    limit: int | None = None,
) -> dict:
    """The figure's table, suppressed, as it is stored in a version: display strings only, so
    a stored figure never holds a small number.

    `total`: a total row that is not the sum of the rows (a case counted at several stages);
    then only each row's own line is checked, and the total row's."""
    limit = threshold() if limit is None else limit
    additive = total is None
    if total is None:
        total = RateRow(total_label, sum(r.whole for r in rows), sum(r.met for r in rows), extra={})
    everything = [*rows, total]
    tot = len(rows)
    values: dict[tuple[int, str], int] = {}
    for n, row in enumerate(everything):
        values[(n, ALL)] = row.whole
        values[(n, MET)] = row.met
        values[(n, NOT_MET)] = max(row.whole - row.met, 0)
    row_lines = {n: Line((n, ALL), ((n, MET), (n, NOT_MET))) for n in range(len(everything))}
    column_lines = (
        {
            kind: Line((tot, kind), tuple((n, kind) for n in range(len(rows))))
            for kind in (ALL, MET, NOT_MET)
        }
        if additive
        else {}
    )

    def lines_of(cell: tuple[int, str]) -> list[Line]:
        n, kind = cell
        found = [row_lines[n]]
        if kind in column_lines:
            found.append(column_lines[kind])
        return found

    hidden = secondary_suppression(values, lines_of, limit)

    def shown(n: int, kind: str) -> str:
        return SUPPRESSED if (n, kind) in hidden else f"{values[(n, kind)]:,}"

    out_rows = []
    for n, row in enumerate(everything):
        whole, met = shown(n, ALL), shown(n, MET)
        rate = share(row.met, row.whole)
        if SUPPRESSED in (whole, met):
            rate_text = SUPPRESSED
        else:
            rate_text = "No cases" if rate is None else f"{rate:g}%"
        cells = [whole, met, rate_text]
        for _, render in extra_columns:
            cells.append(SUPPRESSED if SUPPRESSED in (whole, met) else render(row))
        out_rows.append({"label": row.label, "cells": cells, "total": n == tot})
    headline_hidden = (tot, ALL) in hidden or (tot, MET) in hidden
    total_rate = share(total.met, total.whole)
    return {
        "columns": [columns[0], columns[1], "Share", *(name for name, _ in extra_columns)],
        "rows": out_rows,
        "headline": {
            "value": None if headline_hidden else total_rate,
            "display": out_rows[-1]["cells"][2],
        },
        "any_suppressed": bool(hidden),
    }
