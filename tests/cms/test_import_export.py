"""Open Referral UK JSON and CSV in and out: third-party records, round trips, and all-or-nothing
imports with errors reported per record and per row."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cms import oruk, selectors, services
from cms.models import Organisation, ServicePage, TaxonomyTerm
from cms.resources import ServiceResource
from earlyyears.models import Area, Role
from tests.factories import UserFactory

from .helpers import make_service

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def export_json() -> list[dict]:
    records = []
    for service in selectors.with_oruk_relations(selectors.published_services()).order_by("title"):
        record = oruk.service_to_oruk(service)
        record.pop("last_modified", None)
        records.append(record)
    return records


def export_csv() -> str:
    queryset = selectors.with_oruk_relations(selectors.published_services()).order_by("title")
    return ServiceResource().export(queryset).csv


def delete_all_services() -> None:
    for page in ServicePage.objects.all():
        page.delete()
    Organisation.objects.all().delete()
    TaxonomyTerm.objects.all().delete()


@pytest.fixture
def catalogue(places):
    ward1, _, ward3, _ = places.wards
    make_service(places, "Chatter group", area=ward1, eyfs=("literacy",), point=(-2.55, 52.95))
    make_service(
        places,
        "Sensory play",
        area=ward3,
        needs=("sensory_physical", "semh"),
        free=False,
        ages=(3, 25),
        point=(-2.55, 52.65),
    )
    make_service(places, "Portage", area=places.north, ages=(0, 60))
    return places


def test_third_party_records_validate_and_import_with_fields_we_do_not_store(places):
    record = fixture("third_party_single.json")
    assert oruk.schema_errors(record) == []
    report = services.import_oruk(record)
    assert report.saved and not report.has_errors
    service = ServicePage.objects.get(oruk_id=record["id"])
    assert service.live and service.title == "Little Hands Makaton Café"
    assert service.organisation.name == "Little Hands Community Trust"
    assert service.website == "https://www.example.net/little-hands"
    assert not service.is_free and service.fees.startswith("£1.50")
    assert (service.minimum_age_months, service.maximum_age_months) == (0, 84)
    assert [a.code for a in service.service_areas.all()] == ["WM-N-01"]
    assert "Somewhere we have never heard of" in report.records[0].warnings[-1]
    (location,) = service.locations.all()  # the virtual location has no address
    assert (location.address_1, location.postcode) == ("Church Lane", "WM1 3AB")
    assert location.accessibility == "Ramp at the side door\nHearing loop in the main hall"
    assert (location.latitude, location.longitude) == (52.951, -2.552)
    (contact,) = service.contacts.all()
    assert (contact.name, contact.phone) == ("Priya Shah", "0113 496 0999")
    (schedule,) = service.schedules.all()
    assert (schedule.byday, str(schedule.opens_at)) == ("TH", "10:00:00")
    assert [lang.name for lang in service.languages.all()] == ["British Sign Language"]
    assert sorted(t.taxonomy for t in service.taxonomy_terms.all()) == [
        "esdCircumstances",
        "esdServiceTypes",
    ]
    # What we publish about it is valid ORUK too.
    assert oruk.schema_errors(oruk.service_to_oruk(service)) == []


def test_a_saved_api_page_from_another_system_imports(places):
    document = fixture("third_party_page.json")
    report = services.import_oruk(document)
    assert report.saved, [r.errors for r in report.records]
    helpline = ServicePage.objects.get(title="Countywide Autism Helpline")
    assert helpline.status == "temporarily closed" and helpline.is_free
    assert helpline.minimum_age_months == 24 and helpline.maximum_age_months is None
    assert [a.code for a in helpline.service_areas.all()] == ["WM"]
    toy = ServicePage.objects.get(title="Toy library")
    assert toy.description == "Toy library"  # no description: the name stands in
    assert toy.schedules.get().description == "First day of the month"


def test_importing_again_updates_rather_than_duplicates(places):
    record = fixture("third_party_single.json")
    services.import_oruk(record)
    record["name"] = "Little Hands Makaton Cafe (Thursdays)"
    report = services.import_oruk(record)
    assert [r.action for r in report.records] == ["update"]
    assert ServicePage.objects.count() == 1
    assert ServicePage.objects.get().title == "Little Hands Makaton Cafe (Thursdays)"


def test_an_invalid_record_is_reported_and_nothing_is_saved(places):
    good = fixture("third_party_single.json")
    bad = copy.deepcopy(good)
    bad["id"] = "not-a-uuid"
    bad["status"] = "open"
    del bad["name"]
    worse = {
        "id": "0b4a5e8c-5f3c-4c58-9d2e-7d9c0d2b1a12",
        "name": "Ages",
        "status": "active",
        "minimum_age": 10,
        "maximum_age": 2,
    }
    report = services.import_oruk([good, bad, worse, "not an object"])
    assert not report.saved and report.error_count == 3
    assert report.records[0].errors == []
    assert any("'name' is a required property" in e for e in report.records[1].errors)
    assert any(e.startswith("status:") for e in report.records[1].errors)
    assert any(e.startswith("id:") for e in report.records[1].errors)
    assert report.records[2].errors == ["minimum_age: must not be more than maximum_age"]
    assert report.records[3].errors
    assert ServicePage.objects.count() == 0


def test_json_round_trip_gives_the_same_services(catalogue):
    before = export_json()
    assert len(before) == 3
    delete_all_services()
    assert services.import_oruk(json.loads(json.dumps(before))).saved
    assert export_json() == before


def test_csv_round_trip_gives_the_same_services(catalogue):
    before = export_csv()
    assert before.splitlines()[0].startswith("id,name,organisation,description,url,email")
    delete_all_services()
    preview = services.run_csv_import(before, dry_run=False)
    assert preview.saved and not preview.has_errors
    assert export_csv() == before


def test_csv_dry_run_previews_each_row_and_saves_nothing(catalogue):
    text = export_csv()
    new = ",New drop-in,Chatterbox Charity,A new group,,,active,yes,,,0,60,,,semh,,WM-N-01"
    text += new + "," * 14 + "\n"
    preview = services.run_csv_import(text, dry_run=True)
    assert not preview.has_errors
    assert [row.action for row in preview.rows] == ["update", "update", "update", "new"]
    assert not ServicePage.objects.filter(title="New drop-in").exists()


def test_csv_rows_with_errors_are_reported_by_row_and_column_and_nothing_is_saved(catalogue):
    lines = export_csv().splitlines()
    header = lines[0].split(",")
    good_new = dict.fromkeys(header, "")
    good_new |= {"name": "Good new row", "description": "Fine", "status": "active"}
    bad = dict(good_new) | {
        "name": "Bad row",
        "status": "open",
        "needs": "telepathy",
        "service_areas": "XX-1",
        "minimum_age_months": "ten",
        "is_free": "maybe",
        "address_1": "1 Road",
        "latitude": "north",
        "email": "not an email",
    }
    csv = "\n".join([lines[0], *[",".join(row[h] for h in header) for row in (good_new, bad)]])
    preview = services.run_csv_import(csv, dry_run=False)
    assert not preview.saved and preview.has_errors
    assert preview.rows[0].errors == []
    problems = " | ".join(preview.rows[1].errors)
    for expected in (
        "status:",
        "needs: telepathy is not a broad area of need",
        "service_areas: Unknown area code: XX-1",
        "minimum_age_months:",
        "is_free: Enter yes or no",
        "latitude:",
        "city: Enter the town or city",
        "email: Enter an email address",
    ):
        assert expected in problems, problems
    assert not ServicePage.objects.filter(title="Good new row").exists()
    assert ServicePage.objects.count() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,description\nA,B\n", "The file has no id column"),
        ("id,name,description\n", "The file has no rows of services"),
    ],
)
def test_csv_files_of_the_wrong_shape_are_refused(places, text, message):
    preview = services.run_csv_import(text, dry_run=False)
    assert preview.file_errors and preview.file_errors[0].startswith(message)


def test_the_import_command_reports_errors_per_record(places, tmp_path):
    path = tmp_path / "services.json"
    path.write_text(json.dumps([fixture("third_party_single.json"), {"id": "x"}]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 records have errors"):
        call_command("import_oruk", str(path), stderr=err)
    assert "Record 2" in err.getvalue() and "'name' is a required property" in err.getvalue()
    assert ServicePage.objects.count() == 0
    path.write_text(json.dumps(fixture("third_party_page.json")))
    out = io.StringIO()
    call_command("import_oruk", str(path), "--dry-run", stdout=out)
    assert "Would import 2 services (2 new, 0 updated)" in out.getvalue()
    assert ServicePage.objects.count() == 0
    call_command("import_oruk", str(path), stdout=out)
    assert ServicePage.objects.count() == 2


def test_editors_import_through_a_preview_in_wagtails_admin(client, places):
    admin = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(admin)
    upload = io.BytesIO(json.dumps(fixture("third_party_page.json")).encode())
    upload.name = "page.json"
    response = client.post("/admin/local-offer/import/", {"format": "json", "file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "2 new and 0 updated services" in preview.content.decode()
    assert ServicePage.objects.count() == 0
    done = client.post(response["Location"])
    assert done.status_code == 302
    assert ServicePage.objects.count() == 2
    # The same upload cannot be imported twice.
    assert client.post(response["Location"]).status_code == 404


def test_csv_export_and_json_export_in_the_admin(client, catalogue):
    admin = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(admin)
    csv = client.get("/admin/local-offer/export/csv/")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Chatter group" in csv.content.decode()
    records = json.loads(client.get("/admin/local-offer/export/json/").content)
    assert [oruk.schema_errors(r) for r in records] == [[], [], []]


def test_people_who_cannot_publish_cannot_import(client, places):
    editor = UserFactory(role=Role.PROFESSIONAL)
    editor.groups.add(services.ensure_local_offer_groups(places.index)[0])
    client.force_login(editor)
    refused = client.get("/admin/local-offer/import/")  # Wagtail turns a 403 into a redirect
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_areas_are_matched_by_code_in_our_own_records(catalogue):
    record = export_json()[0]
    assert record["service_areas"][0]["uri"].startswith(oruk.AREA_URI_PREFIX)
    data, errors = oruk.parse_record(record)
    assert not errors and data.area_codes == [Area.objects.get(name="Ward 1").code]


def test_csv_preview_shows_the_values_each_row_will_save(catalogue):
    lines = export_csv().splitlines()
    header = lines[0].split(",")
    row = dict.fromkeys(header, "") | {
        "name": "Stay and play",
        "description": "Fine",
        "status": "active",
        "is_free": "no",
        "fees": "£2 a session",
        "minimum_age_months": "6",
        "maximum_age_months": "48",
        "needs": "semh",
        "service_areas": "WM-N-01",
    }
    text = "\n".join([lines[0], ",".join(row[h] for h in header)])
    preview = services.run_csv_import(text, dry_run=True)
    assert not preview.has_errors, preview.rows[0].errors
    values = dict(preview.rows[0].values)
    assert values["Name"] == "Stay and play"
    assert values["Cost"] == "£2 a session"
    assert values["Ages"] == "6 to 48 months"
    assert values["Needs"] == "Social, emotional and mental health"
    assert values["Areas"]  # the area's name, not only its code
    assert not ServicePage.objects.filter(title="Stay and play").exists()


def test_csv_preview_lists_every_problem_in_a_row_even_after_a_bad_id(catalogue):
    lines = export_csv().splitlines()
    header = lines[0].split(",")
    row = dict.fromkeys(header, "") | {
        "id": "not-a-uuid",
        "name": "Bad row",
        "status": "open",
        "is_free": "maybe",
    }
    text = "\n".join([lines[0], ",".join(row[h] for h in header)])
    preview = services.run_csv_import(text, dry_run=True)
    problems = " | ".join(preview.rows[0].errors)
    assert "id: not-a-uuid is not a UUID" in problems
    assert "status:" in problems and "is_free: Enter yes or no" in problems
    assert "description:" in problems


def test_a_malformed_csv_names_the_line_that_broke_it(places):
    text = "id,name,description\n,A,B\n,C,D,E\n"
    preview = services.run_csv_import(text, dry_run=True)
    assert preview.file_errors == [
        "Line 3 of the file has 4 cells but the headings have 3: check for a missing or extra "
        'comma, or a quote (") not closed, on that line'
    ]


def test_a_malformed_json_file_names_the_line_that_broke_it(places):
    preview = services.run_json_import('[\n {"id": "x",\n  "name": "A"\n  "description": "B"}\n]')
    assert preview.file_errors == [
        "The file is not valid JSON: line 4, column 3: Expecting ',' delimiter"
    ]
