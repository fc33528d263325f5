"""Writes for the local offer: the index page, the editors' group and workflow, the postcode
table, and saving services from Open Referral UK records (all or nothing)."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
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

from earlyyears.models import Area, Setting

from . import oruk
from .models import (
    LocalOfferIndexPage,
    Organisation,
    PostcodeCentroid,
    ServiceContact,
    ServiceLanguage,
    ServiceLocation,
    ServicePage,
    ServiceSchedule,
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
    moderators.permissions.set([admin_access, *snippets])
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


def _organisation(data: oruk.ServiceData) -> Organisation | None:
    if data.organisation:
        values = dict(data.organisation)
        organisation, _ = Organisation.objects.update_or_create(
            oruk_id=values.pop("oruk_id"), defaults=values
        )
        return organisation
    if data.organisation_id:
        return Organisation.objects.filter(oruk_id=data.organisation_id).first()
    return None


def _areas(data: oruk.ServiceData) -> tuple[list[Area], list[str]]:
    areas = list(Area.objects.filter(code__in=data.area_codes))
    missing = sorted(set(data.area_codes) - {a.code for a in areas})
    for name in data.area_names:
        area = Area.objects.filter(name__iexact=name).first()
        if area:
            areas.append(area)
        else:
            missing.append(name)
    return areas, missing


def save_service(
    data: oruk.ServiceData, parent: LocalOfferIndexPage, user=None, taken: set[str] | None = None
) -> tuple[ServicePage, bool]:
    """Create or update the service with this ORUK id, and publish it."""
    page = ServicePage.objects.filter(oruk_id=data.oruk_id).first()
    created = page is None
    if created:
        page = ServicePage(oruk_id=data.oruk_id)
    for name, value in data.fields.items():
        setattr(page, name, value)
    page.organisation = _organisation(data)
    areas, missing = _areas(data)
    if missing:
        data.warnings.append(f"service_areas: not areas we know, left out: {', '.join(missing)}")
    terms = []
    for values in data.terms:
        values = dict(values)
        term, _ = TaxonomyTerm.objects.update_or_create(
            oruk_id=values.pop("oruk_id"), defaults=values
        )
        terms.append(term)
    page.service_areas = areas
    page.taxonomy_terms = terms
    set_children(page, data)
    if created:
        page.slug = unique_slug(parent, page.title, taken)
        parent.add_child(instance=page)
    else:
        page.draft_title = page.title
        page.save()
    publish(page, user)
    return page, created


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

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.records)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.records if r.errors)


def parse_json(text: str) -> tuple[Any, str | None]:
    """The document, or what broke it and on which line (an editor can go straight there)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, (
            f"The file is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
        )
    except (ValueError, RecursionError) as error:
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


def import_oruk(document: Any, user=None, dry_run: bool = False) -> ImportReport:
    """Import ORUK service records: each is checked against `service.json` and our own rules
    first; if any record is wrong nothing is saved, and the report says what and where."""
    records = oruk.records_in(document)
    reports: list[RecordReport] = []
    parsed: list[oruk.ServiceData] = []
    seen: set[str] = set()
    for number, record in enumerate(records, 1):
        name = record.get("name", "") if isinstance(record, dict) else ""
        oruk_id = str(record.get("id", "")) if isinstance(record, dict) else ""
        report = RecordReport(number, oruk_id, str(name))
        reports.append(report)
        report.errors = oruk.schema_errors(record)
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
            report.action = (
                "update" if ServicePage.objects.filter(oruk_id=data.oruk_id).exists() else "new"
            )
    if any(r.errors for r in reports) or dry_run:
        return ImportReport(reports, saved=False)
    index = ensure_local_offer_index()
    taken = set(index.get_children().values_list("slug", flat=True))
    by_id = {str(r.oruk_id).lower(): r for r in reports}
    with transaction.atomic():
        for data in parsed:
            save_service(data, index, user, taken)
            by_id[str(data.oruk_id)].warnings = data.warnings
    analyze_local_offer()
    return ImportReport(reports, saved=True)


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
