"""Uploads: the stored extension and the served content type come from what the file is, never
from the name the uploader gave it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from earlyyears.models import Role
from pathway.models import Observation
from pathway.services import record_observation

from ..factories import UserFactory

PNG_THEN_HTML = b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def observation_data(**extra):
    return {
        "eyfs_area": "communication_language",
        "observed_on_day": "12",
        "observed_on_month": "3",
        "observed_on_year": "2026",
        "what_was_seen": "Pointed at the ball.",
        **extra,
    }


def upload(client, world, name: str, content: bytes, content_type: str = "text/html"):
    client.force_login(world.practitioner_a)
    return client.post(
        reverse("add-observation", args=[world.child_a.pk]),
        observation_data(attachment=SimpleUploadedFile(name, content, content_type=content_type)),
    )


def download(client, observation):
    response = client.get(reverse("observation-attachment", args=[observation.pk]))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("evil.html", PNG_THEN_HTML, "png", "image/png"),
        ("photo", JPEG, "jpg", "image/jpeg"),
        ("report.svg", PDF, "pdf", "application/pdf"),
        ("holiday.JPG.exe", JPEG, "jpg", "image/jpeg"),
    ],
)
def test_an_attachment_is_stored_and_served_as_what_it_is(
    client, world, name, content, extension, content_type
):
    assert upload(client, world, name, content).status_code == 302
    observation = Observation.objects.get()
    assert observation.attachment.name.endswith(f".{extension}")
    assert observation.attachment_name.endswith(f".{extension}")
    response = download(client, observation)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.endswith(f'.{extension}"')
    assert b"".join(response.streaming_content) == content


def test_an_unrecognised_file_is_refused_whatever_its_name(client, world):
    response = upload(client, world, "photo.png", b"<html><script></script></html>", "image/png")
    assert response.status_code == 200
    assert "must be a JPG, PNG or PDF" in response.content.decode()
    assert not Observation.objects.exists()


def test_the_service_checks_the_file_itself(world):
    """A caller that skips the form cannot store a file of a type we do not accept."""
    data = {
        "eyfs_area": "communication_language",
        "observed_on": "2026-03-12",
        "what_was_seen": "x",
        "attachment": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>"),
    }
    with pytest.raises(ValidationError):
        record_observation(world.practitioner_a, world.child_a, data)
    assert not Observation.objects.exists()


def test_a_file_stored_under_its_uploaders_name_is_served_by_its_content(client, world):
    """Files stored before the check kept the uploader's extension: they are served by content,
    and anything unrecognised as a plain download."""
    for name, content, content_type in (
        ("old.html", PNG_THEN_HTML, "image/png"),
        ("older.html", b"<html>hello</html>", "application/octet-stream"),
    ):
        observation = Observation(
            child=world.child_a,
            setting=world.setting_a,
            eyfs_area="communication_language",
            observed_on="2026-03-12",
            what_was_seen="x",
            observer=world.practitioner_a,
            attachment_name=name,
        )
        observation.attachment.save(name, ContentFile(content), save=True)
        client.force_login(world.practitioner_a)
        response = download(client, observation)
        assert response["Content-Type"] == content_type
        assert ".html" not in response["Content-Disposition"]


# Wagtail's documents and images: served by the project at /documents/ and as renditions.


@pytest.fixture
def editor(client, db):
    user = UserFactory(role=Role.ADMIN, username="editor", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def add_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Leaflet",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("leaflet.pdf", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"  <!DOCTYPE html><script>alert(1)</script>"),
        ("sheet.xlsx", b"<svg onload=alert(1)>"),
        ("letter.rtf", PNG_THEN_HTML),
    ],
)
def test_a_document_whose_content_is_not_its_extension_is_refused(client, editor, name, content):
    response = add_document(client, name, content)
    assert response.status_code == 200
    assert "not what its name says" in response.content.decode()
    assert not get_document_model().objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("leaflet.pdf", PDF, "application/pdf"),
        ("notes.txt", b"Opening times: 9 to 5", "text/plain"),
    ],
)
def test_a_real_document_is_kept_and_served_as_its_type(
    client, editor, settings, tmp_path, name, content, content_type
):
    settings.MEDIA_ROOT = tmp_path
    response = add_document(client, name, content)
    assert response.status_code == 302
    document = get_document_model().objects.get()
    served = client.get(document.url)
    assert served["Content-Type"].startswith(content_type)
    assert served["X-Content-Type-Options"] == "nosniff"


def test_an_image_whose_content_is_not_an_image_is_refused(client, editor):
    """Wagtail's image form already reads the file: a PNG header followed by HTML is not kept."""
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Poster",
            "file": SimpleUploadedFile("poster.png", PNG_THEN_HTML),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200
    assert not get_image_model().objects.exists()
