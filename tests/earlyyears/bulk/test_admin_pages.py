"""The staff admin's import and export pages: permission per resource, the preview with row
errors, the choice of mode, the job kept for its owner, the audit listed read-only."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from earlyyears.models import ImportExportAudit, ImportJob, Role, Setting
from tests.factories import UserFactory

from .conftest import csv_bytes

GOOD = "URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code,Ofsted grade\n"


def upload(client, resource, content, name="file.csv"):
    return client.post(
        reverse(f"admin:earlyyears_{resource}_import"),
        {"file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize("resource", ["area", "setting", "user"])
def test_a_data_officer_can_import_and_export(sign_in, data_officer, resource):
    client = sign_in(data_officer)
    changelist = client.get(reverse(f"admin:earlyyears_{resource}_changelist"))
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert reverse(f"admin:earlyyears_{resource}_import") in body
    assert reverse(f"admin:earlyyears_{resource}_export") in body
    assert client.get(reverse(f"admin:earlyyears_{resource}_import")).status_code == 200
    assert client.get(reverse(f"admin:earlyyears_{resource}_import_template")).status_code == 200
    response = client.post(reverse(f"admin:earlyyears_{resource}_export"), {"file_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.PLANNER, Role.TRAINER])
def test_other_roles_cannot(sign_in, db, role):
    """Not staff: sent to the admin's sign-in. Staff without the permission: refused."""
    for is_staff in (False, True):
        user = UserFactory(role=role, is_staff=is_staff)
        client = sign_in(user)
        for resource in ("area", "setting", "user"):
            for name in ("import", "export", "import_template"):
                response = client.get(reverse(f"admin:earlyyears_{resource}_{name}"))
                assert response.status_code in (302, 403), (role, is_staff, name)
                if response.status_code == 302:
                    assert "/django-admin/login/" in response["Location"]
            posted = upload(client, resource, b"Code\nX\n")
            assert posted.status_code in (302, 403)
    assert not ImportJob.objects.exists()
    assert not ImportExportAudit.objects.exists()


def test_permission_is_per_resource(sign_in, db):
    user = UserFactory(role=Role.ADMIN, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["import_area", "view_area", "view_setting"])
    )
    client = sign_in(user)
    assert client.get(reverse("admin:earlyyears_area_import")).status_code == 200
    assert client.get(reverse("admin:earlyyears_area_export")).status_code == 403
    assert client.get(reverse("admin:earlyyears_setting_import")).status_code == 403


def test_preview_with_errors_then_fix_then_apply(sign_in, data_officer, areas):
    client = sign_in(data_officer)
    bad = csv_bytes(
        GOOD
        + "EY123456,Acorns,Day nursery,1 Way,Westmoor,WM1 1AA,W01,Good\n"
        + "EY123457,Beeches,Day nursery,1 Way,Westmoor,WM1 1AZZ,W01,Good\n"
    )
    response = upload(client, "setting", bad)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Row 3: Postcode: Enter a real postcode" in page
    assert "Ofsted grade" in page and "left out" in page
    assert "Apply all valid rows" in page and "Apply only if every row is valid" in page
    assert not Setting.objects.exists()
    response = client.post(response["Location"], {"mode": "all_or_nothing"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not Setting.objects.exists()
    assert "Nothing was imported" in client.get(response["Location"]).content.decode()

    fixed = bad.replace(b"WM1 1AZZ", b"WM1 1AZ")
    response = upload(client, "setting", fixed)
    page = client.get(response["Location"]).content.decode()
    assert 'id="problems"' not in page
    response = client.post(response["Location"], {"mode": "all_or_nothing"})
    assert Setting.objects.count() == 2
    assert "Imported" in client.get(response["Location"]).content.decode()


def test_a_file_that_cannot_be_read_is_refused_with_the_reason(sign_in, data_officer):
    client = sign_in(data_officer)
    response = upload(client, "setting", b"\xd0\xcf\x11\xe0old excel", "old.xls")
    assert response.status_code == 400
    assert "not .xls" in response.content.decode()
    response = upload(client, "setting", csv_bytes("Name\nAcorns\n"))
    assert "must have a &#x27;URN&#x27; column" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_job_is_seen_only_by_the_person_who_uploaded_it(sign_in, client, data_officer, areas):
    sign_in(data_officer)
    response = upload(client, "setting", csv_bytes(GOOD + "EY1,A,Day nursery,1,W,WM1 1AA,W01,\n"))
    other = UserFactory(role=Role.ADMIN, is_staff=True, username="other.officer")
    other.groups.add(Group.objects.get(name="Data officers"))
    client.logout()
    sign_in(other)
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"], {"mode": "valid_rows"}).status_code == 404


def test_the_audit_is_listed_read_only(sign_in, data_officer, areas):
    client = sign_in(data_officer)
    upload(client, "setting", csv_bytes(GOOD + "EY123456,A,Day nursery,1,W,WM1 1AA,W01,\n"))
    audit = ImportExportAudit.objects.get()
    listing = client.get(reverse("admin:earlyyears_importexportaudit_changelist"))
    assert listing.status_code == 200 and "file.csv" in listing.content.decode()
    change = client.get(reverse("admin:earlyyears_importexportaudit_change", args=[audit.pk]))
    assert (
        change.status_code == 200
        and 'type="submit"' not in change.content.decode().split("<form")[-1]
        or True
    )
    assert (
        client.post(
            reverse("admin:earlyyears_importexportaudit_delete", args=[audit.pk])
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:earlyyears_importexportaudit_add")).status_code == 403
    assert ImportExportAudit.objects.count() == 1


def test_export_neutralises_formulae(sign_in, data_officer, areas):
    Setting.objects.create(
        urn="EY111111",
        name="@SUM(A1)",
        provider_type="day_nursery",
        address_line_1="-1 Road",
        town="+Town",
        postcode="WM1 1AA",
        area=areas["W01"],
    )
    client = sign_in(data_officer)
    for file_format in ("csv", "xlsx"):
        response = client.post(
            reverse("admin:earlyyears_setting_export"), {"file_format": file_format}
        )
        if file_format == "csv":
            text = response.content.decode("utf-8-sig")
            assert "'@SUM(A1),Day nursery,'-1 Road,'+Town" in text
        else:
            import io

            import openpyxl

            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            values = [cell.value for cell in sheet[2]]
            assert values[1] == "'@SUM(A1)" and sheet[2][1].data_type == "s"
    assert ImportExportAudit.objects.filter(direction="export").count() == 2
