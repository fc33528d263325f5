"""The whole Open Referral UK API (issue 25): every path of the standard's openapi.json, its
query parameters, pagination and 400s; every response validated against the OpenAPI
description and the compiled schemas."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator, FormatChecker

from cms import oruk, services
from cms.models import ServicePage

from .helpers import make_service
from .oruk_records import full_record, uid

pytestmark = pytest.mark.django_db

SPEC = oruk.schema("openapi.json")
LOCAL = {  # the description's $refs, to our copies of the schemas they name
    "service.json": "service.json",
    "service_list.json": "service_list.json",
    "service_at_location_list.json": "service_at_location_list.json",
    "taxonomy.json": "taxonomy.json",
    "taxonomy_term.json": "taxonomy_term.json",
}


def check(schema: dict, value) -> None:
    errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(value))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def check_ref(ref: str, value) -> None:
    name = ref.rsplit("/", 1)[-1]
    check(oruk.schema(LOCAL[name]), value)


def validate(path: str, body: dict) -> None:
    """A response body against the description's schema for `path`."""
    schema = SPEC["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = schema["schema"]
    if path == "/service_at_locations/{id}":
        # The description points this path at service.json, which names a service, not a
        # service at a location: the record is checked against service_at_location.json.
        check(oruk.schema("service_at_location.json"), body)
        return
    if "$ref" in schema:
        check_ref(schema["$ref"], body)
        return
    if "allOf" in schema:
        check(SPEC["components"]["schemas"]["Page"], body)
        assert set(body) == {*SPEC["components"]["schemas"]["Page"]["properties"], "contents"}
        for item in body["contents"]:
            check_ref(schema["properties"]["contents"]["items"]["$ref"], item)
        return
    check(schema, body)


@pytest.fixture
def catalogue(places):
    records = [full_record(n) for n in range(1, 4)]
    records[1]["name"] = "Music makers"
    records[1]["minimum_age"], records[1]["maximum_age"] = 2, 4
    records[1]["schedules"][0].update(byday="SA", opens_at="13:00:00", closes_at="15:00:00")
    records[2]["service_at_locations"][0]["location"]["latitude"] = 53.5  # far away
    assert services.import_oruk({"contents": records}).saved
    make_service(places, "Our own group", area=places.wards[0], needs=("semh",), ages=(0, 24))
    return records


def get(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def names(body: dict) -> list[str]:
    return [item.get("name") or item["service"]["name"] for item in body["contents"]]


def test_every_path_of_the_description_answers_and_validates(client, catalogue):
    record = catalogue[0]
    sal_id = record["service_at_locations"][0]["id"]
    term_id = record["attributes"][0]["taxonomy_term_id"]
    taxonomy_id = record["attributes"][0]["taxonomy_term"]["taxonomy_id"]
    urls = {
        "/": "/api/",
        "/services": "/api/services",
        "/services/{id}": f"/api/services/{record['id']}",
        "/service_at_locations": "/api/service_at_locations",
        "/service_at_locations/{id}": f"/api/service_at_locations/{sal_id}",
        "/taxonomies": "/api/taxonomies",
        "/taxonomies/{id}": f"/api/taxonomies/{taxonomy_id}",
        "/taxonomy_terms": "/api/taxonomy_terms",
        "/taxonomy_terms/{id}": f"/api/taxonomy_terms/{term_id}",
    }
    assert set(urls) == set(SPEC["paths"])
    for path, url in urls.items():
        validate(path, get(client, url))
    root = get(client, "/api/")
    assert root["version"] == "3.0" and root["profile"].startswith("https://")
    assert get(client, "/api/openapi.json")["paths"].keys() == SPEC["paths"].keys()
    assert get(client, f"/api/services/{record['id']}")["cost_options"][0]["currency"] == "GBP"
    sal = get(client, f"/api/service_at_locations/{sal_id}")
    assert sal["id"] == sal_id and sal["service"]["id"] == record["id"]
    assert sal["location"]["addresses"][1]["address_type"] == "physical"


def test_the_services_query_parameters(client, catalogue):
    def found(**params) -> list[str]:
        body = get(client, "/api/services", **params)
        validate("/services", body)
        return names(body)

    everything = found()
    assert len(everything) == 4
    assert found(search="music") == ["Music makers"]
    assert found(text="music") == ["Music makers"]  # our earlier name for it, kept
    assert found(minimum_age="2") == ["Music makers"]
    assert found(maximum_age="2") == ["Our own group"]
    assert "Music makers" in found(maximum_age="4")
    assert found(age="1") == sorted(n for n in everything if n != "Music makers")
    speech = catalogue[0]["attributes"][0]["taxonomy_term_id"]
    assert len(found(taxonomy_term_id=speech)) == 3
    semh = oruk.need_term_id(oruk.NEEDS_TAXONOMY, "semh")
    assert found(taxonomy_term_id=semh) == ["Our own group"]
    assert found(taxonomy_id=semh) == ["Our own group"]  # a term's id, as before
    needs = next(t["id"] for t in oruk.own_taxonomies() if t["name"] == oruk.NEEDS_TAXONOMY)
    assert found(taxonomy_id=needs) == ["Our own group"]
    esd = catalogue[0]["attributes"][0]["taxonomy_term"]["taxonomy_id"]
    assert len(found(taxonomy_id=esd)) == 3
    assert found(day="SA") == ["Music makers"]
    assert found(day="saturday") == ["Music makers"]
    assert found(start_time="12:00") == ["Music makers"]
    assert "Music makers" not in found(end_time="12:00")
    assert found(search="nothing like this") == []


def test_pagination_follows_the_envelope(client, catalogue):
    first = get(client, "/api/services", per_page="3")
    second = get(client, "/api/services", per_page="3", page="2")
    assert (first["total_items"], first["total_pages"], first["size"]) == (4, 2, 3)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    assert set(names(first)).isdisjoint(names(second))
    past = get(client, "/api/services", page="9")
    assert past["empty"] and past["contents"] == []
    terms = get(client, "/api/taxonomy_terms", per_page="5", page="3")
    assert terms["total_items"] == len(oruk.own_terms()) + 2  # ours, then speech and play
    assert terms["size"] == terms["total_items"] - 10
    validate("/taxonomy_terms", terms)


def test_service_at_locations_near_a_postcode(client, catalogue):
    body = get(client, "/api/service_at_locations", postcode="WM1 3AB", proximity="20000")
    validate("/service_at_locations", body)
    near = names(body)
    assert catalogue[2]["name"] not in near and len(near) == 2
    # Without proximity: the services whose areas cover the postcode, however far away.
    areas = get(client, "/api/service_at_locations", postcode="WM1 1AB")
    assert catalogue[2]["name"] in names(areas)


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/api/services", {"colour": "red"}, "Unknown query parameter: colour"),
        ("/api/services", {"minimal": "true"}, "Unknown query parameter: minimal"),
        ("/api/services", {"minimum_age": "1e308"}, "minimum_age must be a number of years"),
        ("/api/services", {"maximum_age": "NaN"}, "maximum_age must be a number of years"),
        ("/api/services", {"minimum_age": "-1"}, "minimum_age must be a number of years"),
        ("/api/services", {"taxonomy_term_id": "x"}, "taxonomy_term_id must be a UUID"),
        ("/api/services", {"day": "Caturday"}, "day must be a day of the week"),
        ("/api/services", {"start_time": "9am"}, "start_time must be a time"),
        ("/api/services", {"page": "0"}, "page must be a whole number"),
        ("/api/services", {"per_page": "1000"}, "per_page must be a whole number from 1 to 100"),
        ("/api/services", {"search": "a\x00b"}, "search must not contain control characters"),
        ("/api/service_at_locations", {"postcode": "ZZ9 9ZZ"}, "ZZ9 9ZZ is not a postcode"),
        ("/api/service_at_locations", {"proximity": "100"}, "proximity needs a postcode"),
        (
            "/api/service_at_locations",
            {"postcode": "WM1 1AB", "proximity": "far"},
            "proximity must be a distance in metres",
        ),
        ("/api/taxonomies", {"search": "x"}, "Unknown query parameter: search"),
        ("/api/", {"page": "1"}, "Unknown query parameter: page"),
    ],
)
def test_bad_parameters_get_a_400_that_says_why(client, places, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


@pytest.mark.parametrize(
    "url",
    ["/api/services/", "/api/service_at_locations/", "/api/taxonomies/", "/api/taxonomy_terms/"],
)
def test_unknown_ids_are_404(client, places, url):
    assert client.get(f"{url}{uuid.uuid4()}").status_code == 404
    assert client.get(f"{url}not-an-id").status_code == 404


def test_drafts_are_not_published_anywhere(client, catalogue):
    page = ServicePage.objects.get(oruk_id=catalogue[0]["id"])
    page.unpublish()
    sal_id = catalogue[0]["service_at_locations"][0]["id"]
    assert client.get(f"/api/service_at_locations/{sal_id}").status_code == 404
    assert catalogue[0]["name"] not in names(get(client, "/api/services"))
    assert catalogue[0]["name"] not in names(get(client, "/api/service_at_locations"))


@pytest.mark.parametrize(
    "url",
    ["/api/services", "/api/service_at_locations", "/api/taxonomy_terms", "/api/taxonomies"],
)
def test_a_page_costs_the_same_queries_however_many_records(client, places, url):
    def queries(count: int, start: int) -> int:
        records = [full_record(n) for n in range(start, start + count)]
        assert services.import_oruk({"contents": records}).saved
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"per_page": "50"}).status_code == 200
        return len(context.captured_queries)

    assert queries(2, 100) == queries(8, 200)


def test_ids_of_records_are_kept_not_made_again(client, catalogue):
    body = get(client, f"/api/services/{catalogue[0]['id']}")
    assert body["service_at_locations"][0]["id"] == uid("sal", 1)
    assert body["contacts"][0]["phones"][1]["id"] == uid("phone-2", 1)
