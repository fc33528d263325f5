"""The two storage aliases in an S3-compatible object store (django-storages), used when
AWS_STORAGE_BUCKET_NAME is set (settings.py; docs/deploying.md, "Files and caches").

Kept apart from `earlyyears.storage` so the embedded default never imports boto3."""

from __future__ import annotations

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

from .storage import NO_URL, is_public_image


class EncryptedS3Storage(S3Storage):
    """Server-side encryption asked for on every object written: AWS_S3_SERVER_SIDE_ENCRYPTION
    (AES256 unless set otherwise; aws:kms with AWS_S3_SSE_KMS_KEY_ID)."""

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        sse = getattr(settings, "AWS_S3_SERVER_SIDE_ENCRYPTION", "AES256")
        if sse:
            params.setdefault("ServerSideEncryption", sse)
            key_id = getattr(settings, "AWS_S3_SSE_KMS_KEY_ID", "")
            if sse == "aws:kms" and key_id:
                params.setdefault("SSEKMSKeyId", key_id)
        return params


class PublicS3Storage(EncryptedS3Storage):
    """The `default` alias. Every object is private (the bucket's default ACL): nothing in the
    store is readable without credentials. Wagtail's images, public by nature, get the service's
    own URL (MEDIA_URL), where `earlyyears.uploads.public_media` streams them from the store, so
    pages name no other origin (the Content-Security-Policy allows images from 'self' alone) and
    a bucket with ACLs switched off needs no policy. Anything else (Wagtail's documents) gets
    only a short-lived signed URL, though Wagtail's view streams documents and never hands one
    out."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        if is_public_image(name):
            return settings.MEDIA_URL + filepath_to_uri(name.lstrip("/"))
        return super().url(name, parameters, expire, http_method)


class PrivateS3Storage(EncryptedS3Storage):
    """The `private` alias: private objects with no URL of any kind, streamed through the
    access layer (`earlyyears.uploads.serve`)."""

    default_acl = "private"

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)
