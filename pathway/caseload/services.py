"""The caseload import's kinds, registered with the bulk data engine (earlyyears.bulk, which
keeps the file, checks it with a dry run, applies it in either mode and audits every step), and
the template file each kind offers: its headings and a worked example row."""

from __future__ import annotations

from dataclasses import dataclass

from earlyyears.bulk import services as engine
from earlyyears.exports import csv_bytes
from earlyyears.models import ImportJob, User

from .resources import RESOURCES

# Each row writes more than its record (events, clocks, the EHC timeline's next step): about 20 to
# 30 ms a row on a small server, so from this many rows a worker checks and applies the file and
# the page shows its progress, rather than a request waiting minutes.
ASYNC_ROWS = 500


@dataclass(frozen=True)
class Kind:
    key: str
    step: int
    title: str  # "Children"
    label: str  # plural, lower case, for the engine's messages
    guidance: str


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "caseload-children",
            1,
            "Children",
            "children",
            "One row for each child, by the reference your previous system gave them: the "
            "other files name the child by it. A child already here with the same reference "
            "is updated.",
        ),
        Kind(
            "caseload-contacts",
            2,
            "Parents and carers",
            "parents and carers",
            "One row for each parent or carer. They come in as confirmed contacts, recorded as "
            "brought in by an import, so texts and the family's sign-in can use them.",
        ),
        Kind(
            "caseload-referrals",
            3,
            "Referrals",
            "referrals",
            "One row for each referral, open or closed, with its status and the date it was "
            "received. Each gets a timeline entry saying it came from the previous system; an "
            "open one starts its clocks from the date it was received.",
        ),
        Kind(
            "caseload-support-plans",
            4,
            "Support plans",
            "support plans",
            "One row for each child's support plan: the tier, strengths and outcomes.",
        ),
        Kind(
            "caseload-ehc",
            5,
            "EHC requests and plans",
            "EHC requests and plans",
            "One row for each request for an EHC needs assessment, with every date you have, "
            "decisions before this year included. The EHC clocks and the SEN2 return work from "
            "these dates.",
        ),
    )
}


def register_kinds() -> None:
    """Tell the engine about the caseload resources (from PathwayConfig.ready), so the web and
    the Celery worker both find them by key."""
    for kind in KINDS.values():
        resource = RESOURCES[kind.key]
        engine.register(
            kind.key,
            engine.ResourceSpec(
                key=kind.key,
                label=kind.label,
                model=resource._meta.model,
                resource_class=resource,
                permission_model="child",
                guidance=kind.guidance,
                async_rows=ASYNC_ROWS,
            ),
        )


def template_file(key: str) -> bytes:
    """The kind's headings and a worked example row, as CSV (UTF-8 with a byte order mark, so
    Excel opens it in the right encoding)."""
    resource = RESOURCES[key]
    headings = [column.label for column in resource.columns]
    return csv_bytes([headings, [resource.example.get(h, "") for h in headings]])


def start(user: User, key: str, file_name: str, content: bytes) -> ImportJob:
    """Keep and check an uploaded file (the engine's dry run). Raises engine.ImportFileError."""
    if key not in KINDS:
        raise engine.ImportFileError("Choose what to import")
    return engine.start_import(user, key, file_name, content)


def apply(job: ImportJob, mode: str) -> ImportJob:
    """Apply a checked file: every valid row, or nothing unless every row is valid."""
    return engine.request_apply(job, mode)


def export_rows(key: str, user: User) -> bytes:
    """What the service holds, in the import's own columns (audited by the engine): the round
    trip's first half, and a check of what an import brought in."""
    content, _, _ = engine.export_file(engine.get_spec(key), user, "csv")
    return content
