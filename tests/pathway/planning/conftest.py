"""Planning fixtures: a small county of districts and wards, and referrals made through the
real service (routed by the published rules), back-dated where a test needs months."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from earlyyears.models import Area, Role
from pathway.models import Referral
from pathway.planning import aggregates
from pathway.services import create_referral
from tests.factories import AreaFactory, ChildFactory, SettingFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cube_cache():
    aggregates._CUBES.clear()
    yield
    aggregates._CUBES.clear()


class County:
    def __init__(self):
        self.county = AreaFactory(code="C1", name="Westmoor", kind=Area.Kind.COUNTY)
        self.north = AreaFactory(
            code="D1", name="North", kind=Area.Kind.DISTRICT, parent=self.county
        )
        self.south = AreaFactory(
            code="D2", name="South", kind=Area.Kind.DISTRICT, parent=self.county
        )
        self.wards = {
            code: AreaFactory(
                code=code,
                name=f"Ward {code}",
                kind=Area.Kind.WARD,
                parent=self.north if code < "W3" else self.south,
                under_5_population=1000,
            )
            for code in ("W1", "W2", "W3", "W4")
        }
        self.settings = {code: SettingFactory(area=ward) for code, ward in self.wards.items()}
        self.submitter = UserFactory(role=Role.SEND_OFFICER, username="submitter")

    def child(self, ward: str, age_months: int = 30, on: datetime.date | None = None):
        on = on or timezone.localdate()
        born = on - datetime.timedelta(days=int(age_months * 30.44) + 3)
        return ChildFactory(setting=self.settings[ward], date_of_birth=born)

    def refer(
        self,
        child,
        *,
        when: datetime.datetime | None = None,
        broad: list[str] | None = None,
        development: dict | None = None,
    ) -> Referral:
        answers = {
            "development": development or {},
            "broad_areas_of_need": broad or [],
        }
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=self.submitter,
            answers=answers,
            setting=child.setting,
            submitted_at=when,
            notify=False,
        )


@pytest.fixture
def county(db):
    return County()


def at(year: int, month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())
