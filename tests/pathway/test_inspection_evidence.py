"""The person-level list for an area SEND inspection, against hand-built children with known
answers: who is in it (EHC plan, SEN support above the universal tier, not yet at school), what
each column says, who may download it, and that the download is audited."""

from __future__ import annotations

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.models import Child
from pathway.inspection import selectors
from pathway.models import EhcRequest, SenNeed, SupportPlan
from tests.factories import ChildFactory

TODAY = datetime.date(2027, 3, 1)  # the youngest at school started in September 2026


def plan(child, tier, by):
    return SupportPlan.objects.create(
        child=child, tier=tier, setting=child.setting, created_by=by, updated_by=by
    )


def test_who_is_in_the_list_and_what_each_row_says(world, make_referral):
    officer = world.send_officer
    with_plan = ChildFactory(
        setting=world.setting_a,
        first_name="Ada",
        last_name="Ahmed",
        date_of_birth=datetime.date(2023, 5, 4),
        looked_after=True,
    )
    ehc = EhcRequest.objects.create(
        child=with_plan,
        referral=make_referral(with_plan),
        source=EhcRequest.Source.SETTING,
        received_on=datetime.date(2026, 1, 5),
        sex="F",
        ethnicity="WBRI",
        assess_decision="Y",
        assess_decision_on=datetime.date(2026, 2, 10),
        issue_decision="Y",
        issue_decision_on=datetime.date(2026, 5, 20),
        stage=EhcRequest.Stage.PLAN,
        created_by=officer,
    )
    SenNeed.objects.create(ehc=ehc, rank=1, sen_type="ASD", recorded_by=officer)
    SenNeed.objects.create(ehc=ehc, rank=2, sen_type="SLCN", recorded_by=officer)
    targeted = ChildFactory(
        setting=world.setting_b,
        first_name="Ben",
        last_name="Brown",
        date_of_birth=datetime.date(2022, 9, 1),
    )
    plan(targeted, "targeted", officer)
    universal = ChildFactory(setting=world.setting_a, date_of_birth=datetime.date(2023, 1, 1))
    plan(universal, "universal", officer)
    at_school = ChildFactory(setting=world.setting_a, date_of_birth=datetime.date(2022, 8, 31))
    plan(at_school, "specialist", officer)
    merged = ChildFactory(setting=world.setting_a, date_of_birth=datetime.date(2023, 1, 1))
    plan(merged, "specialist", officer)
    Child.objects.filter(pk=merged.pk).update(record_status=Child.RecordStatus.MERGED)

    rows = list(selectors.rows(TODAY))
    header, *body = rows
    assert header == list(selectors.HEADINGS)
    assert [(r[1], r[2]) for r in body] == [("Ada", "Ahmed"), ("Ben", "Brown")]
    ada = dict(zip(header, body[0], strict=True))
    assert ada["SEN status"] == "EHC plan"
    assert ada["Age"] == "3 years, 9 months"
    assert (ada["Sex"], ada["Ethnicity"]) == ("Female", "White British")
    assert (ada["Primary need"], ada["Secondary need"]) == (
        "Autistic spectrum disorder",
        "Speech, language and communication needs",
    )
    assert ada["EHC plan issued"] == "2026-05-20"
    assert ada["Looked after"] == "Yes" and ada["Setting"] == world.setting_a.name
    ben = dict(zip(header, body[1], strict=True))
    assert (ben["SEN status"], ben["Tier of support"]) == ("SEN support", "Targeted")
    assert ben["Support plan since"] == timezone.localdate().isoformat()
    assert ben["Primary need"] == "" and ben["Looked after"] == "No"


def test_the_list_costs_the_same_however_many_children(world, django_assert_num_queries):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            list(selectors.rows(TODAY))
        return len(queries)

    plan(
        ChildFactory(setting=world.setting_a, date_of_birth=datetime.date(2023, 1, 1)),
        "targeted",
        world.send_officer,
    )
    before = count()
    for _ in range(4):
        plan(
            ChildFactory(setting=world.setting_a, date_of_birth=datetime.date(2023, 1, 1)),
            "targeted",
            world.send_officer,
        )
    assert count() == before


def test_only_the_send_manager_downloads_it_and_the_download_is_audited(client, world):
    plan(world.child_a, "targeted", world.send_officer)
    for who in (world.send_officer, world.practitioner_a, world.planner, world.case_reviewer):
        client.force_login(who)
        assert client.get(reverse("inspection-list-csv")).status_code == 403
        assert client.get(reverse("inspection-evidence")).status_code == 403
    client.force_login(world.send_manager)
    page = client.get(reverse("inspection-evidence"))
    assert page.status_code == 200
    response = client.get(reverse("inspection-list-csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert world.child_a.first_name in names
    event = AccessEvent.objects.filter(user=world.send_manager).latest("pk")
    assert event.action == AccessEvent.Action.EXPORT
