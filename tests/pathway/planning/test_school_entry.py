"""The school-entry forecast: children known to the pathway by intake, area and need, with the
same disclosure control as the heatmaps, for planners only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from earlyyears.dates import born_in_intake
from earlyyears.models import Area
from pathway.models import SchoolMove
from pathway.planning.disclosure import SUPPRESSED
from pathway.planning.school_entry import school_entry_forecast
from tests.factories import AreaFactory, ChildFactory

TODAY = timezone.localdate  # called in each test: a run may cross midnight
YEAR = TODAY().year + 1 if TODAY().month >= 9 else TODAY().year
IN_YEAR = born_in_intake(YEAR)[0] + datetime.timedelta(days=40)
YEAR_BEFORE = born_in_intake(YEAR - 1)[0] + datetime.timedelta(days=40)


@pytest.fixture
def places(db):
    north = AreaFactory(code="D1", name="North", kind=Area.Kind.DISTRICT)
    south = AreaFactory(code="D2", name="South", kind=Area.Kind.DISTRICT)
    return {
        "north": north,
        "south": south,
        "hill": AreaFactory(code="W1", name="Hill", parent=north),
        "vale": AreaFactory(code="W2", name="Vale", parent=north),
        "dale": AreaFactory(code="W3", name="Dale", parent=south),
    }


@pytest.fixture
def children(world, places, make_referral):
    def known(area, born=IN_YEAR, **kwargs):
        child = ChildFactory(setting=world.setting_a, area=area, date_of_birth=born)
        make_referral(child, **kwargs)
        return child

    for _ in range(7):
        known(places["hill"])
    for _ in range(2):
        known(places["vale"])
    for _ in range(5):
        known(places["dale"])
    # a summer-born child of the year before whose start was delayed into this intake
    delayed = known(places["dale"], born=YEAR_BEFORE)
    SchoolMove.objects.create(child=delayed, intake_year=YEAR, intake_change_reason="Delayed")
    # not known to the pathway: not counted
    ChildFactory(setting=world.setting_a, area=places["dale"], date_of_birth=IN_YEAR)
    # a child of this intake whose start moved a year later: not counted this year
    later = known(places["dale"])
    SchoolMove.objects.create(child=later, intake_year=YEAR + 1, intake_change_reason="Delayed")


def cells(row) -> dict[str, str]:
    return dict(
        zip(
            [value for value, _ in school_entry_forecast(YEAR, "district").columns],
            row.cells,
            strict=True,
        )
    )


def test_children_are_counted_by_district_with_their_need(children):
    forecast = school_entry_forecast(YEAR, "district")
    rows = {row.name: cells(row) for row in forecast.rows}
    assert rows["North"]["children"] == "9"
    assert rows["South"]["children"] == "6"  # 5 of the age group and the delayed start
    assert rows["North"]["communication_interaction"] == "9"
    assert cells(forecast.total)["children"] == "15"
    assert rows["North"]["tier:none"] == "9"


def test_tiers_add_up_to_the_children_so_one_small_tier_hides_another(world, children):
    from pathway.models import SupportPlan

    for child in world.setting_a.children.filter(area__code="W1")[:2]:
        SupportPlan.objects.create(child=child, tier="targeted", created_by=world.practitioner_a)
    rows = {row.name: cells(row) for row in school_entry_forecast(YEAR, "district").rows}
    assert rows["North"]["tier:targeted"] == SUPPRESSED  # 2 children
    assert rows["North"]["tier:none"] == SUPPRESSED  # else 9 - 7 gives the 2 away
    assert rows["North"]["children"] == "9"


def test_small_counts_are_hidden_and_cannot_be_worked_out(children):
    forecast = school_entry_forecast(YEAR, "ward")
    rows = {row.name: cells(row) for row in forecast.rows}
    assert rows["Hill"]["children"] == "7"
    assert rows["Vale"]["children"] == SUPPRESSED  # 2 children
    # with Vale hidden, Dale (6) is hidden too, or the total (15) would give Vale away
    assert rows["Dale"]["children"] == SUPPRESSED
    assert cells(forecast.total)["children"] == "15"
    assert rows["Hill"]["cognition_learning"] == "0"


def test_the_page_is_for_planners_and_the_send_manager_only(client, world, children):
    url = reverse("planning-school-entry")
    for who in ("planner", "send_manager"):
        client.force_login(getattr(world, who))
        page = client.get(url, {"level": "district"}).content.decode()
        assert f"Starting school in September {YEAR}, by districts" in page
    for who in ("send_officer", "practitioner_a", "portage_a", "early_help", "trainer"):
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == 403


def test_a_bad_choice_is_explained_and_the_next_intake_shown(client, world, children):
    client.force_login(world.planner)
    page = client.get(reverse("planning-school-entry"), {"year": "1999"}).content.decode()
    assert "Select a September from the list" in page
    assert f"September {YEAR}, by districts" in page
