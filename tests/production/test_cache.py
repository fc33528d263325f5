"""Caches shared across processes: Redis is Django's cache whenever REDIS_URL is set (a value
one process sets, another reads); every other cache in the code is on the list below with the
reason it is safe in one process, and none of them decides access."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("earlyyears", "pathway", "training", "cms", "dataprotection")
# A Redis database of its own for this test when only the broker's server is known (CI).
TEST_CACHE_DB = 11

# Every cache kept in a process, and why it cannot go stale or decide who sees what. A new one
# fails the scan below until it is added here with its reason, or moved to Django's cache.
PER_PROCESS = {
    ("pathway/clocks.py", "lru_cache"): "bank holidays of a year: the holidays package's list",
    ("cms/oruk.py", "cache"): "the ORUK schemas shipped with the code, and fixed vocabularies",
    ("earlyyears/security.py", "cached_property"): "URL paths reversed once per middleware",
    ("earlyyears/bulk/resources.py", "cached_property"): "a resource's columns, for one import",
    ("cms/directory.py", "cached_property"): "a directory page's count, for one request",
    ("earlyyears/bulk/services.py", "lru_cache"): (
        "an import cell's words as a key to match choices (text to text, nobody's data)"
    ),
    ("pathway/planning/aggregates.py", "_CUBES"): (
        "suppressed planning figures (counts by area, never a child), keyed by the figures' "
        "version read from the database on every request: another process's rebuild changes "
        "the key, so an old entry is never read again"
    ),
}
PATTERNS = {
    "lru_cache": re.compile(r"\blru_cache\b"),
    "cache": re.compile(r"^\s*@(functools\.)?cache\b", re.M),
    "cached_property": re.compile(r"@cached_property\b"),
    "_CUBES": re.compile(r"^_CUBES\b", re.M),
    "django_cache": re.compile(r"django\.core\.cache|\bcaches\["),
}
# Where access is decided: no cache of any kind, not even Django's.
ACCESS_MODULES = (
    "earlyyears/access.py",
    *(f"pathway/access/{p.name}" for p in sorted((ROOT / "pathway/access").glob("*.py"))),
    "earlyyears/security.py",
)


def _redis_url() -> str | None:
    if os.environ.get("REDIS_URL", "").startswith("redis://"):
        return os.environ["REDIS_URL"]
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis://"):
        return urlunsplit(urlsplit(broker)._replace(path=f"/{TEST_CACHE_DB}"))
    return None


def _settings_in_a_process(env: dict[str, str], script: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "DJANGO_", "REDIS_", "EARLYYEARS_"))
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="earlyyears.settings")
    result = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_value_set_by_one_process_is_read_by_another_through_redis():
    url = _redis_url()
    if url is None:
        pytest.skip("needs Redis: REDIS_URL, or a Redis CELERY_BROKER_URL (CI's second leg)")
    key, value = f"shared-{uuid.uuid4().hex}", uuid.uuid4().hex
    written = _settings_in_a_process(
        {"REDIS_URL": url},
        "from django.conf import settings; from django.core.cache import cache\n"
        f"cache.set({key!r}, {value!r}, 60)\n"
        "print(settings.CACHES['default']['BACKEND'])",
    )
    assert written == "django.core.cache.backends.redis.RedisCache"
    read = _settings_in_a_process(
        {"REDIS_URL": url},
        f"from django.core.cache import cache; print(cache.get({key!r}))",
    )
    assert read == value


def test_without_redis_each_process_keeps_its_own_cache():
    backend = _settings_in_a_process(
        {}, "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_every_cache_in_the_code_is_known_and_none_decides_access():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            for name, pattern in PATTERNS.items():
                if pattern.search(text):
                    found.add((relative, name))
    per_process = {(relative, name) for relative, name in found if name != "django_cache"}
    assert per_process == set(PER_PROCESS), json.dumps(sorted(per_process ^ set(PER_PROCESS)))
    # Django's cache is shared (Redis) and may hold anything but an access decision.
    for module in ACCESS_MODULES:
        text = (ROOT / module).read_text(encoding="utf-8")
        uses = [n for n, p in PATTERNS.items() if n != "cached_property" and p.search(text)]
        assert uses == [], f"{module} caches: {uses}"
