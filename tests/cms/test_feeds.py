"""Feeds from other publishers (issue 25): pulled from a real HTTP server on this machine
serving an Open Referral UK API from fixture records, through the hardened importer."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from cms import feeds, services, tasks
from cms.models import Feed, FeedRun, ServicePage
from earlyyears.models import Role
from tests.factories import UserFactory

from .oruk_records import full_record

pytestmark = pytest.mark.django_db


class Publisher:
    """Another publisher's ORUK API: /services in pages, /services/{id} in full."""

    def __init__(self, records: list[dict]) -> None:
        self.records = records
        self.requests: list[str] = []
        self.slow = False
        self.huge = False
        self.redirect_to = ""
        publisher = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's name
                publisher.requests.append(self.path)
                parts = urlsplit(self.path)
                if publisher.slow:
                    time.sleep(2)
                if publisher.redirect_to and parts.path.endswith("/services"):
                    self.send_response(302)
                    self.send_header("Location", publisher.redirect_to)
                    self.end_headers()
                    return
                if parts.path == "/api/services":
                    query = parse_qs(parts.query)
                    page, size = int(query["page"][0]), int(query["per_page"][0])
                    items = publisher.records[(page - 1) * size : page * size]
                    pages = -(-len(publisher.records) // size)
                    body = {
                        "total_items": len(publisher.records),
                        "total_pages": pages,
                        "page_number": page,
                        "size": len(items),
                        "first_page": page == 1,
                        "last_page": page >= pages,
                        "empty": not items,
                        "contents": [{"id": r["id"], "name": r["name"]} for r in items],
                    }
                elif parts.path.startswith("/api/services/"):
                    wanted = parts.path.rsplit("/", 1)[-1]
                    body = next((r for r in publisher.records if r["id"] == wanted), None)
                    if body is None:
                        self.send_response(404)
                        self.end_headers()
                        return
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                if publisher.huge:
                    data = data + b" " * 5000
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # The importer may have given up waiting (the timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def publisher(places, settings):
    settings.LOCAL_OFFER_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Publisher([full_record(n) for n in range(300, 305)])
    yield server
    server.stop()


@pytest.fixture
def feed(publisher) -> Feed:
    return Feed.objects.create(name="Eastshire council", url=publisher.url, per_page=2)


def test_a_pull_pages_through_the_feed_and_keeps_the_publishers_ids(feed, publisher):
    run = feeds.pull(feed)
    assert run.status == FeedRun.Status.IMPORTED, run.errors
    assert (run.pages, run.records, run.created, run.updated, run.held) == (3, 5, 5, 0, 0)
    ids = {r["id"] for r in publisher.records}
    pages = ServicePage.objects.filter(feed=feed)
    assert {str(p.oruk_id) for p in pages} == ids
    assert sum(1 for path in publisher.requests if "page=" in path) == 3
    again = feeds.pull(feed)
    assert (again.created, again.updated, again.held) == (0, 5, 0)
    assert ServicePage.objects.count() == 5
    assert again.gone == []
    ended = publisher.records.pop(2)
    third = feeds.pull(feed)
    assert third.gone == [{"id": ended["id"], "name": ended["name"]}]
    assert ServicePage.objects.get(oruk_id=ended["id"]).live  # an editor decides


def test_a_service_changed_here_is_held_until_an_editor_approves(
    feed, publisher, django_user_model
):
    feeds.pull(feed)
    page = ServicePage.objects.get(oruk_id=publisher.records[0]["id"])
    page.title = "Our better name"
    page.save()
    publisher.records[0]["name"] = "Their new name"
    run = feeds.pull(feed)
    assert (run.updated, run.held) == (4, 1)
    assert ServicePage.objects.get(pk=page.pk).title == "Our better name"
    assert [r["name"] for r in run.held_records] == ["Their new name"]
    editor = django_user_model.objects.create(username="moderator")
    _, moderators = services.ensure_local_offer_groups(services.ensure_local_offer_index())
    editor.groups.add(moderators)
    assert feeds.approve_held(run, editor).saved
    assert ServicePage.objects.get(pk=page.pk).title == "Their new name"
    run.refresh_from_db()
    assert run.held_records == [] and run.approved_by == editor


def test_a_feed_service_hidden_here_is_not_published_again_by_a_pull(feed, publisher):
    feeds.pull(feed)
    hidden = ServicePage.objects.get(oruk_id=publisher.records[1]["id"])
    hidden.unpublish()
    run = feeds.pull(feed)
    assert run.held == 1 and [r["id"] for r in run.held_records] == [publisher.records[1]["id"]]
    assert not ServicePage.objects.get(pk=hidden.pk).live


def test_a_feed_reviewed_first_holds_everything_until_approved(feed, publisher):
    feed.review_first = True
    feed.save()
    run = feeds.pull(feed)
    assert (run.status, run.held, run.created) == (FeedRun.Status.IMPORTED, 5, 0)
    assert not ServicePage.objects.exists()
    report = feeds.approve_held(run, None)
    assert report.saved and ServicePage.objects.filter(feed=feed).count() == 5


def test_a_hostile_record_fails_the_run_with_its_reason_and_saves_nothing(feed, publisher):
    publisher.records[3]["url"] = "javascript:alert(1)"
    run = feeds.pull(feed)
    assert run.status == FeedRun.Status.FAILED
    assert any("url: must be a web address" in e for e in run.errors)
    assert not ServicePage.objects.exists()


def test_guards_on_the_request(feed, publisher, settings):
    settings.LOCAL_OFFER_FEED_TIMEOUT_SECONDS = 0.5
    publisher.slow = True
    run = feeds.pull(feed)
    assert run.status == FeedRun.Status.FAILED and "could not be read" in run.errors[0]
    publisher.slow = False
    settings.LOCAL_OFFER_IMPORT_MAX_BYTES = 2000
    publisher.huge = True
    run = feeds.pull(feed)
    assert run.status == FeedRun.Status.FAILED and "sent more than" in run.errors[0]
    assert not ServicePage.objects.exists()


def test_redirects_are_checked_again(feed, publisher):
    publisher.redirect_to = "http://169.254.169.254/latest/meta-data"
    run = feeds.pull(feed)
    assert run.status == FeedRun.Status.FAILED
    assert "169.254.169.254" in run.errors[0] and "not an https address" in run.errors[0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://directory.example.org/api", "not an https address"),
        ("https://127.0.0.1/api", "private or local address"),
        ("https://10.1.2.3/api", "private or local address"),
        ("https://[::1]/api", "private or local address"),
    ],
)
def test_addresses_we_must_not_fetch_are_refused(places, url, message):
    with pytest.raises(feeds.FeedError, match=message):
        feeds.check_url(url)


def test_the_task_and_the_command_pull(feed, publisher, capsys, celery_eager):
    run_id = tasks.pull_feed.delay(feed.pk).get()
    assert FeedRun.objects.get(pk=run_id).created == 5
    call_command("pull_oruk_feed", "Eastshire council")
    assert "0 new, 5 updated" in capsys.readouterr().out
    publisher.records[0]["minimum_age"] = float("nan")
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("pull_oruk_feed")


def test_moderators_run_feeds_in_wagtails_admin_and_editors_cannot(
    client, feed, publisher, celery_eager, django_capture_on_commit_callbacks
):
    editors, moderators = services.ensure_local_offer_groups(services.ensure_local_offer_index())
    editor = UserFactory(role=Role.PROFESSIONAL)
    editor.groups.add(editors)
    client.force_login(editor)
    for url in ("/admin/local-offer/feeds/", f"/admin/local-offer/feeds/{feed.pk}/pull/"):
        refused = client.post(url) if url.endswith("pull/") else client.get(url)
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
    moderator = UserFactory(role=Role.PROFESSIONAL)
    moderator.groups.add(moderators)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/local-offer/feeds/{feed.pk}/pull/").status_code == 302
    page = client.get("/admin/local-offer/feeds/").content.decode()
    assert "Eastshire council" in page and "Imported" in page
    assert ServicePage.objects.filter(feed=feed).count() == 5
