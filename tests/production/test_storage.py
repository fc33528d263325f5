"""Every file through Django's storage API, on the local disk (the embedded default) and in an
S3-compatible object store (a local emulator, moto's server mode): child files in the private
store, encrypted, never readable without credentials, streamed only to those the access layer
lets see the child; Wagtail's images (at the service's own URL) and documents served in both
modes, nothing in the store readable without credentials; import files in the
shared private store; retention deletes a child's files from the store."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from dataprotection import retention
from earlyyears.storage import ImportTemporaryStorage, PrivateFileSystemStorage
from pathway.models import Observation
from tests.factories import ChildFactory

from .storage_emulator import Store, use_object_store

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% a leaflet for families\n"
DISK, OBJECT_STORE = "local disk", "object store"


@pytest.fixture(autouse=True)
def _no_renditions_of_other_tests():
    """Wagtail caches renditions by image id, which a rolled-back test hands to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _root_collection(db):
    """Wagtail's images and documents go in a collection: its root, made by Wagtail's migration,
    is gone after a transactional test's flush."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture
def object_store(settings, tmp_path) -> Store:
    settings.MEDIA_ROOT = tmp_path / "media"
    return use_object_store(settings)


@pytest.fixture(params=[DISK, OBJECT_STORE])
def files(request, settings, tmp_path) -> Store | None:
    """Each test of both modes: None on the local disk, else the store's buckets."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == OBJECT_STORE:
        return use_object_store(settings)
    return None


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def picture(width: int = 60, height: int = 40) -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (width, height), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def observation_form() -> dict:
    today = timezone.localdate()
    return {
        "eyfs_area": "communication_language",
        "observed_on_day": str(today.day),
        "observed_on_month": str(today.month),
        "observed_on_year": str(today.year),
        "what_was_seen": "Pointed at the ball",
    }


def upload_observation(client, user, child) -> Observation:
    client.force_login(user)
    response = client.post(
        reverse("add-observation", args=[child.pk]),
        {**observation_form(), "attachment": SimpleUploadedFile("photo.png", PNG)},
    )
    assert response.status_code == 302, response.content[:2000]
    return Observation.objects.get(child=child)


def test_an_observation_file_is_private_encrypted_and_streamed_only_to_its_setting(
    client, world, object_store
):
    observation = upload_observation(client, world.practitioner_a, world.child_a)
    key = object_store.private_key(observation.attachment.name)
    s3 = object_store.client

    # In the private bucket, encrypted, readable by the service's credentials only.
    head = s3.head_object(Bucket=object_store.private_bucket, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    grants = s3.get_object_acl(Bucket=object_store.private_bucket, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone
    assert "URI" not in grants[0]["Grantee"]  # not AllUsers or AuthenticatedUsers
    assert object_store.anonymous_get(object_store.private_bucket, key) == 403
    assert s3.list_objects_v2(Bucket=object_store.public_bucket)["KeyCount"] == 0
    with pytest.raises(ValueError, match="no URL"):
        observation.attachment.url  # noqa: B018

    # Streamed through the access layer to the child's setting...
    url = reverse("observation-attachment", args=[observation.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Amz" not in response.get("Location", "")  # streamed, not a redirect

    # ...and to nobody else.
    client.force_login(world.practitioner_b)
    assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in


def test_retention_deletes_the_file_from_the_store(
    world, object_store, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    old = ChildFactory(setting=world.setting_a, date_of_birth=today - datetime.timedelta(2600))
    observation = Observation.objects.create(
        child=old,
        setting=world.setting_a,
        eyfs_area="communication_language",
        observed_on=today,
        what_was_seen="Pointed at the ball",
        observer=world.practitioner_a,
    )
    observation.attachment.save("photo.png", ContentFile(PNG))
    key = object_store.private_key(observation.attachment.name)
    object_store.client.head_object(Bucket=object_store.private_bucket, Key=key)

    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention()

    assert not Observation.objects.filter(pk=observation.pk).exists()
    with pytest.raises(ClientError) as gone:
        object_store.client.head_object(Bucket=object_store.private_bucket, Key=key)
    assert gone.value.response["Error"]["Code"] == "404"


def test_a_wagtail_image_and_its_rendition_are_served(files, settings):
    settings.DEBUG = False
    image = get_image_model().objects.create(
        title="The play area", file=ImageFile(io.BytesIO(picture()), name="play-area.png")
    )
    rendition = image.get_rendition("max-30x30")
    assert (rendition.width, rendition.height) == (30, 20)

    # Served at the service's own media URL in both modes (the Content-Security-Policy allows
    # images from 'self' alone), to anyone.
    anonymous = Client()
    for url in (rendition.url, image.file.url):
        assert url.startswith(settings.MEDIA_URL), url
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "public, max-age=3600"
        assert body(response).startswith(b"\x89PNG")

    if files is not None:
        # In the store: encrypted at rest, and not readable there without credentials.
        for name in (rendition.file.name, image.file.name):
            head = files.client.head_object(Bucket=files.public_bucket, Key=name)
            assert head["ServerSideEncryption"] == "AES256"
            assert files.anonymous_get(files.public_bucket, name) == 403


def test_a_wagtail_document_is_served_through_wagtails_view_only(files, settings):
    document = get_document_model().objects.create(
        title="Leaflet", file=ContentFile(PDF, name="leaflet.pdf")
    )
    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    response = Client().get(document.url)
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"

    if files is None:
        # The media URL serves images only: a document is reached through Wagtail's view.
        assert Client().get(settings.MEDIA_URL + document.file.name).status_code == 404
    else:
        head = files.client.head_object(Bucket=files.public_bucket, Key=document.file.name)
        assert head["ServerSideEncryption"] == "AES256"
        assert files.anonymous_get(files.public_bucket, document.file.name) == 403


def test_the_media_url_serves_images_and_nothing_else(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    for folder, name, content in (
        ("media/images", "ok.png", PNG),
        ("media/images", "page.html", b"<script>alert(1)</script>"),
        ("media/documents", "leaflet.pdf", PDF),
        ("private_media/observations/1", "photo.png", PNG),
    ):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / name).write_bytes(content)
    anonymous = Client()
    ok = anonymous.get("/media/images/ok.png")
    assert ok.status_code == 200 and ok["X-Content-Type-Options"] == "nosniff"
    for url in (
        "/media/images/page.html",
        "/media/images/missing.png",
        "/media/documents/leaflet.pdf",
        "/media/observations/1/photo.png",
        "/media/images/../documents/leaflet.pdf",
        "/media/images/%2e%2e/%2e%2e/private_media/observations/1/photo.png",
        "/media/images//ok.png",
    ):
        assert anonymous.get(url).status_code == 404, url
    assert anonymous.post("/media/images/ok.png").status_code == 405


def test_an_import_preview_keeps_its_file_in_the_shared_private_store(files, settings):
    """django-import-export's admin keeps the file between the preview and the confirmation,
    which another web process may serve: in the private store, never a local temporary file.
    (The service's own imports keep theirs in the database: ImportJob.content.)"""
    assert import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS) is ImportTemporaryStorage
    content = b"URN,Name\r\nEY123456,Acorns\r\n"
    preview = ImportTemporaryStorage(encoding="utf-8", read_mode="r")
    preview.save(content)
    name = f"imports/{preview.name}"
    if files is None:
        assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes() == content
    else:
        key = files.private_key(name)
        head = files.client.head_object(Bucket=files.private_bucket, Key=key)
        assert head["ServerSideEncryption"] == "AES256"
        assert files.anonymous_get(files.private_bucket, key) == 403

    # The confirmation, knowing only the name (as a form field carries it to any process).
    confirm = ImportTemporaryStorage(name=preview.name, encoding="utf-8", read_mode="r")
    assert confirm.read() == content
    confirm.remove()
    with pytest.raises(FileNotFoundError):
        ImportTemporaryStorage(name=preview.name).read()


def test_the_private_store_on_the_local_disk_gives_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    store = PrivateFileSystemStorage()
    name = store.save("observations/1/photo.png", ContentFile(PNG))
    assert Path(store.path(name)).is_relative_to(tmp_path / "private")
    with pytest.raises(ValueError, match="no URL"):
        store.url(name)


def test_the_environment_switches_every_alias_to_the_store():
    """settings.py itself, in a process of its own: AWS_STORAGE_BUCKET_NAME and the rest."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "PYTEST_", "DJANGO_"))
    }
    env.update(
        AWS_STORAGE_BUCKET_NAME="council-public",
        AWS_PRIVATE_STORAGE_BUCKET_NAME="council-children",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_S3_REGION_NAME="eu-west-2",
        DJANGO_SETTINGS_MODULE="earlyyears.settings",
        EARLYYEARS_TESTING="",
    )
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; "
        "p = storages['private']; d = storages['default']; "
        "print(json.dumps({'default': settings.STORAGES['default']['BACKEND'], "
        "'private': settings.STORAGES['private']['BACKEND'], "
        "'private_bucket': p.bucket_name, 'private_location': p.location, "
        "'private_acl': p.default_acl, 'default_bucket': d.bucket_name, "
        "'default_acl': d.default_acl, 'overwrite': d.file_overwrite, "
        "'sse': d.get_object_parameters('documents/a.pdf'), "
        "'image': d.get_object_parameters('images/a.png'), 'image_url': d.url('images/a.png'), "
        "'docs': settings.WAGTAILDOCS_SERVE_METHOD}))"
    )
    result = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "default": "earlyyears.objectstore.PublicS3Storage",
        "private": "earlyyears.objectstore.PrivateS3Storage",
        "private_bucket": "council-children",
        "private_location": "private",
        "private_acl": "private",
        "default_bucket": "council-public",
        "default_acl": None,
        "overwrite": False,
        "sse": {"ServerSideEncryption": "AES256"},
        "image": {"ServerSideEncryption": "AES256"},
        "image_url": "/media/images/a.png",
        "docs": "serve_view",
    }
