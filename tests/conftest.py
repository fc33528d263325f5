import importlib

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


REFERENCE_DATA = [
    ("earlyyears.migrations.0003_message_templates", "seed"),
    ("pathway.migrations.0002_default_routing_rules", "publish_default_rules"),
    ("pathway.migrations.0003_routing_rule_editors_group", "create_group"),
    ("pathway.migrations.0005_clock_policies_and_advice_templates", "seed"),
    ("earlyyears.migrations.0004_casework_message_templates", "seed"),
    ("earlyyears.migrations.0006_data_officers_and_invitations", "seed"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (browser, worker) flush every table afterwards, taking the rows the
    data migrations seed (message templates, routing rules) from the tests after them: seed
    them again, with the migrations' own functions, before each one."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        for module, function in REFERENCE_DATA:
            getattr(importlib.import_module(module), function)(django_apps, None)
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
