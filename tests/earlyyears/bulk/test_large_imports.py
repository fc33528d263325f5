"""Files of IMPORT_ASYNC_ROWS rows or more are checked and applied by a Celery task (eager in
tests), the file kept in the database, with progress on a page that refreshes itself."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse

from earlyyears.bulk import services as imports
from earlyyears.models import ImportJob, Setting

HEAD = "URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code\n"


def settings_csv(count: int, start: int = 100000) -> bytes:
    rows = [
        f"EY{start + n},Nursery {n},Day nursery,{n} High Street,Westmoor,WM1 1AA,W01"
        for n in range(count)
    ]
    return (HEAD + "\n".join(rows) + "\n").encode()


def test_a_large_file_goes_to_a_worker_with_progress(
    sign_in, data_officer, areas, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_ROWS = 50
    client = sign_in(data_officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("admin:earlyyears_setting_import"),
            {"file": SimpleUploadedFile("big.csv", settings_csv(60))},
        )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED and bytes(job.content).startswith(b"URN")
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress id="import-progress" max="60" value="0">' in page
    assert len(queued) == 1
    queued[0]()  # the worker (eager) checks the file
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and job.rows_done == 60
    assert job.report["new"] == 60 and not Setting.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "http-equiv" not in page and "Apply all valid rows" in page

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(response["Location"], {"mode": "valid_rows"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING
    assert "<progress" in client.get(response["Location"]).content.decode()
    queued[0]()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED and Setting.objects.count() == 60


def test_ten_thousand_rows_through_the_task(
    data_officer, areas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.start_import(data_officer, "settings", "register.csv", settings_csv(10_000))
    job.refresh_from_db()
    assert job.rows_total == 10_000 and job.status == ImportJob.Status.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        imports.request_apply(job, ImportJob.Mode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED, job.applied_report
    assert Setting.objects.count() == 10_000


def test_progress_is_reported_as_rows_go(data_officer, areas, monkeypatch):
    seen = []
    monkeypatch.setattr(imports.Progress, "write", lambda self, done: seen.append(done))
    imports.start_import(data_officer, "settings", "s.csv", settings_csv(450))
    assert seen == sorted(seen) and seen[-1] == 450 and len(seen) >= 4


@pytest.mark.django_db(transaction=True)
def test_progress_outside_a_transaction_is_written(data_officer):
    job = ImportJob.objects.create(
        resource="settings",
        created_by=data_officer,
        file_name="x.csv",
        file_format="csv",
        content=b"URN\n",
        rows_total=10,
    )
    imports.Progress(job.pk, 10).write(7)
    job.refresh_from_db()
    assert job.rows_done == 7 and job.percent_done == 70


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite has one writer at a time")
def test_progress_inside_the_import_transaction_uses_another_connection(data_officer, db):
    job = ImportJob.objects.create(
        resource="settings",
        created_by=data_officer,
        file_name="x.csv",
        file_format="csv",
        content=b"URN\n",
        rows_total=10,
    )
    progress = imports.Progress(job.pk, 10)
    with transaction.atomic():
        progress.write(5)  # must not fail or block, whatever the other connection can see
    progress.close()


def test_a_worker_that_finds_the_job_done_does_nothing(data_officer, areas):
    job = imports.start_import(data_officer, "settings", "s.csv", settings_csv(3))
    imports.request_apply(job, ImportJob.Mode.VALID_ROWS)
    assert imports.apply_job(job.pk) is None
    assert imports.preview_job(job.pk) is None
    assert Setting.objects.count() == 3
