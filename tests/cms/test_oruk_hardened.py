"""The ORUK importer takes everything the standard allows, refuses hostile values record by
record with nothing half-saved, and keeps every field of a record (issue 25)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cms import oruk, selectors, services
from cms.models import Organisation, ServicePage, TaxonomyTerm

from .oruk_records import count_fields, differences, full_record, record_paths, schema_paths

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.django_db


def published(oruk_id: str) -> dict:
    page = selectors.with_oruk_relations(selectors.published_services()).get(oruk_id=oruk_id)
    return oruk.service_to_oruk(page)


def test_the_full_record_of_our_own_fills_every_field_the_schema_has():
    missing = schema_paths(oruk.schema("service.json")) - record_paths(full_record())
    assert not missing
    assert not oruk.schema_errors(full_record())


def test_orUKs_own_full_example_imports_and_comes_back_unchanged(places):
    record = json.loads((FIXTURES / "oruk_service_full.json").read_text())
    report = services.import_oruk(record)
    assert report.saved, [r.errors for r in report.records]
    assert differences(record, published(record["id"])) == []


def test_coordinates_off_the_globe_are_kept_but_not_mapped(places):
    """ORUK's own list example has latitude 100: the standard allows it, so do we."""
    record = full_record(7)
    record["service_at_locations"][0]["location"]["latitude"] = 100
    report = services.import_oruk(record)
    assert report.saved
    assert any("not shown on the map" in w for w in report.records[0].warnings)
    page = ServicePage.objects.get(oruk_id=record["id"])
    assert page.locations.get().latitude is None
    assert differences(record, published(record["id"])) == []


def test_a_full_record_round_trips_field_by_field(places):
    record = full_record(1)
    report = services.import_oruk(json.loads(json.dumps(record)))
    assert report.saved, [r.errors for r in report.records]
    after = published(record["id"])
    assert count_fields(record) > 150
    assert differences(record, after) == []
    assert not oruk.schema_errors(after)
    page = ServicePage.objects.get(oruk_id=record["id"])
    # What the service uses is modelled: the page's fields and children, with the ids sent.
    assert str(page.locations.get().oruk_id) == record["service_at_locations"][0]["location_id"]
    assert page.locations.get().postcode == "WM1 3AB"  # the physical address
    assert str(page.contacts.get().oruk_id) == record["contacts"][0]["id"]
    assert page.contacts.get().phone == "01632 960123"
    assert [lang.name for lang in page.languages.all()] == ["British Sign Language"]
    assert page.service_areas.get().name == "Ward 1"
    assert page.minimum_age_months == 6 and page.maximum_age_months == 60
    assert not page.is_free
    term = TaxonomyTerm.objects.get(oruk_id=record["attributes"][0]["taxonomy_term_id"])
    assert term.vocabulary.oruk_id is not None and term.parent_oruk_id is not None


def test_importing_the_same_record_again_keeps_ids_and_changes_nothing(places):
    record = full_record(2)
    assert services.import_oruk(record).saved
    first = ServicePage.objects.get(oruk_id=record["id"])
    report = services.import_oruk(record)
    assert report.saved and report.records[0].action == "update"
    again = ServicePage.objects.get(oruk_id=record["id"])
    assert again.pk == first.pk
    assert differences(record, published(record["id"])) == []


def test_an_editors_change_is_published_over_the_record_and_the_rest_kept(places):
    record = full_record(3)
    services.import_oruk(record)
    page = ServicePage.objects.get(oruk_id=record["id"])
    page.title = "Chatterbox (new name)"
    page.minimum_age_months = 12
    location = page.locations.get()
    location.postcode = "WM1 4CD"
    location.save()
    contact = page.contacts.get()
    contact.phone = "01632 960999"
    contact.save()
    page.save()
    after = published(record["id"])
    found = differences(record, after)
    assert sorted(found) == sorted(
        [
            "/last_modified: '2026-03-01T09:30:00.000Z' became " + repr(after["last_modified"]),
            "/minimum_age: 0.5 became 1",
            "/name: 'Chatterbox speech group 3' became 'Chatterbox (new name)'",
            "/service_at_locations/location/addresses/postal_code: 'WM1 3AB' became 'WM1 4CD'",
            "/contacts/phones/number: '01632 960123' became '01632 960999'",
        ]
    )
    assert not oruk.schema_errors(after)


def test_many_full_records_round_trip(places):
    records = [full_record(n) for n in range(10, 30)]
    assert services.import_oruk({"contents": records}).saved
    compared = 0
    for record in records:
        assert differences(record, published(record["id"])) == []
        compared += count_fields(record)
    assert compared > 3000


# --- Hostile input ------------------------------------------------------------------------------


def hostile(**changes) -> dict:
    record = full_record(50)
    record.update(changes)
    return record


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (hostile(minimum_age=1e308), "minimum_age: 1e+308 is not an age in years from 0 to 150"),
        (hostile(maximum_age=-1), "maximum_age: -1 is not an age in years from 0 to 150"),
        (hostile(maximum_age=float("inf")), "maximum_age: inf is not a number"),
        (hostile(url="javascript:alert(1)"), "url: must be a web address starting http"),
        (hostile(name="Play\x00group"), "name: contains control characters"),
        (
            hostile(
                organization={**full_record(50)["organization"], "website": "data:text/html,x"}
            ),
            "organization/website: must be a web address",
        ),
    ],
)
def test_hostile_values_are_refused_per_record_and_nothing_is_saved(places, record, message):
    good = full_record(51)
    report = services.import_oruk({"contents": [good, record]})
    assert not report.saved
    assert report.records[0].errors == []
    assert any(error.startswith(message) for error in report.records[1].errors), report.records[1]
    assert not ServicePage.objects.exists()
    assert not Organisation.objects.exists()


def test_nan_in_the_file_is_refused_with_a_message(places):
    text = json.dumps(full_record(52)).replace('"maximum_age": 5', '"maximum_age": NaN')
    preview = services.run_json_import(text, dry_run=False)
    assert not preview.saved
    assert preview.rows[0].errors == ["maximum_age: nan is not a number (use a finite number)"]
    assert not ServicePage.objects.exists()


def test_nesting_too_deep_is_refused(places):
    deep: dict = {}
    inner = deep
    for _ in range(40):
        inner["x"] = {}
        inner = inner["x"]
    report = services.import_oruk(hostile(extension=deep))
    assert any("nested more than" in e for e in report.records[0].errors)


def test_a_file_over_the_size_limit_is_refused(places, settings):
    settings.LOCAL_OFFER_IMPORT_MAX_BYTES = 1000
    preview = services.run_json_import(json.dumps(full_record(53)), dry_run=False)
    assert preview.file_errors and "larger than" in preview.file_errors[0]


def test_the_command_reports_hostile_records_without_a_traceback(places, tmp_path, capsys):
    path = tmp_path / "feed.json"
    path.write_text(
        json.dumps(
            [hostile(minimum_age=1e308), hostile(id=full_record(54)["id"], url="javascript:x")]
        )
    )
    with pytest.raises(CommandError, match="Nothing imported: 2 of 2 records"):
        call_command("import_oruk", str(path))
    err = capsys.readouterr().err
    assert "Record 1" in err and "Record 2" in err and "Traceback" not in err
