"""Files people upload: the type is read from the file's first bytes, and the stored name, the
download name and the content type it is served with all come from that type. The uploader's
file name and their browser's claim are never trusted: `photo.html` holding a PNG is stored and
served as a PNG, and a file we cannot recognise is refused."""

from __future__ import annotations

import posixpath
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from . import storage

HEAD_BYTES = 2048


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    magic: bytes


JPEG = FileType("image/jpeg", "jpg", b"\xff\xd8\xff")
PNG = FileType("image/png", "png", b"\x89PNG\r\n\x1a\n")
PDF = FileType("application/pdf", "pdf", b"%PDF-")
PHOTOS_AND_DOCUMENTS = (JPEG, PNG, PDF)
UNKNOWN = FileType("application/octet-stream", "bin", b"")


def detect(head: bytes, allowed: tuple[FileType, ...] = PHOTOS_AND_DOCUMENTS) -> FileType | None:
    """The file's type from its first bytes, if it is one we accept."""
    for file_type in allowed:
        if head.startswith(file_type.magic):
            return file_type
    return None


def _head(file: File) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(position)
    return head


def check_upload(
    upload: File,
    *,
    max_bytes: int,
    allowed: tuple[FileType, ...] = PHOTOS_AND_DOCUMENTS,
    size_words: str = "10 MB",
    type_words: str = "a JPG, PNG or PDF",
) -> FileType:
    """The upload's detected type; a ValidationError in plain words if it is too big or is not
    a type we accept."""
    if upload.size > max_bytes:
        raise ValidationError(f"The selected file must be smaller than {size_words}", "too_big")
    file_type = detect(_head(upload), allowed)
    if file_type is None:
        raise ValidationError(f"The selected file must be {type_words}", "file_type")
    return file_type


def stored_name(file_type: FileType) -> str:
    """A name for storage that says nothing the uploader chose."""
    return f"{uuid.uuid4().hex}.{file_type.extension}"


def download_name(original: str, file_type: FileType) -> str:
    """The uploader's name without its extension (people recognise it), with the detected
    type's extension, in characters safe in a header."""
    stem = re.split(r"[\\/]", original or "")[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^A-Za-z0-9 _()-]+", "-", stem).strip(" -.")[:100] or "attachment"
    return f"{stem}.{file_type.extension}"


def stored_type(field_file: FieldFile, allowed=PHOTOS_AND_DOCUMENTS) -> FileType:
    """What a stored file really is, read again from storage (files stored before this check
    existed may have kept the uploader's extension)."""
    with field_file.storage.open(field_file.name, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    return detect(head, allowed) or UNKNOWN


def serve(field_file: FieldFile, name: str, allowed=PHOTOS_AND_DOCUMENTS) -> FileResponse:
    """A stored upload as a download, typed by its content, never shown in the page, never
    cached. Called only after the access layer has found the record: the file is streamed
    through this process from whichever store holds it (the local disk or the object store's
    private bucket), which gives it no URL of its own."""
    handle = field_file.storage.open(field_file.name, "rb")
    try:
        file_type = detect(handle.read(HEAD_BYTES), allowed) or UNKNOWN
        handle.seek(0)
    except Exception:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(name, file_type),
        content_type=file_type.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Images editors publish (Wagtail's images and their renditions) are public by nature: served
# from the default store (the disk or the object store) at MEDIA_URL in every mode, DEBUG or
# not. Nothing else of the default store (Wagtail's documents go through Wagtail's own view) and
# nothing of the private store.
PUBLIC_IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
}


@require_safe
def public_media(request: HttpRequest, name: str) -> FileResponse:
    """A Wagtail image or rendition from the `default` store, or 404."""
    clean = posixpath.normpath(name).lstrip("/")
    extension = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if (
        clean != name
        or ".." in clean.split("/")
        or not storage.is_public_image(clean)
        or extension not in PUBLIC_IMAGE_TYPES
    ):
        raise Http404
    try:
        handle = default_storage.open(clean, "rb")
    except (FileNotFoundError, SuspiciousFileOperation, ValueError) as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=PUBLIC_IMAGE_TYPES[extension])
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Documents editors publish (Wagtail's documents): the extension must match the content, so the
# type Wagtail serves a document with (read from the extension) is the type it really is.
ZIP = b"PK\x03\x04"
DOCUMENT_MAGIC = {
    "pdf": (PDF.magic,),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "pptx": (ZIP,),
    "odt": (ZIP,),
    "rtf": (b"{\\rtf",),
}
TEXT_EXTENSIONS = ("csv", "txt")
MARKUP_STARTS = ("<", "\ufeff<")


def document_matches_extension(name: str, head: bytes) -> bool:
    """Does the file's content match the extension in its name? Text must be text, not markup
    a browser would run."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in DOCUMENT_MAGIC:
        return head.startswith(DOCUMENT_MAGIC[extension])
    if extension in TEXT_EXTENSIONS:
        if b"\x00" in head:
            return False
        text = head.decode("utf-8", errors="ignore").lstrip()
        return not text.startswith(MARKUP_STARTS)
    return False
