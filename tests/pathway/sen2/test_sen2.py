"""The early-years SEN2 extract against hand-built cases with known answers: which cases are
in scope, each module's items and codes, the problems listed by child and item, the extract
kept, and who may produce or read it."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from pathway.models import EhcDispute, EhcException, EhcRequest, EhcReview, Sen2Extract, SenNeed
from pathway.sen2 import selectors, services
from pathway.sen2.selectors import build_return, reference_date

YEAR = 2027  # the January 2027 collection: activity in 2026, census day 21 January 2027
D = datetime.date


@pytest.fixture(autouse=True)
def la_number(settings):
    settings.LA_NUMBER = "938"


@pytest.fixture
def case(world, make_referral):
    """A request made by the setting in the period, assessed, a plan issued with one exception
    to the 20 weeks, a primary and a secondary need, and every item the return needs."""

    def make(child=None, **values):
        child = child or world.child_a
        referral = make_referral(child)
        fields = {
            "child": child,
            "referral": referral,
            "source": EhcRequest.Source.SETTING,
            "received_on": D(2026, 3, 2),
            "sex": "F",
            "ethnicity": "BAFR",
            "upn_unknown": "UN1",
            "assess_decision": "Y",
            "assess_decision_on": D(2026, 4, 10),
            "issue_decision": "Y",
            "issue_decision_on": D(2026, 8, 3),
            "stage": EhcRequest.Stage.PLAN,
            "created_by": world.send_officer,
        } | values
        ehc = EhcRequest.objects.create(**fields)
        if fields.get("issue_decision") == "Y":
            SenNeed.objects.create(ehc=ehc, rank=1, sen_type="SLCN", recorded_by=world.send_officer)
        return ehc

    return make


def rows(built, module):
    return built.tables[module]


@pytest.mark.parametrize(
    ("year", "census"),
    [
        (2024, D(2024, 1, 18)),
        (2025, D(2025, 1, 16)),
        (2026, D(2026, 1, 15)),
        (2027, D(2027, 1, 21)),
    ],
)
def test_census_day_is_the_third_thursday_of_january(year, census):
    assert reference_date(year) == census


def test_the_next_collection_changes_after_census_day():
    assert selectors.next_collection(D(2027, 1, 21)) == 2027
    assert selectors.next_collection(D(2027, 1, 22)) == 2028
    assert selectors.next_collection(D(2026, 12, 5)) == 2027


def test_a_plan_issued_in_the_year_fills_every_module(world, case):
    ehc = case()
    SenNeed.objects.create(ehc=ehc, rank=2, sen_type="ASD", recorded_by=world.send_officer)
    EhcException.objects.create(
        ehc=ehc,
        kind="holiday",
        reason="Advice asked in August",
        starts_on=D(2026, 7, 27),
        recorded_by=world.send_officer,
    )
    EhcDispute.objects.create(
        ehc=ehc,
        kind="mediation",
        about="other",
        started_on=D(2026, 9, 1),
        recorded_by=world.send_officer,
    )
    built = build_return(YEAR)
    child = world.child_a
    assert built.problems == []
    assert rows(built, "header")[0] | {"DateTime": ""} == {
        "Collection": "SEN2",
        "Year": "2027",
        "ReferenceDate": "2027-01-21",
        "SourceLevel": "L",
        "LEA": "938",
        "SoftwareCode": "EYSEND",
        "Release": "1",
        "SerialNo": "",
        "DateTime": "",
    }
    assert rows(built, "person") == [
        {
            "PersonID": child.reference,
            "Surname": child.last_name,
            "Forename": child.first_name,
            "PersonBirthDate": child.date_of_birth.isoformat(),
            "Sex": "F",
            "Ethnicity": "BAFR",
            "Postcode": child.postcode,
            "UPN": "",
            "UniqueLearnerNumber": "",
            "UPNunknown": "UN1",
        }
    ]
    (request,) = rows(built, "requests")
    assert request | {"RequestsID": ""} == {
        "RequestsID": "",
        "PersonID": child.reference,
        "ReceivedDate": "2026-03-02",
        "RequestSource": "2",
        "RYA": "0",
        "RequestOutcomeDate": "2026-04-10",
        "RequestOutcome": "Y",
        "RequestMediation": "0",
        "RequestTribunal": "0",
        "Exported": "0",
    }
    (assessment,) = rows(built, "assessment")
    assert assessment["RequestsID"] == request["RequestsID"]
    assert (assessment["AssessmentOutcome"], assessment["AssessmentOutcomeDate"]) == (
        "Y",
        "2026-08-03",
    )
    assert (assessment["Week20"], assessment["OtherMediation"]) == ("1", "1")
    (plan,) = rows(built, "namedplan")
    assert (plan["StartDate"], plan["CeaseDate"], plan["CeaseReason"]) == ("2026-08-03", "", "")
    (detail,) = rows(built, "plandetail")
    assert (detail["URN"], detail["SENsetting"], detail["PlacementRank"]) == ("", "EYP", "1")
    (active,) = rows(built, "activeplans")
    assert active["RequestsID"] == request["RequestsID"] and active["TransferLA"] == "0"
    assert [(n["SENtype"], n["SENtypeRank"]) for n in rows(built, "senneed")] == [
        ("SLCN", "1"),
        ("ASD", "2"),
    ]
    assert rows(built, "placementdetail")[0]["ActivePlansID"] == active["ActivePlansID"]


def test_what_is_in_scope_and_each_outcome_code(world, case, make_referral):
    from tests.factories import ChildFactory

    def child():
        return ChildFactory(setting=world.setting_a)

    finished_before = case(
        child(), received_on=D(2025, 3, 1), assess_decision="N", assess_decision_on=D(2025, 4, 1),
        issue_decision="", issue_decision_on=None,
    )  # fmt: skip
    waiting = case(
        child(), received_on=D(2026, 11, 20), assess_decision="", assess_decision_on=None,
        issue_decision="", issue_decision_on=None,
    )  # fmt: skip
    withdrawn = case(
        child(), received_on=D(2026, 5, 1), assess_decision="", assess_decision_on=None,
        issue_decision="", issue_decision_on=None, withdrawn_on=D(2026, 5, 20),
    )  # fmt: skip
    historical = case(child(), received_on=D(2025, 6, 1), assess_decision_on=D(2025, 7, 1))
    after_census = case(child(), received_on=D(2027, 2, 1))
    built = build_return(YEAR)
    outcomes = {r["RequestsID"]: r["RequestOutcome"] for r in rows(built, "requests")}
    assert f"R{finished_before.pk}" not in outcomes
    assert f"R{after_census.pk}" not in outcomes
    assert outcomes[f"R{waiting.pk}"] == "A"
    assert outcomes[f"R{withdrawn.pk}"] == "W"
    assert outcomes[f"R{historical.pk}"] == "H"
    # a plan issued before the period, still active: its decisions are historical
    assessments = {a["RequestsID"]: a for a in rows(built, "assessment")}
    assert assessments[f"R{historical.pk}"]["AssessmentOutcome"] == "Y"
    assert f"R{waiting.pk}" not in assessments


def test_problems_are_listed_by_child_and_item_with_where_to_fix_them(world, case):
    ehc = case(ethnicity="", upn_unknown="", ceased_on=D(2026, 10, 1), cease_reason="")
    ehc.sen_needs.all().delete()
    problems = {(p.child_reference, p.item): p for p in build_return(YEAR).problems}
    ref = world.child_a.reference
    assert set(problems) >= {
        (ref, "Ethnicity"),
        (ref, "UPNunknown"),
        (ref, "CeaseReason"),
        (ref, "SENtype"),
    }
    assert problems[(ref, "SENtype")].message == "Record the child's primary need"
    assert problems[(ref, "Ethnicity")].fix_url == reverse("sen2-details", args=[ehc.pk])


def test_dates_out_of_order_and_codes_not_in_the_lists_are_problems(world, case):
    case(assess_decision_on=D(2026, 2, 1), ethnicity="XXXX")
    messages = {p.item: p.message for p in build_return(YEAR).problems}
    assert messages["RequestOutcomeDate"] == "The decision to assess is dated before the request"
    assert messages["Ethnicity"] == "'XXXX' is not a code SEN2 accepts"


def test_a_missing_la_number_is_a_problem_for_the_whole_return(settings, world, case):
    settings.LA_NUMBER = ""
    case()
    (problem,) = build_return(YEAR).problems
    assert problem.item == "LEA" and problem.child_reference == ""


def test_a_review_and_the_move_to_school_reach_the_active_plan(world, case):
    from pathway.models import SchoolMove

    ehc = case()
    EhcReview.objects.create(
        ehc=ehc,
        due_by=D(2026, 11, 1),
        meeting_on=D(2026, 10, 20),
        outcome="amend",
        decision_on=D(2026, 11, 5),
        recorded_by=world.send_officer,
    )
    child = world.child_a
    child.date_of_birth = D(2022, 10, 1)  # starts Reception in September 2027
    child.save()
    SchoolMove.objects.create(child=child, ehc_review_finished_on=D(2027, 1, 10))
    (active,) = rows(build_return(YEAR), "activeplans")
    assert (active["ReviewMeeting"], active["ReviewOutcome"], active["LastReview"]) == (
        "2026-10-20",
        "A",
        "2026-11-05",
    )
    assert active["PhaseTransferDueDate"] == "2027-02-15"
    assert active["PhaseTransferFinalDate"] == "2027-01-10"


# Producing and keeping extracts --------------------------------------------------------------


def test_an_extract_is_one_csv_a_module_kept_and_downloaded(client, world, case):
    case()
    client.force_login(world.send_officer)
    response = client.post(f"{reverse('sen2-return')}?year={YEAR}")
    assert response.status_code == 302
    extract = Sen2Extract.objects.get()
    assert extract.produced_by == world.send_officer and extract.problems == []
    download = client.get(reverse("sen2-download", args=[extract.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == sorted(f"{name}.csv" for name in selectors.MODULES)
    person = list(csv.reader(io.StringIO(archive.read("person.csv").decode())))
    assert person[0] == list(selectors.MODULES["person"])
    assert person[1][0] == world.child_a.reference


def test_with_problems_only_a_manager_with_a_reason_produces_it(client, world, case):
    case(ethnicity="")
    url = f"{reverse('sen2-return')}?year={YEAR}"
    client.force_login(world.send_officer)
    page = client.post(url).content.decode()
    assert "A SEND manager can produce the extract with problems left" in page
    client.force_login(world.send_manager)
    page = client.post(url, {"reason": ""}).content.decode()
    assert "Say why the extract is produced with problems left" in page
    assert not Sen2Extract.objects.exists()
    client.post(url, {"reason": "The family have not yet told us; sending on time"})
    extract = Sen2Extract.objects.get()
    assert extract.reason.startswith("The family") and extract.problems[0]["item"] == "Ethnicity"


def test_the_details_page_records_the_needs_and_the_items(client, world, case):
    ehc = case(ethnicity="", upn_unknown="")
    ehc.sen_needs.all().delete()
    url = reverse("sen2-details", args=[ehc.pk])
    client.force_login(world.send_officer)
    data = {
        "primary_need": "ASD",
        "secondary_need": "ASD",
        "sex": "M",
        "ethnicity": "WBRI",
        "upn": "bad",
        "upn_unknown": "",
        "setting_school_urn": "",
    }
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page
    assert "Choose a secondary need different from the primary" in page
    assert "Enter a unique pupil number as a letter and 12 more characters" in page
    assert not SenNeed.objects.filter(ehc=ehc).exists()
    client.post(url, data | {"secondary_need": "", "upn": "", "upn_unknown": "UN1"})
    ehc.refresh_from_db()
    assert (ehc.sex, ehc.ethnicity, ehc.upn_unknown) == ("M", "WBRI", "UN1")
    assert list(ehc.sen_needs.values_list("rank", "sen_type")) == [(1, "ASD")]
    assert build_return(YEAR).problems == []


@pytest.mark.parametrize(
    "who", ["practitioner_a", "portage_a", "planner", "early_help", "professional", "trainer"]
)
def test_only_the_send_team_reaches_the_return(client, world, case, who):
    ehc = case()
    extract = services.produce_extract(world.send_officer, YEAR)
    client.force_login(getattr(world, who))
    assert client.get(reverse("sen2-return")).status_code == 403
    assert client.post(reverse("sen2-return")).status_code == 403
    assert client.get(reverse("sen2-details", args=[ehc.pk])).status_code == 404
    assert client.get(reverse("sen2-download", args=[extract.pk])).status_code == 404
    assert Sen2Extract.objects.count() == 1


def test_extracts_go_after_three_years_with_their_files(
    world, case, django_capture_on_commit_callbacks
):
    from dataprotection.retention import apply_retention

    case()
    old = services.produce_extract(world.send_officer, YEAR)
    new = services.produce_extract(world.send_officer, YEAR)
    Sen2Extract.objects.filter(pk=old.pk).update(
        produced_at=old.produced_at - datetime.timedelta(days=3 * 366)
    )
    storage = old.file.storage
    assert storage.exists(old.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        run = apply_retention()
    assert list(Sen2Extract.objects.all()) == [new]
    assert not storage.exists(old.file.name) and storage.exists(new.file.name)
    assert run.counts["sen2_extracts"] == 1
