"""Uploads are checked by type and size, kept outside MEDIA_ROOT and never given a URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from earlyyears.storage import PrivateFileSystemStorage
from pathway.forms import ObservationForm
from pathway.models import Observation

from .conftest import PNG


def form_data() -> dict:
    return {
        "eyfs_area": "communication_language",
        "observed_on_day": "1",
        "observed_on_month": "3",
        "observed_on_year": "2026",
        "what_was_seen": "Pointed at the ball",
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"<script>alert(1)</script>"),  # a fake extension
        ("photo.jpg", b"MZ\x90\x00 an executable"),
        ("report.pdf", b"%PD not quite a PDF"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, content):
    form = ObservationForm(form_data(), {"attachment": SimpleUploadedFile(name, content)})
    assert not form.is_valid()
    assert form.errors["attachment"] == ["The selected file must be a JPG, PNG or PDF"]


def test_a_file_over_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    upload = SimpleUploadedFile("photo.png", PNG + b"\x00" * 200)
    form = ObservationForm(form_data(), {"attachment": upload})
    assert not form.is_valid()
    assert "smaller than" in form.errors["attachment"][0]


def test_a_stored_upload_is_outside_media_root_and_has_no_url(client, world, settings):
    client.force_login(world.practitioner_a)
    response = client.post(
        reverse("add-observation", args=[world.child_a.pk]),
        {**form_data(), "attachment": SimpleUploadedFile("photo.png", PNG)},
    )
    assert response.status_code == 302
    observation = Observation.objects.get()
    stored = Path(observation.attachment.path).resolve()
    assert stored.is_file()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in stored.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in stored.parents
    assert isinstance(observation.attachment.storage, PrivateFileSystemStorage)
    with pytest.raises(ValueError, match="no URL"):
        observation.attachment.url  # noqa: B018

    # No URL pattern serves the file by its name, under media or anywhere else.
    for url in (
        settings.MEDIA_URL + observation.attachment.name,
        "/" + observation.attachment.name,
        "/private_media/" + observation.attachment.name,
    ):
        try:
            match = resolve(url)
        except Resolver404:
            continue
        assert match.url_name != "observation-attachment"
        assert client.get(url).status_code == 404, url
    # It is reached only through the access layer, by the observation's id.
    client.force_login(world.practitioner_b)
    assert client.get(reverse("observation-attachment", args=[observation.pk])).status_code == 404
