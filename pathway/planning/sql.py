"""The SQL that turns referrals into stored planning figures (`NeedFigure` rows), for SQLite
and PostgreSQL: one INSERT ... SELECT ... GROUP BY for the full rebuild, one for an area's
month in a refresh. `aggregates.py` runs them.

Only our own constants (table names, vocabulary codes, column names) are put into the text;
values are always parameters.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from earlyyears.needs import BroadAreaOfNeed, EYFSArea
from pathway.planning.figures import AGE_BANDS, AGE_LIMITS, LAST_AGE_BAND, ROUTE_FIELDS

COUNT_COLUMNS = ("children", "referrals", *ROUTE_FIELDS.values())
CELL_COLUMNS = ("area_id", "month", "broad_area", "eyfs_area", "age_band", *COUNT_COLUMNS)
SLICE_COLUMNS = ("broad_area", "eyfs_area", "age_band")


def _quoted(values: Iterable[str]) -> str:
    """Literal lists of our own vocabulary codes (constants, never user input)."""
    codes = list(values)
    assert all(code.replace("_", "").replace("-", "").replace("+", "").isalnum() for code in codes)
    return ", ".join(f"'{code}'" for code in codes)


def _age_band_sql(age: str) -> str:
    cases = " ".join(f"WHEN {age} < {limit} THEN '{band}'" for limit, band in AGE_LIMITS)
    return f"CASE WHEN {age} IS NULL THEN '' {cases} ELSE '{LAST_AGE_BAND}' END"


def _dialect() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {
            "age": "CASE WHEN jsonb_typeof(r.facts -> 'age_months') = 'number' "
            "THEN (r.facts ->> 'age_months')::numeric END",
            "broad": "SELECT b.id, x.value AS code FROM base b CROSS JOIN LATERAL "
            "jsonb_array_elements_text(CASE WHEN jsonb_typeof(b.broad) = 'array' "
            "THEN b.broad ELSE '[]'::jsonb END) AS x(value)",
            "eyfs": "SELECT b.id, e.key AS code FROM base b CROSS JOIN LATERAL "
            "jsonb_each(CASE WHEN jsonb_typeof(b.answers -> '{section}') = 'object' "
            "THEN b.answers -> '{section}' ELSE '{{}}'::jsonb END) AS e "
            "WHERE e.value ->> 'level' NOT IN ('', 'none')",
            "month": "CAST(DATE_TRUNC('month', r.submitted_at AT TIME ZONE %s) AS date)",
            # Worked out once: inlined, a refresh's plan ran it again for every cell row.
            "materialized": "MATERIALIZED ",
        }
    return {
        "age": "CASE WHEN json_type(r.facts, '$.age_months') IN ('integer', 'real') "
        "THEN json_extract(r.facts, '$.age_months') END",
        "broad": "SELECT b.id, x.value AS code FROM base b, json_each(CASE WHEN "
        "json_type(b.broad) = 'array' THEN b.broad ELSE '[]' END) AS x",
        "eyfs": "SELECT b.id, e.key AS code FROM base b, json_each(CASE WHEN "
        "json_type(b.answers, '$.{section}') = 'object' THEN json_extract(b.answers, "
        "'$.{section}') ELSE '{{}}' END) AS e WHERE e.type = 'object' AND "
        "json_extract(e.value, '$.level') NOT IN ('', 'none')",
        "month": "django_date_trunc('month', django_datetime_cast_date(r.submitted_at, %s, "
        "'UTC'), NULL, NULL)",
        "materialized": "",
    }


def _cell_ctes(base_where: str = "", cells_where: str = "") -> str:
    """The common table expressions that turn referrals into cells by their own area (no
    rolling up): `base` (the referrals, with month and age band), `slices` (every need a
    referral is about, and ''), `expanded` (x age band and '', numbered per child and slice so
    the first concern is 1), `routes` (current routes, joined to each referral in `routed`)
    and `cells`. Parameters, in order: the time zone, then any in `base_where`, then any in
    `cells_where`."""
    d = _dialect()
    route_cols = ", ".join(
        f"MAX(CASE WHEN route = '{route}' THEN 1 ELSE 0 END) AS {col}"
        for route, col in ROUTE_FIELDS.items()
    )
    # Each referral's routes are joined to it before it is counted in every slice it is in.
    route_flags = ", ".join(f"COALESCE(rt.{col}, 0) AS {col}" for col in ROUTE_FIELDS.values())
    routed_cols = ", ".join(f"b.{col}" for col in ROUTE_FIELDS.values())
    route_sums = ", ".join(f"SUM(e.{col}) AS {col}" for col in ROUTE_FIELDS.values())
    ages = " UNION ALL ".join(["SELECT '' AS band"] + [f"SELECT '{band}'" for band in AGE_BANDS])
    # A referral's needs are a set (routing.derive_facts) and its prime and specific areas are
    # two different sets of keys, so no referral is counted twice in a slice.
    eyfs = " UNION ALL ".join(
        d["eyfs"].format(section=section) for section in ("development", "specific_areas")
    )
    # Only our own constants are interpolated; values are always parameters.
    return f"""
base AS (
    SELECT r.id, r.child_id, r.area_id, r.submitted_at, {d["month"]} AS month,
           {_age_band_sql("(" + d["age"] + ")")} AS age_band,
           r.broad_areas_of_need AS broad, r.answers AS answers
    FROM pathway_referral r
    {base_where}
),
slices AS (
    SELECT b.id, '' AS broad_area, '' AS eyfs_area FROM base b
    UNION ALL
    SELECT x.id, x.code, '' FROM ({d["broad"]}) x
    WHERE x.code IN ({_quoted(BroadAreaOfNeed.values)})
    UNION ALL
    SELECT y.id, '', y.code FROM ({eyfs}) y
    WHERE y.code IN ({_quoted(EYFSArea.values)})
),
ages AS ({ages}),
routes AS {d["materialized"]}(
    SELECT referral_id, {route_cols}
    FROM pathway_referralroute
    WHERE referral_id IN (SELECT id FROM base)
    GROUP BY referral_id
),
routed AS (
    SELECT b.*, {route_flags}
    FROM base b
    LEFT JOIN routes rt ON rt.referral_id = b.id
),
expanded AS (
    SELECT b.id, b.area_id, b.month, b.submitted_at, s.broad_area, s.eyfs_area,
           g.band AS age_band, {routed_cols},
           ROW_NUMBER() OVER (
               PARTITION BY b.child_id, s.broad_area, s.eyfs_area, g.band
               ORDER BY b.submitted_at, b.id
           ) AS nth
    FROM routed b
    JOIN slices s ON s.id = b.id
    JOIN ages g ON g.band = '' OR g.band = b.age_band
),
cells AS (
    SELECT e.area_id, e.month, e.broad_area, e.eyfs_area, e.age_band,
           SUM(CASE WHEN e.nth = 1 THEN 1 ELSE 0 END) AS children,
           COUNT(*) AS referrals, {route_sums}
    FROM expanded e
    {cells_where}
    GROUP BY e.area_id, e.month, e.broad_area, e.eyfs_area, e.age_band
)"""  # noqa: S608


def rebuild_sql() -> str:
    """Every cell of every area: the cells by own area, rolled up to every area above through
    the area tree (a recursive closure). Parameters: the time zone."""
    sums = ", ".join(f"SUM(x.{col})" for col in COUNT_COLUMNS)
    return f"""
WITH RECURSIVE closure(area_id, ancestor_id) AS (
    SELECT id, id FROM earlyyears_area
    UNION ALL
    SELECT c.area_id, a.parent_id FROM closure c
    JOIN earlyyears_area a ON a.id = c.ancestor_id
    WHERE a.parent_id IS NOT NULL
), {_cell_ctes()}
INSERT INTO pathway_needfigure ({", ".join(CELL_COLUMNS)})
SELECT c.ancestor_id, x.month, x.broad_area, x.eyfs_area, x.age_band, {sums}
FROM cells x
JOIN closure c ON c.area_id = x.area_id
GROUP BY c.ancestor_id, x.month, x.broad_area, x.eyfs_area, x.age_band
"""  # noqa: S608


def refresh_sql() -> str:
    """One area's cells for one month: its own referrals' cells (with each child's other
    referrals, so 'first concern' is right) plus the stored cells of the areas inside it, which
    are done first. Parameters: time zone; area, start, end (whose children); area, start, end
    (whose cells); area, month (the areas inside it); area, month (the row's)."""
    base_where = (
        "WHERE r.child_id IN (SELECT child_id FROM pathway_referral "
        "WHERE area_id = %s AND submitted_at >= %s AND submitted_at < %s)"
    )
    cells_where = "WHERE e.area_id = %s AND e.submitted_at >= %s AND e.submitted_at < %s"
    slices = ", ".join(SLICE_COLUMNS)
    counts = ", ".join(COUNT_COLUMNS)
    sums = ", ".join(f"SUM({col})" for col in COUNT_COLUMNS)
    return f"""
WITH {_cell_ctes(base_where, cells_where)},
inside AS (
    SELECT {slices}, {counts} FROM pathway_needfigure
    WHERE area_id IN (SELECT id FROM earlyyears_area WHERE parent_id = %s) AND month = %s
)
INSERT INTO pathway_needfigure ({", ".join(CELL_COLUMNS)})
SELECT %s, %s, {slices}, {sums}
FROM (SELECT {slices}, {counts} FROM cells UNION ALL SELECT {slices}, {counts} FROM inside) u
GROUP BY {slices}
"""  # noqa: S608
