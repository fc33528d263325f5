"""Planning: need by area, against provision and trained staff. Figures are counts and rates by
area, never a child; counts from 1 to 4 are shown as ``[c]``.

Where things are:

- `figures.py`: what is counted (children, referrals, each route) and what it is sliced by
  (need, age band), with their labels.
- `periods.py`: years, quarters and months.
- `areas.py`: the area tree (wards inside localities inside districts...) and populations.
- `disclosure.py`: disclosure control (pure): which counts are hidden, and the hidden cells
  of a whole year of one figure, worked out once.
- `sql.py`: the SQL that turns referrals into stored figures (`NeedFigure` rows).
- `aggregates.py`: the stored figures: the full rebuild, one referral's refresh, their
  version, and a year of them read back with suppression applied.
- `provision.py`: local offer services and settings with trained staff, by area.
- `report.py`: what the page, the map data and the CSV show, from the aggregates.
- `forms.py`, `views.py`, `urls.py`: the need-by-area page; `tasks.py`: the Celery tasks that
  keep the figures up to date.
"""
