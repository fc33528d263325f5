"""The benchmark data kept as a PostgreSQL template database, so `make bench` starts in seconds.

Building 10x county scale data (`pathway.benchdata`) takes minutes; copying a database from a
template takes seconds. The template carries a fingerprint in its comment: a hash of every
migration's name, of the generator's source and version, of the sizes and of the month (the data
is dated from the day it was built: referrals over the last two years, clocks running now). A
template whose fingerprint differs is built again: into a database of its own, renamed into
place only when complete, so an interrupted build never passes for a good one.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from pathway import benchdata

DEFAULT_NAME = "earlyyears_bench_template"
MARK = "earlyyears benchmark data"


def fingerprint(sizes: benchdata.Sizes) -> str:
    """What the template's data depends on: the migrations on disk (by app and name: a new
    one changes the schema), the generator (its text and VERSION), the sizes, and the month
    it was built in."""
    digest = hashlib.sha256()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest.update(repr(sorted(loader.disk_migrations)).encode())
    digest.update(Path(benchdata.__file__).read_bytes())
    digest.update(f"{benchdata.VERSION} {sizes} {datetime.date.today():%Y-%m}".encode())
    return digest.hexdigest()[:20]


def _server() -> dict:
    given = settings.DATABASES["default"]
    if given["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("the benchmark template needs PostgreSQL (DATABASE_URL)")
    return given


def database_url(name: str) -> str:
    """A DATABASE_URL for database `name` on the server the settings point at."""
    s = _server()
    credentials = quote(s.get("USER") or "")
    if s.get("PASSWORD"):
        credentials += ":" + quote(s["PASSWORD"])
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{name}"


def _admin():
    """A connection to the server's `postgres` database, outside any transaction (CREATE and
    DROP DATABASE cannot run in one)."""
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True)


def _quote(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a database name we make: {name!r}")
    return f'"{name}"'


def stored_fingerprint(name: str) -> str | None:
    with _admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if not row or not row[0] or not row[0].startswith(MARK):
        return None
    return row[0].rsplit(" ", 1)[-1]


def build_note(name: str) -> str:
    """When the template was built and how long it took ("" if it does not say)."""
    with _admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    text = (row[0] or "") if row else ""
    if not text.startswith(MARK) or ";" not in text:
        return ""
    return text[len(MARK) :].split(";")[0].strip()


def drop(name: str) -> None:
    with _admin() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            conn.execute(f"ALTER DATABASE {_quote(name)} IS_TEMPLATE false")
            conn.execute(f"DROP DATABASE {_quote(name)} WITH (FORCE)")


def clone(template: str, name: str) -> float:
    """A fresh database `name` copied from `template` (file by file: faster than the WAL for
    a large template). Returns the seconds it took."""
    started = time.perf_counter()
    drop(name)
    with _admin() as conn:
        strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        conn.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(template)}{strategy}")
    return time.perf_counter() - started


def _manage(*args: str, database: str, log) -> None:
    env = {**os.environ, "DATABASE_URL": database_url(database)}
    env.pop("CELERY_BROKER_URL", None)  # the planning refresh inside the load, not queued
    log(f"manage.py {' '.join(args)}")
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )


def ensure(name: str = DEFAULT_NAME, *, rebuild: bool = False, log=print) -> bool:
    """Make sure template `name` holds benchmark data for the current migrations, generator
    and sizes; build it (migrate, then `bench_data`) if not. Returns whether it was built."""
    sizes = benchdata.Sizes.from_env()
    wanted = fingerprint(sizes)
    if not rebuild and stored_fingerprint(name) == wanted:
        log(f"{name}: up to date ({wanted})")
        return False
    connections.close_all()
    building = f"{name}_build"
    drop(building)
    with _admin() as conn:
        conn.execute(f"CREATE DATABASE {_quote(building)}")
    log(f"building {name} ({sizes})")
    started = time.perf_counter()
    _manage("migrate", "--no-input", "-v", "0", database=building, log=log)
    _manage("bench_data", database=building, log=log)
    drop(name)
    with _admin() as conn:
        conn.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(name)}")
        took = time.perf_counter() - started
        note = f"built on {datetime.date.today():%-d %B %Y} in {took:.0f} s"
        conn.execute(f"COMMENT ON DATABASE {_quote(name)} IS '{MARK} {note}; {wanted}'")
        conn.execute(f"ALTER DATABASE {_quote(name)} IS_TEMPLATE true")
    log(f"{name}: built ({wanted})")
    return True
