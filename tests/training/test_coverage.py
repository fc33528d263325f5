"""Coverage figures against a hand-built county, and the trainer's pages that show them."""

import datetime

import pytest
from django.urls import reverse

from earlyyears.models import Role, SettingMembership
from training import selectors, services
from training.models import Completion, Enrolment

from ..factories import AreaFactory, SettingFactory, UserFactory
from .conftest import make_module

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def county(section):
    """Two areas; north has two settings, south one. Staff and what they have done:

    north-1: ana (current), ben (expired), cal (nothing), dee (current, also at north-2)
    north-2: dee, eve (current for the *other* module only)
    south-1: fay (face to face, current), gus (switched-off account, current), a planner
             member (not a learner), hal (completed twice: expired then current)
    """

    class County:
        pass

    c = County()
    c.module = make_module(section, "Spotting needs", lessons=1)
    c.other = make_module(section, "Other module", lessons=1)
    c.north, c.south = AreaFactory(name="North"), AreaFactory(name="South")
    c.north_1 = SettingFactory(name="North One", area=c.north)
    c.north_2 = SettingFactory(name="North Two", area=c.north)
    c.south_1 = SettingFactory(name="South One", area=c.south)
    SettingFactory(name="Empty", area=c.south)  # no staff: not listed

    def staff(name, *settings, role=Role.PRACTITIONER, active=True):
        user = UserFactory(username=name, first_name=name.title(), role=role, is_active=active)
        for setting in settings:
            SettingMembership.objects.create(user=user, setting=setting)
        return user

    def done(user, module, day, source=Completion.Source.ONLINE):
        return services.record_completion(user, module, day, source=source)

    c.ana = staff("ana", c.north_1)
    c.ben = staff("ben", c.north_1)
    c.cal = staff("cal", c.north_1)
    c.dee = staff("dee", c.north_1, c.north_2)
    c.eve = staff("eve", c.north_2)
    c.fay = staff("fay", c.south_1)
    c.gus = staff("gus", c.south_1, active=False)
    c.pat = staff("pat", c.south_1, role=Role.PLANNER)
    c.hal = staff("hal", c.south_1)
    # module validity is 24 months: renew_by = completed + 2 years
    done(c.ana, c.module, datetime.date(2025, 1, 10))  # renew by 2027-01-10: current
    done(c.ben, c.module, datetime.date(2024, 6, 14))  # renew by 2026-06-14: expired
    done(c.dee, c.module, datetime.date(2026, 6, 15))  # today: current, the latest
    done(c.eve, c.other, datetime.date(2026, 1, 1))
    done(c.fay, c.module, datetime.date(2025, 3, 3), Completion.Source.FACE_TO_FACE)
    done(c.gus, c.module, datetime.date(2026, 1, 1))
    done(c.pat, c.module, datetime.date(2026, 1, 1))
    done(c.hal, c.module, datetime.date(2023, 1, 1))
    done(c.hal, c.module, datetime.date(2025, 2, 1))
    Enrolment.objects.create(user=c.cal, module=c.module)
    return c


def figures(rows):
    return {row.label: (row.staff, row.current, row.ever, row.expired, row.latest) for row in rows}


def test_coverage_by_setting(county):
    rows = selectors.coverage_by_setting(county.module, TODAY)
    assert figures(rows) == {
        "North One": (4, 2, 3, 1, datetime.date(2026, 6, 15)),
        "North Two": (2, 1, 1, 0, datetime.date(2026, 6, 15)),
        "South One": (2, 2, 2, 0, datetime.date(2025, 3, 3)),
    }
    north_only = selectors.coverage_by_setting(county.module, TODAY, area=county.north)
    assert [row.label for row in north_only] == ["North One", "North Two"]


def test_coverage_by_area_counts_staff_in_two_settings_once(county):
    rows = selectors.coverage_by_area(county.module, TODAY)
    assert figures(rows) == {
        "North": (5, 2, 3, 1, datetime.date(2026, 6, 15)),
        "South": (2, 2, 2, 0, datetime.date(2025, 3, 3)),
    }
    north = rows[0]
    assert (north.not_trained, north.percent) == (2, 40)


def test_coverage_total(county):
    total = selectors.coverage_total(county.module, TODAY)
    assert (total.staff, total.current, total.ever, total.expired, total.latest) == (
        7,
        4,
        5,
        1,
        datetime.date(2026, 6, 15),
    )
    assert total.percent == 57


def test_the_day_after_renew_by_a_completion_is_expired(county):
    day_after = datetime.date(2027, 1, 11)  # ana's renew-by was 10 January 2027
    rows = figures(selectors.coverage_by_setting(county.module, day_after))
    assert rows["North One"][1] == 1  # only dee now


def test_uptake_by_module(county):
    rows = {row.module.title: row for row in selectors.uptake_by_module(TODAY)}
    spotting = rows["Spotting needs"]
    # every completer counts here, setting staff or not (gus, pat too): ana ben dee fay gus pat hal
    assert (spotting.enrolled, spotting.ever, spotting.current) == (1, 7, 6)
    assert (spotting.online, spotting.face_to_face) == (7, 1)
    assert spotting.expired == 1
    assert rows["Other module"].current == 1


def test_setting_staff_shows_each_persons_latest_completion(county):
    rows = {row.user.username: row for row in selectors.setting_staff(county.south_1)}
    assert set(rows) == {"fay", "hal"}  # not the switched-off account, not the planner
    assert rows["hal"].completions[county.module.pk].completed_at == datetime.date(2025, 2, 1)


def test_coverage_page_shows_the_figures(client, world, county):
    client.force_login(world.trainer)
    response = client.get("/training/coverage/", {"module": county.module.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "North One" in html and "South One" in html
    assert "Empty" not in html
    response = client.get(
        "/training/coverage/", {"module": county.module.pk, "area": county.south.pk}
    )
    assert [row.label for row in response.context["settings"]] == ["South One"]
    response = client.get(reverse("training-setting-coverage", args=[county.north_1.pk]))
    assert response.status_code == 200
    assert "Ana" in response.content.decode()


def test_coverage_page_with_a_bad_filter_is_not_an_error_page(client, world, county):
    client.force_login(world.trainer)
    response = client.get("/training/coverage/", {"module": "999999", "area": "nonsense"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
