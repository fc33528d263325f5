"""Large Open Referral UK imports through the staging area (issue 25, `cms.staging`): checked
and built a chunk at a time, nothing live until the swap, progress saved as it goes, and a
failure part way leaving the live directory exactly as it was. Through real Celery (eager in
the embedded default; the worker-marked test uses a real worker when a broker is set)."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.urls import reverse

from cms import services, staging, tasks
from cms.models import Organisation, ServiceImport, ServicePage
from cms.staging_models import StagedImport, StagedRecord
from earlyyears.models import Role
from tests.factories import UserFactory

from .oruk_records import full_record


def _feed(count: int, start: int = 1) -> list[dict]:
    return [full_record(n) for n in range(start, start + count)]


def _upload(records: list[dict], user=None) -> ServiceImport:
    return ServiceImport.objects.create(
        format="json", filename="big.json", content=json.dumps(records), created_by=user
    )


def _ids(records: list[dict]) -> list[str]:
    return [record["id"] for record in records]


@pytest.fixture
def small_chunks(settings):
    settings.LOCAL_OFFER_IMPORT_CHUNK = 4
    settings.LOCAL_OFFER_IMPORT_ON_WORKER_BYTES = 1000


@pytest.fixture
def refuse_page_named():
    """A real failure part way: the database refuses to insert a page with this title (a
    trigger), as a full disk or a lost connection would refuse a chunk."""
    made = []

    def refuse(title: str) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION refuse_page() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.title = '{title}' THEN RAISE EXCEPTION 'the disk is full'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    "CREATE TRIGGER refuse_page BEFORE INSERT ON wagtailcore_page "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_page()"
                )
            else:
                cursor.execute(
                    "CREATE TRIGGER refuse_page BEFORE INSERT ON wagtailcore_page "
                    f"WHEN NEW.title = '{title}' BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
                )
        made.append(title)

    yield refuse
    if made:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER refuse_page ON wagtailcore_page"
                if connection.vendor == "postgresql"
                else "DROP TRIGGER refuse_page"
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION refuse_page()")


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_staged_then_swapped_in_with_progress_saved_as_it_goes(
    places, small_chunks
):
    services.import_oruk({"contents": [full_record(99)]})  # a service already live
    records = _feed(10)
    staged = StagedImport.objects.create(service_import=_upload(records))
    seen = []

    def on_chunk(progress: StagedImport) -> None:
        saved = StagedImport.objects.get(pk=progress.pk)  # what the editor's page reads
        live = ServicePage.objects.published().filter(oruk_id__in=_ids(records)).count()
        seen.append((saved.status, saved.checked, saved.imported, saved.total, live))
        # Between chunks no transaction is open: editors keep changing other services.
        assert not connection.in_atomic_block
        other = ServicePage.objects.get(oruk_id=full_record(99)["id"])
        other.alert = f"Changed by an editor during chunk {len(seen)}"
        other.save_revision().publish()

    staged = staging.run(staged.pk, on_chunk=on_chunk)

    assert staged.status == "done" and staged.errors == []
    assert seen == [
        ("checking", 4, 0, 10, 0),
        ("checking", 8, 0, 10, 0),
        ("checking", 10, 0, 10, 0),
        ("building", 10, 4, 10, 0),
        ("building", 10, 8, 10, 0),
        ("building", 10, 10, 10, 0),
    ]
    assert ServicePage.objects.published().filter(oruk_id__in=_ids(records)).count() == 10
    assert (staged.created, staged.updated, staged.imported) == (10, 0, 10)
    assert not StagedRecord.objects.exists()  # the staging area is emptied by the swap
    other = ServicePage.objects.get(oruk_id=full_record(99)["id"])
    assert other.alert == "Changed by an editor during chunk 6"
    assert ServiceImport.objects.get(pk=staged.service_import_id).imported_at is not None
    # The same file again changes nothing; a changed record updates its service.
    records[2]["name"] = "Chatterbox speech group renamed"
    again = StagedImport.objects.create(service_import=_upload(records))
    again = staging.run(again.pk)
    assert (again.status, again.created, again.updated, again.unchanged) == ("done", 0, 1, 9)
    assert ServicePage.objects.get(oruk_id=records[2]["id"]).title == records[2]["name"]


@pytest.mark.django_db(transaction=True)
def test_a_failure_part_way_leaves_the_live_directory_unchanged(
    places, small_chunks, refuse_page_named
):
    services.import_oruk({"contents": [full_record(99)]})
    before = sorted(ServicePage.objects.values_list("pk", "title", "live"))
    organisations = Organisation.objects.count()
    records = _feed(10)
    records[6]["name"] = "Break here"  # in the second chunk: the first is built by then
    refuse_page_named("Break here")
    staged = StagedImport.objects.create(service_import=_upload(records))
    built = []

    def on_chunk(progress: StagedImport) -> None:
        if progress.status == "building":
            built.append(ServicePage.objects.filter(oruk_id__in=_ids(records)).count())

    staged = staging.run(staged.pk, on_chunk=on_chunk)

    assert built == [4]  # the first chunk was built (not live) before the failure
    assert staged.status == "failed"
    assert "nothing from it was saved" in staged.errors[0]
    assert "the disk is full" in staged.errors[0]
    assert sorted(ServicePage.objects.values_list("pk", "title", "live")) == before
    assert Organisation.objects.count() == organisations  # those it created, removed
    assert not StagedRecord.objects.exists()


@pytest.mark.django_db
def test_a_wrong_record_means_nothing_is_staged_and_every_error_is_listed(places, small_chunks):
    records = _feed(9)
    records[6]["url"] = "javascript:alert(1)"
    records[8]["minimum_age"] = 1e308
    staged = staging.run(StagedImport.objects.create(service_import=_upload(records)).pk)
    assert staged.status == "failed" and staged.checked == 9
    assert staged.errors[0].startswith("Record 7 (Chatterbox speech group 7): url:")
    assert staged.errors[1].startswith("Record 9 (Chatterbox speech group 9): minimum_age:")
    assert not StagedRecord.objects.exists()
    assert not ServicePage.objects.filter(oruk_id__in=_ids(records)).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("celery_eager")
def test_an_editor_imports_a_large_file_on_the_worker_and_follows_its_progress(
    client, places, small_chunks, django_capture_on_commit_callbacks
):
    admin = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(admin)
    records = _feed(6)
    upload = io.BytesIO(json.dumps(records).encode())
    upload.name = "neighbours.json"
    uploaded = client.post(reverse("cms_import"), {"format": "json", "file": upload})
    preview = client.get(uploaded["Location"])
    assert "too large to check while you wait" in preview.content.decode()
    assert not ServicePage.objects.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        started = client.post(uploaded["Location"])
    staged = StagedImport.objects.get()
    assert started["Location"] == reverse("cms_import_progress", args=[staged.pk])
    waiting = client.get(started["Location"]).content.decode()
    assert "Waiting for the import to start" in waiting
    assert "Refresh to see its progress" in waiting

    for callback in callbacks:  # the commit: queued on Celery (eager here), run at once
        callback()
    done = client.get(started["Location"]).content.decode()
    assert "6 records imported" in done and "6 new, 0 updated, 0 unchanged" in done
    assert "Refresh to see its progress" not in done
    assert ServicePage.objects.published().count() == 6
    # The same upload cannot be imported twice.
    assert client.get(uploaded["Location"]).status_code == 404


@pytest.mark.django_db
def test_only_local_offer_publishers_see_an_imports_progress(client, places):
    staged = StagedImport.objects.create(total=5)
    editor = UserFactory(role=Role.PROFESSIONAL)
    editor.groups.add(services.ensure_local_offer_groups(places.index)[0])
    client.force_login(editor)
    refused = client.get(reverse("cms_import_progress", args=[staged.pk]))
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_staged_import(places, small_chunks):
    if django_settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no broker configured (embedded default): set CELERY_BROKER_URL")
    from celery.contrib.testing.worker import start_worker

    from earlyyears.celery import app

    app._pool = None
    app.amqp._producer_pool = None
    staged = StagedImport.objects.create(service_import=_upload(_feed(5)))
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        with transaction.atomic():
            result = tasks.run_staged_import.delay(staged.pk)
        assert result.get(timeout=120) == "done"
    assert ServicePage.objects.published().count() == 5


@pytest.mark.django_db
def test_a_large_feed_pull_goes_through_the_staging_area_and_holds_services_changed_here(
    places, small_chunks, settings
):
    from cms import feeds
    from cms.models import Feed

    from .test_feeds import Publisher

    settings.LOCAL_OFFER_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.LOCAL_OFFER_FEED_STAGED_FROM_RECORDS = 3
    publisher = Publisher([full_record(n) for n in range(300, 306)])
    try:
        feed = Feed.objects.create(name="Eastshire council", url=publisher.url, per_page=4)
        run = feeds.pull(feed)
        assert run.status == "imported", run.errors
        assert (run.records, run.created, run.updated, run.held) == (6, 6, 0, 0)
        assert run.staged.get().status == "done"
        assert ServicePage.objects.filter(feed=feed).count() == 6
        changed_here = ServicePage.objects.get(oruk_id=publisher.records[0]["id"])
        changed_here.title = "Our better name"
        changed_here.save()
        publisher.records[0]["name"] = "Their new name"
        publisher.records[1]["name"] = "Their other new name"
        again = feeds.pull(feed)
        assert (again.created, again.updated, again.held) == (0, 1, 1)
        assert [r["name"] for r in again.held_records] == ["Their new name"]
        assert ServicePage.objects.get(pk=changed_here.pk).title == "Our better name"
        assert ServicePage.objects.get(oruk_id=publisher.records[1]["id"]).title == (
            "Their other new name"
        )
    finally:
        publisher.stop()
