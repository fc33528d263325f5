"""Bringing in a council's existing caseload (issue 24): each kind through the bulk engine's dry
run and apply, the round trip (what the service holds, exported in the import's columns and
imported into a service without it, gives the same records), row-level errors in plain words,
nothing half-saved when every row must be right, the EHC clocks and SEN2 from imported dates,
and who may use the pages."""

from __future__ import annotations

import datetime
import html

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from earlyyears.exports import csv_bytes
from earlyyears.models import Child, ContactDetail, FamilyContact, ImportJob, Provenance
from pathway.caseload import services
from pathway.caseload.resources import RESOURCES
from pathway.ehc import rules
from pathway.ehc import services as ehc
from pathway.models import (
    EhcRequest,
    PlanOutcome,
    Referral,
    ReferralClock,
    ReferralEvent,
    SenNeed,
    SupportPlan,
)
from pathway.sen2 import selectors as sen2
from tests.factories import UserFactory

D = datetime.date
VALID = ImportJob.Mode.VALID_ROWS
ALL = ImportJob.Mode.ALL_OR_NOTHING


def uk(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def file_of(key: str, rows: list[dict]) -> bytes:
    headings = [column.label for column in RESOURCES[key].columns]
    return csv_bytes([headings, *([row.get(h, "") for h in headings] for row in rows)])


def bring_in(user, key: str, rows: list[dict] | bytes, mode=VALID) -> ImportJob:
    content = rows if isinstance(rows, bytes) else file_of(key, rows)
    job = services.start(user, key, f"{key}.csv", content)
    assert job.status == ImportJob.Status.PREVIEWED, job.report
    return services.apply(job, mode)


def problems(job: ImportJob) -> dict[int, list[str]]:
    report = job.applied_report or job.report
    return {row["line"]: row["errors"] for row in report["rows"] if row["errors"]}


@pytest.fixture
def manager(world):
    return world.send_manager


@pytest.fixture
def child_row(world):
    def row(reference="OLD-1", **extra):
        values = {
            "Child reference": reference,
            "First name": "Amara",
            "Last name": "Okafor",
            "Date of birth": "14/03/2023",
            "Postcode": "WM1 4AB",
            "Setting URN": world.setting_a.urn,
        }
        return values | extra

    return row


# The templates -----------------------------------------------------------------------------


def test_every_template_has_the_headings_and_a_worked_example_that_imports(world, manager):
    """Each kind's template, imported in order as it is, brings in its example row."""
    world.setting_a.urn = "EY123456"
    world.setting_a.save()
    for key in services.KINDS:
        content = services.template_file(key)
        lines = content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Child reference") or lines[0].startswith("Referral reference")
        assert len(lines) == 2, "headings and one example row"
        job = bring_in(manager, key, content, ALL)
        assert job.status == ImportJob.Status.APPLIED, problems(job)
        assert job.applied_report["new"] == 1
    child = Child.objects.get(reference="OLD-000123")
    assert child.area == world.setting_a.area  # taken from the setting when no area is given
    assert child.family_contacts.get().source == Provenance.IMPORT
    case = EhcRequest.objects.get(child=child)
    assert case.stage == EhcRequest.Stage.ASSESSING
    assert case.referral.reference == "OLD-R-4471"
    assert SenNeed.objects.get(ehc=case).sen_type == "SLCN"


# The round trip ----------------------------------------------------------------------------


def snapshot() -> dict[str, list[tuple]]:
    return {
        "children": sorted(
            Child.objects.values_list(
                "reference",
                "first_name",
                "last_name",
                "date_of_birth",
                "postcode",
                "area__code",
                "setting__urn",
                "nhs_number",
                "languages",
            )
        ),
        "contacts": sorted(
            FamilyContact.objects.values_list(
                "child__reference",
                "name",
                "relationship",
                "mobile_phone",
                "email",
                "preferred_language",
                "sms_consent",
                "is_primary",
                "has_parental_responsibility",
            )
        ),
        "referrals": sorted(
            (
                r.reference,
                r.child.reference,
                timezone.localdate(r.submitted_at),
                r.source,
                r.status,
                r.setting.urn if r.setting else "",
                tuple(r.routes),
                tuple(r.broad_areas_of_need),
                r.ehc_assessment_requested,
                r.outcome,
            )
            for r in Referral.objects.select_related("child", "setting")
        ),
        "routes": sorted(Referral.objects.values_list("reference", "current_routes__route")),
        "plans": sorted(
            (
                p.child.reference,
                p.tier,
                p.setting.urn if p.setting else "",
                p.strengths,
                tuple(o.text for o in p.outcomes.filter(ended_at=None)),
            )
            for p in SupportPlan.objects.select_related("child", "setting")
        ),
        "ehc": sorted(
            EhcRequest.objects.values_list(
                "child__reference",
                "referral__reference",
                "received_on",
                "source",
                "stage",
                "assess_decision",
                "assess_decision_on",
                "draft_issued_on",
                "issue_decision",
                "issue_decision_on",
                "withdrawn_on",
                "ceased_on",
                "cease_reason",
                "transferred_in",
                "transferred_from",
                "sex",
                "ethnicity",
                "upn",
                "upn_unknown",
                "setting_school_urn",
                "next_step",
                "next_due_on",
            )
        ),
        "needs": sorted(SenNeed.objects.values_list("ehc__child__reference", "rank", "sen_type")),
    }


def test_round_trip_export_then_import_into_an_empty_service_gives_the_same_records(
    world, manager, referral_on
):
    officer = world.send_officer
    today = timezone.localdate()
    FamilyContact.objects.create(
        child=world.child_a,
        name="Grace Okafor",
        relationship="mother",
        mobile_phone="+447700900001",
        email="grace@example.com",
        sms_consent=True,
        is_primary=True,
    )
    FamilyContact.objects.create(
        child=world.child_b,
        name="Piotr Nowak",
        relationship="father",
        preferred_language="pl",
        has_parental_responsibility=True,
    )
    world.child_b.languages = ["Polish", "English"]
    world.child_b.save()
    referral_a = referral_on(world.child_a)
    referral_b = referral_on(world.child_b)
    Referral.objects.filter(pk=referral_b.pk).update(status=Referral.Status.ACCEPTED)
    plan = SupportPlan.objects.create(
        child=world.child_a, setting=world.setting_a, tier="targeted", strengths="Stories"
    )
    PlanOutcome.objects.create(plan=plan, position=1, text="Asks for help with two words")
    PlanOutcome.objects.create(plan=plan, position=2, text="Joins story time")
    case = ehc.open_request(
        world.child_a,
        referral_a,
        by=officer,
        source="2",
        received_on=today - datetime.timedelta(days=120),
        sex="F",
        ethnicity="BAFR",
        upn_unknown="UN1",
    )
    ehc.decide_assessment(
        case,
        by=officer,
        assess=True,
        decided_on=today - datetime.timedelta(days=90),
        reason="Complex needs",
    )
    SenNeed.objects.create(ehc=case, rank=1, sen_type="ASD", recorded_by=officer)
    old = ehc.open_request(
        world.child_b,
        referral_b,
        by=officer,
        source="1",
        received_on=today - datetime.timedelta(days=400),
    )
    ehc.decide_assessment(
        old,
        by=officer,
        assess=False,
        decided_on=today - datetime.timedelta(days=370),
        reason="Needs met at SEN support",
    )
    before = snapshot()
    files = {key: services.export_rows(key, manager) for key in services.KINDS}

    with transaction.atomic():  # the service without the caseload: places and people stay
        EhcRequest.objects.all().delete()
        SupportPlan.objects.all().delete()
        Referral.objects.all().delete()
        Child.objects.all().delete()
    assert snapshot()["children"] == []

    for key, content in files.items():
        job = bring_in(manager, key, content, ALL)
        assert job.status == ImportJob.Status.APPLIED, (key, problems(job))
    after = snapshot()
    for name in before:
        assert after[name] == before[name], name

    again = bring_in(manager, "caseload-ehc", files["caseload-ehc"], ALL)
    assert again.applied_report["skipped"] == 2  # the same file again changes nothing


# Row-level errors and all-or-nothing -------------------------------------------------------


@pytest.fixture
def known_child(manager, child_row):
    bring_in(manager, "caseload-children", [child_row("OLD-1")], ALL)
    return Child.objects.get(reference="OLD-1")


def referral_row(**extra):
    values = {
        "Referral reference": "R-1",
        "Child reference": "OLD-1",
        "Date received": "02/09/2026",
        "Who referred": "Concern from an early years setting",
        "Status": "Being triaged",
    }
    return values | extra


BAD_REFERRALS = [
    referral_row(),
    referral_row(**{"Referral reference": "R-2", "Child reference": "NOBODY"}),
    referral_row(**{"Referral reference": "R-3", "Date received": "31/02/2026"}),
    referral_row(**{"Referral reference": "R-4", "Date received": "01/01/2099"}),
    referral_row(**{"Referral reference": "R-5", "Status": "Pending"}),
]


def test_bad_rows_are_reported_by_row_and_column_in_plain_words(known_child, manager, client):
    job = services.start(
        manager, "caseload-referrals", "old.csv", file_of("caseload-referrals", BAD_REFERRALS)
    )
    found = problems(job)
    assert set(found) == {3, 4, 5, 6}  # the headings are row 1; the first row is right
    assert found[3] == [
        "Child reference: There is no child with the reference 'NOBODY': import the children "
        "file first, or check the reference is the one in the children file"
    ]
    assert found[4] == [
        "Date received must be a real date written as day/month/year, for example 14/03/2026 "
        "(not '31/02/2026')"
    ]
    assert found[5] == [
        "Date received is in the future (1 January 2099): enter the date it happened, today or "
        "earlier"
    ]
    assert found[6][0].startswith("Status: 'Pending' is not a status we know: use one of ")
    assert Referral.objects.count() == 0  # the check saved nothing

    client.force_login(manager)
    page = client.get(reverse("caseload-import-job", args=[job.pk])).content.decode()
    assert "There is no child with the reference" in page
    assert ">Child reference<" in page and ">Date received<" in page and ">Status<" in page

    job = services.apply(job, VALID)
    assert job.status == ImportJob.Status.APPLIED
    assert list(Referral.objects.values_list("reference", flat=True)) == ["R-1"]


def test_all_or_nothing_saves_nothing_when_a_row_is_wrong(known_child, manager):
    job = bring_in(manager, "caseload-referrals", BAD_REFERRALS, ALL)
    assert job.status == ImportJob.Status.FAILED
    assert Referral.objects.count() == 0
    assert ReferralEvent.objects.count() == 0
    assert ReferralClock.objects.count() == 0


def test_a_changed_row_for_a_record_already_brought_in_is_refused(known_child, manager):
    bring_in(manager, "caseload-referrals", [referral_row()], ALL)
    job = bring_in(manager, "caseload-referrals", [referral_row(Status="Closed")], VALID)
    assert "already in the service" in problems(job)[2][0]
    assert Referral.objects.get().status == Referral.Status.IN_TRIAGE


def test_contacts_come_in_confirmed_with_the_import_as_their_provenance(known_child, manager):
    bring_in(
        manager,
        "caseload-contacts",
        [
            {
                "Child reference": "old-1",
                "Contact name": "Grace Okafor",
                "Relationship": "Mum",
                "Mobile": "07700 900123",
                "Agreed to texts": "Yes",
                "Main contact": "Yes",
            }
        ],
        ALL,
    )
    contact = known_child.family_contacts.get()
    assert contact.source == Provenance.IMPORT
    assert contact.is_confirmed and contact.confirmed_by == manager
    assert contact.mobile_phone == "+447700900123" and contact.sms_consent
    detail = ContactDetail.objects.get(contact=contact)
    assert (detail.kind, detail.status, detail.source) == ("mobile", "confirmed", "import")


# Referral timelines and clocks ---------------------------------------------------------------


def test_an_imported_open_referral_keeps_its_status_and_its_clocks_start_when_received(
    known_child, manager, client
):
    received = timezone.localdate() - datetime.timedelta(days=20)
    bring_in(
        manager,
        "caseload-referrals",
        [
            referral_row(
                **{
                    "Date received": uk(received),
                    "Routes": "Early Years SEND team; Portage",
                    "Areas of need": (
                        "Social, emotional and mental health; Communication and interaction"
                    ),
                }
            )
        ],
        ALL,
    )
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.IN_TRIAGE
    assert timezone.localdate(referral.submitted_at) == received
    assert referral.routes == ["send_team", "portage"]
    assert referral.broad_areas_of_need == ["semh", "communication_interaction"]
    assert set(referral.current_routes.values_list("route", flat=True)) == {"send_team", "portage"}
    clocks = list(ReferralClock.objects.filter(referral=referral))
    assert clocks and all(clock.started_on == received for clock in clocks)
    assert referral.next_due_on == min(clock.due_on for clock in clocks)
    event = referral.events.get()
    assert "brought in from the previous system" in event.summary
    assert "Being triaged" in event.summary

    client.force_login(manager)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "brought in from the previous system" in page


def test_a_closed_referral_starts_no_clocks(known_child, manager):
    bring_in(manager, "caseload-referrals", [referral_row(Status="Closed", Outcome="Advice")], ALL)
    assert ReferralClock.objects.count() == 0
    assert Referral.objects.get().next_due_on is None


# EHC clocks and SEN2 -----------------------------------------------------------------------


@pytest.fixture
def with_referral(known_child, manager):
    bring_in(manager, "caseload-referrals", [referral_row(Status="Accepted")], ALL)
    return known_child


def ehc_row(**extra):
    return {"Child reference": "OLD-1", "Who made the request": "Setting"} | extra


def test_a_request_received_ten_weeks_ago_shows_its_clocks(with_referral, manager, client):
    today = timezone.localdate()
    received = today - datetime.timedelta(weeks=10)
    decided = today - datetime.timedelta(weeks=5)
    bring_in(
        manager,
        "caseload-ehc",
        [
            ehc_row(
                **{
                    "Date request received": uk(received),
                    "Decided to assess": "Yes",
                    "Date of decision to assess": uk(decided),
                }
            )
        ],
        ALL,
    )
    case = EhcRequest.objects.get()
    assert case.stage == EhcRequest.Stage.ASSESSING
    final = rules.send_by(rules.weeks_after(received, 20))
    assert (case.next_step, case.next_due_on) == (
        "Send the draft plan, or decide not to issue one",
        final,
    )
    client.force_login(manager)
    page = client.get(reverse("ehc-child", args=[with_referral.pk])).content.decode()
    assert f"{rules.weeks_after(received, 20):%-d %B %Y}" in page


def test_an_undecided_request_received_ten_weeks_ago_is_overdue(with_referral, manager):
    received = timezone.localdate() - datetime.timedelta(weeks=10)
    bring_in(manager, "caseload-ehc", [ehc_row(**{"Date request received": uk(received)})], ALL)
    case = EhcRequest.objects.get()
    assert case.next_step == "Decide whether to assess"
    assert case.next_due_on == rules.send_by(rules.weeks_after(received, 6))
    assert case.next_due_on < timezone.localdate()


def test_a_plan_gets_its_next_review_from_the_last_one(with_referral, manager):
    today = timezone.localdate()
    last = today - datetime.timedelta(days=60)
    bring_in(
        manager,
        "caseload-ehc",
        [
            ehc_row(
                **{
                    "Date request received": uk(today - datetime.timedelta(days=400)),
                    "Decided to assess": "Yes",
                    "Date of decision to assess": uk(today - datetime.timedelta(days=360)),
                    "Plan issued": "Yes",
                    "Date of plan decision": uk(today - datetime.timedelta(days=270)),
                    "Date last review held": uk(last),
                }
            )
        ],
        ALL,
    )
    case = EhcRequest.objects.get()
    assert case.stage == EhcRequest.Stage.PLAN
    assert (case.next_step, case.next_due_on) == (
        "Hold the review meeting",
        rules.review_window(last).latest,
    )


def test_ehc_rows_with_steps_out_of_order_or_missing_are_refused(with_referral, manager):
    job = bring_in(
        manager,
        "caseload-ehc",
        [
            ehc_row(**{"Date request received": "01/06/2026", "Decided to assess": "Yes"}),
            ehc_row(
                **{
                    "Date request received": "01/06/2026",
                    "Plan issued": "Yes",
                    "Date of plan decision": "01/05/2026",
                    "Decided to assess": "Yes",
                    "Date of decision to assess": "01/07/2026",
                }
            ),
            ehc_row(**{"Child reference": "NOBODY", "Date request received": "01/06/2026"}),
        ],
        VALID,
    )
    found = problems(job)
    assert found[2] == [
        "Date of decision to assess: Enter the date of the decision to assess: Decided to "
        "assess is filled in"
    ]
    assert found[3] == [
        "The date of plan decision must be on or after the date of decision to assess "
        "(1 July 2026): check the dates in this row"
    ]
    assert found[4][0].startswith("Child reference: There is no child with the reference")
    assert EhcRequest.objects.count() == 0


def test_sen2_reports_imported_records_with_decisions_before_the_collection_year(
    with_referral, manager
):
    bring_in(
        manager,
        "caseload-ehc",
        [
            ehc_row(
                **{
                    "Date request received": "01/11/2025",
                    "Decided to assess": "Yes",
                    "Date of decision to assess": "10/12/2025",
                    "Draft plan sent": "",
                    "Plan issued": "Yes",
                    "Date of plan decision": "16/03/2026",
                    "Sex": "F",
                    "Ethnicity": "White British",
                    "Reason UPN not known": "UN1",
                    "Primary need": "Speech, language and communication needs",
                }
            )
        ],
        ALL,
    )
    built = sen2.build_return(2027)
    [request] = built.tables["requests"]
    assert request["PersonID"] == "OLD-1"
    assert request["ReceivedDate"] == "2025-11-01"
    assert request["RequestOutcome"] == "H"  # decided before the year the return covers
    [assessment] = built.tables["assessment"]
    assert (assessment["AssessmentOutcome"], assessment["AssessmentOutcomeDate"]) == (
        "Y",
        "2026-03-16",
    )
    [need] = built.tables["senneed"]
    assert need["SENtype"] == "SLCN"


# Who may use it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        "practitioner_a",
        "portage_a",
        "send_officer",
        "planner",
        "professional",
        "trainer",
        "early_help",
        "admin",
    ],
)
def test_only_a_send_manager_brings_records_in(world, client, role):
    client.force_login(getattr(world, role))
    for url in (
        reverse("caseload-import"),
        reverse("caseload-import-upload", args=["caseload-children"]),
        reverse("caseload-import-template", args=["caseload-children"]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_manager_sees_only_their_own_imports(world, manager, client, child_row):
    job = services.start(
        manager, "caseload-children", "c.csv", file_of("caseload-children", [child_row()])
    )
    other = UserFactory(role="send_manager")
    client.force_login(other)
    assert client.get(reverse("caseload-import-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("caseload-import-upload", args=["nothing"])).status_code == 404
    client.force_login(manager)
    assert client.get(reverse("caseload-import-job", args=[job.pk])).status_code == 200
    assert client.get(reverse("caseload-import")).status_code == 200


def test_signed_out_goes_to_sign_in(client):
    response = client.get(reverse("caseload-import"))
    assert response.status_code == 302


def test_an_unusable_file_gets_the_error_summary_and_nothing_is_kept(manager, client):
    client.force_login(manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("caseload-import-upload", args=["caseload-children"]),
        {"file": SimpleUploadedFile("c.csv", b"Name,Colour\nA,Blue\n", "text/csv")},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "govuk-error-summary" in page and "must have a 'Child reference' column" in page
    assert ImportJob.objects.count() == 0


def test_the_report_page_reads_the_same_queries_however_many_problems(
    manager, client, django_assert_max_num_queries, child_row
):
    rows = [child_row(f"X-{n}", **{"Date of birth": "31/02/2023"}) for n in range(40)]
    job = services.start(manager, "caseload-children", "c.csv", file_of("caseload-children", rows))
    client.force_login(manager)
    client.get(reverse("caseload-import-job", args=[job.pk]))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("caseload-import-job", args=[job.pk]))
    assert page.content.decode().count("must be a real date") == 40


def test_the_same_export_imported_again_into_the_same_service_changes_nothing(
    world, manager, referral_on
):
    """A referral made here (received at some time of day) matches its exported row (a day)."""
    referral_on(world.child_a)
    content = services.export_rows("caseload-referrals", manager)
    job = bring_in(manager, "caseload-referrals", content, ALL)
    assert job.status == ImportJob.Status.APPLIED
    assert (job.applied_report["skipped"], job.applied_report["new"]) == (1, 0)


def test_uploaded_files_go_after_a_year(manager, child_row):
    from dataprotection.retention import apply_retention

    old = services.start(
        manager, "caseload-children", "a.csv", file_of("caseload-children", [child_row()])
    )
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    new = services.start(
        manager, "caseload-children", "b.csv", file_of("caseload-children", [child_row()])
    )
    apply_retention()
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [new.pk]


def test_a_file_with_only_the_needed_columns_imports(with_referral, manager):
    received = timezone.localdate() - datetime.timedelta(days=3)
    content = (
        "Child reference,Date request received,Who made the request\r\n"
        f"OLD-1,{uk(received)},Parent\r\n"
    ).encode()
    job = bring_in(manager, "caseload-ehc", content, ALL)
    assert job.status == ImportJob.Status.APPLIED, problems(job)
    case = EhcRequest.objects.get()
    assert (case.source, case.stage) == ("1", EhcRequest.Stage.REQUESTED)
    assert case.referral.reference == "R-1"  # the child's latest referral


def test_each_problem_names_its_column():
    from pathway.caseload.selectors import problem_rows

    labels = [column.label for column in RESOURCES["caseload-children"].columns]
    report = {
        "rows": [
            {
                "line": 2,
                "summary": "OLD-1",
                "errors": [
                    "Area code: Enter the area code, or a setting URN so the child takes the "
                    "setting's area",
                    "Enter the postcode",
                    "This row could not be saved: it clashes with a record already saved",
                ],
            }
        ]
    }
    assert [(p["column"], p["message"][:18]) for p in problem_rows(report, labels)] == [
        ("Area code", "Enter the area cod"),
        ("Postcode", "Enter the postcode"),
        ("", "This row could not"),
    ]


def test_a_large_caseload_file_goes_to_the_worker(manager, child_row, settings):
    """From ASYNC_ROWS rows (fewer than other imports: each row does more) the file is checked
    by a worker; queued after commit, it waits for one (Celery eager runs it at once)."""
    from earlyyears.bulk import services as engine

    spec = engine.get_spec("caseload-children")
    settings.IMPORT_ASYNC_ROWS = 10_000
    assert not spec.runs_async(services.ASYNC_ROWS - 1)
    assert spec.runs_async(services.ASYNC_ROWS)
    assert not engine.get_spec("settings").runs_async(services.ASYNC_ROWS)
    settings.IMPORT_ASYNC_ROWS = 3
    assert spec.runs_async(3)  # the setting still lowers it (tests, a small server)
