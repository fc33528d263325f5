import importlib
import io

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from earlyyears.models import Role
from tests.factories import AreaFactory, UserFactory


@pytest.fixture(autouse=True)
def _tasks_in_process(celery_eager):
    """Large imports go to a Celery task; here it runs in-process on both legs of CI."""


@pytest.fixture(autouse=True)
def _seeded(request):
    """Transactional tests flush the rows the data migration seeds: seed them again."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        module = importlib.import_module("earlyyears.migrations.0006_data_officers_and_invitations")
        module.seed(django_apps, None)


def verify(client, user) -> None:
    """Sign in through both steps when two-factor sign-in is switched on."""
    client.force_login(user)
    if not django_apps.is_installed("django_otp"):
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator app", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["_two_factor_enrolled"] = True
    session.save()


@pytest.fixture
def sign_in(client):
    def do(user):
        verify(client, user)
        return client

    return do


@pytest.fixture
def data_officer(db):
    user = UserFactory(role=Role.ADMIN, username="data.officer", is_staff=True)
    user.groups.add(Group.objects.get(name="Data officers"))
    return user


@pytest.fixture
def areas(db):
    county = AreaFactory(code="C01", name="Westmoor", kind="county", parent=None)
    north = AreaFactory(code="D01", name="North", kind="district", parent=county)
    ward1 = AreaFactory(code="W01", name="Abbey", kind="ward", parent=north)
    ward2 = AreaFactory(code="W02", name="Brook", kind="ward", parent=north)
    return {"county": county, "north": north, "W01": ward1, "W02": ward2}


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
