import functools
from collections.abc import Callable

import pytest
from django.apps import apps as django_apps

from earlyyears.models import Role

from .factories import (
    ChildFactory,
    SettingFactory,
    UserFactory,
    portage_worker_for,
    practitioner_at,
)

# Every test's `client` signs in through both steps (password and a real TOTP device).
pytest_plugins = ["tests.otp_plugin"]


@pytest.fixture(autouse=True)
def _private_media_in_a_temporary_folder(settings, tmp_path):
    """Uploads made by tests never land in the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture(autouse=True)
def _clock_policies_read_afresh():
    """Each test reads the clock policies of its own database: `pathway.clocks` keeps them per
    process, and a test rolled back or flushed sends no signal that they changed."""
    from pathway.clocks import forget_clock_policies

    forget_clock_policies()


@pytest.fixture
def world(db):
    """Two settings with a child each, a practitioner at each, a portage worker per child,
    and one user of every other role: the cast every access test needs."""

    class World:
        pass

    w = World()
    w.setting_a = SettingFactory(name="Acorns Day Nursery")
    w.setting_b = SettingFactory(name="Bluebell Pre-School")
    w.child_a = ChildFactory(setting=w.setting_a, first_name="Amara", last_name="Okafor")
    w.child_b = ChildFactory(setting=w.setting_b, first_name="Bartek", last_name="Nowak")
    w.practitioner_a = practitioner_at(w.setting_a, username="prac.a")
    w.practitioner_b = practitioner_at(w.setting_b, username="prac.b")
    w.portage_a = portage_worker_for(w.child_a, username="portage.a")
    w.portage_b = portage_worker_for(w.child_b, username="portage.b")
    for role in Role:
        if role not in (Role.PRACTITIONER, Role.PORTAGE_WORKER):
            setattr(w, role.value, UserFactory(role=role, username=role.value))
    return w


# The apps whose data migrations (RunPython) seed rows every test may rely on: message templates,
# routing rules, clock policies, groups. A transactional test's flush deletes those rows.
SEEDING_APPS = ("earlyyears", "pathway", "training", "cms", "dataprotection")
# RunPython operations not run again before transactional tests, each with the reason.
NOT_REFERENCE_DATA = {
    "dataprotection.migrations.0002_access_event_append_only": "a trigger: a flush leaves it",
    "pathway.migrations.0010_classify_family_contacts": "classifies existing rows: none to seed",
    "pathway.migrations.0011_triage_sorts_counts_and_needs": "an index: a flush leaves it",
    "pathway.migrations.0014_triage_setting_search": "indexes: a flush leaves them",
    "cms.migrations.0003_service_search_vector": "an index and existing rows' vectors",
    "earlyyears.migrations.0014_attendance": "attendances for existing children: none to seed",
    "pathway.migrations.0027_consent_from_referrals": "moves existing consent: none to seed",
}


@functools.cache
def reference_data() -> tuple[tuple[str, Callable], ...]:
    """Every seeding RunPython of ours, in migration order, found from the migration graph: a
    new data migration is covered without anyone remembering to list it here."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan = []
    leaves = [node for node in loader.graph.leaf_nodes() if node[0] in SEEDING_APPS]
    seen = set()
    for leaf in leaves:
        for node in loader.graph.forwards_plan(leaf):
            if node[0] in SEEDING_APPS and node not in seen:
                seen.add(node)
                plan.append(node)
    found = []
    for node in plan:
        migration = loader.graph.nodes[node]
        module = type(migration).__module__
        if module in NOT_REFERENCE_DATA:
            continue
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                found.append((module, operation.code))
    return tuple(found)


def _serialized_rollback(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("serialized_rollback"):
        return True
    return bool(getattr(getattr(item, "cls", None), "serialized_rollback", False))


def _database_group(item) -> int:
    """pytest-django's running order: database tests, then transactional ones, then the rest."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    if (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or (
        "transactional_db" in fixtures or "live_server" in fixtures
    ):
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The order is pytest-randomly's shuffle, then pytest-django's grouping of the transactional
    tests after the others (a plugin that reordered after it once let a flush run first)."""
    groups = [_database_group(item) for item in items]
    if groups != sorted(groups):
        first = next(i for i in range(1, len(groups)) if groups[i] < groups[i - 1])
        raise pytest.UsageError(
            f"tests are out of pytest-django's order at {items[first].nodeid}: something "
            "reordered them after it"
        )
    _refuse_serialized_rollback(items)


def _refuse_serialized_rollback(items):
    """No test may rely on serialized rollback. It reloads the rows the migrations made when the
    test database was created, after a flush by the transactional test before it; when that test
    was different (browser tests skipped without Chromium, a random order, another xdist worker)
    the reload collides with content types made again since (issue 15). Transactional tests
    build what they need instead: the autouse `_reference_data` fixture below seeds the data
    migrations' rows, factories make the rest."""
    offenders = [item.nodeid for item in items if _serialized_rollback(item)]
    if offenders:
        raise pytest.UsageError(
            "serialized_rollback makes a test depend on the tests before it; build what the test "
            "needs in fixtures (tests/conftest.py seeds the reference data):\n  "
            + "\n  ".join(offenders)
        )


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (browser, worker) flush every table afterwards, taking the rows the
    data migrations seed (message templates, routing rules) from the tests after them: seed
    them again, with the migrations' own functions, before each one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        for _module, seed in reference_data():
            seed(django_apps, None)
    yield


@pytest.fixture
def celery_eager():
    """Run tasks in-process even when CI's second leg configures a real broker: for tests of
    what a task does, not of the broker (the worker-marked tests cover that)."""
    from earlyyears.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
