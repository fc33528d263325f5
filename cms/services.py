"""Writes for the local offer: the index page, the editors' group and workflow, the postcode
table, and saving services from Open Referral UK records (all or nothing)."""

from __future__ import annotations

import io
import json
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.search.backends import get_search_backend

from earlyyears.models import Area, Setting

from . import oruk
from .models import (
    Feed,
    LocalOfferIndexPage,
    Organisation,
    PostcodeCentroid,
    ServiceContact,
    ServiceLanguage,
    ServiceLocation,
    ServicePage,
    ServiceSchedule,
    Taxonomy,
    TaxonomyTerm,
)
from .pages import publish, unique_slug
from .places import OUTWARD

EDITORS = "Local offer editors"
MODERATORS = "Local offer moderators"
WORKFLOW = "Local offer review"
INDEX_SLUG = "local-offer"


# --- The index page, groups and workflow ------------------------------------------------------


def ensure_local_offer_index() -> LocalOfferIndexPage:
    """The local offer's index page, under the default site's root page (made once)."""
    existing = LocalOfferIndexPage.objects.first()
    if existing:
        return existing
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page if site else _default_site_root()
    index = LocalOfferIndexPage(
        title="Local offer",
        slug=INDEX_SLUG,
        intro=(
            "<p>Services for children with special educational needs and disabilities "
            "(SEND) and their families in Westmoor: play and stay groups, speech and "
            "language drop-ins, portage, short breaks, advice and support. Most are free "
            "and you do not need a referral.</p>"
        ),
    )
    root.add_child(instance=index)
    index.save_revision().publish()
    return index


def _default_site_root() -> Page:
    """Wagtail's migrations make a root page, a "Welcome" page and a default site; a database
    that has been flushed (transactional tests) has none of them, so make them again."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    tree_root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", draft_title="Root")
    )
    home = tree_root.get_first_child()
    if home is None:
        home = tree_root.add_child(instance=Page(title="Welcome", slug="home", live=True))
    site, _ = Site.objects.get_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    # Wagtail's dashboard names the site by its record ("localhost" when it has no name).
    if site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
        site.save(update_fields=["root_page", "site_name"])
    return home


def _page_permissions(*codenames: str) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    )


def _model_permissions(actions: tuple[str, ...], *models) -> list[Permission]:
    codenames = [f"{action}_{m._meta.model_name}" for m in models for action in actions]
    return list(Permission.objects.filter(content_type__app_label="cms", codename__in=codenames))


def ensure_local_offer_groups(index: LocalOfferIndexPage) -> tuple[Group, Group]:
    """Editors draft and submit services; moderators approve and publish them.

    Both reach Wagtail's admin, but only the local offer's pages and its snippets: no page
    permission anywhere else (so no training), and no model permission on child data."""
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    snippets = _model_permissions(("add", "change", "view"), Organisation, TaxonomyTerm)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    editors.permissions.set([admin_access, *snippets])
    feeds = _model_permissions(("add", "change", "view"), Feed)
    moderators.permissions.set([admin_access, *snippets, *feeds])
    wanted = {
        editors: _page_permissions("add_page", "change_page"),
        moderators: _page_permissions(
            "add_page", "change_page", "publish_page", "lock_page", "unlock_page"
        ),
    }
    for group, permissions in wanted.items():
        GroupPagePermission.objects.filter(group=group).exclude(
            page=index, permission__in=permissions
        ).delete()
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )
    ensure_review_workflow(index, moderators)
    return editors, moderators


def ensure_review_workflow(index: LocalOfferIndexPage, moderators: Group) -> Workflow:
    """Every change to a service is approved by a local offer moderator before it goes live."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name="Local offer moderator approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Local offer moderator approval")
    task.groups.set([moderators])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


# --- Postcodes --------------------------------------------------------------------------------


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def polygon_centroid(geometry: dict) -> tuple[float, float] | None:
    """The area-weighted centroid (longitude, latitude) of a GeoJSON (Multi)Polygon."""
    total = cx = cy = 0.0
    for ring in _rings(geometry):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if not total:
        return None
    return cx / (3 * total), cy / (3 * total)


def point_in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    inside = False
    for ring in _rings(geometry):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def sector_point(geometry: dict, digit: int) -> tuple[float, float]:
    """A stand-in centroid for postcode sector `digit` (1-9) of a ward: a 3 x 3 grid over the
    ward's bounding box, pulled towards the ward's centroid until it falls inside the ward."""
    ring = [point for r in _rings(geometry) for point in r]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    cx, cy = polygon_centroid(geometry) or (sum(xs) / len(xs), sum(ys) / len(ys))
    column, row = (digit - 1) % 3, (digit - 1) // 3
    x = min(xs) + (column + 0.5) / 3 * (max(xs) - min(xs))
    y = max(ys) - (row + 0.5) / 3 * (max(ys) - min(ys))
    for _ in range(8):
        if point_in_geometry(x, y, geometry):
            break
        x, y = (x + cx) / 2, (y + cy) / 2
    else:
        x, y = cx, cy
    return x, y


def build_postcode_centroids() -> int:
    """Fill the offline postcode table from the demo data: each postcode district is the ward
    most of its settings are in (the district's point is the ward's centroid), and sectors 1-9
    get points spread across that ward. Returns how many rows were written."""
    wards_by_district: dict[str, Counter] = defaultdict(Counter)
    for postcode, area_id in Setting.objects.values_list("postcode", "area_id"):
        outward = postcode.strip().upper().split(" ")[0]
        if OUTWARD.match(outward):
            wards_by_district[outward][area_id] += 1
    areas = Area.objects.in_bulk({c.most_common(1)[0][0] for c in wards_by_district.values()})
    written = 0
    with transaction.atomic():
        for outward, counts in sorted(wards_by_district.items()):
            area = areas[counts.most_common(1)[0][0]]
            if not area.boundary:
                continue
            points = {outward: polygon_centroid(area.boundary)}
            for digit in range(1, 10):
                points[f"{outward} {digit}"] = sector_point(area.boundary, digit)
            for key, point in points.items():
                if point is None:
                    continue
                PostcodeCentroid.objects.update_or_create(
                    key=key,
                    defaults={
                        "longitude": round(point[0], 6),
                        "latitude": round(point[1], 6),
                        "area": area,
                    },
                )
                written += 1
    return written


# --- Saving services --------------------------------------------------------------------------


def analyze_local_offer() -> None:
    """PostgreSQL: fresh planner statistics for the directory's tables after a load of
    services, so its searches take their indexes at once (autovacuum comes later)."""
    if connection.vendor != "postgresql":
        return
    tables = [
        Page._meta.db_table,
        ServicePage._meta.db_table,
        ServicePage.service_areas.through._meta.db_table,
        ServiceLocation._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def set_children(page: ServicePage, data: oruk.ServiceData) -> None:
    page.locations = [ServiceLocation(**values) for values in data.locations]
    page.contacts = [ServiceContact(**values) for values in data.contacts]
    page.schedules = [ServiceSchedule(**values) for values in data.schedules]
    page.languages = [ServiceLanguage(**values) for values in data.languages]


class Lookups:
    """What saving many records needs from the database, read once: organisations, taxonomy
    terms and vocabularies by id (made or updated as records name them), and areas by code
    and by name."""

    def __init__(self, parsed: list[oruk.ServiceData]) -> None:
        organisations: dict[uuid.UUID, dict] = {}
        wanted_ids: set[uuid.UUID] = set()
        terms: dict[uuid.UUID, dict] = {}
        for data in parsed:
            if data.organisation:
                organisations[data.organisation["oruk_id"]] = data.organisation
            elif data.organisation_id:
                wanted_ids.add(data.organisation_id)
            for term in data.terms:
                terms[term["oruk_id"]] = term
        self.organisations = self._organisations(organisations, wanted_ids)
        self.terms = self._terms(terms)
        self.areas_by_code = {area.code: area for area in Area.objects.all()}
        self.areas_by_name: dict[str, Area] = {}
        for area in sorted(self.areas_by_code.values(), key=lambda a: a.pk, reverse=True):
            self.areas_by_name[area.name.lower()] = area

    @staticmethod
    def _organisations(values: dict[uuid.UUID, dict], wanted: set[uuid.UUID]) -> dict:
        found = {o.oruk_id: o for o in Organisation.objects.filter(oruk_id__in=[*values, *wanted])}
        changed, new = [], []
        names = ["name", "description", "email", "website"]
        for oruk_id, data in values.items():
            organisation = found.get(oruk_id)
            if organisation is None:
                new.append(Organisation(**data))
            elif any(getattr(organisation, n) != data[n] for n in names):
                for n in names:
                    setattr(organisation, n, data[n])
                changed.append(organisation)
        Organisation.objects.bulk_create(new)
        Organisation.objects.bulk_update(changed, names)
        if changed:
            ServicePage.objects.filter(organisation__in=changed).update_search_vectors()
        found |= {o.oruk_id: o for o in Organisation.objects.filter(oruk_id__in=values)}
        return found

    @staticmethod
    def _terms(values: dict[uuid.UUID, dict]) -> dict:
        vocabularies = {}
        for data in values.values():
            if data.get("taxonomy_id"):
                vocabularies[data["taxonomy_id"]] = data["taxonomy"] or "Taxonomy"
        have = set(
            Taxonomy.objects.filter(oruk_id__in=vocabularies).values_list("oruk_id", flat=True)
        )
        Taxonomy.objects.bulk_create(
            [Taxonomy(oruk_id=k, name=v[:255]) for k, v in vocabularies.items() if k not in have]
        )
        vocabulary_pks = dict(
            Taxonomy.objects.filter(oruk_id__in=vocabularies).values_list("oruk_id", "pk")
        )
        found = {t.oruk_id: t for t in TaxonomyTerm.objects.filter(oruk_id__in=values)}
        names = ["name", "description", "taxonomy", "code", "term_uri", "parent_oruk_id"]
        changed, new = [], []
        for oruk_id, data in values.items():
            fields = {n: data.get(n) or ("" if n != "parent_oruk_id" else None) for n in names}
            fields["vocabulary_id"] = vocabulary_pks.get(data.get("taxonomy_id"))
            term = found.get(oruk_id)
            if term is None:
                new.append(TaxonomyTerm(oruk_id=oruk_id, **fields))
            elif any(getattr(term, n) != v for n, v in fields.items()):
                for n, v in fields.items():
                    setattr(term, n, v)
                changed.append(term)
        TaxonomyTerm.objects.bulk_create(new)
        TaxonomyTerm.objects.bulk_update(changed, [*names, "vocabulary_id"])
        if changed:
            ServicePage.objects.filter(taxonomy_terms__in=changed).update_search_vectors()
        found |= {t.oruk_id: t for t in TaxonomyTerm.objects.filter(oruk_id__in=values)}
        return found

    def organisation(self, data: oruk.ServiceData) -> Organisation | None:
        key = data.organisation["oruk_id"] if data.organisation else data.organisation_id
        return self.organisations.get(key) if key else None

    def areas(self, data: oruk.ServiceData) -> tuple[list[Area], list[str]]:
        areas, missing = [], []
        for code in data.area_codes:
            if code in self.areas_by_code:
                areas.append(self.areas_by_code[code])
            else:
                missing.append(code)
        for name in data.area_names:
            if name.lower() in self.areas_by_name:
                areas.append(self.areas_by_name[name.lower()])
            else:
                missing.append(name)
        return list(dict.fromkeys(areas)), missing


def fill_page(page: ServicePage, data: oruk.ServiceData, lookups: Lookups) -> None:
    """Put a record's values on a page (saved or not), with its children and links, and keep
    the record whole beside them with the page's values as imported."""
    for name, value in data.fields.items():
        setattr(page, name, value)
    page.organisation = lookups.organisation(data)
    areas, missing = lookups.areas(data)
    if missing:
        data.warnings.append(f"service_areas: not areas we know, left out: {', '.join(missing)}")
    page.service_areas = areas
    page.taxonomy_terms = [lookups.terms[t["oruk_id"]] for t in data.terms]
    set_children(page, data)
    page.oruk_record = data.record or None
    page.oruk_imported = oruk.model_snapshot(page) if data.record else None


def save_service(
    data: oruk.ServiceData,
    parent: LocalOfferIndexPage,
    user=None,
    taken: set[str] | None = None,
    lookups: Lookups | None = None,
) -> tuple[ServicePage, bool]:
    """Create or update the service with this ORUK id, and publish it (with a revision)."""
    lookups = lookups or Lookups([data])
    page = ServicePage.objects.filter(oruk_id=data.oruk_id).first()
    created = page is None
    if created:
        page = ServicePage(oruk_id=data.oruk_id)
    fill_page(page, data, lookups)
    if created:
        page.slug = unique_slug(parent, page.title, taken)
        parent.add_child(instance=page)
    else:
        page.draft_title = page.title
        page.save()
    publish(page, user)
    return page, created


def _step(number: int) -> str:
    """treebeard's path step for the n-th child (4 characters of base 36, as Wagtail's)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    for _ in range(Page.steplen):
        number, digit = divmod(number, 36)
        digits = alphabet[digit] + digits
    return digits


def _insert_local_rows(model, objects: list) -> None:
    """INSERT the model's own columns for objects whose parent rows exist (multi-table
    inheritance: Django's bulk_create refuses those), in batches."""
    if not objects:
        return
    fields = model._meta.local_concrete_fields
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), size):
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)


def bulk_create_services(
    parsed: list[oruk.ServiceData],
    parent: LocalOfferIndexPage,
    lookups: Lookups,
    taken: set[str],
    chunk: int = 2000,
    progress=None,
) -> list[int]:
    """New services in bulk: the page tree's rows written directly (treebeard's paths worked
    out here, not one add_child and revision each), then their children and links, a chunk
    at a time. Live at once, as imports are; no revision until an editor changes one.
    Returns the new pages' ids. Call inside a transaction."""
    content_type = ContentType.objects.get_for_model(ServicePage)
    parent.refresh_from_db(fields=["numchild", "path", "depth", "url_path"])
    position = parent.numchild
    last = parent.get_last_child()
    if last is not None:  # past the last step in use (deleted pages leave gaps)
        position = max(position, int(last.path[-Page.steplen :], 36))
    now = timezone.now()
    ids: list[int] = []
    for start in range(0, len(parsed), chunk):
        pages = []
        for data in parsed[start : start + chunk]:
            position += 1
            page = ServicePage(oruk_id=data.oruk_id)
            fill_page(page, data, lookups)
            page.slug = unique_slug(parent, page.title, taken)
            page.path = parent.path + _step(position)
            page.depth = parent.depth + 1
            page.numchild = 0
            page.draft_title = page.title
            page.url_path = f"{parent.url_path}{page.slug}/"
            page.content_type = content_type
            page.locale_id = parent.locale_id
            page.live = True
            page.has_unpublished_changes = False
            page.first_published_at = page.last_published_at = now
            pages.append(page)
        base_fields = [f.attname for f in Page._meta.local_concrete_fields if f.attname != "id"]
        rows = Page.objects.bulk_create(
            [Page(**{name: getattr(page, name) for name in base_fields}) for page in pages]
        )
        for page, row in zip(pages, rows, strict=True):
            page.pk = page.id = page.page_ptr_id = row.pk
        _insert_local_rows(ServicePage, pages)
        children: dict[type, list] = defaultdict(list)
        areas, terms = [], []
        for page in pages:
            for kind in ("locations", "contacts", "schedules", "languages"):
                for order, child in enumerate(getattr(page, kind).all()):
                    child.page_id, child.sort_order = page.pk, order
                    children[type(child)].append(child)
            areas += [
                ServicePage.service_areas.through(servicepage_id=page.pk, area_id=a.pk)
                for a in page.service_areas.all()
            ]
            terms += [
                ServicePage.taxonomy_terms.through(servicepage_id=page.pk, taxonomyterm_id=t.pk)
                for t in page.taxonomy_terms.all()
            ]
        for model, objects in children.items():
            model.objects.bulk_create(objects)
        ServicePage.service_areas.through.objects.bulk_create(areas)
        ServicePage.taxonomy_terms.through.objects.bulk_create(terms)
        ids += [page.pk for page in pages]
        if progress:
            progress(len(ids), len(parsed))
    Page.objects.filter(pk=parent.pk).update(numchild=models.F("numchild") + len(ids))
    return ids


def index_services(ids: list[int], chunk: int = 2000) -> None:
    """After a bulk load: the services' search vectors (PostgreSQL) and Wagtail's own index."""
    backend = get_search_backend()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        ServicePage.objects.filter(pk__in=part).update_search_vectors()
        pages = ServicePage.objects.filter(pk__in=part).select_related("organisation")
        pages = pages.prefetch_related("taxonomy_terms", "locations")
        backend.add_bulk(ServicePage, list(pages))


@dataclass
class RecordReport:
    number: int
    oruk_id: str
    name: str
    action: str = ""  # "new", "update" or "" when invalid
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    records: list[RecordReport]
    saved: bool
    file_errors: list[str] = field(default_factory=list)
    page_ids: list[int] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # how long each step took

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(r.errors for r in self.records)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.records if r.errors)

    @property
    def counts(self) -> Counter:
        return Counter(r.action for r in self.records if not r.errors)


def max_import_bytes() -> int:
    """The largest file or feed page an import reads (a setting; 100 MB by default)."""
    return int(getattr(settings, "LOCAL_OFFER_IMPORT_MAX_BYTES", 100 * 1024 * 1024))


def _refuse_constant(name: str) -> float:
    return float("nan")  # NaN and Infinity are refused per record by `oruk.hostile_problems`


def parse_json(text: str | bytes) -> tuple[Any, str | None]:
    """The document, or what broke it and on which line (an editor can go straight there)."""
    if len(text) > max_import_bytes():
        return None, (
            f"The file is larger than {max_import_bytes() // (1024 * 1024)} MB, the most an "
            "import reads. Split it into smaller files"
        )
    try:
        return json.loads(text, parse_constant=_refuse_constant), None
    except json.JSONDecodeError as error:
        return None, (
            f"The file is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
        )
    except RecursionError:
        return None, "The file is not valid JSON: it is nested too deeply to read"
    except (ValueError, UnicodeDecodeError) as error:
        return None, f"The file is not valid JSON: {error}"


def csv_problem(text: str) -> str:
    """What makes a CSV file unreadable, naming the line (a row with more or fewer cells than
    the headings, or a quote never closed), or "" when it reads."""
    import csv

    reader = csv.reader(io.StringIO(text))
    width = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if width is None:
                width = len(cells)
            elif len(cells) != width:
                return (
                    f"Line {reader.line_num} of the file has {len(cells)} cells but the "
                    f"headings have {width}: check for a missing or extra comma, or a quote "
                    '(") not closed, on that line'
                )
    except csv.Error as error:
        return f"Line {reader.line_num} of the file could not be read as CSV: {error}"
    return ""


def check_record(record: Any) -> list[str]:
    """Why a record cannot be imported: hostile values first (they would upset the schema
    checks too), then the standard's schema; empty when it can."""
    if not isinstance(record, dict):
        return ["(record): a service record must be a JSON object"]
    return oruk.hostile_problems(record) or oruk.schema_errors(record)


def import_oruk(
    document: Any, user=None, dry_run: bool = False, progress=None, keep=None
) -> ImportReport:
    """Import ORUK service records: each is checked against `service.json` and for hostile
    values first; if any record is wrong nothing is saved, and the report says what and where.

    New services are written in bulk; services we have already are updated one by one
    (with a revision each, as an editor's change is). `keep`, when given, is called with the
    service pages that would be updated and returns the ids of those to leave alone (a feed
    does not overwrite a service its editors changed). All in one transaction: a failure
    leaves nothing half-saved."""
    records = oruk.records_in(document)
    reports: list[RecordReport] = []
    parsed: list[oruk.ServiceData] = []
    seen: set[str] = set()
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    for number, record in enumerate(records, 1):
        is_record = isinstance(record, dict)
        name = oruk._text(record.get("name"), 255) if is_record else ""
        oruk_id = str(record.get("id", ""))[:64] if is_record else ""
        report = RecordReport(number, oruk_id, oruk.CONTROL_CHARACTERS.sub("", name))
        reports.append(report)
        report.errors = check_record(record)
        if report.errors:
            continue
        if oruk_id.lower() in seen:
            report.errors.append(f"id: {oruk_id} appears more than once in the file")
            continue
        seen.add(oruk_id.lower())
        data, errors = oruk.parse_record(record)
        report.errors = errors
        if data:
            parsed.append(data)
            report.warnings = data.warnings
    existing: dict[uuid.UUID, int] = {}
    wanted = [data.oruk_id for data in parsed]
    for start in range(0, len(wanted), 5000):
        existing |= dict(
            ServicePage.objects.filter(oruk_id__in=wanted[start : start + 5000]).values_list(
                "oruk_id", "pk"
            )
        )
    by_id = {str(r.oruk_id).lower(): r for r in reports}
    for data in parsed:
        by_id[str(data.oruk_id)].action = "update" if data.oruk_id in existing else "new"
    seconds["checked"] = time.perf_counter() - clock
    if any(r.errors for r in reports) or dry_run:
        return ImportReport(reports, saved=False, seconds=seconds)
    index = ensure_local_offer_index()
    taken = set(index.get_children().values_list("slug", flat=True))
    left = set(keep(list(existing.values()))) if keep and existing else set()
    ids: list[int] = []
    with transaction.atomic():
        lookups = Lookups(parsed)
        new = [data for data in parsed if data.oruk_id not in existing]
        ids += bulk_create_services(new, index, lookups, taken, progress=progress)
        for data in parsed:
            if data.oruk_id in existing:
                if existing[data.oruk_id] in left:
                    by_id[str(data.oruk_id)].action = "kept"
                    continue
                page, _ = save_service(data, index, user, taken, lookups)
                ids.append(page.pk)
        seconds["saved"] = time.perf_counter() - clock - sum(seconds.values())
        index_services(ids[: len(new)])
        seconds["indexed"] = time.perf_counter() - clock - sum(seconds.values())
    analyze_local_offer()
    return ImportReport(reports, saved=True, page_ids=ids, seconds=seconds)


# --- Editors' imports (CSV and ORUK JSON), previewed before they are saved --------------------


@dataclass
class PreviewRow:
    number: int
    name: str
    action: str  # "new", "update", or "" when the row is wrong
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)  # what the row will save


@dataclass
class Preview:
    rows: list[PreviewRow]
    file_errors: list[str]
    saved: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def counts(self) -> Counter:
        return Counter(row.action for row in self.rows if not row.errors)


CSV_REQUIRED_COLUMNS = ("id", "name", "description")


def run_csv_import(text: str, user=None, dry_run: bool = True) -> Preview:
    """Import services from CSV through django-import-export, in one transaction: a dry run
    previews each row (new, update, or its errors); a real run saves nothing if any row fails."""
    import tablib

    from earlyyears.exports import unneutralise

    from .resources import ServiceResource

    broken = csv_problem(text)
    if broken:
        return Preview([], [broken])
    try:
        loaded = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # tablib raises many kinds for a bad file
        return Preview([], [f"The file could not be read as CSV: {error}"])
    # Cells our export neutralised (a leading apostrophe) import as they were.
    dataset = tablib.Dataset(
        *([unneutralise(cell) for cell in row] for row in loaded), headers=loaded.headers
    )
    headers = [str(h or "").strip() for h in dataset.headers or []]
    missing = [column for column in CSV_REQUIRED_COLUMNS if column not in headers]
    if missing:
        return Preview(
            [],
            [
                f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
                "Export the services as CSV to see the columns to use"
            ],
        )
    if not len(dataset):
        return Preview([], ["The file has no rows of services"])
    dataset.headers = headers
    index = ensure_local_offer_index()
    resource = ServiceResource(parent=index, user=user)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    rows: list[PreviewRow] = []
    names = dataset["name"]
    for number, row_result in enumerate(result.rows, 1):
        preview = PreviewRow(number, str(names[number - 1] or ""), row_result.import_type)
        preview.values = resource.values_by_row.get(number, [])
        if row_result.validation_error is not None:
            for column, messages in row_result.validation_error.message_dict.items():
                column = {"title": "name", "oruk_id": "id"}.get(column, column)
                preview.errors.extend(f"{column}: {message}" for message in messages)
        for error in row_result.errors:
            preview.errors.append(str(error.error))
        if preview.errors:
            preview.action = ""
        rows.append(preview)
    file_errors = [str(error.error) for error in result.base_errors]
    saved = not dry_run and not result.has_errors() and not result.has_validation_errors()
    if saved:
        analyze_local_offer()
    return Preview(rows, file_errors, saved=saved)


def run_json_import(text: str, user=None, dry_run: bool = True) -> Preview:
    document, error = parse_json(text)
    if error:
        return Preview([], [error])
    if not oruk.records_in(document):
        return Preview([], ["The file has no service records"])
    report = import_oruk(document, user=user, dry_run=dry_run)
    rows = [
        PreviewRow(r.number, r.name, r.action, list(r.errors), list(r.warnings))
        for r in report.records
    ]
    return Preview(rows, [], saved=report.saved)
