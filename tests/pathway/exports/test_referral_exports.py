"""Referrals out: pseudonymised by default (searched for names, dates of birth, postcodes and
NHS numbers), full only for a SEND manager, audited."""

import datetime
import io

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse

from earlyyears.models import Child, ImportExportAudit
from pathway.exports import services as exports
from pathway.models import Referral
from pathway.services import create_referral


@pytest.fixture
def referrals(world):
    Child.objects.filter(pk=world.child_a.pk).update(
        nhs_number="9434765919",
        date_of_birth=datetime.date(2023, 5, 17),
        postcode="WM3 7QT",
        first_name="=Amara",
    )
    world.child_a.refresh_from_db()
    with transaction.atomic():
        made = [
            create_referral(
                child=world.child_a,
                source=Referral.Source.SETTING_CONCERN,
                submitted_by=world.practitioner_a,
                answers={"development": {"communication_language": {"level": "severe"}}},
                setting=world.setting_a,
                notify=False,
            )
            for _ in range(2)
        ]
    return made


def post(client, **data):
    return client.post(
        reverse("referrals-export"), {"kind": "pseudonymised", "file_format": "csv", **data}
    )


def secrets_of(child):
    dob = child.date_of_birth
    return [
        child.first_name.lstrip("="),
        child.last_name,
        child.nhs_number,
        "943 476 5919",
        child.postcode,
        child.postcode.replace(" ", ""),
        dob.strftime("%d/%m/%Y"),
        dob.isoformat(),
        child.reference,
    ]


def test_pseudonymised_export_names_nobody(sign_in, world, referrals):
    client = sign_in(world.send_officer)
    page = client.get(reverse("referrals-export"))
    assert page.status_code == 200 and "Full: with names" not in page.content.decode()
    for file_format in ("csv", "xlsx"):
        response = post(client, file_format=file_format)
        assert response.status_code == 200
        if file_format == "csv":
            text = response.content.decode("utf-8-sig")
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            text = "\n".join(",".join(str(c.value or "") for c in row) for row in sheet.iter_rows())
        for secret in secrets_of(world.child_a):
            assert secret not in text, secret
        lines = text.splitlines()
        assert lines[0].startswith(
            "Referral key,Child key,Month referred,Age band at referral,Area code"
        )
        rows = [line.split(",") for line in lines[1:]]
        assert len(rows) == 2
        assert rows[0][1] == rows[1][1] == exports.pseudonym("child", world.child_a.pk)
        assert rows[0][1] != str(world.child_a.pk)
        assert world.child_a.area.code in lines[1]
    audits = ImportExportAudit.objects.filter(resource="referrals")
    assert [a.detail["kind"] for a in audits] == ["pseudonymised", "pseudonymised"]
    assert all(a.username == "send_officer" and a.rows_total == 2 for a in audits)


def test_the_child_key_is_stable_and_keyed(world, referrals, settings):
    first = exports.pseudonym("child", world.child_a.pk)
    assert exports.pseudonym("child", world.child_a.pk) == first
    settings.EXPORT_PSEUDONYM_KEY = "a different secret"
    assert exports.pseudonym("child", world.child_a.pk) != first


def test_age_bands():
    on = datetime.date(2026, 3, 1)
    assert exports.age_band(datetime.date(2025, 6, 1), on) == "Under 1 year"
    assert exports.age_band(datetime.date(2024, 2, 1), on) == "2 years"
    assert exports.age_band(datetime.date(2020, 1, 1), on) == "5 years or older"


def test_full_export_for_a_send_manager_only(sign_in, client, world, referrals):
    sign_in(world.send_officer)
    refused = post(client, kind="full")
    assert refused.status_code == 400
    assert "Only a SEND team manager" in refused.content.decode()
    assert not ImportExportAudit.objects.exists()
    client.logout()
    sign_in(world.send_manager)
    assert "Full: with names" in client.get(reverse("referrals-export")).content.decode()
    response = post(client, kind="full")
    text = response.content.decode("utf-8-sig")
    assert "'=Amara" in text, "names are there, and neutralised"
    assert "17/05/2023" in text and "WM3 7QT" in text
    assert "9434765919" not in text, "no NHS number even in full"
    audit = ImportExportAudit.objects.get()
    assert audit.detail["kind"] == "full" and audit.username == "send_manager"


@pytest.mark.parametrize(
    "who", ["practitioner_a", "planner", "trainer", "admin", "early_help", "portage_a"]
)
def test_others_cannot_export(sign_in, client, world, referrals, who):
    sign_in(getattr(world, who))
    assert client.get(reverse("referrals-export")).status_code == 403
    assert post(client).status_code == 403
    assert not ImportExportAudit.objects.exists()


def test_signed_out_goes_to_sign_in(client, db):
    response = client.get(reverse("referrals-export"))
    assert response.status_code == 302 and reverse("sign-in") in response["Location"]


def test_date_range(sign_in, client, world, referrals):
    old = referrals[0]
    Referral.objects.filter(pk=old.pk).update(
        submitted_at=datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC)
    )
    sign_in(world.send_manager)
    response = post(
        client,
        kind="full",
        date_from_day="1",
        date_from_month="1",
        date_from_year="2024",
        date_to_day="31",
        date_to_month="1",
        date_to_year="2024",
    )
    text = response.content.decode("utf-8-sig")
    assert old.reference in text and referrals[1].reference not in text
    bad = post(
        client,
        date_from_day="2",
        date_from_month="1",
        date_from_year="2025",
        date_to_day="1",
        date_to_month="1",
        date_to_year="2025",
    )
    assert bad.status_code == 400 and "same as or after" in bad.content.decode()
