"""The services' own search vector (PostgreSQL, issue 18): it finds what Wagtail's index finds,
in the same order, and stays up to date when a service, its organisation or a taxonomy term
changes. Elsewhere the directory searches Wagtail's index as before."""

from __future__ import annotations

import pytest
from django.db import connection

from cms import models as cms_models
from cms.models import Organisation, ServicePage, TaxonomyTerm

from .helpers import make_service
from .test_directory import directory, titles  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

QUERIES = [
    "textures",
    "portage",
    "group",
    "play",
    "Chatterbox",  # the organisation
    "Northdale",  # a location's town
    "sensory",  # a need's label
    "communication interaction",
    "home visits",
    "visiting",  # stemmed like Wagtail's
    "nothing matches this",
    "the",  # a stop word only
    "!!!",
]


def through_wagtail(monkeypatch, text: str) -> list[int]:
    with monkeypatch.context() as patch:
        patch.setattr(cms_models, "_own_vector", lambda: False)
        return ServicePage.objects.published().search_ids(text)


def test_the_own_vector_finds_what_wagtails_index_finds(monkeypatch, directory):  # noqa: F811
    for text in QUERIES:
        assert ServicePage.objects.published().search_ids(text) == through_wagtail(
            monkeypatch, text
        ), text


def test_the_directory_search_gives_the_same_pages_either_way(
    client,
    monkeypatch,
    directory,  # noqa: F811
):
    for text in QUERIES:
        params = {"q": text, "postcode": "WM1 2AB", "distance": "20"}
        ours = titles(client.get("/local-offer/", {"q": text}))
        ours_near = titles(client.get("/local-offer/", params))
        with monkeypatch.context() as patch:
            patch.setattr(cms_models, "_own_vector", lambda: False)
            assert titles(client.get("/local-offer/", {"q": text})) == ours, text
            assert titles(client.get("/local-offer/", params)) == ours_near, text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the vector is PostgreSQL's")
def test_the_vector_follows_changes(places):
    page = make_service(places, "Chatter group", area=places.wards[0], point=(-2.55, 52.95))
    published = ServicePage.objects.published()
    assert published.search_ids("Chatterbox") == [page.pk]
    organisation = Organisation.objects.get(name="Chatterbox Charity")
    organisation.name = "Wordplay Trust"
    organisation.save()
    assert published.search_ids("Wordplay") == [page.pk]
    assert published.search_ids("Chatterbox") == []
    term = TaxonomyTerm.objects.create(name="Hydrotherapy", taxonomy="esdServiceTypes")
    page.taxonomy_terms.add(term)
    page.save()
    assert published.search_ids("hydrotherapy") == [page.pk]
    term.name = "Aquatherapy"
    term.save()
    assert published.search_ids("aquatherapy") == [page.pk]
    page.title = "Talking tots"
    page.save_revision().publish()
    assert published.search_ids("tots") == [page.pk]
    assert published.search_ids("Chatter") == []
