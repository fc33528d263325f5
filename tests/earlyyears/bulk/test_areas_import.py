"""Areas in and out (hierarchy by parent code), and boundaries from GeoJSON."""

import json

import pytest
from django.core.management import CommandError, call_command

from earlyyears.bulk import services as imports
from earlyyears.models import Area, ImportExportAudit, ImportJob

from .conftest import csv_bytes, xlsx_bytes


def run(user, content, mode=ImportJob.Mode.ALL_OR_NOTHING, name="areas.csv"):
    job = imports.start_import(user, "areas", name, content)
    return imports.request_apply(job, mode)


def test_children_before_parents_in_the_file(data_officer, db):
    content = csv_bytes(
        "Code,Name,Kind,Parent code,Under-5 population\n"
        'W10,Riverside,Ward,D10,"1,250"\n'
        "D10,South,District,C10,0\n"
        "C10,Eastshire,county,,\n"
    )
    job = run(data_officer, content)
    assert job.status == ImportJob.Status.APPLIED, job.applied_report
    ward = Area.objects.get(code="W10")
    assert ward.parent.code == "D10" and ward.parent.parent.code == "C10"
    assert ward.under_5_population == 1250
    assert ward.kind == Area.Kind.WARD


def test_bad_rows(data_officer, areas):
    content = csv_bytes(
        "Code,Name,Kind,Parent code,Under-5 population\n"
        "X1,Loop A,Ward,X2,10\n"
        "X2,Loop B,Ward,X1,10\n"
        "X3,No parent,Ward,NOPE,10\n"
        "X4,Bad kind,Hamlet,,10\n"
        "X5,Bad number,Ward,,lots\n"
        "C01,Westmoor,County,W01,0\n"
    )
    job = imports.start_import(data_officer, "areas", "a.csv", content)
    errors = {row["line"]: " ".join(row["errors"]) for row in job.report["rows"]}
    assert "its own ancestor" in errors[2] and "its own ancestor" in errors[3]
    assert "no area with the code 'NOPE'" in errors[4]
    assert "'Hamlet' is not a kind of area we know" in errors[5]
    assert "whole number" in errors[6]
    assert "its own ancestor" in errors[7]
    job = imports.request_apply(job, ImportJob.Mode.ALL_OR_NOTHING)
    assert job.status == ImportJob.Status.FAILED
    assert not Area.objects.filter(code__startswith="X").exists()


def test_export_then_import_gives_the_same_areas(data_officer, areas):
    before = list(Area.objects.order_by("code").values())
    for file_format in ("csv", "xlsx"):
        content, _, name = imports.export_file(imports.get_spec("areas"), data_officer, file_format)
        job = run(data_officer, content, name=name)
        assert job.applied_report["skipped"] == 4
        assert list(Area.objects.order_by("code").values()) == before


def test_xlsx_areas(data_officer, areas):
    content = xlsx_bytes(
        [["Area code", "Area name", "Type", "Parent"], ["W03", "Castle", "Ward", "D01"]]
    )
    run(data_officer, content, name="a.xlsx")
    assert Area.objects.get(code="W03").parent.code == "D01"


def feature(code, geometry=None):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": code},
        "geometry": geometry
        or {
            "type": "Polygon",
            "coordinates": [[[-2.1, 52.0], [-2.0, 52.0], [-2.0, 52.1], [-2.1, 52.0]]],
        },
    }


def write(tmp_path, features, name="wards.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_boundaries_set_by_code(areas, tmp_path, capsys):
    path = write(tmp_path, [feature("W01"), feature("w02")])
    call_command("import_area_boundaries", str(path))
    assert Area.objects.get(code="W02").boundary["coordinates"][0][0] == [-2.1, 52.0]
    assert "Set 2 boundaries" in capsys.readouterr().out
    audit = ImportExportAudit.objects.get(resource="area_boundaries")
    assert audit.rows_total == 2 and not audit.dry_run


def test_unmatched_features_are_reported_and_nothing_is_saved(areas, tmp_path, capsys):
    old = Area.objects.get(code="W01").boundary
    path = write(
        tmp_path,
        [
            feature("W01", {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}),
            feature("W02"),
            feature("ZZ9"),
        ],
    )
    path2 = write(tmp_path, [feature("W01"), feature("ZZ9")], "second.geojson")
    for bad in (path, path2):
        with pytest.raises(CommandError, match="Nothing saved"):
            call_command("import_area_boundaries", str(bad))
    err = capsys.readouterr().err
    assert "Feature 3 (ZZ9) matches no area" in err and "Feature 1 (W01)" in err
    assert Area.objects.get(code="W01").boundary == old
    assert Area.objects.get(code="W02").boundary == old


def test_a_code_property_of_another_name_and_dry_run(areas, tmp_path):
    f = feature("W01")
    f["properties"] = {"WD24CD": "W01"}
    path = write(tmp_path, [f])
    Area.objects.filter(code="W01").update(boundary=None)
    call_command("import_area_boundaries", str(path), "--dry-run")
    assert Area.objects.get(code="W01").boundary is None
    call_command("import_area_boundaries", str(path), "--code-property", "WD24CD")
    assert Area.objects.get(code="W01").boundary["type"] == "Polygon"


def test_not_a_feature_collection(tmp_path, db):
    path = tmp_path / "x.geojson"
    path.write_text("[1, 2]")
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command("import_area_boundaries", str(path))
