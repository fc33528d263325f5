"""What a settings import does once, and what it leaves out when it is not needed: 'only if
every row is valid' keeps nothing when a row in a later batch fails (the earlier batches were
written and are rolled back) and reports the same row errors as the check; the file's id column
and duplicates are read without a dict a row; every setting's postcode is read only when a row
needs its area from the postcode district; Python's cycle collector is paused during an
import and always on again afterwards."""

import gc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyyears.bulk import services as imports
from earlyyears.bulk.resources import SettingResource
from earlyyears.models import ImportExportAudit, ImportJob, Setting
from tests.factories import SettingFactory

from .conftest import csv_bytes

HEAD = "URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code\n"


def six_rows_the_fifth_bad() -> bytes:
    rows = [
        f"EY30000{n},Nursery {n},Day nursery,{n} High Street,Westmoor,WM1 1AA,W01"
        for n in range(1, 7)
    ]
    rows[4] = "EY300005,Nursery 5,Day nursery,5 High Street,Westmoor,NOT A POSTCODE,W01"
    return csv_bytes(HEAD + "\n".join(rows) + "\n")


def row_errors(report: dict) -> dict:
    return {row["line"]: row["errors"] for row in report["rows"] if row["errors"]}


def test_only_if_every_row_is_valid_keeps_nothing_when_a_later_batch_has_a_bad_row(
    data_officer, areas, monkeypatch
):
    monkeypatch.setattr(SettingResource._meta, "batch_size", 2)
    before = Setting.objects.count()
    job = imports.start_import(data_officer, "settings", "six.csv", six_rows_the_fifth_bad())
    assert job.status == ImportJob.Status.PREVIEWED
    assert (job.report["new"], job.report["invalid"]) == (5, 1)
    job = imports.request_apply(job, ImportJob.Mode.ALL_OR_NOTHING)
    assert job.status == ImportJob.Status.FAILED
    assert Setting.objects.count() == before
    assert not Setting.objects.filter(urn__startswith="EY3000").exists()
    # The same row error as the check gave, on the same row, and the other rows' counts.
    errors = row_errors(job.applied_report)
    assert errors == row_errors(job.report)
    assert list(errors) == [6]
    assert "Postcode: Enter a real postcode, like WM1 4AB" in errors[6]
    assert (job.applied_report["new"], job.applied_report["invalid"]) == (5, 1)
    assert not job.applied_report["applied"]
    audit = ImportExportAudit.objects.filter(dry_run=False).get()
    assert audit.detail["applied"] is False
    assert (audit.rows_new, audit.rows_invalid) == (0, 1)


def test_all_valid_rows_keeps_the_other_batches(data_officer, areas, monkeypatch):
    monkeypatch.setattr(SettingResource._meta, "batch_size", 2)
    job = imports.start_import(data_officer, "settings", "six.csv", six_rows_the_fifth_bad())
    job = imports.request_apply(job, ImportJob.Mode.VALID_ROWS)
    assert job.status == ImportJob.Status.APPLIED
    assert sorted(Setting.objects.values_list("urn", flat=True)) == [
        "EY300001",
        "EY300002",
        "EY300003",
        "EY300004",
        "EY300006",
    ]
    assert row_errors(job.applied_report) == row_errors(job.report)


def setting_reads_without_a_filter(queries) -> list[str]:
    table = Setting._meta.db_table
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and table in q["sql"] and "WHERE" not in q["sql"]
    ]


def test_every_setting_is_read_only_when_a_row_needs_its_district(data_officer, areas):
    SettingFactory(urn="EY900001", postcode="WM1 1AA", area=areas["W01"])
    named = csv_bytes(HEAD + "EY101010,Named,Day nursery,1 Way,Westmoor,WM1 9ZZ,W02\n")
    with CaptureQueriesContext(connection) as queries:
        outcome = imports.execute(
            imports.get_spec("settings"),
            imports.read_table(named, "csv", SettingResource.columns),
            user=data_officer,
            dry_run=True,
        )
    assert outcome.new == 1 and outcome.invalid == 0
    assert setting_reads_without_a_filter(queries) == []

    # The column is there but one row leaves it blank: that row takes its district's area.
    blank = csv_bytes(
        HEAD
        + "EY101010,Named,Day nursery,1 Way,Westmoor,WM1 9ZZ,W02\n"
        + "EY202020,From the district,Day nursery,1 Way,Westmoor,WM1 8YY,\n"
        + "EY303030,Unknown district,Day nursery,1 Way,Westmoor,WM7 1AA,\n"
    )
    with CaptureQueriesContext(connection) as queries:
        outcome = imports.execute(
            imports.get_spec("settings"),
            imports.read_table(blank, "csv", SettingResource.columns),
            user=data_officer,
            dry_run=False,
            mode=ImportJob.Mode.VALID_ROWS,
        )
    assert len(setting_reads_without_a_filter(queries)) == 1
    assert row_errors(outcome.as_report()) == {
        4: ["Area code: No area is known for postcode district WM7: add an 'Area code' column"]
    }
    assert Setting.objects.get(urn="EY202020").area == areas["W01"]
    assert Setting.objects.get(urn="EY101010").area == areas["W02"]


def test_a_record_is_found_by_its_id_however_the_file_writes_it(data_officer, areas):
    SettingFactory(urn="EY300001", name="Old name", postcode="WM1 1AA", area=areas["W01"])
    content = csv_bytes(
        HEAD
        + " ey300001 ,New name,Day nursery,1 Way,Westmoor,WM1 1AA,W01\n"
        + "EY300001,Again,Day nursery,1 Way,Westmoor,WM1 1AA,W01\n"
    )
    outcome = imports.execute(
        imports.get_spec("settings"),
        imports.read_table(content, "csv", SettingResource.columns),
        user=data_officer,
        dry_run=False,
        mode=ImportJob.Mode.VALID_ROWS,
    )
    assert (outcome.new, outcome.updated, outcome.invalid) == (0, 1, 1)
    assert row_errors(outcome.as_report()) == {
        3: ["URN 'EY300001' is also on row 2: give each one once"]
    }
    assert Setting.objects.get().name == "New name"


def test_the_cycle_collector_is_paused_then_left_as_it_was():
    assert gc.isenabled()
    with imports.few_collections():
        assert not gc.isenabled()
        with imports.few_collections():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner one leaves it to the outer one"
    assert gc.isenabled()
    gc.disable()
    try:
        with imports.few_collections():
            pass
        assert not gc.isenabled(), "someone else had paused it: still paused"
    finally:
        gc.enable()


def test_the_cycle_collector_is_on_after_an_import_that_fails(data_officer, areas):
    def refuse(outcome):
        raise RuntimeError("the job's row could not be written")

    table = imports.read_table(six_rows_the_fifth_bad(), "csv", SettingResource.columns)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        imports.execute(
            imports.get_spec("settings"),
            table,
            user=data_officer,
            dry_run=False,
            mode=ImportJob.Mode.VALID_ROWS,
            on_success=refuse,
        )
    assert gc.isenabled()
    assert not Setting.objects.exists()


def test_an_import_leaves_the_id_sequence_alone(data_officer, areas):
    """The library would set the id sequence back to the highest id it can see, which on
    PostgreSQL could give again an id another transaction has taken: no file gives ids."""
    content = csv_bytes(HEAD + "EY101010,Named,Day nursery,1 Way,Westmoor,WM1 9ZZ,W02\n")
    with CaptureQueriesContext(connection) as queries:
        outcome = imports.execute(
            imports.get_spec("settings"),
            imports.read_table(content, "csv", SettingResource.columns),
            user=data_officer,
            dry_run=False,
        )
    assert outcome.applied and outcome.new == 1
    assert not [q["sql"] for q in queries.captured_queries if "setval" in q["sql"].lower()]
    second = SettingFactory(area=areas["W01"], postcode="WM1 1AA")
    assert second.pk > Setting.objects.get(urn="EY101010").pk
