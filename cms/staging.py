"""Large Open Referral UK imports on a worker, through a staging area.

A big file (or feed) is not imported in one long transaction: that would hold locks on the
local offer's pages for minutes, and an editor saving a service meanwhile would wait or fail.
Instead, a chunk at a time, each chunk its own short transaction:

1. *Checking*: every record is checked (hostile values, the standard's schema, our reading of
   it) and the good ones are written to the staging area (`StagedRecord`). Nothing live is
   touched. If any record is wrong, nothing is imported and every error is listed.
2. *Building*: each new service is built as a page that is not live (families, the directory
   and the API never see it), with its children, links and search entry. Organisations and
   taxonomy terms a record names for the first time are created.
3. *Swapping*: one short transaction makes the built pages live at once, applies changes to
   organisations and terms, and updates the services we already had (with a revision each).

Any failure on the way deletes what was built, so the live directory is as it was. The
import's counts (`StagedImport.checked`, `.imported` of `.total`) are its progress, shown to
the editor on the import's page (`cms.staging_views`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from . import oruk, services
from .models import Organisation, ServiceImport, ServicePage, Taxonomy, TaxonomyTerm
from .staging_models import StagedImport, StagedRecord

logger = logging.getLogger(__name__)

MAX_ERRORS = 1000  # listed on the import's page; the count says how many more


def chunk_size() -> int:
    """Records a chunk (a setting; each chunk is one short transaction)."""
    return max(1, int(getattr(settings, "LOCAL_OFFER_IMPORT_CHUNK", 1000)))


def on_worker_from_bytes() -> int:
    """Files larger than this (a setting; 1 MB, about 300 full records, by default) are
    imported on a worker through the staging area rather than in the editor's request."""
    return int(getattr(settings, "LOCAL_OFFER_IMPORT_ON_WORKER_BYTES", 1024 * 1024))


def goes_to_worker(service_import: ServiceImport) -> bool:
    return (
        service_import.format == ServiceImport.Format.JSON
        and len(service_import.content) > on_worker_from_bytes()
    )


OnChunk = Callable[[StagedImport], None]


def run(staged_id: int, on_chunk: OnChunk | None = None) -> StagedImport | None:
    """The worker's part for an uploaded file: parse it, then `import_records`."""
    staged = StagedImport.objects.filter(pk=staged_id).select_related("service_import").first()
    if staged is None or staged.finished:
        return staged
    if staged.status != StagedImport.Status.QUEUED:
        # A worker was lost part way (the task is delivered again): start again from nothing.
        discard(staged)
    if staged.service_import is None:
        return _fail(staged, ["The uploaded file has gone: upload it again"])
    document, error = services.parse_json(staged.service_import.content)
    if error:
        return _fail(staged, [error])
    records = oruk.records_in(document)
    if not records:
        return _fail(staged, ["The file has no service records"])
    staged = import_records(staged, records, user=staged.created_by, on_chunk=on_chunk)
    if staged.status == StagedImport.Status.DONE:
        ServiceImport.objects.filter(pk=staged.service_import_id).update(imported_at=timezone.now())
    return staged


@dataclass
class _Named:
    """Organisations and terms the records name, gathered while checking (applied at the
    swap), and those this import created (removed again if it fails)."""

    organisations: dict[uuid.UUID, dict] = field(default_factory=dict)
    terms: dict[uuid.UUID, dict] = field(default_factory=dict)
    created_organisations: set[int] = field(default_factory=set)
    created_terms: set[int] = field(default_factory=set)
    created_taxonomies: set[int] = field(default_factory=set)
    # Services whose record is just as we have it: nothing to do (a feed pulled again).
    unchanged: set[uuid.UUID] = field(default_factory=set)


def import_records(
    staged: StagedImport,
    records: list[Any],
    user=None,
    keep: Callable[[list[int]], list[int]] | None = None,
    on_chunk: OnChunk | None = None,
) -> StagedImport:
    """Check, build and swap in `records` as the module says. `keep`, when given, is called
    with the live services the import would update and returns those to leave alone (a feed
    does not overwrite a service changed here); `on_chunk` after each chunk (progress)."""
    named = _Named()
    try:
        _progress(staged, status=StagedImport.Status.CHECKING, total=len(records))
        if not staged.started_at:
            _progress(staged, started_at=timezone.now())
        errors = _check(staged, records, named, on_chunk)
        if errors:
            discard(staged, named)
            return _fail(staged, errors)
        _progress(staged, status=StagedImport.Status.BUILDING)
        _build(staged, named, on_chunk)
        _progress(staged, status=StagedImport.Status.SWAPPING)
        _swap(staged, named, user, keep)
    except Exception as error:  # noqa: BLE001 - whatever broke, the live directory stays whole
        logger.exception("Staged import %s failed", staged.pk)
        discard(staged, named)
        return _fail(
            staged,
            [
                "The import stopped part way, so nothing from it was saved and the local "
                f"offer is as it was. Try again; if it stops again, tell support: {error}"
            ],
        )
    return staged


def _progress(staged: StagedImport, **values: Any) -> None:
    """Save counts at once (outside any chunk's transaction) so the editor's page sees them."""
    for name, value in values.items():
        setattr(staged, name, value)
    StagedImport.objects.filter(pk=staged.pk).update(**values)


def _fail(staged: StagedImport, errors: list[str]) -> StagedImport:
    more = len(errors) - MAX_ERRORS
    listed = errors[:MAX_ERRORS] + ([f"And {more} more errors"] if more > 0 else [])
    _progress(staged, status=StagedImport.Status.FAILED, errors=listed, finished_at=timezone.now())
    return staged


def _label(number: int, record: Any) -> str:
    if not isinstance(record, dict):
        return f"Record {number}"
    name = oruk.CONTROL_CHARACTERS.sub("", oruk._text(record.get("name"), 100))
    return f"Record {number} ({name or str(record.get('id', ''))[:64] or 'no name'})"


def _check(
    staged: StagedImport, records: list[Any], named: _Named, on_chunk: OnChunk | None
) -> list[str]:
    """Check every record; stage the good ones a chunk at a time while all are good (once
    one is wrong nothing will be imported, but the rest are still checked and listed)."""
    errors: list[str] = []
    seen: set[str] = set()
    size = chunk_size()
    same = named.unchanged
    for start in range(0, len(records), size):
        good: list[tuple[int, oruk.ServiceData]] = []
        records_by_id: dict[uuid.UUID, dict] = {}
        for number, record in enumerate(records[start : start + size], start + 1):
            problems = services.check_record(record)
            data = None
            if not problems:
                key = str(record["id"]).lower()
                if key in seen:
                    problems = [f"id: {record['id']} appears more than once in the file"]
                else:
                    seen.add(key)
                    data, problems = oruk.parse_record(record)
            if problems:
                errors += [f"{_label(number, record)}: {problem}" for problem in problems]
                continue
            good.append((number, data))
            records_by_id[data.oruk_id] = data.record
            if data.organisation:
                named.organisations[data.organisation["oruk_id"]] = data.organisation
            for term in data.terms:
                named.terms[term["oruk_id"]] = term
        if not errors:
            existing: dict[uuid.UUID, int] = {}
            for oruk_id, pk, record in ServicePage.objects.filter(
                oruk_id__in=[d.oruk_id for _, d in good]
            ).values_list("oruk_id", "pk", "oruk_record"):
                existing[oruk_id] = pk
                if record is not None and record == records_by_id.get(oruk_id):
                    same.add(oruk_id)
            good = [(number, data) for number, data in good if data.oruk_id not in same]
            StagedRecord.objects.bulk_create(
                StagedRecord(
                    staged_import=staged,
                    number=number,
                    oruk_id=data.oruk_id,
                    action="update" if data.oruk_id in existing else "new",
                    record=data.record,
                    page_id=existing.get(data.oruk_id),
                )
                for number, data in good
            )
        _progress(staged, checked=min(start + size, len(records)))
        if on_chunk:
            on_chunk(staged)
    return errors


class _CreatingLookups(services.Lookups):
    """`services.Lookups` for building: creates the organisations, vocabularies and terms no
    one has yet, but changes none we have (that waits for the swap), and notes what it made."""

    def __init__(self, parsed: list[oruk.ServiceData], named: _Named) -> None:
        self.named = named
        super().__init__(parsed)

    def _organisations(self, values: dict[uuid.UUID, dict], wanted: set[uuid.UUID]) -> dict:
        have = set(
            Organisation.objects.filter(oruk_id__in=values).values_list("oruk_id", flat=True)
        )
        made = Organisation.objects.bulk_create(
            [Organisation(**data) for key, data in values.items() if key not in have]
        )
        self.named.created_organisations.update(
            Organisation.objects.filter(oruk_id__in=[o.oruk_id for o in made]).values_list(
                "pk", flat=True
            )
        )
        return {o.oruk_id: o for o in Organisation.objects.filter(oruk_id__in=[*values, *wanted])}

    def _terms(self, values: dict[uuid.UUID, dict]) -> dict:
        vocabularies = {
            data["taxonomy_id"]: data["taxonomy"] or "Taxonomy"
            for data in values.values()
            if data.get("taxonomy_id")
        }
        have = set(
            Taxonomy.objects.filter(oruk_id__in=vocabularies).values_list("oruk_id", flat=True)
        )
        new_vocabularies = [k for k in vocabularies if k not in have]
        Taxonomy.objects.bulk_create(
            [Taxonomy(oruk_id=k, name=vocabularies[k][:255]) for k in new_vocabularies]
        )
        self.named.created_taxonomies.update(
            Taxonomy.objects.filter(oruk_id__in=new_vocabularies).values_list("pk", flat=True)
        )
        vocabulary_pks = dict(
            Taxonomy.objects.filter(oruk_id__in=vocabularies).values_list("oruk_id", "pk")
        )
        have = set(
            TaxonomyTerm.objects.filter(oruk_id__in=values).values_list("oruk_id", flat=True)
        )
        names = ["name", "description", "taxonomy", "code", "term_uri", "parent_oruk_id"]
        new = []
        for oruk_id, data in values.items():
            if oruk_id in have:
                continue
            fields = {n: data.get(n) or ("" if n != "parent_oruk_id" else None) for n in names}
            fields["vocabulary_id"] = vocabulary_pks.get(data.get("taxonomy_id"))
            new.append(TaxonomyTerm(oruk_id=oruk_id, **fields))
        TaxonomyTerm.objects.bulk_create(new)
        self.named.created_terms.update(
            TaxonomyTerm.objects.filter(oruk_id__in=[t.oruk_id for t in new]).values_list(
                "pk", flat=True
            )
        )
        return {t.oruk_id: t for t in TaxonomyTerm.objects.filter(oruk_id__in=values)}


def _build(staged: StagedImport, named: _Named, on_chunk: OnChunk | None) -> None:
    """Build the new services as pages that are not live, a chunk a transaction."""
    index = services.ensure_local_offer_index()
    taken = set(index.get_children().values_list("slug", flat=True))
    rows = StagedRecord.objects.filter(staged_import=staged, action="new").order_by("number")
    last = 0
    while True:
        chunk = list(rows.filter(number__gt=last)[: chunk_size()])
        if not chunk:
            break
        last = chunk[-1].number
        parsed = [oruk.parse_record(row.record)[0] for row in chunk]
        with transaction.atomic():
            lookups = _CreatingLookups(parsed, named)
            ids = services.bulk_create_services(parsed, index, lookups, taken, chunk=len(parsed))
            # Written live by the bulk writer; not live until the swap, in the same transaction.
            Page.objects.filter(pk__in=ids).update(
                live=False, first_published_at=None, last_published_at=None
            )
            for row, page_id in zip(chunk, ids, strict=True):
                row.page_id = page_id
            StagedRecord.objects.bulk_update(chunk, ["page_id"])
        services.index_services(ids)
        _progress(staged, imported=staged.imported + len(chunk))
        if on_chunk:
            on_chunk(staged)


def _swap(staged: StagedImport, named: _Named, user, keep) -> None:
    """Make the built pages live and apply the updates, in one short transaction."""
    index = services.ensure_local_offer_index()
    update_rows = list(StagedRecord.objects.filter(staged_import=staged, action="update"))
    left = set(keep([row.page_id for row in update_rows])) if keep and update_rows else set()
    updates = [oruk.parse_record(row.record)[0] for row in update_rows if row.page_id not in left]
    new_pages = StagedRecord.objects.filter(
        staged_import=staged, action="new", page_id__isnull=False
    ).values("page_id")
    now = timezone.now()
    with transaction.atomic():
        services.Lookups._organisations(named.organisations, set())
        services.Lookups._terms(named.terms)
        created = Page.objects.filter(pk__in=new_pages, live=False).update(
            live=True, has_unpublished_changes=False, first_published_at=now, last_published_at=now
        )
        lookups = services.Lookups(updates)
        for data in updates:
            services.save_service(data, index, user, lookups=lookups)
        _progress(
            staged,
            status=StagedImport.Status.DONE,
            created=created,
            updated=len(updates),
            kept=len(left),
            unchanged=len(named.unchanged),
            imported=staged.total,
            finished_at=timezone.now(),
        )
    StagedRecord.objects.filter(staged_import=staged).delete()  # the staging area, emptied
    services.analyze_local_offer()


def discard(staged: StagedImport, named: _Named | None = None) -> None:
    """Remove what an import built and did not swap in: its pages (never a live one), and the
    organisations, vocabularies and terms it created that nothing else uses."""
    built = list(
        StagedRecord.objects.filter(
            staged_import=staged, action="new", page_id__isnull=False
        ).values_list("page_id", flat=True)
    )
    for start in range(0, len(built), chunk_size()):
        with transaction.atomic():
            Page.objects.filter(pk__in=built[start : start + chunk_size()], live=False).delete()
    StagedRecord.objects.filter(staged_import=staged).delete()
    if named:
        Organisation.objects.filter(
            pk__in=named.created_organisations, services__isnull=True
        ).delete()
        TaxonomyTerm.objects.filter(pk__in=named.created_terms, services__isnull=True).delete()
        Taxonomy.objects.filter(pk__in=named.created_taxonomies, terms__isnull=True).delete()
    _progress(staged, imported=0)
