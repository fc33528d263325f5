"""Where files live: every file goes through Django's storage API, under one of two aliases.

- `default`: what is public by nature, Wagtail's images (the local offer's and the training's
  pictures, and their renditions), and Wagtail's documents, which Wagtail's own view streams
  after its privacy checks (WAGTAILDOCS_SERVE_METHOD = "serve_view"), so they need no URL.
- `private`: child files (observation photos and documents) and import files. They never get a
  URL: they are streamed through the access layer (`earlyyears.uploads.serve`).

The embedded default keeps both on the local disk (MEDIA_ROOT and PRIVATE_MEDIA_ROOT, the
second never served by any URL). With AWS_STORAGE_BUCKET_NAME set (settings.py), both go to an
S3-compatible object store (`earlyyears.objectstore`): server-side encryption is asked for on
every object, no object is readable without credentials, and child files sit in their own
bucket or under their own prefix. In both modes `earlyyears.uploads.public_media` serves the
images (and nothing else) at MEDIA_URL, DEBUG or not.

Generated PDFs (the early help pack, "All about me", training certificates) and exports are
made for each request and streamed; none is written anywhere.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from import_export.tmp_storages import MediaStorage

PRIVATE_ALIAS = "private"
# What Wagtail writes for images: the originals and their renditions. Nothing else in the
# default store is served by `public_media`.
PUBLIC_IMAGE_PREFIXES = ("original_images/", "images/")
NO_URL = "Private files have no URL: stream them through the access layer"


def is_public_image(name: str) -> bool:
    return name.lstrip("/").startswith(PUBLIC_IMAGE_PREFIXES)


class PrivateFileSystemStorage(FileSystemStorage):
    """Private files on the local disk, outside MEDIA_ROOT, with no URL.

    The location is read from PRIVATE_MEDIA_ROOT each time, so it follows the setting."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(NO_URL)


class PrivateStorage(LazyObject):
    """The `private` alias, looked up when first used and again after STORAGES changes (tests
    switch between the disk and the object store). Model fields take this, so a migration
    never names a backend."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_ALIAS]


private_storage = PrivateStorage()


def private() -> Storage:
    """For `FileField(storage=...)`: the `private` alias."""
    return private_storage


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


class ImportTemporaryStorage(MediaStorage):
    """IMPORT_EXPORT_TMP_STORAGE_CLASS. django-import-export's admin imports keep the uploaded
    file between the preview and the confirmation, which may reach another web process: the
    file goes to the private store, under `imports/`, never to a local temporary folder. (The
    service's own imports keep the file in the database: `ImportJob.content`.)"""

    def __init__(self, **kwargs):
        kwargs.setdefault("MEDIA_FOLDER", "imports")
        super().__init__(**kwargs)

    def _configure_storage(self):
        self._storage = storages[PRIVATE_ALIAS]
