"""Reading attendance registers (CSV in UTF-8, UTF-8 with a BOM or Windows-1252, or XLSX),
previewing them with a dry run, importing them all-or-nothing, and exporting completions."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

import tablib
from django.db import transaction
from django.utils import timezone

from earlyyears.bulk import services as imports
from earlyyears.bulk.services import ImportFileError, decode_csv
from earlyyears.exports import render_dataset, unneutralise
from earlyyears.templatetags.govuk_style import govuk_date

from . import selectors
from .models import AttendanceImport
from .resources import AttendanceResource, CompletionExportResource

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

# Which column is which, whatever the register calls it (first match wins).
ALIASES = {
    "staff": ("email or username", "username", "email", "email address", "staff"),
    "module": ("module slug", "module", "module title"),
    "date_attended": ("date attended", "completed on", "date"),
}
LABELS = {
    "staff": "Email or username",
    "module": "Module",
    "date_attended": "Date attended",
}
TEMPLATE_ROWS = (
    ("Email or username", "Module", "Date attended"),
    ("amy.collins@example.com", "spotting-additional-needs", "14/03/2026"),
)


def detect_format(name: str, content: bytes) -> str:
    return imports.detect_format(name, content, limit=MAX_BYTES)


def load_dataset(content: bytes, file_format: str) -> tablib.Dataset:
    """The register as a dataset with our own column names, blank rows left out."""
    try:
        if file_format == "xlsx":
            raw = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        else:
            text = decode_csv(content)
            broken = csv_problem(text)
            if broken:
                raise ImportFileError(broken)
            raw = tablib.Dataset().load(text, format="csv")
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure is a bad file
        raise ImportFileError(
            f"The selected file could not be read as {file_format.upper()}"
        ) from error
    headers = [str(h or "").strip().lstrip("\ufeff").casefold() for h in (raw.headers or [])]
    positions = {}
    for column, aliases in ALIASES.items():
        position = next((headers.index(a) for a in aliases if a in headers), None)
        if position is None:
            raise ImportFileError(
                f"The selected file must have a '{LABELS[column]}' column: the first row "
                f"should be the headings {', '.join(LABELS.values())}"
            )
        positions[column] = position
    dataset = tablib.Dataset(headers=["line", *ALIASES])
    for line, row in enumerate(raw, 2):
        values = [_cell(row, positions[column]) for column in ALIASES]
        if all(value in ("", None) for value in values):
            continue
        dataset.append([line, *values])
    if not len(dataset):
        raise ImportFileError("The selected file has no rows of attendance under the headings")
    if len(dataset) > MAX_ROWS:
        raise ImportFileError(f"The selected file must have at most {MAX_ROWS} rows")
    return dataset


def csv_problem(text: str) -> str:
    """What makes a register unreadable, naming the line (a row with more cells than the
    headings, or a quote never closed), or "" when it reads. Fewer cells are fine: a
    spreadsheet leaves trailing empty cells out."""
    reader = csv.reader(io.StringIO(text))
    width = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if width is None:
                width = len(cells)
            elif len(cells) > width and any(cell.strip() for cell in cells[width:]):
                return (
                    f"Line {reader.line_num} of the file has {len(cells)} cells but the "
                    f'headings have {width}: check for an extra comma, or a quote (") not '
                    "closed, on that line"
                )
    except csv.Error as error:
        return f"Line {reader.line_num} of the file could not be read as CSV: {error}"
    return ""


def _cell(row, position: int):
    value = row[position] if position < len(row) else ""
    if isinstance(value, str):
        return unneutralise(value.strip())
    return "" if value is None else value


@dataclass
class RowReport:
    line: int
    staff: str
    person: str
    module: str
    date_attended: str
    outcome: str  # new, skip, invalid, error
    errors: list[str] = field(default_factory=list)
    # What will be saved: the module's title, the day attended and the renewal date.
    module_title: str = ""
    attended_on: str = ""
    renew_by: str = ""


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    new: int = 0
    skipped: int = 0

    @property
    def problem_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]

    @property
    def has_problems(self) -> bool:
        return bool(self.file_errors or self.problem_rows)


def _report(dataset: tablib.Dataset, result) -> ImportReport:
    """What the resource did with each row, with every error message by file line."""
    report = ImportReport(file_errors=[str(error.error) for error in result.base_errors])
    problems: dict[int, list[str]] = {}
    for invalid in result.invalid_rows:
        messages = [m for msgs in invalid.field_specific_errors.values() for m in msgs]
        messages += list(invalid.non_field_specific_errors)
        problems.setdefault(invalid.number, []).extend(messages)
    for number, errors in result.row_errors():
        problems.setdefault(number, []).extend(
            "This row could not be imported: " + str(error.error) for error in errors
        )
    for number, values in enumerate(dataset.dict, 1):
        errors = problems.get(number, [])
        outcome = "invalid" if errors else "new"
        report.rows.append(
            RowReport(
                line=values["line"],
                staff=str(values["staff"] or ""),
                person=values.get("person", ""),
                module=str(values["module"] or ""),
                date_attended=_show_date(values["date_attended"]),
                outcome=outcome,
                errors=errors,
                module_title=values.get("module_title") or "",
                attended_on=_govuk_date(values.get("completed_at")),
                renew_by=_govuk_date(values.get("renew_by")),
            )
        )
    skipped_numbers = {n for n, row in enumerate(result.rows, 1) if row.import_type == "skip"}
    by_position = {i: row for i, row in enumerate(report.rows, 1)}
    for n in skipped_numbers:
        if n in by_position and not by_position[n].errors:
            by_position[n].outcome = "skip"
    report.new = sum(1 for row in report.rows if row.outcome == "new")
    report.skipped = sum(1 for row in report.rows if row.outcome == "skip")
    return report


def _govuk_date(value) -> str:
    """A date as GOV.UK writes it (14 March 2026), from a date or an ISO string."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return ""
    return govuk_date(value) if value else ""


def _show_date(value) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value or "")


def _dataset_for(batch: AttendanceImport) -> tablib.Dataset:
    return load_dataset(bytes(batch.content), batch.file_format)


def preview(batch: AttendanceImport, user) -> ImportReport:
    """A dry run: every row checked and nothing saved."""
    try:
        dataset = _dataset_for(batch)
    except ImportFileError as error:
        return ImportReport(file_errors=[str(error)])
    result = AttendanceResource().import_data(dataset, dry_run=True, raise_errors=False, user=user)
    return _report(dataset, result)


def run_import(batch: AttendanceImport, user) -> ImportReport:
    """Import every row or none: any error (even one that appeared since the preview) rolls
    the whole file back. A batch imports once, even if confirmed twice."""
    try:
        dataset = _dataset_for(batch)
    except ImportFileError as error:
        return ImportReport(file_errors=[str(error)])
    with transaction.atomic():
        locked = AttendanceImport.objects.select_for_update().get(pk=batch.pk)
        if locked.status == AttendanceImport.Status.IMPORTED:
            return ImportReport(file_errors=["That file has already been imported"])
        result = AttendanceResource().import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
        )
        report = _report(dataset, result)
        if report.has_problems:
            transaction.set_rollback(True)
            return report
        locked.status = AttendanceImport.Status.IMPORTED
        locked.imported_at = timezone.now()
        locked.rows_imported = report.new
        locked.save(update_fields=["status", "imported_at", "rows_imported"])
    batch.refresh_from_db()
    return report


def export_completions(file_format: str) -> tuple[bytes, str]:
    """Every completion as CSV (UTF-8 with a BOM, so Excel reads it right) or XLSX."""
    dataset = CompletionExportResource().export(selectors.completions_for_export())
    return render_dataset(dataset, file_format)
