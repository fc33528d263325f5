"""The aggregates equal a direct count of the referrals: after a rebuild, after a submission's
refresh (also back-dated), and a rebuild run twice writes the same rows."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from django.utils import timezone

from earlyyears.models import Area
from earlyyears.needs import BroadAreaOfNeed, EYFSArea, age_band_for_months
from pathway.models import (
    NeedFigure,
    NeedFigureRefresh,
    NeedFiguresState,
    Referral,
    ReferralRoute,
    Route,
)
from pathway.planning import aggregates as planning
from pathway.planning import tasks as planning_tasks
from pathway.planning.areas import AreaParents
from pathway.planning.figures import ROUTE_FIELDS

from .conftest import at

COLUMNS = ("children", "referrals", *ROUTE_FIELDS.values())


def direct_count() -> dict[tuple, tuple]:
    """The figures worked out the slow, obvious way, from every referral in Python."""
    tz = timezone.get_current_timezone()
    areas = {a.pk: a.parent_id for a in Area.objects.all()}
    routes = defaultdict(set)
    for referral_id, route in ReferralRoute.objects.values_list("referral_id", "route"):
        routes[referral_id].add(route)
    seen: set[tuple] = set()
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for r in Referral.objects.order_by("submitted_at", "pk"):
        month = r.submitted_at.astimezone(tz).date().replace(day=1)
        age = r.facts.get("age_months")
        ages = [""] + ([str(age_band_for_months(age))] if isinstance(age, int) else [])
        slices = [("", "")]
        slices += [(b, "") for b in r.broad_areas_of_need if b in BroadAreaOfNeed.values]
        development = {**r.answers.get("development", {}), **r.answers.get("specific_areas", {})}
        slices += [
            ("", e)
            for e, item in development.items()
            if e in EYFSArea.values and item.get("level") not in (None, "", "none")
        ]
        for broad, eyfs in slices:
            for band in ages:
                first = (r.child_id, broad, eyfs, band) not in seen
                seen.add((r.child_id, broad, eyfs, band))
                area = r.area_id
                while area is not None:
                    cell = cells[(area, month, broad, eyfs, band)]
                    cell[0] += int(first)
                    cell[1] += 1
                    for n, route in enumerate(ROUTE_FIELDS, start=2):
                        cell[n] += int(route in routes[r.pk])
                    area = areas[area]
    return {key: tuple(value) for key, value in cells.items()}


def stored() -> dict[tuple, tuple]:
    return {
        (f.area_id, f.month, f.broad_area, f.eyfs_area, f.age_band): tuple(
            getattr(f, c) for c in COLUMNS
        )
        for f in NeedFigure.objects.all()
    }


def random_referrals(county, rng: random.Random, count: int) -> None:
    children = [
        county.child(ward, age_months=rng.randint(6, 60)) for ward in ("W1", "W2", "W3", "W4") * 4
    ]
    levels = ["emerging", "significant", "severe", "none"]
    for _ in range(count):
        child = rng.choice(children)
        development = {
            area: {"level": rng.choice(levels), "age_band": "16-26"}
            for area in rng.sample(list(EYFSArea.values), rng.randint(0, 3))
        }
        county.refer(
            child,
            when=at(rng.choice([2024, 2025]), rng.randint(1, 12), rng.randint(1, 28)),
            broad=sorted(rng.sample(list(BroadAreaOfNeed.values), rng.randint(0, 2))),
            development=development,
        )


@pytest.mark.django_db
def test_rebuild_equals_a_direct_count(county):
    random_referrals(county, random.Random(7), 60)
    planning.rebuild_need_figures()
    expected = direct_count()
    assert stored() == expected
    # Every level: wards, their districts and the county all have figures.
    assert {key[0] for key in expected} >= {
        county.county.pk,
        county.north.pk,
        county.wards["W1"].pk,
    }
    state = NeedFiguresState.objects.get()
    assert state.rows == len(expected) and state.rebuilt_at is not None


@pytest.mark.django_db
def test_rebuild_twice_writes_the_same_rows(county):
    random_referrals(county, random.Random(3), 30)
    planning.rebuild_need_figures()
    first = stored()
    version = NeedFiguresState.objects.get().version
    planning.rebuild_need_figures()
    assert stored() == first
    assert NeedFiguresState.objects.get().version == version + 1


@pytest.mark.django_db
def test_a_submission_refreshes_its_cells(county):
    random_referrals(county, random.Random(11), 30)
    planning.rebuild_need_figures()
    child = Referral.objects.order_by("pk").first().child
    # A new concern today, and a back-dated one that becomes the child's first.
    new = county.refer(child, broad=[BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH])
    planning.refresh_need_figures_for_referral(new.pk)
    assert stored() == direct_count()
    older = county.refer(child, when=at(2023, 2), broad=[BroadAreaOfNeed.COGNITION_AND_LEARNING])
    planning.refresh_need_figures_for_referral(older.pk)
    assert stored() == direct_count()
    # Running the refresh again changes nothing.
    planning.refresh_need_figures_for_referral(older.pk)
    assert stored() == direct_count()


@pytest.mark.django_db
def test_one_refresh_does_the_cells_other_submissions_left_waiting(county):
    random_referrals(county, random.Random(5), 20)
    planning.rebuild_need_figures()
    north = county.refer(county.child("W1"), broad=[BroadAreaOfNeed.COGNITION_AND_LEARNING])
    south = county.refer(county.child("W4"), broad=[BroadAreaOfNeed.SENSORY_AND_PHYSICAL])
    # The south submission's cells are waiting (its refresh has not had its turn yet) when
    # the north one's refresh runs: it does both.
    assert planning.queue_cells_of_referral(south.pk)
    assert NeedFigureRefresh.objects.filter(area=county.wards["W4"]).exists()
    planning.refresh_need_figures_for_referral(north.pk)
    assert stored() == direct_count()
    assert not NeedFigureRefresh.objects.exists()
    # The south refresh's own turn then finds its cells done, and does not bump the figures.
    version = NeedFiguresState.objects.get().year_versions
    assert planning._refresh_waiting_cells(AreaParents.load()) == 0
    assert NeedFiguresState.objects.get().year_versions == version


@pytest.mark.django_db
def test_a_rebuild_takes_the_waiting_cells_with_it(county):
    referral = county.refer(county.child("W2"), broad=[BroadAreaOfNeed.COGNITION_AND_LEARNING])
    planning.queue_cells_of_referral(referral.pk)
    planning.rebuild_need_figures()
    assert not NeedFigureRefresh.objects.exists()
    assert stored() == direct_count()


@pytest.mark.django_db
def test_refresh_of_an_unknown_referral_does_nothing(county):
    assert planning.refresh_need_figures_for_referral(999999) == 0


@pytest.mark.django_db
def test_a_child_with_two_concerns_is_one_child(county):
    child = county.child("W1")
    county.refer(child, when=at(2025, 1), broad=[BroadAreaOfNeed.COMMUNICATION_AND_INTERACTION])
    county.refer(child, when=at(2025, 2), broad=[BroadAreaOfNeed.COMMUNICATION_AND_INTERACTION])
    planning.rebuild_need_figures()
    rows = NeedFigure.objects.filter(
        area=county.county, broad_area=BroadAreaOfNeed.COMMUNICATION_AND_INTERACTION, age_band=""
    )
    assert sum(r.children for r in rows) == 1
    assert sum(r.referrals for r in rows) == 2


@pytest.mark.django_db
def test_the_refresh_is_queued_after_commit_and_runs(
    county, django_capture_on_commit_callbacks, celery_eager
):
    child = county.child("W2")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        referral = county.refer(child, broad=[BroadAreaOfNeed.SENSORY_AND_PHYSICAL])
        planning_tasks.queue_need_figures_refresh(referral.pk)
        assert not NeedFigure.objects.exists()  # nothing before commit
    assert len(callbacks) == 1
    assert stored() == direct_count()
    assert NeedFigure.objects.filter(area=county.county, referrals=1).exists()


@pytest.mark.django_db
def test_a_broker_outage_never_fails_the_submission(county, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(planning_tasks.refresh_need_figures, "delay", down)
    planning_tasks.queue_need_figures_refresh(1)
    from django.db import transaction

    for _, callback, _ in transaction.get_connection().run_on_commit:
        callback()
    assert "Could not refresh planning figures" in caplog.text


@pytest.mark.django_db
@pytest.mark.django_db
def test_tasks_have_stable_names():
    assert planning_tasks.refresh_need_figures.name == "pathway.tasks.refresh_need_figures"
    assert planning_tasks.rebuild_need_figures.name == "pathway.tasks.rebuild_need_figures"
    assert planning_tasks.rebuild_need_figures.apply().get() >= 0


@pytest.mark.django_db
@pytest.mark.parametrize("age", [0, 23, 24, 35, 36, 47, 48, 70])
def test_age_bands_in_sql_match_the_vocabulary(county, age):
    child = county.child("W3", age_months=age)
    referral = county.refer(child)
    Referral.objects.filter(pk=referral.pk).update(facts={**referral.facts, "age_months": age})
    planning.rebuild_need_figures()
    bands = set(NeedFigure.objects.exclude(age_band="").values_list("age_band", flat=True))
    assert bands == {str(age_band_for_months(age))}


@pytest.mark.django_db
def test_routes_are_the_current_routes(county):
    referral = county.refer(county.child("W4"), broad=[BroadAreaOfNeed.COGNITION_AND_LEARNING])
    ReferralRoute.objects.filter(referral=referral).delete()
    ReferralRoute.objects.create(referral=referral, route=Route.PORTAGE)
    ReferralRoute.objects.create(referral=referral, route=Route.EARLY_HELP)
    planning.rebuild_need_figures()
    cell = NeedFigure.objects.get(area=county.county, broad_area="", eyfs_area="", age_band="")
    assert (cell.route_portage, cell.route_early_help, cell.route_send_team) == (1, 1, 0)


@pytest.mark.django_db
def test_a_refresh_changes_only_its_years_key(county):
    county.refer(county.child("W1"), when=at(2024, 5))
    planning.rebuild_need_figures()
    state = NeedFiguresState.objects.get()
    before = {year: planning.figures_key(state, year) for year in (2024, 2025)}
    referral = county.refer(county.child("W1"), when=at(2025, 5))
    planning.refresh_need_figures_for_referral(referral.pk)
    state.refresh_from_db()
    assert planning.figures_key(state, 2024) == before[2024]
    assert planning.figures_key(state, 2025) != before[2025]
    planning.rebuild_need_figures()
    state.refresh_from_db()
    assert planning.figures_key(state, 2024) != before[2024]
