"""The Open Referral UK API: every record validates against the standard's schemas."""

import io
import uuid

import pytest
from django.core.management import call_command

from cms import oruk
from cms.models import ServicePage

from .helpers import make_service

pytestmark = pytest.mark.django_db


def test_every_demo_service_validates_against_service_json_and_the_list_pages_follow_the_standard(
    client,
):
    call_command("demo_data", children=0, settings_count=20, stdout=io.StringIO())
    call_command("demo_local_offer", count=60, stdout=io.StringIO())
    assert ServicePage.objects.live().count() == 60
    # Idempotent: a second run adds nothing.
    call_command("demo_local_offer", count=60, stdout=io.StringIO())
    assert ServicePage.objects.count() == 60

    seen = []
    page_number = 1
    while True:
        response = client.get("/api/services", {"page": page_number, "per_page": 25})
        assert response.status_code == 200
        body = response.json()
        assert oruk.schema_errors(body, "service_page.json") == []
        for item in body["contents"]:
            assert oruk.schema_errors(item, "service_list.json") == []
        seen += [item["id"] for item in body["contents"]]
        assert body["page_number"] == page_number
        assert body["first_page"] is (page_number == 1)
        if body["last_page"]:
            break
        page_number += 1
    assert body["total_items"] == 60 and body["total_pages"] == 3 and len(set(seen)) == 60

    kinds = set()
    for service_id in seen:
        record = client.get(f"/api/services/{service_id}").json()
        assert oruk.schema_errors(record) == [], record["name"]
        assert record["id"] == service_id
        kinds.add(bool(record["service_at_locations"]))
    assert kinds == {True, False}  # some visit families at home, some have a venue


def test_the_full_record_carries_every_part_of_a_service(client, places):
    service = make_service(
        places,
        "Chatter group",
        area=places.wards[0],
        eyfs=("communication_language",),
        point=(-2.55, 52.95),
        ages=(6, 30),
    )
    record = client.get(f"/api/services/{service.oruk_id}").json()
    assert record["name"] == "Chatter group"
    assert record["url"] == "https://www.example.org/chatter"
    assert record["minimum_age"] == 0.5 and record["maximum_age"] == 2.5
    assert record["organization"]["name"] == "Chatterbox Charity"
    assert record["service_areas"][0]["name"] == "Ward 1"
    assert record["service_areas"][0]["extent_type"] == "geojson"
    location = record["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "WM1 2AB"
    assert location["latitude"] == 52.95
    assert location["accessibility"][0]["description"] == "Step-free access."
    assert record["contacts"][0]["phones"][0]["number"] == "0113 496 0001"
    assert record["schedules"][0]["byday"] == "TU"
    assert record["languages"][0]["name"] == "English"
    assert record["cost_options"][0]["amount"] == 0
    terms = {
        a["taxonomy_term"]["taxonomy"]: a["taxonomy_term"]["term"] for a in record["attributes"]
    }
    assert terms == {
        oruk.NEEDS_TAXONOMY: "communication_interaction",
        oruk.EYFS_TAXONOMY: "communication_language",
    }


def test_list_filters_text_taxonomy_and_age(client, places):
    make_service(places, "Chatter group", area=places.wards[0], ages=(0, 24))
    make_service(
        places,
        "Calm club",
        area=places.wards[0],
        needs=("semh",),
        ages=(36, 60),
        description="Quiet play.",
    )

    def names(**params):
        return [s["name"] for s in client.get("/api/services", params).json()["contents"]]

    assert names() == ["Calm club", "Chatter group"]
    assert names(text="quiet") == ["Calm club"]
    assert names(age="1") == ["Chatter group"]
    assert names(age="4") == ["Calm club"]
    semh = oruk.need_term_id(oruk.NEEDS_TAXONOMY, "semh")
    assert names(taxonomy_id=semh) == ["Calm club"]
    assert names(taxonomy_id=str(uuid.uuid4())) == []
    empty = client.get("/api/services", {"text": "nothing like this"}).json()
    assert empty["empty"] is True and empty["total_pages"] == 0 and empty["last_page"] is True


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "x"},
        {"per_page": "1000"},
        {"per_page": "0"},
        {"age": "old"},
        {"age": "nan"},
        {"age": "-1"},
        {"taxonomy_id": "not-a-uuid"},
    ],
)
def test_bad_parameters_get_a_json_400(client, places, params):
    response = client.get("/api/services", params)
    assert response.status_code == 400
    assert "error" in response.json()


def test_only_published_public_services_are_in_the_api(client, places):
    live = make_service(places, "Live", area=places.wards[0])
    draft = make_service(places, "Draft", area=places.wards[0])
    draft.unpublish()
    assert client.get(f"/api/services/{live.oruk_id}").status_code == 200
    assert client.get(f"/api/services/{draft.oruk_id}").status_code == 404
    assert client.get("/api/services/not-a-uuid").status_code == 404
    assert client.get(f"/api/services/{uuid.uuid4()}").status_code == 404
    assert [s["name"] for s in client.get("/api/services").json()["contents"]] == ["Live"]
