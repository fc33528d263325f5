"""Photos and short videos a family adds to a home observation: the type is read from the
file's own bytes (never its name or the browser's claim), as earlyyears.uploads does for
documents. JPEG and PNG start with a fixed signature; HEIC, MP4 and MOV are ISO media files
whose `ftyp` box names a brand; WebM is an EBML file whose document type is "webm". A script
or a page renamed `clip.mp4` has none of these and is refused."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from earlyyears.uploads import UNKNOWN, download_name

HEAD_BYTES = 4096
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
HEIF_GENERIC_BRANDS = {b"mif1", b"msf1"}
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6",
    b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"mmp4",
}  # fmt: skip
MOV_BRANDS = {b"qt  "}
# Old QuickTime files may open with one of these boxes instead of `ftyp`.
MOV_FIRST_BOXES = {b"moov", b"mdat", b"wide"}


@dataclass(frozen=True)
class MediaType:
    content_type: str
    extension: str
    kind: str  # "photo" or "video"
    shown_in_page: bool  # a browser shows it in an <img> or <video>; HEIC is downloaded


JPEG = MediaType("image/jpeg", "jpg", "photo", True)
PNG = MediaType("image/png", "png", "photo", True)
HEIC = MediaType("image/heic", "heic", "photo", False)
MP4 = MediaType("video/mp4", "mp4", "video", True)
MOV = MediaType("video/quicktime", "mov", "video", True)
WEBM = MediaType("video/webm", "webm", "video", True)
TYPES = (JPEG, PNG, HEIC, MP4, MOV, WEBM)
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES}


def _compatible_brands(head: bytes) -> set[bytes]:
    size = int.from_bytes(head[0:4], "big")
    end = min(max(size, 16), len(head))
    return {head[i : i + 4] for i in range(16, end - 3, 4)}


def detect(head: bytes) -> MediaType | None:
    """The media type from the first bytes of the file, or None if it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: WebM names its document type near the start; other Matroska files are refused.
        return WEBM if b"\x42\x82\x84webm" in head[:64] else None
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIC_BRANDS:
            return HEIC
        if brand in HEIF_GENERIC_BRANDS and _compatible_brands(head) & HEIC_BRANDS:
            return HEIC
        if brand in MOV_BRANDS:
            return MOV
        if brand in MP4_BRANDS:
            return MP4
        return None
    if len(head) >= 8 and head[4:8] in MOV_FIRST_BOXES:
        return MOV
    return None


def max_bytes() -> int:
    return int(getattr(settings, "HOME_OBSERVATION_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_words(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def read_head(file: File) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(position)
    return head


def check(upload: File) -> MediaType:
    """The upload's type, or a ValidationError in plain words (too big, or not a photo or
    video we accept)."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The photo or video must be smaller than %(size)s") % {"size": size_words(limit)},
            "too_big",
        )
    if upload.size == 0:
        raise ValidationError(_("The selected file is empty"), "empty")
    found = detect(read_head(upload))
    if found is None:
        raise ValidationError(
            _("The file must be a photo (JPG, PNG or HEIC) or a video (MP4, MOV or WebM)"),
            "file_type",
        )
    return found


def stored_type(field_file: FieldFile) -> MediaType | None:
    with field_file.storage.open(field_file.name, "rb") as handle:
        return detect(handle.read(HEAD_BYTES))


def stream(field_file: FieldFile, name: str) -> FileResponse:
    """The stored photo or video, streamed through this process from the private store (it has
    no URL of its own), typed by its content again, never cached. A type a browser shows is
    sent inline for the page's <img> or <video>; anything else as a download."""
    handle = field_file.storage.open(field_file.name, "rb")
    try:
        found = detect(handle.read(HEAD_BYTES))
        handle.seek(0)
    except Exception:
        handle.close()
        raise
    content_type = found.content_type if found else "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=not (found and found.shown_in_page),
        filename=_name(name, found),
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _name(original: str, found: MediaType | None) -> str:
    return download_name(original or "home-observation", found or UNKNOWN)
