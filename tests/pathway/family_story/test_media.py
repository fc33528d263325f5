"""The photo or video's type comes from its bytes: every accepted type, and the ones refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pathway.family_story import media

from .conftest import HEIC_BYTES, JPEG_BYTES, MOV_BYTES, MP4_BYTES, PNG_BYTES, WEBM_BYTES, upload


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (JPEG_BYTES, media.JPEG),
        (PNG_BYTES, media.PNG),
        (HEIC_BYTES, media.HEIC),
        (MP4_BYTES, media.MP4),
        (MOV_BYTES, media.MOV),
        (WEBM_BYTES, media.WEBM),
        (b"\x00\x00\x00\x08moov" + b"\x00" * 20, media.MOV),
    ],
)
def test_each_accepted_type_is_known_from_its_bytes(content, expected):
    assert media.detect(content) == expected
    assert media.check(upload("anything.txt", content, "text/plain")) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"#!/bin/sh\nrm -rf ~\n",  # a "video" that is really a script
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n",
        b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska" + b"\x00" * 20,  # Matroska, not WebM
        b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif",  # AVIF, not HEIC
        b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00",  # audio
        b"GIF89a",
    ],
)
def test_anything_else_is_refused_whatever_it_is_called(content):
    with pytest.raises(ValidationError) as refused:
        media.check(upload("clip.mp4", content))
    assert refused.value.code == "file_type"
    assert "photo (JPG, PNG or HEIC) or a video (MP4, MOV or WebM)" in refused.value.messages[0]


def test_too_big_is_refused_with_the_limit_in_words(settings):
    settings.HOME_OBSERVATION_MAX_BYTES = 2 * 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        media.check(upload("big.mp4", MP4_BYTES + b"\x00" * (2 * 1024 * 1024)))
    assert refused.value.code == "too_big"
    assert refused.value.messages == ["The photo or video must be smaller than 2 MB"]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        media.check(upload("empty.jpg", b""))
