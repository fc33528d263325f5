"""The public directory: search, filters, distance, errors for bad input, and queries per page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import ServicePage

from .helpers import make_service

pytestmark = pytest.mark.django_db


def titles_in(html: str) -> list[str]:
    pattern = r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]*">([^<]*)</a>'
    return re.findall(pattern, html)


def titles(response) -> list[str]:
    return titles_in(response.content.decode())


def errors(response) -> list[str]:
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"', 1)
    if len(summary) < 2:
        return []
    return re.findall(r'<li><a href="#[^"]*">([^<]*)</a></li>', summary[1].split("</div>")[0])


@pytest.fixture
def directory(places):
    ward1, ward2, ward3, _ = places.wards
    make_service(places, "Chatter group", area=ward1, point=(-2.55, 52.95))
    make_service(
        places,
        "Sensory play",
        area=ward3,
        needs=("sensory_physical",),
        free=False,
        ages=(0, 24),
        description="Lights, textures and music.",
        point=(-2.55, 52.65),
    )
    make_service(
        places,
        "Portage home visiting",
        area=places.north,
        needs=("communication_interaction", "cognition_learning"),
        description="Home visits through play.",
    )
    make_service(
        places,
        "County advice line",
        area=places.county,
        needs=("semh",),
        ages=(0, 300),
        description="Impartial advice by phone.",
    )
    make_service(places, "Closed club", area=ward2, status="defunct")
    return places


def test_the_directory_lists_published_services_without_signing_in(client, directory):
    response = client.get("/local-offer/")
    assert response.status_code == 200
    assert titles(response) == [
        "Chatter group",
        "County advice line",
        "Portage home visiting",
        "Sensory play",
    ]
    assert "Closed club" not in response.content.decode()


def test_the_index_page_url_serves_the_same_directory(client, directory):
    assert directory.index.url == "/local-offer/"
    response = client.get(directory.index.url)
    assert "Search the local offer" in response.content.decode()


def test_the_index_page_builds_the_directory_itself(rf, directory):
    """What the admin's preview renders: the page's own context, with no view in between."""
    request = rf.get("/local-offer/", {"need": "sensory_physical"})
    context = directory.index.specific.get_context(request)
    assert context["page"] == context["index"] == directory.index.specific
    assert [hit.service.title for hit in context["hits"]] == ["Sensory play"]
    assert context["paginator"].count == 1
    html = directory.index.specific.serve(request).render().content.decode()
    assert titles_in(html) == ["Sensory play"]


def test_the_directory_works_before_an_editor_makes_the_index_page(client, places):
    make_service(places, "Chatter group", area=places.wards[0])
    places.index.unpublish()
    response = client.get("/local-offer/")
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Local offer</h1>' in response.content.decode()
    assert titles(response) == ["Chatter group"]


def test_full_text_search_matches_names_and_descriptions(client, directory):
    assert titles(client.get("/local-offer/", {"q": "textures"})) == ["Sensory play"]
    assert titles(client.get("/local-offer/", {"q": "portage"})) == ["Portage home visiting"]
    assert titles(client.get("/local-offer/", {"q": "nothing matches this"})) == []


def test_filters_by_need_age_cost_and_area(client, directory):
    assert titles(client.get("/local-offer/", {"need": "sensory_physical"})) == ["Sensory play"]
    assert titles(client.get("/local-offer/", {"need": ["semh", "sensory_physical"]})) == [
        "County advice line",
        "Sensory play",
    ]
    # A 3 year old (36-47 months) is too old for a 0-24 month group.
    assert "Sensory play" not in titles(client.get("/local-offer/", {"age": "3"}))
    assert "Sensory play" in titles(client.get("/local-offer/", {"age": "1"}))
    assert "Sensory play" not in titles(client.get("/local-offer/", {"cost": "free"}))


def test_the_area_filter_includes_areas_above_and_inside(client, directory):
    ward1 = directory.wards[0]
    # Ward 1: its own service, its district's and the county's.
    assert titles(client.get("/local-offer/", {"area": ward1.code})) == [
        "Chatter group",
        "County advice line",
        "Portage home visiting",
    ]
    # The south district: the ward inside it and the county above it.
    assert titles(client.get("/local-offer/", {"area": directory.south.code})) == [
        "County advice line",
        "Sensory play",
    ]


def test_distance_from_a_postcode_orders_nearest_first(client, directory):
    response = client.get("/local-offer/", {"postcode": "wm1 1xy", "distance": "20"})
    html = response.content.decode()
    assert titles(response)[0] == "Chatter group"
    assert "near WM1 1XY" in html
    assert "miles away" in html
    # Services with no location count when they cover the postcode's area (they visit you).
    assert "Portage home visiting" in titles(response)
    assert "Covers your area" in html
    # Sensory play is in the south, about 20 miles away: not within 1 mile.
    near = titles(client.get("/local-offer/", {"postcode": "WM1", "distance": "1"}))
    assert "Sensory play" not in near


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postcode": "not a postcode"}, "Enter a real postcode, like WM1 2AB"),
        ({"postcode": "SW1A 1AA"}, "We do not have SW1A 1AA on our map"),
        ({"page": "abc"}, "Enter a page number as a whole number, like 2"),
        ({"page": "-1"}, "Enter a page number as a whole number, like 2"),
        ({"page": "50"}, "There is only 1 page of results"),
        ({"need": "telepathy"}, "Select areas of need from the list"),
        ({"age": "99"}, "Select the child&#x27;s age from the list"),
        ({"area": "XX-99"}, "Select an area from the list"),
        ({"cost": "cheap"}, "Select free only, or free or paid"),
        ({"distance": "7"}, "Select a distance from the list"),
        ({"q": "x" * 300}, "Search words must be 200 characters or fewer"),
    ],
)
def test_bad_input_gives_a_govuk_error_not_a_500(client, directory, params, message):
    response = client.get("/local-offer/", params)
    assert response.status_code == 200
    assert any(error.startswith(message) for error in errors(response)), errors(response)
    assert "<title>Error: " in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=%22%27%3B--",
        "q=AND+OR+NOT",
        "q=*",
        "q=(",
        "postcode=%E2%80%8B",
        "page=1e9",
        "page=%D9%A3",
        "need=&age=&area=&cost=",
        "q=speech&q=play",
    ],
)
def test_strange_queries_never_fail(client, directory, query):
    assert client.get(f"/local-offer/?{query}").status_code == 200


def test_drafts_and_private_services_are_not_listed(client, directory):
    draft = ServicePage.objects.get(title="Chatter group")
    draft.unpublish()
    private = ServicePage.objects.get(title="Sensory play")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret-words"
    )
    listed = titles(client.get("/local-offer/"))
    assert "Chatter group" not in listed
    assert "Sensory play" not in listed


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/local-offer/",
        "/local-offer/?q=group",
        "/local-offer/?postcode=WM1&distance=20&need=semh",
        "/local-offer/?area=WM-N&age=2&cost=free",
        "/api/services",
        "/api/services?text=group",
    ],
)
def test_queries_per_page_do_not_grow_with_the_number_of_services(client, places, url):
    ward = places.wards[0]
    for n in range(3):
        make_service(places, f"Group {n}", area=ward, needs=("semh",), point=(-2.55, 52.95))
    _queries(client, url)  # warm: a postcode's place or the area choices kept after a first look
    small = _queries(client, url)
    for n in range(3, 30):
        make_service(places, f"Group {n}", area=ward, needs=("semh",), point=(-2.55, 52.95))
    assert _queries(client, url) == small


def test_a_service_page_shows_contact_details_address_and_a_map_fallback(client, directory):
    service = ServicePage.objects.get(title="Chatter group")
    html = client.get(service.url).content.decode()
    assert "Chatterbox Charity" in html
    assert "0113 496 0001" in html
    assert "12 Mill Road" in html and "WM1 2AB" in html
    assert "Tuesdays, 10am to 11am" in html
    assert "Step-free access." in html
    # Without JavaScript: the address and a link to a map; the figure (the map and its
    # caption) is hidden until the module script has drawn the map.
    assert "https://www.openstreetmap.org/?mlat=52.95&amp;mlon=-2.55#map=16/52.95/-2.55" in html
    assert "on a map (OpenStreetMap, opens in new tab)" in html
    assert '<figure class="app-map-figure" id="service-map-figure" hidden>' in html
    assert 'id="service-map-description"' in html
    assert "shown inside the boundary of Ward 1" in html
    assert 'id="service-map-data" type="application/json"' in html
    assert 'type="module" src="/static/cms/service-map.js"' in html
    assert "<script>" not in html  # no inline script


def test_a_service_with_no_location_says_it_comes_to_you(client, directory):
    service = ServicePage.objects.get(title="Portage home visiting")
    html = client.get(service.url).content.decode()
    assert "This service comes to you at home" in html
    assert "service-map.js" not in html


def test_past_many_services_the_directory_counts_no_further_and_says_more_than(
    client, places, monkeypatch
):
    """The count stops at `MANY` (1,000) or just past the page asked for; the page says "More
    than" and leaves out the number of pages, and the next page is still linked."""
    from cms import models as cms_models
    from cms.directory import DirectoryPaginator

    monkeypatch.setattr(DirectoryPaginator, "MANY", 3)
    monkeypatch.setattr(cms_models, "PER_PAGE", 2)
    for n in range(6):
        make_service(places, f"Group {n}", area=places.county)

    first = client.get("/local-offer/").content.decode()
    assert "More than 3 services found" in first
    assert re.search(r"Page 1\s*</p>", first)
    assert 'rel="next"' in first
    assert titles_in(first) == ["Group 0", "Group 1"]

    second = client.get("/local-offer/?page=2").content.decode()
    assert "More than 3 services found" in second
    assert titles_in(second) == ["Group 2", "Group 3"]
    assert 'rel="next"' in second

    # Counting to the end of page 3 reaches every service: the count is exact again.
    last = client.get("/local-offer/?page=3").content.decode()
    assert "6 services found" in last
    assert "Page 3 of 3" in last
    assert titles_in(last) == ["Group 4", "Group 5"]
    assert 'rel="next"' not in last

    past = client.get("/local-offer/", {"page": "4"})
    assert any(e.startswith("There are only 3 pages of results") for e in errors(past))


def test_under_many_services_the_directory_says_exactly_how_many(client, directory):
    html = client.get("/local-offer/").content.decode()
    assert "4 services found" in html
    assert "More than" not in html


def test_the_area_filter_keeps_the_chosen_area_selected(client, directory):
    ward = directory.wards[0]
    html = client.get("/local-offer/", {"area": ward.code}).content.decode()
    select = html.split('name="area"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{ward.code}" selected>' in select
    assert select.count(" selected") == 1
    assert 'class="govuk-select"' in html.split('name="area"', 1)[1].split(">", 1)[0]
    assert 'id="id_area"' in html.split('name="area"', 1)[1].split(">", 1)[0]
