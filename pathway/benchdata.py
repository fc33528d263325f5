"""Benchmark data at 10x county scale (issue 18), written in bulk, not through the services.

`make bench` measures the triage queue, the heatmap and the local offer over the same data: 500
wards with boundaries in 10 districts, 10,000 settings, 400,000 children, 1,000,000 referrals
with the routes, triage clocks, needs, references and allocations the services would have left
(waiting referrals are the recent ones, on a running clock), the planning aggregates built from
them, and 50,000 local offer services with their areas, locations and search vectors. Rows go in
by COPY on PostgreSQL (plain INSERTs elsewhere), from a seeded generator, so the same day's build
is the same data. Building through the services would take hours; this takes minutes.

Sizes: `Sizes.from_env()` (BENCH_DATA_* variables, BENCH_SCALE=tiny for a few thousand rows).
The template database that keeps the result between runs is `pathway.benchtemplate`.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from wagtail.models import Page

from cms import services as local_offer
from cms.models import ServiceLocation, ServicePage
from earlyyears.models import Area, Child, Role, Setting, User
from earlyyears.needs import BroadAreaOfNeed
from pathway import clocks
from pathway.models import ClockPolicy, Referral, ReferralClock, ReferralRoute, Route
from pathway.planning import aggregates as planning
from pathway.rules import published_rule_set

# Bump when the data changes shape without this file changing (the template's fingerprint
# already includes this file's text and every migration's).
VERSION = 1
SEED = 18
BATCH = 50_000
OFFICERS = 8
OFFICER_PREFIX = "benchdata.officer"
SUBMITTER = "benchdata.submitter"
COUNTY_CODE = "BC"
DISTRICT_PREFIX = "BD"
WARD_PREFIX = "BW"
SETTING_URN_START = 900_000  # settings are EY900000 upwards
WARD_SIZE = 0.02  # degrees: each ward a square, laid out on a grid
ORIGIN = (-2.5, 51.5)
WAITING_DAYS = 42  # referrals younger than this are still in triage, mostly
HISTORY_DAYS = 730
ROUTES = [Route.SEND_TEAM, Route.PORTAGE, Route.EARLY_HELP]
WORDS = ["speech", "sensory", "portage", "play", "autism", "sleep", "swimming", "support"]
FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hamza", "Isla", "Jack", "Kai",
    "Lily", "Mia", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sami", "Theo", "Uma", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fox", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Roberts", "Singh", "Taylor", "Walker",
]  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    wards: int = 500
    districts: int = 10
    settings: int = 10_000
    children: int = 400_000
    referrals: int = 1_000_000
    services: int = 50_000

    TINY = {
        "wards": 20,
        "districts": 2,
        "settings": 50,
        "children": 1000,
        "referrals": 2000,
        "services": 100,
    }

    @classmethod
    def from_env(cls, tiny: bool | None = None) -> Sizes:
        """BENCH_DATA_<NAME> for any size; else the tiny sizes under BENCH_SCALE=tiny; else
        10x county scale."""
        if tiny is None:
            tiny = os.environ.get("BENCH_SCALE", "").strip().lower() == "tiny"
        values = {}
        for name, full in asdict(cls()).items():
            given = os.environ.get(f"BENCH_DATA_{name.upper()}")
            values[name] = int(given) if given else (cls.TINY[name] if tiny else full)
        return cls(**values)


# --- Writing rows in bulk -----------------------------------------------------------------------

_PLAIN = {
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.CharField,
    models.SlugField,
    models.TextField,
    models.DateField,
    models.DateTimeField,
    models.BooleanField,
    models.FloatField,
    models.UUIDField,
    models.ForeignKey,
    models.OneToOneField,
}


def load(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence],
    *,
    json_text: Sequence[str] = (),
) -> int:
    """Write `rows` (values for the fields `names`, by attname) into the model's own table; every
    other column gets the field's default, worked out once. COPY on PostgreSQL, INSERTs
    elsewhere. Returns the number of rows. Ids are given by the caller (see `next_id`).

    The JSON fields named in `json_text` come already serialised (json.dumps), which is much
    quicker than a Jsonb adapter per value; PostgreSQL reads them as they are."""
    fields = {f.attname: f for f in model._meta.local_concrete_fields}
    given = [fields[name] for name in names]
    rest = [f for f in fields.values() if f.attname not in names]
    missing = [f.attname for f in rest if not f.has_default() and not f.null and not _blank(f)]
    if missing:
        raise ValueError(f"{model.__name__}: no value for {', '.join(missing)}")
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    postgres = connection.vendor == "postgresql"
    prepare = [
        (i, f)
        for i, f in enumerate(given)
        if not postgres or (type(f) not in _PLAIN and f.attname not in json_text)
    ]  # psycopg adapts the plain types itself; JSON and our own fields go through Django
    if not postgres:  # serialised JSON back to values, for the backend's own adapter
        prepare = [(i, _Parsed(f) if f.attname in json_text else f) for i, f in prepare]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*given, *rest])
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    row = list(row)
                    for i, field in prepare:
                        row[i] = field.get_db_prep_save(row[i], connection)
                    copy.write_row((*row, *defaults))
                    count += 1
            return count
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - model names
        for chunk in _chunks(rows, 1000):
            values = []
            for row in chunk:
                row = list(row)
                for i, field in prepare:
                    row[i] = field.get_db_prep_save(row[i], connection)
                values.append((*row, *defaults))
            cursor.executemany(sql, values)
            count += len(values)
    return count


class _Parsed:
    """A JSON field whose values come serialised, for the backends that want the values."""

    def __init__(self, field: models.Field) -> None:
        self.field = field

    def get_db_prep_save(self, value, connection):
        return self.field.get_db_prep_save(json.loads(value), connection)


def _blank(field: models.Field) -> bool:
    """A text field with no default is saved as '' by Django, which get_default() gives."""
    return field.empty_strings_allowed and not field.null


def _chunks(rows: Iterable, size: int) -> Iterable[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@contextmanager
def bulk_loading(*model_list: type[models.Model]) -> Iterator[None]:
    """PostgreSQL: while the rows go in, the tables' secondary indexes are dropped (and built
    again after, one sort each instead of a million inserts into each) and foreign keys are not
    checked row by row (the generator's ids are consistent by construction; a superuser's
    session_replication_role). Elsewhere, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in model_list]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if superuser:
                cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After COPY with our own ids: the next id each table gives is past them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_list:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608 - model names
                f"(SELECT coalesce(max({pk}), 1) FROM {table}))",
                [table, pk],
            )


# --- The data -----------------------------------------------------------------------------------


def _square(i: int, j: int, size: float) -> dict:
    x, y = ORIGIN[0] + i * size, ORIGIN[1] + j * size
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _box(x0: float, y0: float, x1: float, y1: float) -> dict:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def build_areas(sizes: Sizes) -> tuple[Area, list[Area], list[Area]]:
    """A county, its districts, and its wards: squares on a grid, each district a band of rows
    of wards, with under-5 populations for the rates."""
    side = int(sizes.wards**0.5) + (0 if int(sizes.wards**0.5) ** 2 == sizes.wards else 1)
    rows = (sizes.wards + side - 1) // side
    x0, y0 = ORIGIN
    county = Area.objects.create(
        code=COUNTY_CODE,
        name="Bench county",
        kind=Area.Kind.COUNTY,
        boundary=_box(x0, y0, x0 + side * WARD_SIZE, y0 + rows * WARD_SIZE),
    )
    district_of = [n * sizes.districts // sizes.wards for n in range(sizes.wards)]
    districts = []
    for d in range(sizes.districts):
        mine = [n for n in range(sizes.wards) if district_of[n] == d]
        low, high = mine[0] // side, mine[-1] // side
        districts.append(
            Area.objects.create(
                code=f"{DISTRICT_PREFIX}{d:02d}",
                name=f"District {d}",
                kind=Area.Kind.DISTRICT,
                parent=county,
                boundary=_box(x0, y0 + low * WARD_SIZE, x0 + side * WARD_SIZE,
                              y0 + (high + 1) * WARD_SIZE),
            )
        )  # fmt: skip
    wards = Area.objects.bulk_create(
        [
            Area(
                code=f"{WARD_PREFIX}{n:04d}",
                name=f"Ward {n}",
                kind=Area.Kind.WARD,
                parent=districts[district_of[n]],
                under_5_population=800 + (n * 37) % 2400,
                boundary=_square(n % side, n // side, WARD_SIZE),
            )
            for n in range(sizes.wards)
        ],
        batch_size=1000,
    )
    if connection.vendor != "postgresql":
        wards = list(Area.objects.filter(kind=Area.Kind.WARD, code__startswith=WARD_PREFIX))
    wards.sort(key=lambda a: a.code)
    return county, districts, wards


def build_settings(sizes: Sizes, rng: random.Random, wards: list[Area]) -> list[tuple]:
    """Settings spread over the wards, postcodes by district (WM1, WM2, ...), so the local
    offer's postcode search finds places. Returns (id, ward id, postcode) per setting."""
    district_index = {d: i for i, d in enumerate(sorted({w.parent_id for w in wards}))}
    types = list(Setting.ProviderType.values)
    first = next_id(Setting)
    rows = []
    for n in range(sizes.settings):  # every ward one first, then anywhere
        ward = wards[n] if n < len(wards) else wards[rng.randrange(len(wards))]
        postcode = f"WM{district_index[ward.parent_id] + 1} {1 + n % 9}{'ABDEFGHJ'[n % 8]}B"
        rows.append((first + n, ward.pk, postcode))
    load(
        Setting,
        ["id", "urn", "name", "provider_type", "address_line_1", "town", "postcode", "area_id"],
        (
            (pk, f"EY{SETTING_URN_START + n}", f"Bench setting {n}", types[n % len(types)],
             f"{n} High Street", "Westmoor", postcode, ward_id)
            for n, (pk, ward_id, postcode) in enumerate(rows)
        ),
    )  # fmt: skip
    reset_sequences(Setting)
    return rows


def build_people() -> tuple[list[int], int]:
    """SEND officers (who triage and are allocated referrals) and the practitioner who
    submitted every concern. Passwords unusable: benchmarks sign them in directly."""
    password = make_password(None)
    officers = [
        User.objects.create(
            username=f"{OFFICER_PREFIX}{n}",
            first_name="Officer",
            last_name=f"Bench {n}",
            role=Role.SEND_OFFICER,
            password=password,
        ).pk
        for n in range(OFFICERS)
    ]
    submitter = User.objects.create(
        username=SUBMITTER, first_name="Practitioner", last_name="Bench", role=Role.PRACTITIONER,
        password=password,
    ).pk  # fmt: skip
    return officers, submitter


def build_children(sizes: Sizes, rng: random.Random, settings_: list[tuple]) -> list[tuple]:
    """Children at the settings (a tenth with none: known through health or a parent). Returns
    (id, setting id or None, ward id, date of birth) per child."""
    today = timezone.localdate()
    first = next_id(Child)
    children = []
    for n in range(sizes.children):
        setting_id, ward_id, postcode = settings_[rng.randrange(len(settings_))]
        if rng.random() < 0.1:
            setting_id = None
        born = today - datetime.timedelta(days=rng.randint(200, 1700))
        children.append((first + n, setting_id, ward_id, born, postcode))
    with bulk_loading(Child):
        load(
            Child,
            ["id", "reference", "first_name", "last_name", "date_of_birth", "postcode",
             "area_id", "setting_id"],
            (
                (pk, f"B{n:07d}", FIRST_NAMES[n % len(FIRST_NAMES)],
                 f"{LAST_NAMES[(n * 7) % len(LAST_NAMES)]}-{n % 5003}", born, postcode, ward_id,
                 setting_id)
                for n, (pk, setting_id, ward_id, born, postcode) in enumerate(children)
            ),
        )  # fmt: skip
    reset_sequences(Child)
    return [(pk, setting_id, ward_id, born) for pk, setting_id, ward_id, born, _ in children]


def _development(rng: random.Random) -> tuple[dict, list[str]]:
    """The development answers and the broad areas of need the rules would draw from them."""
    x, y, z = rng.random(), rng.random(), rng.random()
    development = {}
    needs = []
    if x < 0.5:
        development["communication_language"] = {"level": "significant"}
        needs.append(BroadAreaOfNeed.COMMUNICATION_AND_INTERACTION.value)
    if y < 0.25:
        development["physical"] = {"level": "emerging"}
        needs.append(BroadAreaOfNeed.SENSORY_AND_PHYSICAL.value)
    if z < 0.35:
        development["personal_social_emotional"] = {"level": "severe"}
        needs.append(BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH.value)
    if x > 0.85:
        needs.append(BroadAreaOfNeed.COGNITION_AND_LEARNING.value)
    return {"development": development}, sorted(needs)


def build_referrals(
    sizes: Sizes, rng: random.Random, children: list[tuple], officers: list[int], submitter: int
) -> int:
    """Referrals over the last two years, each with its route and its triage clock. Those
    received in the last six weeks are mostly still waiting (submitted, in triage, more
    information), their clock running; the rest were accepted or closed, their clock stopped a
    few working days in. Written in batches of BATCH."""
    rule_set = published_rule_set().pk
    triage = ClockPolicy.objects.get(key="triage")
    now = timezone.now()
    due_cache: dict[datetime.date, tuple[datetime.date, datetime.date]] = {}

    def due(started: datetime.date) -> tuple[datetime.date, datetime.date]:
        if started not in due_cache:
            on = clocks.due_date(started, triage.length, triage.counting)
            due_cache[started] = (on, clocks.due_soon_from(on, triage.due_soon_days,
                                                           triage.counting))  # fmt: skip
        return due_cache[started]

    waiting = [Referral.Status.SUBMITTED, Referral.Status.IN_TRIAGE,
               Referral.Status.MORE_INFORMATION]  # fmt: skip
    names = [
        "id", "reference", "child_id", "setting_id", "area_id", "source", "submitted_by_id",
        "submitted_at", "status", "answers", "facts", "routes", "rule_set_id",
        "broad_areas_of_need", "consent_given_by", "consent_given_on", "share_with",
        "allocated_to_id", "allocated_at", "next_due_on", "next_due_soon_from",
    ]  # fmt: skip
    dumps = json.dumps
    setting_concern = Referral.Source.SETTING_CONCERN
    parent_request = Referral.Source.PARENT_REQUEST
    first = next_id(Referral)
    first_route, first_clock = next_id(ReferralRoute), next_id(ReferralClock)
    written = 0
    with bulk_loading(Referral, ReferralRoute, ReferralClock):
        while written < sizes.referrals:
            referrals, routes, clock_rows = [], [], []
            for n in range(written, min(sizes.referrals, written + BATCH)):
                pk = first + n
                child, setting_id, ward_id, born = children[rng.randrange(len(children))]
                age_days = rng.random() * HISTORY_DAYS
                at = now - datetime.timedelta(days=age_days)
                started = timezone.localdate(at)
                if age_days < WAITING_DAYS and rng.random() < 0.85:
                    status = rng.choices(waiting, (0.45, 0.4, 0.15))[0]
                else:
                    status = rng.choices([Referral.Status.ACCEPTED, Referral.Status.CLOSED],
                                         (0.7, 0.3))[0]  # fmt: skip
                open_ = status in waiting
                allocated = (
                    officers[rng.randrange(len(officers))]
                    if status != Referral.Status.SUBMITTED and rng.random() < 0.6
                    else None
                )
                route = ROUTES[rng.randrange(len(ROUTES))]
                answers, needs = _development(rng)
                due_on, soon = due(started)
                referrals.append((
                    pk, f"EY{at:%y}-{pk:07d}", child, setting_id, ward_id,
                    setting_concern if setting_id else parent_request,
                    submitter, at, status, dumps(answers),
                    f'{{"age_months": {max(0, (started - born).days // 30)}}}',
                    f'["{route}"]', rule_set, dumps(needs), "Parent Bench", started,
                    '["send_team"]',
                    allocated, at + datetime.timedelta(days=1) if allocated else None,
                    due_on if open_ else None, soon if open_ else None,
                ))  # fmt: skip
                routes.append((first_route + n, pk, route, True, at))
                stopped = None if open_ else at + datetime.timedelta(days=rng.randint(1, 12))
                clock_rows.append((first_clock + n, pk, triage.pk, started, due_on, soon, stopped))
            with transaction.atomic():
                load(
                    Referral,
                    names,
                    referrals,
                    json_text=["answers", "facts", "routes", "broad_areas_of_need", "share_with"],
                )
                load(ReferralRoute, ["id", "referral_id", "route", "decided_by_rules",
                                     "created_at"], routes)  # fmt: skip
                load(ReferralClock, ["id", "referral_id", "policy_id", "started_on", "due_on",
                                     "due_soon_from", "stopped_at"], clock_rows)  # fmt: skip
            written += len(referrals)
    reset_sequences(Referral, ReferralRoute, ReferralClock)
    return written


def build_services(sizes: Sizes, rng: random.Random, areas: list[Area]) -> int:
    """Local offer services under the local offer's index page: the page tree's rows written
    directly (treebeard's paths worked out here, not one add_child each), then their areas and
    locations, then what a bulk load must do after: the search vectors and ANALYZE."""
    index = local_offer.ensure_local_offer_index()
    content_type = ContentType.objects.get_for_model(ServicePage)
    needs = list(BroadAreaOfNeed.values)
    first = next_id(Page)
    start = index.numchild
    now = timezone.now()
    page_rows, service_rows, area_rows, location_rows = [], [], [], []
    for n in range(sizes.services):
        pk = first + n
        word = WORDS[n % len(WORDS)]
        title = f"{word.title()} service {n}"
        slug = f"bench-service-{n}"
        low = rng.choice([0, 0, 12, 24, 36])
        page_rows.append((
            pk, index.path + _step(start + n + 1), index.depth + 1, 0,
            uuid.UUID(int=rng.getrandbits(128), version=4), index.locale_id, True, False,
            now, now, title, title, slug, content_type.pk, f"{index.url_path}{slug}/",
        ))  # fmt: skip
        service_rows.append((
            pk, uuid.UUID(int=rng.getrandbits(128), version=4),
            f"A {word} group for young children and their families, number {n}.",
            rng.random() < 0.7, low, low + rng.choice([24, 36, 60, 216]),
            rng.sample(needs, rng.randint(1, 2)),
        ))  # fmt: skip
        area_rows.append((pk, areas[rng.randrange(len(areas))].pk))
        if rng.random() < 0.8:
            location_rows.append((
                pk, uuid.UUID(int=rng.getrandbits(128), version=4),
                uuid.UUID(int=rng.getrandbits(128), version=4), "1 High Street", "Westmoor",
                "WM1 1AB", ORIGIN[1] + rng.random() * 0.4, ORIGIN[0] + rng.random() * 0.4,
            ))  # fmt: skip
    Through = ServicePage.service_areas.through
    with transaction.atomic():
        load(
            Page,
            ["id", "path", "depth", "numchild", "translation_key", "locale_id", "live",
             "has_unpublished_changes", "first_published_at", "last_published_at", "title",
             "draft_title", "slug", "content_type_id", "url_path"],
            page_rows,
        )  # fmt: skip
        load(
            ServicePage,
            ["page_ptr_id", "oruk_id", "description", "is_free", "minimum_age_months",
             "maximum_age_months", "needs"],
            service_rows,
        )  # fmt: skip
        Page.objects.filter(pk=index.pk).update(numchild=start + sizes.services)
        first_link = next_id(Through)
        load(Through, ["id", "servicepage_id", "area_id"],
             ((first_link + i, *row) for i, row in enumerate(area_rows)))  # fmt: skip
        first_location = next_id(ServiceLocation)
        load(
            ServiceLocation,
            ["id", "sort_order", "page_id", "oruk_id", "service_at_location_id", "address_1",
             "city", "postcode", "latitude", "longitude"],
            ((first_location + i, 0, *row) for i, row in enumerate(location_rows)),
        )  # fmt: skip
    reset_sequences(Page, Through, ServiceLocation)
    if connection.vendor == "postgresql":
        ServicePage.objects.all().update_search_vectors()
    else:  # elsewhere the directory searches Wagtail's own index
        call_command("update_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    local_offer.analyze_local_offer()
    return sizes.services


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    """treebeard's path step for the n-th child (4 characters of base 36, as Wagtail's)."""
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = _ALPHABET[digit] + digits
    return digits.rjust(4, "0")


def generate(sizes: Sizes, log=print) -> dict[str, int]:
    """Fill the configured database (migrated, with nothing of ours in it) with benchmark data
    of these sizes, then rebuild the planning figures and refresh the planner's statistics.
    Returns the rows written per kind."""
    if Area.objects.filter(code=COUNTY_CODE).exists():
        raise ValueError("this database already holds benchmark data")
    rng = random.Random(SEED)  # noqa: S311 - benchmark data, not secrets
    steps: dict[str, int] = {}
    county, districts, wards = build_areas(sizes)
    steps["areas"] = 1 + len(districts) + len(wards)
    log(f"areas: {steps['areas']}")
    settings_ = build_settings(sizes, rng, wards)
    steps["settings"] = len(settings_)
    steps["postcodes"] = local_offer.build_postcode_centroids()
    log(f"settings: {len(settings_)}, postcode centroids: {steps['postcodes']}")
    officers, submitter = build_people()
    children = build_children(sizes, rng, settings_)
    steps["children"] = len(children)
    log(f"children: {len(children)}")
    steps["referrals"] = build_referrals(sizes, rng, children, officers, submitter)
    log(f"referrals (with routes and clocks): {steps['referrals']}")
    steps["need figures"] = planning.rebuild_need_figures()
    log(f"planning figures: {steps['need figures']}")
    steps["services"] = build_services(sizes, rng, [county, *districts, *wards])
    log(f"local offer services: {steps['services']}")
    analyze()
    return steps


def analyze() -> None:
    """Statistics for the planner, as autovacuum would leave them after a load. Outside a
    transaction (a management command) PostgreSQL also vacuums, so index-only scans need not
    visit the heap."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM (ANALYZE)")
