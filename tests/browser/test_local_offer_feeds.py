"""Feeds from other publishers in a real browser (issue 25): a local offer moderator registers a
feed, pulls it, sees a service changed here held back, and approves the publisher's update;
our feeds page passes axe."""

from __future__ import annotations

import logging
import time

import pytest
from playwright.sync_api import expect

from cms import services
from cms.models import ServicePage
from earlyyears.models import Role
from tests.browser.test_imports import signed_in
from tests.cms.helpers import Places
from tests.cms.oruk_records import full_record
from tests.cms.test_feeds import Publisher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def reload_until(page, text: str) -> None:
    """The pull runs after the response that asked for it: look again until it has finished.
    (The caller waits for the page its button led to first: reloading while that navigation
    is still under way detaches the page.)"""
    for _ in range(40):
        page.reload(wait_until="load")
        if text in page.content():
            return
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared on {page.url}")


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which a strict Content-Security-Policy blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def publisher(settings):
    for name in ("django_tasks", "wagtail"):
        logging.getLogger(name).setLevel(logging.WARNING)
    settings.LOCAL_OFFER_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    Places()
    server = Publisher([full_record(n) for n in range(400, 403)])
    yield server
    server.stop()


def test_a_moderator_registers_a_feed_pulls_it_and_approves_a_held_update(
    page, live_server, assert_accessible, publisher, celery_eager
):
    _, moderators = services.ensure_local_offer_groups(services.ensure_local_offer_index())
    moderator = UserFactory(role=Role.PROFESSIONAL, username="moderator")
    moderator.groups.add(moderators)
    signed_in(page, live_server, moderator)

    page.goto(f"{live_server.url}/admin/local-offer/feeds/")
    expect(page.get_by_role("heading", name="Feeds from other publishers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a feed").click()
    page.get_by_role("textbox", name="Name").fill("Eastshire council")
    page.get_by_role("textbox", name="API address").fill(publisher.url)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    page.goto(f"{live_server.url}/admin/local-offer/feeds/")
    with page.expect_navigation():
        page.get_by_role("button", name="Pull Eastshire council now").click()
    reload_until(page, "Imported")
    runs = page.get_by_role("table", name="Recent pulls of Eastshire council")
    expect(runs).to_contain_text("Imported")
    assert ServicePage.objects.count() == 3

    changed = ServicePage.objects.get(oruk_id=publisher.records[0]["id"])
    changed.title = "Our name for it"
    changed.save()
    publisher.records[0]["name"] = "Their new name"
    with page.expect_navigation():
        page.get_by_role("button", name="Pull Eastshire council now").click()
    reload_until(page, "Their new name")
    assert_accessible(page)
    assert ServicePage.objects.get(pk=changed.pk).title == "Our name for it"
    page.get_by_role("button", name="Approve and overwrite the changes made here").click()
    expect(page.get_by_text("Applied 1 held updates from Eastshire council.")).to_be_visible()
    assert ServicePage.objects.get(pk=changed.pk).title == "Their new name"
