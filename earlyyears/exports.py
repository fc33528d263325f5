"""The one way the project writes spreadsheets: every CSV and XLSX download (ours, the staff
admin's, django-import-export's and Wagtail's) goes through here.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (CSV injection), so such a cell gets a leading apostrophe, which `unneutralise` takes
off again on import: an exported file imports back unchanged. A cell that is a plain negative
number (`-3`, `-2.5`) is left alone so it stays a number. XLSX cells holding text are written as
typed strings, never as formulae.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse, StreamingHttpResponse

if TYPE_CHECKING:
    import tablib

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
NEGATIVE_NUMBER = re.compile(r"-(?:\d+(?:\.\d*)?|\.\d+)")
CSV = "csv"
XLSX = "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"


def _guarded(text: str) -> bool:
    """Would a spreadsheet read this text (ignoring apostrophes already in front) as a formula?
    Apostrophes are skipped so that a value that really starts with one round-trips too."""
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not NEGATIVE_NUMBER.fullmatch(bare)


def neutralise(value: Any) -> Any:
    """Make a text cell inert in a spreadsheet by putting an apostrophe in front."""
    if isinstance(value, str) and _guarded(value):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo `neutralise`, so an exported file imports back unchanged."""
    if isinstance(value, str) and value.startswith("'") and _guarded(value[1:]):
        return value[1:]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterator[bytes]:
    """Each row as a line of CSV in UTF-8, every cell neutralised; a byte order mark first so
    Excel reads the file as UTF-8. For streaming a long file."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    prefix = BOM if bom else ""
    for row in rows:
        yield (prefix + writer.writerow([neutralise(_text(cell)) for cell in row])).encode()
        prefix = ""
    if prefix:
        yield prefix.encode()


def csv_bytes(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    return b"".join(csv_lines(rows, bom=bom))


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    output: io.IOBase,
    *,
    title: str = "Sheet1",
    date_format: str | None = None,
) -> None:
    """A workbook of one sheet. Text is neutralised and typed as a string (openpyxl would
    otherwise make `=...` a formula and `#N/A` an error); numbers and dates keep their type;
    characters a workbook cannot hold are dropped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True, iso_dates=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            if value is None:
                value = ""
            elif not isinstance(value, str | int | float | datetime.date | datetime.time):
                value = str(value)
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            if isinstance(value, str):
                value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif date_format and isinstance(value, datetime.datetime):
                cell.number_format = date_format
            if number == 0:
                cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, title: str = "Sheet1") -> bytes:
    output = io.BytesIO()
    write_xlsx(rows, output, title=title)
    return output.getvalue()


def render(rows: Iterable[Sequence[Any]], file_format: str) -> tuple[bytes, str]:
    """Rows (headings first) as the file's bytes and its content type."""
    if file_format == XLSX:
        return xlsx_bytes(rows), CONTENT_TYPES[XLSX]
    return csv_bytes(rows), CONTENT_TYPES[CSV]


def dataset_rows(dataset: tablib.Dataset) -> Iterator[Sequence[Any]]:
    if dataset.headers:
        yield list(dataset.headers)
    yield from dataset


def render_dataset(dataset: tablib.Dataset, file_format: str) -> tuple[bytes, str]:
    """A django-import-export (tablib) dataset as CSV or XLSX, through the same writer."""
    return render(dataset_rows(dataset), file_format)


def download(content: bytes, file_format: str, filename: str) -> HttpResponse:
    """A file to save, never to show in the browser or keep in a cache."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def streaming_csv(rows: Iterable[Sequence[Any]], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type=CONTENT_TYPES[CSV])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def neutralise_wagtail_exports() -> None:
    """Route Wagtail's own spreadsheet downloads (reports, redirects, form submissions, any
    listing with `list_export`) through this writer. They all come from
    `SpreadsheetExportMixin`, whose CSV writes cells and headings as they are; replacing its two
    writers here covers every view built on it, including ones Wagtail adds later."""
    from wagtail.admin.views.mixins import ExcelDateFormatter, SpreadsheetExportMixin

    def _rows(view, queryset, export_format: str) -> Iterator[Sequence[Any]]:
        headings = [view.get_heading(queryset, field) for field in view.list_export]
        values = (
            [
                view.preprocess_field_value(field, value, export_format)
                for field, value in view.to_row_dict(item).items()
            ]
            for item in queryset
        )
        return chain([headings], values)

    def stream_csv(self, queryset) -> Iterator[bytes]:
        return csv_lines(_rows(self, queryset, self.FORMAT_CSV))

    def write_wagtail_xlsx(self, queryset, output) -> None:
        write_xlsx(
            _rows(self, queryset, self.FORMAT_XLSX),
            output,
            date_format=ExcelDateFormatter().get(),
        )

    SpreadsheetExportMixin.stream_csv = stream_csv
    SpreadsheetExportMixin.write_xlsx = write_wagtail_xlsx
