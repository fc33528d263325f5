"""Large imports and local notes in a real browser (issue 25): a local offer moderator imports
a large file on the worker and follows its progress page (axe); adds the council's note to a
service from another publisher's feed, and the note is still there after the next pull."""

from __future__ import annotations

import json
import logging

import pytest
from playwright.sync_api import expect

from cms import feeds, services
from cms.models import Feed, ServicePage
from earlyyears.models import Role
from tests.browser.test_imports import signed_in
from tests.browser.test_local_offer_feeds import reload_until
from tests.cms.helpers import Places
from tests.cms.oruk_records import full_record
from tests.cms.test_feeds import Publisher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Our family hub runs a free taster session for this group each term."


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which a strict Content-Security-Policy blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def moderator(settings):
    for name in ("django_tasks", "wagtail"):
        logging.getLogger(name).setLevel(logging.WARNING)
    settings.LOCAL_OFFER_IMPORT_CHUNK = 3
    settings.LOCAL_OFFER_IMPORT_ON_WORKER_BYTES = 1000
    settings.LOCAL_OFFER_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    Places()
    _, moderators = services.ensure_local_offer_groups(services.ensure_local_offer_index())
    user = UserFactory(role=Role.PROFESSIONAL, username="moderator")
    user.groups.add(moderators)
    return user


def test_a_large_import_shows_its_progress(
    page, live_server, assert_accessible, moderator, celery_eager, tmp_path
):
    feed = tmp_path / "neighbours.json"
    feed.write_text(json.dumps([full_record(n) for n in range(500, 507)]))
    signed_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/admin/local-offer/import/")
    page.get_by_label("Open Referral UK JSON").check()
    page.get_by_label("File").set_input_files(str(feed))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("too large to check while you wait")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check and import the file").click()
    expect(page.get_by_role("heading", name="neighbours.json")).to_be_visible()
    assert_accessible(page)
    reload_until(page, "7 records imported")
    expect(page.get_by_text("7 new, 0 updated, 0 unchanged")).to_be_visible()
    assert_accessible(page)
    assert ServicePage.objects.published().count() == 7


def test_a_local_note_survives_the_next_pull(page, live_server, assert_accessible, moderator):
    publisher = Publisher([full_record(n) for n in range(600, 602)])
    try:
        feed = Feed.objects.create(name="Eastshire council", url=publisher.url)
        feeds.pull(feed)
        service = ServicePage.objects.get(oruk_id=publisher.records[0]["id"])
        signed_in(page, live_server, moderator)
        page.goto(f"{live_server.url}/admin/local-offer/services/{service.pk}/local-note/")
        expect(page.get_by_text("comes from Eastshire council's feed")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Note from the council").fill(NOTE)
        page.get_by_role("button", name="Save the note").click()
        expect(page.get_by_text(f"The note on {service.title} is saved.")).to_be_visible()

        publisher.records[0]["name"] = "Chatterbox speech group (new times)"
        run = feeds.pull(feed)
        assert run.status == "imported", run.errors
        page.goto(f"{live_server.url}{ServicePage.objects.get(pk=service.pk).url}")
        expect(
            page.get_by_role("heading", name="Chatterbox speech group (new times)")
        ).to_be_visible()
        expect(page.get_by_text(NOTE)).to_be_visible()
        expect(page.get_by_role("heading", name="Note from the council")).to_be_visible()
        assert_accessible(page)
    finally:
        publisher.stop()
