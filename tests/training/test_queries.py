"""Queries per page stay the same however many modules, lessons, settings and staff there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyyears.models import Role, SettingMembership
from training import services

from ..factories import AreaFactory, SettingFactory, UserFactory
from .conftest import make_module

pytestmark = pytest.mark.django_db


def count(client, url, **params) -> int:
    client.get(url, params)  # warm Wagtail's cached site root paths first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def add_modules(section, learner, n: int, lessons: int, start: int):
    modules = []
    for k in range(start, start + n):
        module = make_module(section, f"Module {k}", lessons=lessons, questions=2)
        lesson = module.get_children().first().specific
        services.complete_lesson(learner, lesson)
        services.record_completion(learner, module, datetime.date(2025, 1, k % 28 + 1))
        modules.append(module)
    return modules


def test_catalogue_module_and_lesson_pages(client, world, section):
    learner = world.practitioner_a
    client.force_login(learner)
    first = add_modules(section, learner, 2, lessons=2, start=1)[0]
    lesson = first.get_children().last().specific
    small = (
        count(client, "/training/"),
        count(client, first.url),
        count(client, lesson.url),
    )
    add_modules(section, learner, 6, lessons=5, start=10)
    for n in range(3, 9):  # more lessons in the module we look at
        make_module(section, f"Filler {n}", lessons=1)
    large = (
        count(client, "/training/"),
        count(client, first.url),
        count(client, lesson.url),
    )
    assert small == large


def build_settings(module, n: int, start: int):
    area = AreaFactory()
    for k in range(start, start + n):
        setting = SettingFactory(area=area if k % 2 else AreaFactory())
        for j in range(3):
            user = UserFactory(role=Role.PRACTITIONER, username=f"staff-{k}-{j}")
            SettingMembership.objects.create(user=user, setting=setting)
            if j:
                services.record_completion(user, module, datetime.date(2024 + j, 1, 1))


def test_coverage_pages(client, world, section):
    module = make_module(section, "Covered", lessons=1)
    build_settings(module, 2, start=0)
    client.force_login(world.trainer)
    setting = module.completions.first().user.setting_memberships.first().setting
    small = (
        count(client, "/training/coverage/", module=module.pk),
        count(client, f"/training/coverage/settings/{setting.pk}/"),
    )
    build_settings(module, 12, start=100)
    make_module(section, "Another", lessons=1)
    for extra in range(3):
        user = UserFactory(role=Role.PRACTITIONER, username=f"extra-{extra}")
        SettingMembership.objects.create(user=user, setting=setting)
        services.record_completion(user, module, datetime.date(2025, 5, 1))
    large = (
        count(client, "/training/coverage/", module=module.pk),
        count(client, f"/training/coverage/settings/{setting.pk}/"),
    )
    assert small == large
