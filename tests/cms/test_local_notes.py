"""A service from another publisher's feed belongs to the feed; the council's local note on it
is kept apart (`cms.local_notes`): the next pull leaves it alone, the public page shows it as
the council's note, and the Open Referral UK API does not present it as the publisher's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms import local_notes, services, staging
from cms.models import Feed, ServicePage
from cms.staging_models import LocalNote, StagedImport
from earlyyears.models import Role
from tests.factories import UserFactory

from .oruk_records import full_record

pytestmark = pytest.mark.django_db

NOTE = "Our family hub runs a free taster session for this group each term."


@pytest.fixture
def feed_service(places) -> ServicePage:
    feed = Feed.objects.create(name="Eastmoor Council", url="https://eastmoor.example.org/api")
    services.import_oruk({"contents": [full_record(1)]})
    ServicePage.objects.update(feed=feed)
    return ServicePage.objects.get()


def test_a_local_note_survives_the_next_pull_and_shows_as_the_councils(client, feed_service):
    moderator = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(moderator)
    url = reverse("cms_local_note", args=[feed_service.pk])
    form = client.get(url).content.decode()
    assert "comes from Eastmoor Council's feed" in form
    saved = client.post(url, {"text": NOTE})
    assert saved.status_code == 302

    changed = full_record(1) | {"name": "Chatterbox speech group (new times)"}
    services.import_oruk({"contents": [changed]})  # a pull, through the feeds' importer
    staged = StagedImport.objects.create()
    staging.import_records(staged, [changed | {"alert": "Closed in August"}])  # a large one
    service = ServicePage.objects.get()
    assert service.title == "Chatterbox speech group (new times)"
    assert service.alert == "Closed in August"
    assert service.local_note.text == NOTE

    client.logout()
    page = client.get(service.url).content.decode()
    assert "Note from the council" in page and NOTE in page
    api = client.get(reverse("api-service", args=[str(service.oruk_id)])).content.decode()
    assert "taster session" not in api  # the publisher's data only


def test_an_empty_note_removes_it(feed_service):
    local_notes.save_note(feed_service, NOTE)
    local_notes.save_note(feed_service, "   ")
    assert not LocalNote.objects.exists()


def test_only_local_offer_publishers_write_local_notes(client, feed_service, places):
    editor = UserFactory(role=Role.PROFESSIONAL)
    editor.groups.add(services.ensure_local_offer_groups(places.index)[0])
    client.force_login(editor)
    refused = client.post(reverse("cms_local_note", args=[feed_service.pk]), {"text": NOTE})
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert not LocalNote.objects.exists()
