"""A local S3 emulator for the object-store tests: moto's server mode (a dev dependency), started
once per test process on a free port of 127.0.0.1 and stopped when the process ends. Each test
gets buckets of its own, so tests never see each other's objects.

`use_object_store(settings)` switches the storage aliases to the store exactly as settings.py
does when AWS_STORAGE_BUCKET_NAME is set; `object_store_environment(store)` is the same for a
process started with its own environment (tests/production/test_two_processes.py)."""

from __future__ import annotations

import atexit
import functools
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

REGION = "eu-west-2"
KEY_ID = "emulator-key"
SECRET = "emulator-secret"  # noqa: S105 - the emulator accepts any key


def moto_or_skip() -> None:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        pytest.skip("moto is not installed: `make install` installs it (the dev dependencies)")


@functools.cache
def emulator() -> str:
    """The emulator's endpoint URL, started on first use."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line for every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    atexit.register(server.stop)
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


@dataclass
class Store:
    endpoint: str
    public_bucket: str
    private_bucket: str
    private_prefix: str
    client: Any  # a boto3 S3 client with credentials

    def private_key(self, name: str) -> str:
        return f"{self.private_prefix}/{name}"

    def anonymous_get(self, bucket: str, key: str) -> int:
        """The status of a GET without credentials, straight to the store."""
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(f"{self.endpoint}/{bucket}/{key}", timeout=10) as r:  # noqa: S310
                return r.status
        except urllib.error.HTTPError as error:
            return error.code


def new_store() -> Store:
    """Two fresh buckets (Wagtail's images and documents, child files) in the emulator."""
    import boto3

    endpoint = emulator()
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    suffix = uuid.uuid4().hex[:12]
    store = Store(endpoint, f"ey-public-{suffix}", f"ey-private-{suffix}", "private", client)
    for bucket in (store.public_bucket, store.private_bucket):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
    return store


def use_object_store(settings) -> Store:
    """pytest-django's `settings`, switched to a fresh pair of buckets."""
    moto_or_skip()
    store = new_store()
    settings.AWS_STORAGE_BUCKET_NAME = store.public_bucket
    settings.AWS_S3_ENDPOINT_URL = store.endpoint
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_ACCESS_KEY_ID = KEY_ID
    settings.AWS_S3_SECRET_ACCESS_KEY = SECRET
    settings.AWS_S3_SERVER_SIDE_ENCRYPTION = "AES256"
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_QUERYSTRING_EXPIRE = 300
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "earlyyears.objectstore.PublicS3Storage"},
        "private": {
            "BACKEND": "earlyyears.objectstore.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": store.private_bucket,
                "location": store.private_prefix,
                "default_acl": "private",
            },
        },
    }
    return store


def object_store_environment(store: Store) -> dict[str, str]:
    """The environment that puts a process's files in the same buckets (settings.py)."""
    return {
        "AWS_STORAGE_BUCKET_NAME": store.public_bucket,
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": store.private_bucket,
        "AWS_PRIVATE_LOCATION": store.private_prefix,
        "AWS_S3_ENDPOINT_URL": store.endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
    }
