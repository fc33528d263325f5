"""Every spreadsheet download of the project (ours, the staff admin's, django-import-export's and
Wagtail's reports and listings), walked with values a spreadsheet would run as formulae.

Every CSV cell that starts with = + - @ a tab or a carriage return carries an apostrophe
(except a plain negative number), every XLSX text cell is a typed string, and a new download URL
that is not listed here fails the walk until someone adds it."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowTask

from dataprotection.models import AccessEvent
from earlyyears import exports
from earlyyears.models import Area, Child, Role, Setting
from pathway.models import (
    FamilySurvey,
    FundApplication,
    FundPayment,
    FundType,
    Referral,
    SupportPlan,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from pathway.services import create_referral
from tests.cms.helpers import Places, make_service
from tests.factories import SettingFactory, UserFactory, practitioner_at
from tests.training.conftest import make_module
from training import services as training_services
from training.services import ensure_training_section

HOSTILE = '=HYPERLINK("http://evil.example/x","click")'
OTHERS = ("@SUM(1+1)", "+1+1", "-2+3", "\tTAB", "\rCR")
LIVE_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Download:
    """How to fetch one download: as whom, by which method, in which formats."""

    who: str
    formats: tuple[str, ...] = ("csv",)
    post: bool = False
    data: Callable[[str], dict] = lambda fmt: {"file_format": fmt}
    kwargs: Callable[[str], dict] = lambda fmt: {}
    hostile: bool = True  # False: a fixed template with no stored values in it


def wagtail(fmt: str) -> dict:
    return {"export": fmt}


BOTH = ("csv", "xlsx")
DOWNLOADS: dict[str, Download] = {
    "planning-csv": Download("planner", data=lambda fmt: {"year": "2025"}),
    "referrals-export": Download(
        "send_manager", BOTH, post=True, data=lambda fmt: {"kind": "full", "file_format": fmt}
    ),
    "audit-csv": Download("send_manager", data=lambda fmt: {}),
    "funds-payment-file": Download("send_officer", data=lambda fmt: {}),
    "training-export": Download("trainer", BOTH),
    "training-import-template": Download("trainer", data=lambda fmt: {}, hostile=False),
    "admin:earlyyears_user_export": Download("data_officer", BOTH, post=True),
    "admin:earlyyears_area_export": Download("data_officer", BOTH, post=True),
    "admin:earlyyears_setting_export": Download("data_officer", BOTH, post=True),
    "admin:earlyyears_user_import_template": Download(
        "data_officer", data=lambda fmt: {}, hostile=False
    ),
    "admin:earlyyears_area_import_template": Download(
        "data_officer", data=lambda fmt: {}, hostile=False
    ),
    "admin:earlyyears_setting_import_template": Download(
        "data_officer", data=lambda fmt: {}, hostile=False
    ),
    "cms_export": Download("editor", data=lambda fmt: {}, kwargs=lambda fmt: {"file_format": fmt}),
    "inspection-list-csv": Download("send_manager", data=lambda fmt: {}),
    "family-survey-results-csv": Download(
        "send_manager",
        data=lambda fmt: {},
        kwargs=lambda fmt: {"survey_id": FamilySurvey.objects.get(title=HOSTILE).pk},
    ),
    "caseload-import-template": Download(
        "send_manager",
        data=lambda fmt: {},
        kwargs=lambda fmt: {"kind": "caseload-children"},
        hostile=False,
    ),
    # Wagtail's reports and listings with downloads (SpreadsheetExportMixin).
    "wagtailadmin_reports:locked_pages": Download("editor", BOTH, data=wagtail),
    "wagtailadmin_reports:aging_pages": Download("editor", BOTH, data=wagtail),
    "wagtailadmin_reports:site_history": Download("editor", BOTH, data=wagtail),
    "wagtailadmin_reports:workflow": Download("editor", BOTH, data=wagtail),
    "wagtailadmin_reports:workflow_tasks": Download("editor", BOTH, data=wagtail),
    "wagtailredirects:index": Download("editor", BOTH, data=wagtail),
}
DOWNLOAD_WORDS = ("export", "csv", "xlsx", "template")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern.callback


def spreadsheet_urls() -> set[str]:
    """Every named URL that serves a spreadsheet: Wagtail views with a `list_export`, and any
    URL whose name or path says export, csv, xlsx or template."""
    found = set()
    for name, path, callback in _walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class and issubclass(view_class, SpreadsheetExportMixin):
            if view_class.list_export and not name.endswith("_results"):
                found.add(name)
        elif any(word in (name + path).lower() for word in DOWNLOAD_WORDS):
            if not name.startswith("admin:") or name.endswith(("_export", "_import_template")):
                found.add(name)
    return found


def test_every_spreadsheet_download_is_walked():
    missing = spreadsheet_urls() - set(DOWNLOADS)
    assert not missing, f"add these downloads to DOWNLOADS in {__name__}: {sorted(missing)}"


def test_wagtail_views_write_through_the_one_exporter():
    """Form submissions and any other Wagtail listing: no subclass writes its own file."""
    assert SpreadsheetExportMixin.stream_csv.__module__ == "earlyyears.exports"
    assert SpreadsheetExportMixin.write_xlsx.__module__ == "earlyyears.exports"
    pending = list(SpreadsheetExportMixin.__subclasses__())
    while pending:
        view = pending.pop()
        pending.extend(view.__subclasses__())
        for method in ("stream_csv", "write_xlsx", "write_csv_row", "generate_xlsx_row"):
            assert method not in vars(view), f"{view.__qualname__} overrides {method}"


# The hostile world ----------------------------------------------------------------------------


@pytest.fixture
def hostile(world):
    """Values a spreadsheet would run, in every kind of record a download includes."""
    places = Places()
    ward = places.wards[0]
    Area.objects.filter(pk=ward.pk).update(name=HOSTILE)
    Area.objects.filter(pk=places.wards[1].pk).update(name=OTHERS[0])
    Setting.objects.filter(area=ward).update(name=HOSTILE, town=OTHERS[2])
    staff = practitioner_at(world.setting_a, username="@hostile", first_name=HOSTILE)
    staff.last_name = OTHERS[1]
    staff.save()
    Child.objects.filter(pk=world.child_a.pk).update(first_name=HOSTILE, last_name=OTHERS[3])
    world.child_a.refresh_from_db()
    with transaction.atomic():
        create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_a,
            notify=False,
            submitted_at=timezone.make_aware(datetime.datetime(2025, 3, 3, 10)),
        )
    # A support plan puts child A on the inspection list.
    SupportPlan.objects.create(
        child=world.child_a,
        tier="targeted",
        setting=world.setting_a,
        strengths=HOSTILE,
        created_by=world.send_officer,
        updated_by=world.send_officer,
    )
    AccessEvent.objects.create(
        username=OTHERS[0],
        role="send_officer",
        action="view",
        method="GET",
        path="/children/1/",
        status_code=200,
        user_agent=HOSTILE,
    )
    section = ensure_training_section()
    module = make_module(section, HOSTILE, slug="hostile", lessons=1)
    training_services.record_completion(staff, module, datetime.date(2026, 1, 5))

    editor = UserFactory(
        role=Role.ADMIN, username="editor", is_staff=True, is_superuser=True, first_name=HOSTILE
    )
    service = make_service(places, name=HOSTILE)
    service.save_revision(user=editor, log_action=True)
    # An approved payment to a setting with a hostile name, for the funding payment file.
    payee = SettingFactory(name=OTHERS[1], area=ward)
    application = FundApplication.objects.create(
        fund_type=FundType.objects.get(kind=FundType.Kind.DISABILITY_ACCESS),
        child=world.child_a,
        setting=payee,
        financial_year=2026,
        amount_requested=938,
        what_for=HOSTILE,
    )
    FundPayment.objects.create(
        application=application,
        amount=938,
        due_on=datetime.date(2026, 6, 1),
        status=FundPayment.Status.APPROVED,
    )
    workflow = Workflow.objects.create(name=HOSTILE)
    task = GroupApprovalTask.objects.create(name=OTHERS[1])
    task.groups.set(Group.objects.all()[:1])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow.start(service, editor)
    Redirect.objects.create(old_path="/old", redirect_link=HOSTILE)
    Page.objects.filter(pk=service.pk).update(
        locked=True, locked_by=editor, locked_at=timezone.now()
    )

    # A family survey whose question is hostile, with enough answers for its results to show.
    survey = FamilySurvey.objects.create(title=HOSTILE, closes_on=datetime.date(2026, 3, 1))
    question = SurveyQuestion.objects.create(
        survey=survey, kind=SurveyQuestion.Kind.YES_NO, wording_en=HOSTILE
    )
    for _ in range(6):
        response = SurveyResponse.objects.create(
            survey=survey, received_in=datetime.date(2026, 2, 1)
        )
        SurveyAnswer.objects.create(response=response, question=question, yes=True)

    officer = UserFactory(role=Role.ADMIN, username="data.officer", is_staff=True)
    officer.groups.add(Group.objects.get(name="Data officers"))
    world.data_officer = officer
    world.editor = editor
    return world


def cells(response, fmt: str) -> list:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                found.append(cell.value)
    return found


def is_live(value) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(LIVE_STARTS)
        and not exports.NEGATIVE_NUMBER.fullmatch(value)
    )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(name, fmt) for name, download in DOWNLOADS.items() for fmt in download.formats],
)
def test_no_download_holds_a_live_formula(client, hostile, name, fmt):
    download = DOWNLOADS[name]
    client.force_login(getattr(hostile, download.who))
    url = reverse(name, kwargs=download.kwargs(fmt))
    data = download.data(fmt)
    response = client.post(url, data) if download.post else client.get(url, data)
    assert response.status_code == 200, (name, response.status_code)
    assert "attachment" in response.get("Content-Disposition", ""), name
    values = cells(response, fmt)
    assert values, name
    live = [value for value in values if is_live(value)]
    assert not live, f"{name} ({fmt}) has live formulae: {live}"
    if download.hostile:
        planted = {HOSTILE, *OTHERS}
        assert planted & {exports.unneutralise(v) for v in values}, (
            f"{name} ({fmt}) did not include the hostile values, so the walk proves nothing: "
            f"{values}"
        )


# The cell rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+447700900123", "'+447700900123"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("-2+3", "'-2+3"),
        ("'=x", "''=x"),
        ("'hello", "'hello"),
        ("Ward 1", "Ward 1"),
        (-3, -3),
    ],
)
def test_cells_are_neutralised_and_negative_numbers_stay_numbers(value, written):
    assert exports.neutralise(value) == written
    assert exports.unneutralise(written) == value


@given(st.text())
def test_an_export_imports_back_unchanged(text):
    assert exports.unneutralise(exports.neutralise(text)) == text
    assert not is_live(exports.neutralise(text))


def test_a_csv_round_trips_through_the_importer():
    from earlyyears.bulk.services import Column, read_table

    rows = [["Name", "Town"], [HOSTILE, "-3"], ["'=quoted", "@home"]]
    table = read_table(exports.csv_bytes(rows), "csv", [Column("Name"), Column("Town")])
    assert [(row["Name"], row["Town"]) for row in table.rows] == [
        (HOSTILE, "-3"),
        ("'=quoted", "@home"),
    ]


def test_an_xlsx_round_trips_through_the_importer():
    from earlyyears.bulk.services import Column, read_table

    rows = [["Name", "Town"], [HOSTILE, "#N/A"], [-3, "+44"]]
    content = exports.xlsx_bytes(rows)
    table = read_table(content, "xlsx", [Column("Name"), Column("Town")])
    assert [(row["Name"], row["Town"]) for row in table.rows] == [
        (HOSTILE, "#N/A"),
        (-3, "+44"),
    ]
