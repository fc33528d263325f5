"""Settings in from Ofsted's register (CSV in three encodings, XLSX), checked row by row,
applied all-or-nothing or valid rows only, and out again unchanged."""

import pytest

from earlyyears.bulk import services as imports
from earlyyears.models import ImportExportAudit, ImportJob, Setting
from tests.factories import SettingFactory

from .conftest import csv_bytes, xlsx_bytes

OFSTED = (
    "Provider URN,Provider name,Provider type,Provider subtype,Provider address line 1,"
    "Provider town,Provider postcode,Registration status,Local authority\n"
)


def run(user, name, content, mode=ImportJob.Mode.ALL_OR_NOTHING):
    job = imports.start_import(user, "settings", name, content)
    assert job.status == ImportJob.Status.PREVIEWED, job.report
    return imports.request_apply(job, mode)


@pytest.fixture
def district(areas):
    """A setting in WM1 (ward W01) so new settings in WM1 take that ward."""
    return SettingFactory(urn="EY900001", postcode="WM1 1AA", area=areas["W01"])


def test_ofsted_register_csv_with_a_bom_imports(data_officer, district):
    content = csv_bytes(
        OFSTED + "EY123456,Acorns Day Nursery,Childcare on non-domestic premises,Full day care,"
        "1 High Street,Westmoor,wm1 2ab,Active,Westmoor\n"
        + "EY123457,Little Stars,Childcare on non-domestic premises,Sessional day care,"
        "2 Low Road,Westmoor,WM1 3CD,Active - suspended,Westmoor\n"
        + "2654321,Jo Bloggs,Childminder,,3 Green Lane,Westmoor,WM1 4EF,Resigned,Westmoor\n",
        "utf-8-sig",
    )
    job = imports.start_import(data_officer, "settings", "register.csv", content)
    assert job.report["unknown_columns"] == ["Local authority"]
    assert job.report["new"] == 3 and job.report["invalid"] == 0
    assert Setting.objects.count() == 1, "the preview saves nothing"
    job = imports.request_apply(job, ImportJob.Mode.ALL_OR_NOTHING)
    assert job.status == ImportJob.Status.APPLIED
    acorns = Setting.objects.get(urn="EY123456")
    assert acorns.provider_type == Setting.ProviderType.DAY_NURSERY
    assert acorns.postcode == "WM1 2AB"
    assert acorns.area.code == "W01"
    stars = Setting.objects.get(urn="EY123457")
    assert stars.provider_type == Setting.ProviderType.PRE_SCHOOL
    assert stars.registration_status == Setting.RegistrationStatus.SUSPENDED
    minder = Setting.objects.get(urn="2654321")
    assert minder.provider_type == Setting.ProviderType.CHILDMINDER
    assert minder.registration_status == Setting.RegistrationStatus.RESIGNED


def test_windows_1252_names_survive(data_officer, areas):
    content = csv_bytes(
        "URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code\n"
        "EY222222,Café Tots – Brontë House,Day nursery,1 Rue,Westmoor,WM2 1AA,W02\n",
        "cp1252",
    )
    run(data_officer, "excel.csv", content)
    assert Setting.objects.get(urn="EY222222").name == "Café Tots – Brontë House"


def test_xlsx_imports(data_officer, areas):
    content = xlsx_bytes(
        [
            [
                "URN",
                "Provider name",
                "Provider type",
                "Address line 1",
                "Town",
                "Postcode",
                "Area code",
            ],
            ["EY333333", "Sheet Nursery", "Pre-school", "1 Way", "Westmoor", "WM2 1AA", "W02"],
            [None, None, None, None, None, None, None],
        ]
    )
    job = run(data_officer, "settings.xlsx", content)
    assert job.applied_report["new"] == 1
    assert Setting.objects.get(urn="EY333333").provider_type == "pre_school"


BAD = (
    "URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code\n"
    "EY444444,Good Nursery,Day nursery,1 Way,Westmoor,WM2 1AA,W02\n"
    "NOTAURN,Bad URN,Day nursery,1 Way,Westmoor,WM2 1AA,W02\n"
    "EY555555,Bad Postcode,Day nursery,1 Way,Westmoor,NOT A POSTCODE,W02\n"
    "EY666666,Bad Type,Home childcarer,1 Way,Westmoor,WM2 1AA,W02\n"
    "EY777777,Bad Area,Day nursery,1 Way,Westmoor,WM2 1AA,ZZ99\n"
    "EY444444,Twice,Day nursery,1 Way,Westmoor,WM2 1AA,W02\n"
    "EY888888,,Castle,1 Way,Westmoor,WM2 1AA,W02\n"
)


def test_bad_rows_are_explained_in_plain_words(data_officer, areas):
    job = imports.start_import(data_officer, "settings", "bad.csv", csv_bytes(BAD))
    errors = {row["line"]: row["errors"] for row in job.report["rows"] if row["errors"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert any("Ofsted URN" in e for e in errors[3])
    assert any("real postcode" in e for e in errors[4])
    assert any("not an early years setting" in e for e in errors[5])
    assert any("no area with the code 'ZZ99'" in e for e in errors[6])
    assert any("also on row 2" in e for e in errors[7])
    assert "Enter the provider name" in errors[8]
    assert any("'Castle' is not a provider type we know" in e for e in errors[8])
    assert job.report["new"] == 1 and job.report["invalid"] == 6


def test_all_or_nothing_saves_nothing_when_a_row_is_bad(data_officer, areas):
    job = run(data_officer, "bad.csv", csv_bytes(BAD), ImportJob.Mode.ALL_OR_NOTHING)
    assert job.status == ImportJob.Status.FAILED
    assert not Setting.objects.filter(urn="EY444444").exists()


def test_valid_rows_mode_keeps_the_good_rows(data_officer, areas):
    job = run(data_officer, "bad.csv", csv_bytes(BAD), ImportJob.Mode.VALID_ROWS)
    assert job.status == ImportJob.Status.APPLIED
    assert list(Setting.objects.values_list("urn", flat=True)) == ["EY444444"]
    assert job.applied_report["invalid"] == 6


def test_area_from_the_postcode_district_or_a_clear_error(data_officer, district):
    content = csv_bytes(
        "URN,Provider name,Provider type,Address line 1,Town,Postcode\n"
        "EY101010,Known District,Day nursery,1 Way,Westmoor,WM1 9ZZ\n"
        "EY202020,Unknown District,Day nursery,1 Way,Westmoor,WM7 1AA\n"
    )
    job = imports.start_import(data_officer, "settings", "d.csv", content)
    errors = {row["line"]: row["errors"] for row in job.report["rows"]}
    assert errors[2] == []
    assert errors[3] == [
        "Area code: No area is known for postcode district WM7: add an 'Area code' column"
    ]


def test_export_then_import_gives_the_same_records(data_officer, areas):
    SettingFactory(urn="EY123123", name='=HYPERLINK("x")', area=areas["W01"], postcode="WM1 1AA")
    SettingFactory(
        urn="EY321321",
        name="Plain",
        area=areas["W02"],
        postcode="WM2 1AA",
        provider_type="childminder",
        registration_status="suspended",
    )
    before = list(Setting.objects.order_by("urn").values())
    for file_format in ("csv", "xlsx"):
        content, _, name = imports.export_file(
            imports.get_spec("settings"), data_officer, file_format
        )
        if file_format == "csv":
            text = content.decode("utf-8-sig")
            assert "'=HYPERLINK" in text, "formulae are neutralised"
            assert text.splitlines()[0] == (
                "URN,Provider name,Provider type,Address line 1,Town,Postcode,"
                "Registration status,Area code"
            )
        job = run(data_officer, name, content)
        assert job.applied_report["skipped"] == 2, job.applied_report
        Setting.objects.all().delete()
        job = run(data_officer, name, content)
        assert job.applied_report["new"] == 2
        after = list(Setting.objects.order_by("urn").values())
        assert [{k: v for k, v in r.items() if k != "id"} for r in after] == [
            {k: v for k, v in r.items() if k != "id"} for r in before
        ]


def test_every_preview_import_and_export_is_audited(data_officer, areas):
    job = imports.start_import(data_officer, "settings", "bad.csv", csv_bytes(BAD))
    imports.request_apply(job, ImportJob.Mode.VALID_ROWS)
    imports.export_file(imports.get_spec("settings"), data_officer, "csv")
    rows = list(ImportExportAudit.objects.order_by("at", "pk"))
    assert [(r.direction, r.dry_run) for r in rows] == [
        ("import", True),
        ("import", False),
        ("export", False),
    ]
    preview, applied, export = rows
    assert preview.username == "data.officer" and preview.file_name == "bad.csv"
    assert (preview.rows_total, preview.rows_new, preview.rows_invalid) == (7, 1, 6)
    assert (applied.rows_new, applied.rows_invalid, applied.mode) == (1, 6, "valid_rows")
    assert export.rows_total == 1 and export.resource == "settings"


def test_a_job_is_applied_once(data_officer, areas):
    job = imports.start_import(data_officer, "settings", "bad.csv", csv_bytes(BAD))
    imports.request_apply(job, ImportJob.Mode.VALID_ROWS)
    with pytest.raises(imports.ApplyRefused):
        imports.request_apply(job, ImportJob.Mode.VALID_ROWS)
