"""Settings and areas are checked in memory and written in batches (django-import-export's bulk
mode): the same outcomes and row errors as row by row, a row the database refuses reported on
its own row, and a number of queries that does not grow with the file."""

import pytest
from django.db import connection, models
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from wagtail.models import TranslatableMixin

from earlyyears.bulk import services as imports
from earlyyears.bulk.resources import AreaResource, SettingResource
from earlyyears.models import Area, ImportJob, Setting, SettingMembership
from tests.factories import SettingFactory, UserFactory

from .conftest import csv_bytes

HEAD = "URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code\n"


def settings_csv(count: int, start: int = 300000) -> bytes:
    rows = [
        f"EY{start + n},Nursery {n},Day nursery,{n} High Street,Westmoor,wm1 1aa,W01"
        for n in range(count)
    ]
    return csv_bytes(HEAD + "\n".join(rows) + "\n")


def run_file(user, resource, content, mode, dry_run=False):
    spec = imports.get_spec(resource)
    table = imports.read_table(content, "csv", spec.columns)
    return imports.execute(spec, table, user=user, dry_run=dry_run, mode=mode)


@pytest.mark.parametrize("resource", [SettingResource, AreaResource])
def test_bulk_mode_skips_nothing_a_save_or_signal_would_do(resource):
    """Bulk mode calls no save() and sends no signals: a model imported in bulk must have
    neither, or its resource must do that work itself (and this test be changed)."""
    model = resource._meta.model
    assert resource._meta.use_bulk
    assert model.save is models.Model.save
    receivers = [
        f"{receiver.__module__}.{receiver.__qualname__}"
        for signal in (pre_save, post_save)
        for receiver in signal._live_receivers(model)[0]
    ]
    # Wagtail's, for every model: it sets the locale of translatable ones only.
    assert [r for r in receivers if "set_locale_on_new_instance" not in r] == []
    assert not issubclass(model, TranslatableMixin)


def test_the_number_of_queries_does_not_grow_with_the_file(data_officer, areas):
    counts = []
    for start, size in ((300000, 5), (400000, 120)):
        with CaptureQueriesContext(connection) as queries:
            outcome = run_file(
                data_officer, "settings", settings_csv(size, start), ImportJob.Mode.VALID_ROWS
            )
        assert outcome.applied and outcome.new == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert Setting.objects.count() == 125


def test_model_clean_still_runs_without_save(data_officer, areas):
    """Bulk mode calls no save(): the model's clean() (the postcode's usual form, the URN in
    capitals) still runs for every row."""
    content = csv_bytes(HEAD + "ey123999,Lower Case,Day nursery,1 Way,Westmoor,wm12ab,W01\n")
    run_file(data_officer, "settings", content, ImportJob.Mode.ALL_OR_NOTHING)
    setting = Setting.objects.get()
    assert (setting.urn, setting.postcode, setting.area.code) == ("EY123999", "WM1 2AB", "W01")


def test_new_updated_unchanged_and_invalid_across_batches(data_officer, areas, monkeypatch):
    monkeypatch.setattr(SettingResource._meta, "batch_size", 2)
    SettingFactory(urn="EY300001", name="Old name", area=areas["W01"], postcode="WM1 1AA")
    SettingFactory(
        urn="EY300002",
        name="Nursery 2",
        provider_type="day_nursery",
        address_line_1="2 High Street",
        town="Westmoor",
        area=areas["W01"],
        postcode="WM1 1AA",
    )
    content = settings_csv(6)[:-2] + csv_bytes(
        "\nEY300009,No area,Day nursery,1 Way,Westmoor,WM1 1AA,ZZ1\n"
        "EY300010,Nursery 10,Day nursery,1 Way,Westmoor,WM1 1AA,W02\n"
    )
    outcome = run_file(data_officer, "settings", content, ImportJob.Mode.VALID_ROWS)
    assert (outcome.new, outcome.updated, outcome.skipped, outcome.invalid) == (5, 1, 1, 1)
    errors = {row["line"]: row["errors"] for row in outcome.rows if row["errors"]}
    assert errors == {8: ["Area code: There is no area with the code 'ZZ1'"]}
    assert Setting.objects.get(urn="EY300001").name == "Nursery 1"
    assert Setting.objects.count() == 7
    assert Setting.objects.get(urn="EY300010").area.code == "W02"


@pytest.mark.parametrize("mode", [ImportJob.Mode.VALID_ROWS, ImportJob.Mode.ALL_OR_NOTHING])
def test_a_row_the_database_refuses_is_reported_on_its_own_row(
    data_officer, areas, monkeypatch, mode
):
    """As when another process saves the same URN between the check and the write: the batch
    is written again row by row, so the error is the row's own and the other rows stand."""
    SettingFactory(urn="EY300002", area=areas["W01"], postcode="WM1 1AA")
    monkeypatch.setattr(SettingResource, "get_queryset", lambda self: Setting.objects.none())
    preview = run_file(data_officer, "settings", settings_csv(4), mode, dry_run=True)
    outcome = run_file(data_officer, "settings", settings_csv(4), mode)
    for result in (preview, outcome):
        errors = {row["line"]: row["errors"] for row in result.rows if row["errors"]}
        assert errors == {
            4: ["This row could not be saved: it clashes with a record already saved"]
        }
        assert (result.new, result.invalid) == (3, 1)
    if mode == ImportJob.Mode.VALID_ROWS:
        assert outcome.applied and Setting.objects.count() == 4
    else:
        assert not outcome.applied and Setting.objects.count() == 1


def test_parents_made_in_the_same_file_across_batches(data_officer, db, monkeypatch):
    monkeypatch.setattr(AreaResource._meta, "batch_size", 1)
    content = csv_bytes(
        "Code,Name,Kind,Parent code\n"
        "W20,Ward,Ward,D20\n"
        "W21,Ward two,Ward,D20\n"
        "D20,District,District,C20\n"
        "C20,County,County,\n"
    )
    outcome = run_file(data_officer, "areas", content, ImportJob.Mode.ALL_OR_NOTHING)
    assert outcome.applied and outcome.new == 4, outcome.as_report()
    assert {a.code: a.parent.code for a in Area.objects.filter(kind="ward")} == {
        "W20": "D20",
        "W21": "D20",
    }


def test_a_parent_the_database_refuses_explains_its_children(data_officer, areas, monkeypatch):
    monkeypatch.setattr(AreaResource, "get_queryset", lambda self: Area.objects.exclude(code="D01"))
    content = csv_bytes(
        "Code,Name,Kind,Parent code\nD01,North,District,C01\nW30,New ward,Ward,D01\n"
    )
    outcome = run_file(data_officer, "areas", content, ImportJob.Mode.VALID_ROWS)
    errors = {row["line"]: row["errors"] for row in outcome.rows}
    assert errors[2] == ["This row could not be saved: it clashes with a record already saved"]
    assert errors[3] == [
        "Parent code: The area 'D01' could not be saved (see its row), so it cannot be this "
        "area's parent"
    ]
    assert not Area.objects.filter(code="W30").exists()


def test_unchanged_staff_rows_read_their_memberships_once(data_officer, areas):
    """Staff accounts still run row by row (their saves write the account audit through
    signals), but an unchanged row is compared with the memberships the file's read loaded."""
    setting = SettingFactory(urn="EY500001", area=areas["W01"], postcode="WM1 1AA")
    for n in range(3):
        user = UserFactory(username=f"prac{n}", email=f"prac{n}@example.com")
        SettingMembership.objects.create(user=user, setting=setting, is_senco=n == 0)
    content = csv_bytes(
        "Username,Email,Role,Settings,SENCO at\n"
        + "".join(
            f"prac{n},prac{n}@example.com,Nursery practitioner,EY500001,"
            f"{'EY500001' if n == 0 else ''}\n"
            for n in range(3)
        )
    )
    with CaptureQueriesContext(connection) as queries:
        outcome = run_file(data_officer, "staff", content, ImportJob.Mode.ALL_OR_NOTHING)
    assert outcome.skipped == 3, outcome.as_report()
    table = SettingMembership._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if table in q["sql"]]
    # The instance loader's prefetch, then the account rules' own check of each row
    # (earlyyears.accounts.review); skip_row adds none.
    assert len(reads) == 1 + 3, reads
