"""Benchmark: the triage queue with 1,000 and 100,000 referrals, and with 500 and 10,500 settings.

Each measure prints its time, queries and page size: the first page, every filter alone and
four together, the middle and last pages, each server-side sort (first and last page).

Rows are bulk-inserted (the clocks and routes as the services would leave them), then the real
view is timed through the test client. Run on PostgreSQL for the figures in the notes:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyyears_bench_triage \\
    .venv/bin/pytest -o addopts="-p no:cacheprovider" -s tests/benchmarks/test_triage_queue.py

BENCH_TRIAGE_REFERRALS (100000) sets the large size; BENCH_SCALE=tiny makes it 500 referrals
(and 200 for the small one) over 50 settings and 1,000 children.

Under `make bench` the test database already holds the template's data (10x county scale:
1,000,000 referrals over 10,000 settings, see pathway/benchdata.py): the test measures over
those rows at their one size, adding none, and compares the first page with the template's
settings and with 10,000 more.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import Area, Child, Role, Setting, User
from earlyyears.needs import BroadAreaOfNeed
from pathway import benchdata, clocks
from pathway.models import ClockPolicy, Referral, ReferralClock, ReferralRoute, Route
from pathway.services import published_rule_set
from tests.factories import AreaFactory, UserFactory

from . import TEMPLATE, size

LARGE = size("BENCH_TRIAGE_REFERRALS", 100000, tiny=500)
SMALL = size("BENCH_TRIAGE_SMALL", 1000, tiny=200)
SETTINGS = size("BENCH_TRIAGE_SETTINGS", 500, tiny=50)
CHILDREN = size("BENCH_TRIAGE_CHILDREN", 20000, tiny=1000)
RUNS = size("BENCH_TRIAGE_RUNS", 7, tiny=1)  # timed requests per measure (one warm-up before)
BATCH = 5000
STATUSES = [
    (Referral.Status.SUBMITTED, 0.25),
    (Referral.Status.IN_TRIAGE, 0.2),
    (Referral.Status.MORE_INFORMATION, 0.05),
    (Referral.Status.ACCEPTED, 0.35),
    (Referral.Status.CLOSED, 0.15),
]
ROUTES = [Route.SEND_TEAM, Route.PORTAGE, Route.EARLY_HELP, Route.LOCAL_OFFER]
NEEDS = list(BroadAreaOfNeed.values)


def _grow_to(total: int, rng: random.Random, world: dict) -> None:
    """Insert referrals until the table holds `total`."""
    existing = Referral.objects.count()
    rule_set = published_rule_set()
    triage = ClockPolicy.objects.get(key="triage")
    today = timezone.localdate()
    officers = world["officers"]
    statuses, weights = zip(*STATUSES, strict=True)
    while existing < total:
        size = min(BATCH, total - existing)
        rows = []
        for _ in range(size):
            child = rng.choice(world["children"])
            submitted = timezone.now() - datetime.timedelta(days=rng.randint(0, 120))
            started = timezone.localdate(submitted)
            due = clocks.due_date(started, 10, clocks.WORKING_DAYS)
            status = rng.choices(statuses, weights)[0]
            waiting = status in Referral.WAITING
            rows.append(
                Referral(
                    child=child,
                    setting_id=child.setting_id,
                    area_id=child.area_id,
                    source=Referral.Source.SETTING_CONCERN,
                    submitted_by=world["submitter"],
                    submitted_at=submitted,
                    status=status,
                    routes=[rng.choice(ROUTES[:3])],
                    rule_set=rule_set,
                    broad_areas_of_need=sorted(rng.sample(NEEDS, rng.randint(1, 2))),
                    allocated_to=rng.choice(officers) if rng.random() < 0.5 else None,
                    next_due_on=due if waiting else None,
                    next_due_soon_from=clocks.due_soon_from(due, 3, clocks.WORKING_DAYS)
                    if waiting
                    else None,
                )
            )
        created = Referral.objects.bulk_create(rows, batch_size=1000)
        if connection.vendor != "postgresql":
            created = list(Referral.objects.order_by("-pk")[:size])[::-1]
        ReferralRoute.objects.bulk_create(
            [ReferralRoute(referral=r, route=r.routes[0]) for r in created], batch_size=2000
        )
        ReferralClock.objects.bulk_create(
            [
                ReferralClock(
                    referral=r,
                    policy=triage,
                    started_on=timezone.localdate(r.submitted_at),
                    due_on=r.next_due_on or today,
                    due_soon_from=r.next_due_soon_from or today,
                    stopped_at=None if r.next_due_on else r.submitted_at,
                )
                for r in created
            ],
            batch_size=2000,
        )
        existing += size
    _analyze()


def _analyze() -> None:
    """Statistics after a bulk load, as autovacuum would leave them. (No VACUUM: the test runs in
    a transaction, so the visibility map is not set and index-only scans still visit the heap.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Referral, ReferralRoute, ReferralClock, Child, Setting):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def _time(client, params: dict, runs: int = RUNS) -> tuple[float, float, int, int, float]:
    """Median and worst ms, queries, bytes and median ms of SQL of the page with these
    parameters (SQL time as Django's cursor wrapper times it)."""
    client.get(reverse("triage-queue"), params)  # warm
    times, sql = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(reverse("triage-queue"), params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    measured = (statistics.median(times), max(times), statistics.median(sql))
    if b"govuk-error-summary" in response.content:  # a filter refused: not a measure
        measured = (float("nan"),) * 3
    median, worst, sql_ms = measured
    return median, worst, len(captured), len(response.content), sql_ms


def _measures(client, districts, settings_, officers) -> dict[str, dict]:
    """Every measure the issue names: the first page, each filter alone and all together, the
    middle and last pages, and each server-side sort (first and last page)."""
    waiting = Referral.objects.filter(status__in=Referral.WAITING).count()
    middle = str(max(1, (waiting // 25) // 2))
    combined = {
        "route": "send_team",
        "area": str(districts[0].pk),
        "need": "communication_interaction",
        "clock": "overdue",
    }
    return {
        "first page": {},
        "route": {"route": "portage"},
        "area (district)": {"area": str(districts[0].pk)},
        "setting (old ?setting=<id>)": {"setting": str(settings_[0].pk)},
        "setting by URN": {"setting": settings_[1].urn},
        "age band": {"age_band": "3"},
        "need": {"need": "sensory_physical"},
        "waiting": {"waiting": "15-28"},
        "clock overdue": {"clock": "overdue"},
        "clock due soon": {"clock": "due_soon"},
        "allocated to me": {"allocated": "me"},
        "not allocated": {"allocated": "none"},
        "allocated to officer": {"allocated": str(officers[1].pk)},
        "four filters": combined,
        "four filters, last page": {**combined, "page": "9999"},
        "middle page": {"page": middle},
        "last page": {"page": "9999"},
        **{
            f"sort {sort}{where}": {"sort": sort, **extra}
            for sort in ("received", "-received", "clock", "-clock", "child", "setting")
            for where, extra in (("", {}), (", last page", {"page": "9999"}))
        },
    }


def _template_world() -> dict | None:
    """The template's data, when the test database is a copy of it (`make bench`): its
    districts, two of its settings and its officers; None when there is none."""
    if not TEMPLATE:
        return None
    officers = list(
        User.objects.filter(username__startswith=benchdata.OFFICER_PREFIX).order_by("username")
    )
    if not officers:
        return None
    return {
        "districts": list(
            Area.objects.filter(
                kind=Area.Kind.DISTRICT, code__startswith=benchdata.DISTRICT_PREFIX
            ).order_by("code")
        ),
        "wards": list(
            Area.objects.filter(kind=Area.Kind.WARD, code__startswith=benchdata.WARD_PREFIX)
        ),
        "settings": list(Setting.objects.filter(urn__startswith="EY9").order_by("urn")[:2]),
        "officers": officers,
    }


def _build_world(rng: random.Random) -> dict:
    """Districts, wards, SETTINGS settings and CHILDREN children of our own (the tiny run)."""
    districts = [AreaFactory(kind=Area.Kind.DISTRICT) for _ in range(5)]
    wards = [AreaFactory(kind=Area.Kind.WARD, parent=rng.choice(districts)) for _ in range(45)]
    settings_ = Setting.objects.bulk_create(
        [
            Setting(urn=f"EY{900000 + n}", name=f"Bench setting {n}", area=rng.choice(wards))
            for n in range(SETTINGS)
        ]
    )
    if connection.vendor != "postgresql":
        settings_ = list(Setting.objects.filter(urn__startswith="EY9").order_by("pk"))
    today = timezone.localdate()
    children = Child.objects.bulk_create(
        [
            Child(
                reference=f"B{n:07d}",
                first_name=f"Child{n}",
                last_name=f"Bench{rng.randint(0, 5000)}",
                date_of_birth=today - datetime.timedelta(days=rng.randint(200, 1700)),
                setting=(setting := rng.choice(settings_)),
                area_id=setting.area_id,
                postcode="WM1 1AA",
            )
            for n in range(CHILDREN)
        ],
        batch_size=2000,
    )
    if connection.vendor != "postgresql":
        children = list(Child.objects.filter(reference__startswith="B"))
    return {
        "districts": districts,
        "wards": wards,
        "settings": settings_,
        "children": children,
        "officers": [UserFactory(role=Role.SEND_OFFICER) for _ in range(8)],
        "submitter": UserFactory(role=Role.PRACTITIONER),
    }


@pytest.mark.timeout(3600)
@pytest.mark.django_db
def test_triage_queue_at_scale(client, capsys, bench_table):
    rng = random.Random(4)  # noqa: S311 - benchmark data
    world = _template_world()
    sizes = (SMALL, LARGE)
    if world is not None:  # the template's rows, at their one size: nothing to add
        sizes = (Referral.objects.count(),)
    else:
        world = _build_world(rng)
    districts, wards, settings_, officers = (
        world["districts"],
        world["wards"],
        world["settings"],
        world["officers"],
    )
    base_settings = Setting.objects.count()
    client.force_login(officers[0])
    results = {}
    waiting = {}
    for rows in sizes:
        started = time.perf_counter()
        if "children" in world:
            _grow_to(rows, rng, world)
        load = time.perf_counter() - started
        waiting[rows] = (Referral.objects.filter(status__in=Referral.WAITING).count(), load)
        measures = _measures(client, districts, settings_, officers)
        results[rows] = {name: _time(client, params) for name, params in measures.items()}
    large_size = sizes[-1]
    # The number of settings: the same page with the settings there are and with 10,000 more.
    few_settings = _time(client, {})
    Setting.objects.bulk_create(
        [
            Setting(urn=f"EY{800000 + n}", name=f"Extra setting {n}", area=rng.choice(wards))
            for n in range(size("BENCH_TRIAGE_EXTRA_SETTINGS", 10000, tiny=200))
        ],
        batch_size=2000,
    )
    _analyze()
    many_settings = _time(client, {})
    total_settings = Setting.objects.count()
    with capsys.disabled():
        print(
            f"\nTriage queue on {connection.vendor}: median / max ms, queries, KB, median ms of "
            "SQL per page"
        )
        for rows, measured in results.items():
            count, load = waiting[rows]
            print(f"  {rows:>7} referrals ({count} waiting; inserted in {load:.1f} s)")
            for name, (median, worst, queries, size_, sql_ms) in measured.items():
                print(
                    f"    {name:<28} {median:7.1f} / {worst:7.1f} ms  {queries:>2} queries"
                    f"  {size_ / 1024:5.0f} KB  SQL {sql_ms:6.1f} ms"
                )
        if len(sizes) == 2:
            small, large = results[SMALL], results[LARGE]
            print(f"  ratio {LARGE}/{SMALL} referrals ({LARGE / SMALL:.0f}x the rows):")
            for name in large:
                print(
                    f"    {name:<28} {large[name][0] / small[name][0]:5.1f}x"
                    f"  (SQL {large[name][4] / small[name][4]:5.1f}x)"
                )
        for label, (median, worst, queries, size_, sql_ms) in (
            (f"{base_settings} settings", few_settings),
            (f"{total_settings} settings", many_settings),
        ):
            print(
                f"  first page, {label:<16} {median:7.1f} / {worst:7.1f} ms  {queries:>2} queries"
                f"  {size_ / 1024:5.0f} KB  SQL {sql_ms:6.1f} ms"
            )
        print(
            f"  ratio settings: {many_settings[0] / few_settings[0]:.1f}x time, "
            f"{many_settings[3] / few_settings[3]:.2f}x bytes"
        )
    for name, (median, _worst, queries, _size, _sql) in results[large_size].items():
        bench_table.add(
            f"triage at {large_size:,} referrals: {name} ({queries} queries)",
            median,
            target="< 100 ms",
            met=median < 100,
        )
    bench_table.add(
        f"triage first page with {total_settings:,} settings",
        many_settings[0],
        ceiling=few_settings[0],
        ceiling_name=f"{base_settings:,} settings",
        target="independent of the number of settings",
        met=many_settings[0] <= 1.3 * few_settings[0] and many_settings[3] <= 1.1 * few_settings[3],
    )
    for name in results[sizes[0]]:
        assert results[sizes[0]][name][2] == results[large_size][name][2], name
    assert few_settings[2] == many_settings[2]
