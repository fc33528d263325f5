"""Childcare providers from Ofsted's early years register: compare the register's file with the
settings held, show what is new, changed or closed, apply it, and link each setting to its
local offer entry by Ofsted URN (`ServicePage.ofsted_urn`).

The file goes through the settings import itself (`earlyyears.bulk`, which reads the register's
headings and checks every row), inside a transaction that a preview rolls back: the preview is
exactly what applying would do. A setting the register no longer lists is closed (its
registration status "resigned"), never deleted: children and referrals still name it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from earlyyears.bulk import services as bulk
from earlyyears.bulk.resources import SettingResource
from earlyyears.models import Setting, User

from .models import RegisterImport, ServicePage

# Ofsted's national file lists every provider in England, with the local authority of each:
# rows for other authorities are left out when the file has this column.
AUTHORITY_COLUMN = bulk.Column("Local authority", ("la", "local authority name", "la name"))
COMPARED = ("name", "provider_type", "address_line_1", "town", "postcode", "registration_status")
LABELS = {
    "name": "Name",
    "provider_type": "Type",
    "address_line_1": "Address",
    "town": "Town",
    "postcode": "Postcode",
    "registration_status": "Registration",
    "area": "Area",
}
CLOSED = Setting.RegistrationStatus.RESIGNED


@dataclass
class Change:
    urn: str
    name: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after
    service: ServicePage | None = None


@dataclass
class Comparison:
    """What the register's file does to the settings held (or, once applied, did)."""

    new: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    closed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    other_authorities: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "closed": len(self.closed),
            "unchanged": self.unchanged,
            "problems": len(self.problems),
            "other_authorities": self.other_authorities,
        }

    @property
    def anything_to_apply(self) -> bool:
        return bool(self.new or self.changed or self.closed)


def authority_key() -> str:
    """The local authority's name as Ofsted writes it ("Westmoor"), from OFSTED_LOCAL_AUTHORITY
    or the council's name without "County Council"/"Council"."""
    name = getattr(django_settings, "OFSTED_LOCAL_AUTHORITY", "") or ""
    if not name:
        name = django_settings.AUTHORITY_NAME
        for tail in (" County Council", " City Council", " Borough Council", " Council"):
            if name.endswith(tail):
                name = name[: -len(tail)]
                break
    return bulk.heading_key(name)


def _snapshot() -> dict[str, dict[str, str]]:
    rows = Setting.objects.values("urn", *COMPARED, "area__name")
    return {row["urn"].upper(): row for row in rows}


def _shown(key: str, value: Any) -> str:
    if key == "provider_type":
        return str(Setting.ProviderType(value).label) if value else ""
    if key == "registration_status":
        return str(Setting.RegistrationStatus(value).label) if value else ""
    return str(value or "")


def _read(content: bytes, filename: str) -> tuple[bulk.Table, int]:
    file_format = bulk.detect_format(filename, content)
    table = bulk.read_table(content, file_format, [*SettingResource.columns, AUTHORITY_COLUMN])
    others = 0
    if AUTHORITY_COLUMN.label in table.headings:
        ours = authority_key()
        kept = [r for r in table.rows if bulk.heading_key(r[AUTHORITY_COLUMN.label]) == ours]
        others = len(table.rows) - len(kept)
        table.rows = kept
        table.headings = [h for h in table.headings if h != AUTHORITY_COLUMN.label]
    return table, others


def _urn(row: dict) -> str:
    return str(row.get("URN") or "").strip().upper().replace(" ", "")


def compare(content: bytes, filename: str, *, user: User | None, apply: bool) -> Comparison:
    """Run the file through the settings import and close the settings it no longer lists;
    roll it all back unless `apply` (then it is one transaction: all of it or none)."""
    result = Comparison()
    try:
        table, result.other_authorities = _read(content, filename)
    except bulk.ImportFileError as error:
        result.file_errors = [str(error)]
        return result
    result.unknown_columns = list(table.unknown_columns)
    in_file = {_urn(row) for row in table.rows} - {""}
    before = _snapshot()
    with bulk.few_collections(), transaction.atomic():
        resource = SettingResource(user=user)
        if table.rows:
            outcome = bulk.summarise(
                resource.import_data(
                    table.dataset(),
                    dry_run=False,
                    use_transactions=False,
                    raise_errors=False,
                    user=user,
                ),
                resource,
                table,
            )
            result.file_errors = outcome.file_errors
            result.problems = [row for row in outcome.rows if row["errors"]]
        gone = [
            urn
            for urn, row in before.items()
            if urn not in in_file and row["registration_status"] != CLOSED
        ]
        Setting.objects.filter(urn__in=gone).update(registration_status=CLOSED)
        after = _snapshot()
        refused = {row["line"] for row in result.problems}
        used = {_urn(row) for row in table.rows if row["line"] not in refused}
        _classify(result, before, after, used)
        result.applied = apply and not result.file_errors and result.anything_to_apply
        if not result.applied:
            transaction.set_rollback(True)
    _link_services(result)
    return result


def _classify(result: Comparison, before: dict, after: dict, in_file: set[str]) -> None:
    for urn, now in sorted(after.items(), key=lambda item: item[1]["name"].lower()):
        was = before.get(urn)
        if was is None:
            result.new.append(Change(urn, now["name"]))
            continue
        changes = [
            (LABELS[key], _shown(key, was[key]), _shown(key, now[key]))
            for key in COMPARED
            if was[key] != now[key]
        ]
        if was["area__name"] != now["area__name"]:
            changes.append((LABELS["area"], was["area__name"] or "", now["area__name"] or ""))
        if not changes:
            result.unchanged += urn in in_file
        elif now["registration_status"] == CLOSED and was["registration_status"] != CLOSED:
            result.closed.append(Change(urn, now["name"], changes))
        else:
            result.changed.append(Change(urn, now["name"], changes))


def _link_services(result: Comparison) -> None:
    """Each provider's local offer entry, found by URN in one query."""
    rows = [*result.new, *result.changed, *result.closed]
    services = services_by_urn([row.urn for row in rows])
    for row in rows:
        row.service = services.get(row.urn)


# --- Reads for the pages ---------------------------------------------------------------------


def services_by_urn(urns: list[str]) -> dict[str, ServicePage]:
    found: dict[str, ServicePage] = {}
    for service in ServicePage.objects.filter(ofsted_urn__in=[u.upper() for u in urns]).order_by(
        "-live", "pk"
    ):
        found.setdefault(service.ofsted_urn.upper(), service)
    return found


def setting_for(service: ServicePage) -> Setting | None:
    """The childcare provider on Ofsted's register that a local offer entry is."""
    if not service.ofsted_urn:
        return None
    return Setting.objects.filter(urn__iexact=service.ofsted_urn.strip()).first()


@dataclass(frozen=True)
class SettingLink:
    setting: Setting
    service: ServicePage | None


def settings_with_entries(limit: int = 500) -> list[SettingLink]:
    """Settings held, each with its local offer entry (if any): two queries however many."""
    held = list(Setting.objects.select_related("area").order_by("name", "urn")[:limit])
    services = services_by_urn([s.urn for s in held])
    return [SettingLink(s, services.get(s.urn.upper())) for s in held]


def recent_imports(user: User) -> QuerySet[RegisterImport]:
    return RegisterImport.objects.filter(applied_at__isnull=False).select_related("created_by")[:10]


# --- Writes ----------------------------------------------------------------------------------


def upload(user: User, filename: str, content: bytes) -> RegisterImport:
    """Keep the file for its preview. Files never applied go when the same person uploads
    another, or after a day: the register is only held while someone is checking it."""
    stale = timezone.now() - datetime.timedelta(days=1)
    RegisterImport.objects.filter(applied_at__isnull=True).filter(
        Q(created_by=user) | Q(created_at__lt=stale)
    ).delete()
    return RegisterImport.objects.create(
        created_by=user, filename=filename[:255], content=bytes(content)
    )


def preview(register_import: RegisterImport, user: User) -> Comparison:
    return compare(bytes(register_import.content), register_import.filename, user=user, apply=False)


def apply(register_import: RegisterImport, user: User) -> Comparison:
    """Apply it (one transaction) and keep only the counts: the file itself is dropped."""
    with transaction.atomic():
        locked = RegisterImport.objects.select_for_update().get(pk=register_import.pk)
        if locked.applied_at is not None:
            return Comparison(file_errors=["This file has already been applied"])
        result = compare(bytes(locked.content), locked.filename, user=user, apply=True)
        if result.applied:
            locked.applied_at = timezone.now()
            locked.content = b""
            locked.summary = result.counts
            locked.save(update_fields=["applied_at", "content", "summary"])
            bulk.audit(
                user=user,
                resource="ofsted register",
                direction="import",
                file_name=locked.filename,
                rows_total=sum(result.counts.values()),
                detail=result.counts,
            )
    return result
