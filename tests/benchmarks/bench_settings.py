"""Settings for benchmark servers: the real settings plus a bare one-insert view to compare with."""

from earlyyears.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.bench_urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": True}
