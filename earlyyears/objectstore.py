"""The two storage aliases in an S3-compatible object store (django-storages), used when
AWS_STORAGE_BUCKET_NAME is set (settings.py; docs/deploying.md, "Files and caches").

Kept apart from `earlyyears.storage` so the embedded default never imports boto3."""

from __future__ import annotations

from django.conf import settings
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
    """The `default` alias. Objects are private (the bucket's default); Wagtail's images alone
    are written readable by anyone (AWS_PUBLIC_IMAGES_ACL, public-read unless set otherwise;
    empty where a bucket policy opens the image prefixes instead, as on a bucket with ACLs
    switched off) and get plain URLs. Anything else (Wagtail's documents) gets only a short-lived
    signed URL, though Wagtail's view streams documents and never hands one out."""

    def _relative(self, name: str) -> str:
        location = (self.location or "").strip("/")
        name = name.lstrip("/")
        if location and name.startswith(location + "/"):
            return name[len(location) + 1 :]
        return name

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        acl = getattr(settings, "AWS_PUBLIC_IMAGES_ACL", "public-read")
        if acl and is_public_image(self._relative(name)):
            params["ACL"] = acl
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not is_public_image(name):
            return super().url(name, parameters, expire, http_method)
        # An image's URL is the same for everyone and never expires: it goes into pages.
        signed, self.querystring_auth = self.querystring_auth, False
        try:
            return super().url(name, parameters, expire, http_method)
        finally:
            self.querystring_auth = signed


class PrivateS3Storage(EncryptedS3Storage):
    """The `private` alias: private objects with no URL of any kind, streamed through the
    access layer (`earlyyears.uploads.serve`)."""

    default_acl = "private"

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)
