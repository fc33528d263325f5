"""Bulk data in and out: reading spreadsheets, checking every row with a dry run, applying
either all valid rows or nothing, progress for large files, and an audit row for every preview,
import and export.

The file is kept in the database (`ImportJob.content`) between the preview and the import, so
any web process or Celery worker can finish it. The preview and the import run the same code:
the preview is the import, rolled back. The whole file runs in one transaction. Resources in
django-import-export's bulk mode (settings, areas) check each row in memory and write the rows
in batches, a batch the database refuses again row by row; the others run each row in its own
savepoint. Either way a row that fails leaves nothing behind.
"""

from __future__ import annotations

import functools
import gc
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import tablib
from celery import shared_task
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ..exports import CONTENT_TYPES as CONTENT_TYPES  # the admin's template download
from ..exports import csv_bytes, render_dataset, unneutralise
from ..models import ImportExportAudit, ImportJob, User

if TYPE_CHECKING:
    from import_export.resources import ModelResource

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
# How many rows of each kind the preview keeps to show (every count is kept in full).
REPORT_PROBLEM_ROWS = 500
REPORT_OTHER_ROWS = 200


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 100_000))


def async_rows() -> int:
    """Files with at least this many rows are checked and applied by a Celery worker."""
    return int(getattr(settings, "IMPORT_ASYNC_ROWS", 10_000))


class ImportFileError(ValueError):
    """The file as a whole cannot be used; the message says why, in plain words."""


# Cells --------------------------------------------------------------------------------------


def split_list(value: Any) -> list[str]:
    """A cell holding several values separated by semicolons, commas or new lines."""
    return [part.strip() for part in re.split(r"[;,\n]", str(value or "")) if part.strip()]


def heading_key(text: Any) -> str:
    """A heading compared loosely: case, spaces, punctuation and a BOM do not matter. Also how
    a cell is matched to a choice ("Day nursery", "Active"): a file repeats the same few
    values on every row, so each text is worked out once."""
    if isinstance(text, str):
        return _text_key(text)
    return _text_key(str(text or ""))


@functools.lru_cache(maxsize=4096)
def _text_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lstrip("\ufeff").casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# Reading files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an import: its heading (used on export), other headings it may have in
    files made elsewhere (Ofsted's register, an old spreadsheet), and whether every file needs
    it."""

    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""


@dataclass
class Table:
    """A file's rows under our own headings, with the file's line number of each."""

    headings: list[str]
    rows: list[dict[str, Any]]
    unknown_columns: list[str] = field(default_factory=list)

    def dataset(self) -> tablib.Dataset:
        # Rows given to the constructor, not appended one by one: append checks each row's
        # width, which every row here has by construction.
        return tablib.Dataset(
            *([row["line"], *(row.get(h, "") for h in self.headings)] for row in self.rows),
            headers=["line", *self.headings],
        )


def detect_format(name: str, content: bytes, limit: int | None = None) -> str:
    """CSV or XLSX, by content; `limit` (bytes) defaults to IMPORT_MAX_BYTES."""
    limit = limit or max_bytes()
    if not content:
        raise ImportFileError("The selected file is empty")
    if len(content) > limit:
        raise ImportFileError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if content.startswith(OLE_MAGIC) or name.lower().endswith(".xls"):
        raise ImportFileError("The selected file must be a CSV or an Excel .xlsx file (not .xls)")
    if name.lower().endswith(".xlsx"):
        raise ImportFileError("The selected file could not be read as an Excel .xlsx file")
    return "csv"


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without a byte order mark) first, then Windows-1252 (Excel's 'CSV')."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "The selected file could not be read: save it as 'CSV UTF-8' and try again"
        ) from error


def _raw(content: bytes, file_format: str) -> tablib.Dataset:
    try:
        if file_format == "xlsx":
            return tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        return tablib.Dataset().load(decode_csv(content), format="csv")
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure is a bad file
        raise ImportFileError(
            f"The selected file could not be read as {file_format.upper()}: check it opens "
            "in a spreadsheet and that every row has the same number of columns"
        ) from error


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return unneutralise(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@contextmanager
def few_collections() -> Iterator[None]:
    """Python's cycle collector paused while a file is read or imported.

    Reading a file and checking its rows make objects that all live until the end (the rows,
    the records, each row's result), so the collector would scan an ever larger heap again
    and again and free nothing: a third of the CPU time of a 10,000-row import. A file's
    rows make almost no cycles (a few objects a file; an invalid row's error a few more), and
    they are collected as usual once the collector runs again. Nested and concurrent uses
    leave it as the outermost found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@few_collections()
def read_table(content: bytes, file_format: str, columns: Iterable[Column]) -> Table:
    """The file's rows keyed by our column headings; blank rows left out; columns we do not
    know listed (they are ignored, with a warning in the preview)."""
    columns = list(columns)
    raw = _raw(content, file_format)
    if not raw.headers or not any(str(h or "").strip() for h in raw.headers):
        raise ImportFileError("The selected file is empty: the first row must be the headings")
    names = {}
    for column in columns:
        for name in (column.label, *column.aliases):
            names.setdefault(heading_key(name), column.label)
    positions: dict[str, int] = {}
    unknown = []
    for position, heading in enumerate(raw.headers):
        key = heading_key(heading)
        if not key:
            continue
        label = names.get(key)
        if label is None:
            unknown.append(str(heading).strip().lstrip("\ufeff"))
        elif label in positions:
            raise ImportFileError(
                f"The selected file has two columns for '{label}': keep one of them"
            )
        else:
            positions[label] = position
    missing = [c.label for c in columns if c.required and c.label not in positions]
    if missing:
        raise ImportFileError(
            "The selected file must have "
            + " and ".join(f"a '{label}' column" for label in missing)
            + ": the first row should be the headings"
        )
    headings = [c.label for c in columns if c.label in positions]
    rows = []
    for line, values in enumerate(raw, 2):
        row = {
            label: _cell(values[positions[label]] if positions[label] < len(values) else None)
            for label in headings
        }
        if all(value == "" for value in row.values()):
            continue
        row["line"] = line
        rows.append(row)
    if not rows:
        raise ImportFileError("The selected file has no rows under the headings")
    if len(rows) > max_rows():
        raise ImportFileError(f"The selected file must have at most {max_rows():,} rows")
    return Table(headings=headings, rows=rows, unknown_columns=unknown)


# Running an import ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What an import did (or, in a preview, would do) with each row."""

    total: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    invalid: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False
    rows_truncated: bool = False

    def as_report(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "new": self.new,
            "updated": self.updated,
            "skipped": self.skipped,
            "invalid": self.invalid,
            "rows": self.rows,
            "rows_truncated": self.rows_truncated,
            "unknown_columns": self.unknown_columns,
            "file_errors": self.file_errors,
            "applied": self.applied,
        }


def plain_errors(error: ValidationError, labels: dict[str, str]) -> list[str]:
    """A row's validation errors as sentences that name the column, not the model field."""
    messages = []
    if not hasattr(error, "error_dict"):
        return [str(m) for m in error.messages]
    for name, errors in error.error_dict.items():
        label = labels.get(name, name.replace("_", " ").capitalize())
        for item in errors:
            text = " ".join(item.messages) if isinstance(item, ValidationError) else str(item)
            code = getattr(item, "code", None)
            plain = {
                "blank": f"Enter the {label[0].lower() + label[1:]}",
                "required": f"Enter the {label[0].lower() + label[1:]}",
                "null": f"Enter the {label[0].lower() + label[1:]}",
                "invalid_choice": f"{label} is not one we know",
                "unique": f"{label} is already used by another record",
            }.get(code)
            if plain:
                messages.append(plain)
            elif name == NON_FIELD_ERRORS or text.startswith(label):
                messages.append(text)
            else:
                messages.append(f"{label}: {text}")
    return messages


class Progress:
    """Writes how many rows are done to the job, for the status page.

    Outside a transaction the ORM writes it. Inside the import's transaction the row count is
    written on a second connection, so other processes see it at once (PostgreSQL). SQLite
    allows one writer at a time, so there the count moves when each step ends."""

    def __init__(self, job_id: int | None, total: int):
        self.job_id = job_id
        self.total = total
        self.every = max(100, total // 50)
        self.last = 0
        self._side = None

    def __call__(self, done: int) -> None:
        if self.job_id is None or (done - self.last < self.every and done != self.total):
            return
        self.last = done
        self.write(done)

    def write(self, done: int) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(rows_done=done)
            return
        if connection.vendor == "sqlite":
            return
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        table = connection.ops.quote_name(ImportJob._meta.db_table)
        with self._side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET rows_done = %s WHERE id = %s", [done, self.job_id])  # noqa: S608

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def execute(
    spec: ResourceSpec,
    table: Table,
    *,
    user: User | None,
    dry_run: bool,
    mode: str = ImportJob.Mode.ALL_OR_NOTHING,
    progress: Callable[[int], None] | None = None,
    on_success: Callable[[Outcome], bool] | None = None,
) -> Outcome:
    """Run the file through the resource in one transaction (rows in batches or each in a
    savepoint: see the module's note).

    A dry run always rolls back. For real, 'all or nothing' rolls back if any row has a
    problem; 'valid rows' keeps the rows that worked. `on_success` runs inside the transaction
    before it commits and may veto it by returning False."""
    resource = spec.resource_class(user=user, progress=progress)
    with few_collections(), transaction.atomic():
        result = resource.import_data(
            table.dataset(), dry_run=False, use_transactions=False, raise_errors=False, user=user
        )
        outcome = summarise(result, resource, table)
        keep = not dry_run and not outcome.file_errors
        if keep and mode == ImportJob.Mode.ALL_OR_NOTHING and outcome.invalid:
            keep = False
        if keep and not (outcome.new or outcome.updated or outcome.skipped):
            keep = False
        if keep and on_success is not None:
            keep = on_success(outcome)
        outcome.applied = keep
        if not keep:
            transaction.set_rollback(True)
    return outcome


def summarise(result, resource, table: Table) -> Outcome:
    outcome = Outcome(total=len(table.rows), unknown_columns=list(table.unknown_columns))
    outcome.file_errors = [resource.plain_base_error(e.error) for e in result.base_errors]
    labels = resource.error_labels()
    problems, others = [], []
    for row_result in result.rows:
        values = row_result.row_values or {}
        kind = row_result.import_type
        errors: list[str] = []
        if row_result.validation_error is not None:
            errors = plain_errors(row_result.validation_error, labels)
        if row_result.errors:
            errors += [resource.plain_row_error(e.error) for e in row_result.errors]
        if errors:
            kind = "invalid"
        counter = {"new": "new", "update": "updated", "skip": "skipped"}.get(kind, "invalid")
        setattr(outcome, counter, getattr(outcome, counter) + 1)
        row = {
            "line": values.get("line"),
            "outcome": kind,
            "summary": resource.describe(values),
            "errors": errors,
        }
        (problems if errors else others).append(row)
    outcome.rows_truncated = len(problems) > REPORT_PROBLEM_ROWS or len(others) > REPORT_OTHER_ROWS
    rows = problems[:REPORT_PROBLEM_ROWS] + others[:REPORT_OTHER_ROWS]
    outcome.rows = sorted(rows, key=lambda r: r["line"] or 0)
    return outcome


def audit(
    *,
    user: User | None,
    resource: str,
    direction: str,
    file_name: str = "",
    dry_run: bool = False,
    mode: str = "",
    outcome: Outcome | None = None,
    rows_total: int | None = None,
    detail: dict | None = None,
) -> ImportExportAudit:
    counts = {}
    if outcome is not None:
        counts = {
            "rows_total": outcome.total,
            "rows_new": outcome.new if (outcome.applied or dry_run) else 0,
            "rows_updated": outcome.updated if (outcome.applied or dry_run) else 0,
            "rows_skipped": outcome.skipped,
            "rows_invalid": outcome.invalid,
        }
    if rows_total is not None:
        counts["rows_total"] = rows_total
    return ImportExportAudit.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        resource=resource,
        direction=direction,
        file_name=file_name[:255],
        dry_run=dry_run,
        mode=mode,
        detail=detail or {},
        **counts,
    )


# Jobs: the web's and the worker's side of an import ------------------------------------------


@dataclass(frozen=True)
class ResourceSpec:
    """What the admin and the jobs need to know about a resource that registers here."""

    key: str
    label: str  # plural, lower case: "settings"
    model: type
    resource_class: type[ModelResource]  # with `columns`, as earlyyears.bulk.resources' are
    permission_model: str  # "setting" -> earlyyears.import_setting / export_setting
    guidance: str
    # A resource whose rows are slow (each writes events and clocks) goes to the worker from
    # fewer rows than IMPORT_ASYNC_ROWS; 0: the setting alone decides.
    async_rows: int = 0

    def runs_async(self, rows: int) -> bool:
        limit = async_rows()
        return rows >= (min(self.async_rows, limit) if self.async_rows else limit)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.resource_class.columns

    @property
    def import_permission(self) -> str:
        return f"earlyyears.import_{self.permission_model}"

    @property
    def export_permission(self) -> str:
        return f"earlyyears.export_{self.permission_model}"

    def template_csv(self) -> str:
        headings = [field.column_name for field in self.resource_class().get_export_fields()]
        return csv_bytes([headings]).decode()


# Resources register here (earlyyears.bulk.resources, when the app is ready), so the engine
# imports none of the modules that use it.
_SPECS: dict[str, ResourceSpec] = {}


def register(key: str, spec: ResourceSpec) -> None:
    _SPECS[key] = spec


def get_spec(key: str) -> ResourceSpec:
    return _SPECS[key]


def start_import(user: User, spec_key: str, file_name: str, content: bytes) -> ImportJob:
    """Keep the file and check it: at once for a small file, by a worker for a large one.
    Raises ImportFileError when the file cannot be used at all (nothing is kept)."""
    spec = get_spec(spec_key)
    file_format = detect_format(file_name, content)
    table = read_table(content, file_format, spec.columns)
    job = ImportJob.objects.create(
        resource=spec.key,
        created_by=user,
        file_name=file_name[:255],
        file_format=file_format,
        content=content,
        rows_total=len(table.rows),
    )
    if spec.runs_async(len(table.rows)):
        _enqueue(job.pk, "preview")
    else:
        preview_job(job.pk, table=table)
        job.refresh_from_db()
    return job


def _enqueue(job_id: int, action: str) -> None:
    """Hand the job to a worker once the job row is committed (eager in the embedded default).
    A broker that cannot be reached leaves the job waiting; it never fails the request."""

    def send() -> None:
        try:
            run_import_job.apply_async((job_id, action))
        except Exception:  # noqa: BLE001 - broker down: the job waits; the page says so
            import logging

            logging.getLogger("earlyyears.imports").warning(
                "Could not queue import job %s (%s)", job_id, action
            )

    transaction.on_commit(send)


def preview_job(job_id: int, table: Table | None = None) -> ImportJob | None:
    """Check every row without keeping anything; store the report on the job."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.CHECKING]
    ).update(status=ImportJob.Status.CHECKING, rows_done=0)
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    spec = get_spec(job.resource)
    progress = Progress(job.pk, job.rows_total)
    try:
        if table is None:
            table = read_table(bytes(job.content), job.file_format, spec.columns)
        outcome = execute(spec, table, user=job.created_by, dry_run=True, progress=progress)
    except ImportFileError as error:
        outcome = Outcome(file_errors=[str(error)])
    finally:
        progress.close()
    job.report = outcome.as_report()
    job.status = ImportJob.Status.FAILED if outcome.file_errors else ImportJob.Status.PREVIEWED
    job.rows_done = job.rows_total
    job.save(update_fields=["report", "status", "rows_done"])
    audit(
        user=job.created_by,
        resource=spec.key,
        direction=ImportExportAudit.Direction.IMPORT,
        file_name=job.file_name,
        dry_run=True,
        outcome=outcome,
    )
    return job


class ApplyRefused(ValueError):
    """The job cannot be applied now (already applied, or still being checked)."""


def request_apply(job: ImportJob, mode: str) -> ImportJob:
    """Apply a previewed file in the chosen mode: at once for a small file, by a worker for a
    large one. A job is applied once, however many times the button is pressed."""
    if mode not in ImportJob.Mode.values:
        raise ApplyRefused("Choose how to apply the file")
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.APPLYING, mode=mode, rows_done=0
    )
    if not claimed:
        raise ApplyRefused("That file has already been applied, or is being applied")
    if get_spec(job.resource).runs_async(job.rows_total):
        _enqueue(job.pk, "apply")
    else:
        apply_job(job.pk)
    job.refresh_from_db()
    return job


def apply_job(job_id: int) -> ImportJob | None:
    """Import the file for real. The job's final status is written in the same transaction as
    the rows, so a worker that dies part-way leaves nothing applied and the job can run again;
    a second copy of the task running at once finds the job finished and rolls itself back."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.APPLYING:
        return None
    spec = get_spec(job.resource)
    progress = Progress(job.pk, job.rows_total)

    def finish(outcome: Outcome) -> bool:
        return bool(
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.APPLYING).update(
                status=ImportJob.Status.APPLIED,
                applied_report=outcome.as_report() | {"applied": True},
                rows_done=job.rows_total,
                finished_at=timezone.now(),
            )
        )

    try:
        table = read_table(bytes(job.content), job.file_format, spec.columns)
        outcome = execute(
            spec,
            table,
            user=job.created_by,
            dry_run=False,
            mode=job.mode,
            progress=progress,
            on_success=finish,
        )
    except ImportFileError as error:
        outcome = Outcome(file_errors=[str(error)])
    finally:
        progress.close()
    if not outcome.applied:
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.APPLYING).update(
            status=ImportJob.Status.FAILED,
            applied_report=outcome.as_report(),
            rows_done=job.rows_total,
            finished_at=timezone.now(),
        )
    audit(
        user=job.created_by,
        resource=spec.key,
        direction=ImportExportAudit.Direction.IMPORT,
        file_name=job.file_name,
        dry_run=False,
        mode=job.mode,
        outcome=outcome,
        detail={"applied": outcome.applied, "job": job.pk},
    )
    job.refresh_from_db()
    return job


# Defined beside the jobs it runs, since `_enqueue` hands jobs to it: a tasks module that
# imported the engine, and was imported by it, would be a circle. Its name is the one it was
# first published under, so jobs already queued still find it; bulk/tasks.py lists it for the
# worker.
@shared_task(name="earlyyears.tasks.run_import_job", acks_late=True, ignore_result=True)
def run_import_job(job_id: int, action: str) -> str:
    """Check ("preview") or apply ("apply") a large import file kept in the database; the job
    row records progress for the status page, and a job already done is left alone."""
    job = preview_job(job_id) if action == "preview" else apply_job(job_id)
    return job.status if job else "nothing to do"


# Exports --------------------------------------------------------------------------------------


def export_file(
    spec: ResourceSpec, user: User, file_format: str, queryset=None
) -> tuple[bytes, str, str]:
    """Every record of a resource as a file, audited. Returns content, type and file name."""
    resource = spec.resource_class(user=user)
    dataset = resource.export(queryset if queryset is not None else resource.get_queryset())
    content, content_type = render_dataset(dataset, file_format)
    name = f"{spec.key}-{timezone.localdate().isoformat()}.{file_format}"
    audit(
        user=user,
        resource=spec.key,
        direction=ImportExportAudit.Direction.EXPORT,
        file_name=name,
        rows_total=len(dataset),
        detail={"format": file_format},
    )
    return content, content_type, name
