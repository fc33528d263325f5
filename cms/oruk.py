"""Open Referral UK: our services as ORUK JSON, and ORUK JSON as our services.

Records are validated with `jsonschema` against the standard's compiled schemas, copied into
`cms/standards/open-referral-uk/`. Ages are months here and years in the standard; our needs
vocabulary travels as taxonomy terms with fixed ids, so a record we publish comes back the same.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from earlyyears.needs import BroadAreaOfNeed, EYFSArea

STANDARDS = Path(__file__).resolve().parent / "standards" / "open-referral-uk"
# Fixed namespace: ids derived from it are stable across exports and machines.
NAMESPACE = uuid.UUID("6f1d7d38-6a0e-4c55-9a3e-5b1f0e0c7a41")
NEEDS_TAXONOMY = "send-broad-area-of-need"
EYFS_TAXONOMY = "eyfs-area-of-learning"
AREA_URI_PREFIX = "urn:x-earlyyears:area:"
FREE = "Free"


@cache
def schema(name: str) -> dict:
    return json.loads((STANDARDS / name).read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), format_checker=FormatChecker())


def schema_errors(record: Any, name: str = "service.json") -> list[str]:
    """Every way `record` breaks the schema, as "where: what" strings (empty when valid)."""
    errors = sorted(validator(name).iter_errors(record), key=lambda e: list(e.absolute_path))
    messages = []
    for error in errors:
        where = "/".join(str(part) for part in error.absolute_path) or "(record)"
        messages.append(f"{where}: {error.message}")
    return messages


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def need_term_id(taxonomy: str, code: str) -> str:
    return derived_id("taxonomy", taxonomy, code)


def _vocabularies() -> dict[str, tuple[str, dict[str, str]]]:
    return {
        NEEDS_TAXONOMY: ("Broad area of need (SEND Code of Practice 2015)", BroadAreaOfNeed),
        EYFS_TAXONOMY: ("Early Years Foundation Stage area of learning", EYFSArea),
    }


@cache
def needs_term_index() -> dict[str, tuple[str, str]]:
    """Term id -> (taxonomy, code) for our two needs vocabularies."""
    index = {}
    for taxonomy, (_, choices) in _vocabularies().items():
        for code in choices.values:
            index[need_term_id(taxonomy, code)] = (taxonomy, code)
    return index


# --- Ages -------------------------------------------------------------------------------------


def months_to_years(months: int | None) -> float | int | None:
    if months is None:
        return None
    years = round(months / 12, 2)
    return int(years) if years == int(years) else years


MAX_AGE_YEARS = 150


def years_to_months(years: Any) -> int | None:
    """Years (a number) as whole months; None for no age or one we cannot use (not a finite
    number from 0 to 150: `hostile_problems` refuses those records first)."""
    if years is None or isinstance(years, bool):
        return None
    try:
        value = float(years)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(value) or not 0 <= value <= MAX_AGE_YEARS:
        return None
    return round(value * 12)


# --- Hostile input ----------------------------------------------------------------------------

MAX_DEPTH = 16  # a full service record nests 6 deep; 16 is room for extensions, not for bombs
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WEB_SCHEMES = ("http", "https")


def hostile_problems(record: Any) -> list[str]:
    """Values no directory should take in, whatever the schema says, as "where: what" strings:
    numbers that are not finite (NaN, Infinity), ages that are not 0 to 150 years, web
    addresses (the schema's `uri` fields) that are not http or https (`javascript:`),
    control characters such as NUL in any text, and nesting past `MAX_DEPTH` levels."""
    problems: list[str] = []
    _walk(record, schema("service.json"), "", 0, problems)
    for key in ("minimum_age", "maximum_age"):
        value = record.get(key) if isinstance(record, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if math.isfinite(value) and not 0 <= value <= MAX_AGE_YEARS:
                problems.append(f"{key}: {value:g} is not an age in years from 0 to 150")
    return problems


def _walk(value: Any, node: dict | None, where: str, depth: int, problems: list[str]) -> None:
    here = where or "(record)"
    if depth > MAX_DEPTH:
        problems.append(f"{here}: nested more than {MAX_DEPTH} levels deep")
        return
    node = node if isinstance(node, dict) else {}
    if isinstance(value, dict):
        properties = node.get("properties") or {}
        for key, item in value.items():
            if CONTROL_CHARACTERS.search(str(key)):
                problems.append(f"{here}: a field name contains control characters")
                continue
            _walk(item, properties.get(key), f"{where}/{key}".lstrip("/"), depth + 1, problems)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _walk(item, node.get("items"), f"{where}/{n}".lstrip("/"), depth + 1, problems)
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{here}: {value} is not a number (use a finite number)")
    elif isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            problems.append(f"{here}: contains control characters (such as NUL), not allowed")
        elif node.get("format") == "uri" and value:
            try:
                scheme = urlsplit(value).scheme.lower()
            except ValueError:
                scheme = ""
            if scheme not in WEB_SCHEMES:
                problems.append(f"{here}: must be a web address starting http:// or https://")


# --- Export -----------------------------------------------------------------------------------


def _timestamp(value: datetime.datetime | None) -> str:
    value = value or timezone.now()
    value = value.astimezone(datetime.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _drop_empty(data: dict) -> dict:
    """Optional fields are left out rather than sent empty (an empty url is not a URI)."""
    return {k: v for k, v in data.items() if v not in (None, "")}


def organisation_to_oruk(organisation) -> dict:
    return _drop_empty(
        {
            "id": str(organisation.oruk_id),
            "name": organisation.name,
            "description": organisation.description or organisation.name,
            "email": organisation.email,
            "website": organisation.website,
        }
    )


def service_summary(page) -> dict:
    """A service as it appears in a list page (`service_list.json`)."""
    data = _drop_empty(
        {
            "id": str(page.oruk_id),
            "organization_id": str(page.organisation.oruk_id) if page.organisation else None,
            "name": page.title,
            "description": page.description,
            "url": page.website,
            "email": page.email,
            "status": page.status,
            "fees": page.fees,
            "accreditations": page.accreditations,
            "minimum_age": months_to_years(page.minimum_age_months),
            "maximum_age": months_to_years(page.maximum_age_months),
            "assured_date": page.assured_date.isoformat() if page.assured_date else None,
            "alert": page.alert,
            "last_modified": _timestamp(page.last_published_at),
        }
    )
    if page.organisation:
        data["organization"] = organisation_to_oruk(page.organisation)
    return data


def _term(term_id: str, name: str, description: str, taxonomy: str, code: str = "", uri=""):
    return _drop_empty(
        {
            "id": term_id,
            "name": name,
            "description": description or name,
            "taxonomy": taxonomy,
            "term": code,
            "term_uri": uri,
        }
    )


def _attributes(page) -> list[dict]:
    service_id = str(page.oruk_id)
    result = []

    def link(term: dict) -> None:
        result.append(
            {
                "id": derived_id("attribute", service_id, term["id"]),
                "link_id": service_id,
                "link_type": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        )

    for taxonomy, codes in ((NEEDS_TAXONOMY, page.needs), (EYFS_TAXONOMY, page.eyfs_areas)):
        title, choices = _vocabularies()[taxonomy]
        labels = dict(choices.choices)
        for code in codes:
            link(_term(need_term_id(taxonomy, code), str(labels[code]), title, taxonomy, code))
    for term in page.taxonomy_terms.all():
        link(
            _term(
                str(term.oruk_id),
                term.name,
                term.description,
                term.taxonomy,
                term.code,
                term.term_uri,
            )
        )
    return result


def _extent(boundary: dict) -> dict:
    return {"extent": json.dumps(boundary, separators=(",", ":")), "extent_type": "geojson"}


def generated_record(page) -> dict:
    """A full service record made from the page's own fields alone. Expects the page's
    relations prefetched."""
    service_id = str(page.oruk_id)
    data = service_summary(page)
    data["schedules"] = [
        _drop_empty(
            {
                "id": str(s.oruk_id),
                "service_id": service_id,
                "description": s.description,
                "freq": s.freq,
                "byday": s.byday,
                "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else None,
                "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else None,
                "valid_from": s.valid_from.isoformat() if s.valid_from else None,
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
            }
        )
        for s in page.schedules.all()
    ]
    data["service_areas"] = [
        {
            "id": derived_id("service_area", service_id, area.code),
            "service_id": service_id,
            "name": area.name,
            "service_area": f"{area.name} ({area.get_kind_display().lower()})",
            "uri": f"{AREA_URI_PREFIX}{area.code}",
            **(_extent(area.boundary) if area.boundary else {}),
        }
        for area in page.service_areas.all()
    ]
    data["service_at_locations"] = [_location(page, loc) for loc in page.locations.all()]
    data["languages"] = [
        _drop_empty(
            {
                "id": str(lang.oruk_id),
                "service_id": service_id,
                "name": lang.name,
                "code": lang.code,
            }
        )
        for lang in page.languages.all()
    ]
    data["contacts"] = [
        _drop_empty(
            {
                "id": str(c.oruk_id),
                "service_id": service_id,
                "name": c.name,
                "title": c.title,
                "email": c.email,
                "phones": [{"id": derived_id("phone", c.oruk_id), "number": c.phone}]
                if c.phone
                else None,
            }
        )
        for c in page.contacts.all()
    ]
    cost = {"id": derived_id("cost", service_id), "service_id": service_id}
    if page.is_free:
        cost |= {"option": FREE, "amount": 0, "amount_description": FREE}
    else:
        cost |= _drop_empty({"option": "Charge", "amount_description": page.fees})
    data["cost_options"] = [cost]
    data["attributes"] = _attributes(page)
    return data


def _location(page, loc) -> dict:
    location = _drop_empty(
        {
            "id": str(loc.oruk_id),
            "location_type": "physical",
            "name": loc.name,
            "description": loc.description,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
        }
    )
    location["addresses"] = [
        {
            "id": derived_id("address", loc.oruk_id),
            "location_id": str(loc.oruk_id),
            "address_1": loc.address_1,
            "city": loc.city,
            "state_province": loc.region,
            "postal_code": loc.postcode,
            "country": loc.country,
            "address_type": "physical",
        }
    ]
    location["accessibility"] = (
        [
            {
                "id": derived_id("accessibility", loc.oruk_id),
                "location_id": str(loc.oruk_id),
                "description": loc.accessibility,
            }
        ]
        if loc.accessibility
        else []
    )
    return {
        "id": str(loc.service_at_location_id),
        "service_id": str(page.oruk_id),
        "location_id": str(loc.oruk_id),
        "location": location,
    }


# --- Lossless records: the publisher's record with our editors' changes laid over it -----------

SERVICE_FIELDS = {  # ORUK key: the page's attribute
    "name": "title",
    "description": "description",
    "url": "website",
    "email": "email",
    "status": "status",
    "fees": "fees",
    "accreditations": "accreditations",
    "minimum_age": "minimum_age_months",
    "maximum_age": "maximum_age_months",
    "assured_date": "assured_date",
    "alert": "alert",
}
CHILD_FIELDS = {
    "locations": (
        "name",
        "description",
        "address_1",
        "city",
        "region",
        "postcode",
        "country",
        "latitude",
        "longitude",
        "accessibility",
    ),
    "contacts": ("name", "title", "phone", "email"),
    "schedules": (
        "description",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
    ),
    "languages": ("name", "code"),
}
LIST_KEYS = tuple(schema("service_list.json")["properties"])


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def model_snapshot(page) -> dict:
    """The page's own values, as JSON: kept when a record is imported (`oruk_imported`) and
    compared with the page's values when it is published, to tell an editor's change from
    what the record says. Works on an unsaved page (the import's) as on a saved one."""
    organisation = page.organisation
    return {
        "service": {attr: _plain(getattr(page, attr)) for attr in SERVICE_FIELDS.values()}
        | {
            "is_free": page.is_free,
            "needs": sorted(page.needs or []),
            "eyfs_areas": sorted(page.eyfs_areas or []),
        },
        "organisation": (
            {
                "id": str(organisation.oruk_id),
                "name": organisation.name,
                "description": organisation.description,
                "email": organisation.email,
                "website": organisation.website,
            }
            if organisation
            else None
        ),
        "areas": sorted(area.code for area in page.service_areas.all()),
        "terms": sorted(str(term.oruk_id) for term in page.taxonomy_terms.all()),
        **{
            kind: {
                str(child.oruk_id): {name: _plain(getattr(child, name)) for name in names}
                for child in getattr(page, kind).all()
            }
            for kind, names in CHILD_FIELDS.items()
        },
    }


def service_to_oruk(page) -> dict:
    """A full service record (`service.json`). Expects the page's relations prefetched.

    A service imported from a record is published as that record, exactly (same ids, same
    values, every field the page does not model), with whatever an editor has changed since
    laid over it; a service made here is made from the page alone."""
    generated = generated_record(page)
    stored = page.oruk_record
    if not stored:
        return generated
    before = page.oruk_imported or {}
    now = model_snapshot(page)
    out = copy.deepcopy(stored)
    changed = False

    def put(key: str, value: Any) -> None:
        if value in (None, ""):
            out.pop(key, None)
        else:
            out[key] = value

    old_service = before.get("service", {})
    for key, attr in SERVICE_FIELDS.items():
        if now["service"][attr] != old_service.get(attr):
            put(key, generated.get(key))
            changed = True
    if now["service"]["is_free"] != old_service.get("is_free") or (
        now["service"]["fees"] != old_service.get("fees")
    ):
        out["cost_options"] = generated["cost_options"]
        changed = True
    if now["organisation"] != before.get("organisation"):
        for key in ("organization", "organization_id"):
            put(key, generated.get(key))
        changed = True
    if now["areas"] != before.get("areas"):
        out["service_areas"] = generated["service_areas"]
        changed = True
    changed |= _merge_attributes(out, generated, now, before)
    changed |= _merge_children(out, generated, now, before)
    if changed:
        out["last_modified"] = generated["last_modified"]
    return out


def _merge_attributes(out: dict, generated: dict, now: dict, before: dict) -> bool:
    """Attributes: our needs terms and the page's taxonomy terms as they are now; any other
    attribute (one without a term, or a term we did not model) as sent."""
    old, new = before.get("service", {}), now["service"]
    needs_changed = any(new[k] != old.get(k) for k in ("needs", "eyfs_areas"))
    terms_changed = now["terms"] != before.get("terms")
    if not (needs_changed or terms_changed):
        return False
    own = needs_term_index()
    current = set(now["terms"])
    modelled = set(before.get("terms", [])) | current
    kept = []
    for attribute in out.get("attributes") or []:
        term_id = str((attribute.get("taxonomy_term") or {}).get("id") or "").lower()
        if term_id in own and needs_changed:
            continue
        if term_id in modelled and term_id not in current:
            continue
        kept.append(attribute)
    present = {str((a.get("taxonomy_term") or {}).get("id") or "").lower() for a in kept}
    kept += [a for a in generated["attributes"] if a["taxonomy_term_id"] not in present]
    out["attributes"] = kept
    return True


def _child_key(kind: str, item: dict) -> str:
    if kind == "locations":
        return str((item.get("location") or {}).get("id") or "").lower()
    return str(item.get("id") or "").lower()


ARRAYS = {
    "locations": "service_at_locations",
    "contacts": "contacts",
    "schedules": "schedules",
    "languages": "languages",
}


def _merge_children(out: dict, generated: dict, now: dict, before: dict) -> bool:
    """Locations, contacts, schedules and languages: each as sent unless an editor changed,
    removed or added it; the ones the page never modelled (an online location, a language
    with no name) as sent."""
    changed = False
    for kind, key in ARRAYS.items():
        old, new = before.get(kind, {}), now[kind]
        if old == new:
            continue
        changed = True
        made = {_child_key(kind, item): item for item in generated.get(key, [])}
        result = []
        for item in out.get(key) or []:
            child = _child_key(kind, item)
            if child not in old:
                result.append(item)  # never modelled: as sent
            elif child in new:
                edited = {n for n, v in new[child].items() if v != old[child].get(n)}
                result.append(_overlay(kind, item, made[child], edited) if edited else item)
        result += [made[child] for child in new if child not in old]
        out[key] = result
    return changed


ADDRESS_KEYS = {
    "address_1": "address_1",
    "city": "city",
    "region": "state_province",
    "postcode": "postal_code",
    "country": "country",
}


def _overlay(kind: str, sent: dict, made: dict, edited: set[str]) -> dict:
    """An edited child: the fields an editor changed, from the page, over what was sent;
    everything else as sent (a location's other addresses and identifiers, a contact's other
    phones, a schedule's recurrence details)."""
    result = copy.deepcopy(sent)

    def put(target: dict, key: str, value: Any) -> None:
        if value in (None, "", []):
            target.pop(key, None)
        else:
            target[key] = value

    if kind == "locations":
        location = result.setdefault("location", {})
        made_location = made["location"]
        for name in edited & {"name", "description", "latitude", "longitude"}:
            put(location, name, made_location.get(name))
        if edited & set(ADDRESS_KEYS):
            address = _physical_address(location)
            if address is None:
                location["addresses"] = made_location["addresses"]
            else:
                for name in edited & set(ADDRESS_KEYS):
                    key = ADDRESS_KEYS[name]
                    put(address, key, made_location["addresses"][0].get(key))
        if "accessibility" in edited:
            location["accessibility"] = made_location.get("accessibility", [])
        return result
    for name in edited:
        if name == "phone":
            phones = result.get("phones") or []
            if made.get("phones") and phones and isinstance(phones[0], dict):
                phones[0] = {**phones[0], "number": made["phones"][0]["number"]}
                result["phones"] = phones
            else:
                put(result, "phones", made.get("phones") or phones[1:])
        else:
            put(result, name, made.get(name))
    return result


def service_list_item(page) -> dict:
    """A service as it appears in a list page (`service_list.json`): the record's one-to-one
    fields. Expects the page's relations prefetched."""
    full = service_to_oruk(page)
    return {key: full[key] for key in LIST_KEYS if key in full}


# --- Services at locations, taxonomies and their terms ------------------------------------------


def service_at_location_item(record: dict, location) -> dict:
    """One service at one location as a list item (`service_at_location_list.json`): the
    one-to-one fields of the location and of its service, from the service's full record."""
    full = service_at_location_full(record, location)
    place = {k: v for k, v in full["location"].items() if not isinstance(v, list)}
    return {**full, "location": place}


def service_at_location_full(record: dict, location) -> dict:
    """One service at one location in full (`service_at_location.json`): the record's own
    service_at_location, with the service's one-to-one fields."""
    key = str(location.oruk_id).lower()
    item = next(
        (
            sal
            for sal in record.get("service_at_locations") or []
            if str((sal.get("location") or {}).get("id") or "").lower() == key
        ),
        {},
    )
    result = copy.deepcopy(item)
    result.setdefault("id", str(location.service_at_location_id))
    result.setdefault("service_id", record["id"])
    result.setdefault("location_id", str(location.oruk_id))
    result["service"] = {key: record[key] for key in LIST_KEYS if key in record}
    return result


@cache
def own_taxonomies() -> list[dict]:
    """Our two needs vocabularies as ORUK taxonomies (fixed ids)."""
    return [
        {
            "id": derived_id("vocabulary", taxonomy),
            "name": taxonomy,
            "description": title,
            "uri": f"https://openreferraluk.org/taxonomies/{taxonomy}",
        }
        for taxonomy, (title, _) in _vocabularies().items()
    ]


@cache
def own_terms() -> list[dict]:
    """The terms of our needs vocabularies, as the services' attributes carry them."""
    vocabularies = {t["name"]: t["id"] for t in own_taxonomies()}
    terms = []
    for taxonomy, (title, choices) in _vocabularies().items():
        for code, label in choices.choices:
            term = _term(need_term_id(taxonomy, code), str(label), title, taxonomy, code)
            terms.append({**term, "taxonomy_id": vocabularies[taxonomy]})
    return terms


def taxonomy_to_oruk(taxonomy) -> dict:
    return _drop_empty(
        {
            "id": str(taxonomy.oruk_id),
            "name": taxonomy.name,
            "description": taxonomy.description or taxonomy.name,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        }
    )


def term_to_oruk(term) -> dict:
    data = _term(
        str(term.oruk_id), term.name, term.description, term.taxonomy, term.code, term.term_uri
    )
    if term.parent_oruk_id:
        data["parent_id"] = str(term.parent_oruk_id)
    if term.vocabulary_id:
        data["taxonomy_id"] = str(term.vocabulary.oruk_id)
    return data


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ServiceData:
    """What a record says about a service, in our terms, before anything is saved."""

    oruk_id: uuid.UUID
    fields: dict[str, Any]
    organisation: dict[str, Any] | None = None
    organisation_id: uuid.UUID | None = None
    area_codes: list[str] = field(default_factory=list)
    area_names: list[str] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    languages: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)  # as sent, kept whole


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _date(value: Any) -> datetime.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _time(value: Any) -> datetime.time | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.time.fromisoformat(value.strip()[:8].rstrip("Z"))
    except ValueError:
        return None


def _text(value: Any, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def _is_free(record: dict) -> bool:
    options = record.get("cost_options") or []
    for option in options:
        amount = option.get("amount")
        words = f"{option.get('option', '')} {option.get('amount_description', '')}".lower()
        if isinstance(amount, int | float | Decimal) and amount > 0:
            return False
        if not (amount == 0 or "free" in words):
            return False
    if options:
        return True
    fees = _text(record.get("fees")).lower()
    return not fees or "free" in fees


def parse_record(record: dict) -> tuple[ServiceData | None, list[str]]:
    """Our reading of one schema-valid ORUK service record, or the reasons it cannot be used."""
    errors: list[str] = []
    data = ServiceData(
        oruk_id=uuid.UUID(record["id"]), fields=_service_fields(record, errors), record=record
    )
    _read_organisation(record, data)
    _read_service_areas(record, data)
    _read_attributes(record, data)
    _read_locations(record, data, errors)
    _read_contacts(record, data)
    _read_schedules(record, data)
    _read_languages(record, data)
    return (None, errors) if errors else (data, [])


def _service_fields(record: dict, errors: list[str]) -> dict[str, Any]:
    """The service page's own fields; a missing name or impossible ages are errors. The needs
    lists start empty: `_read_attributes` fills them."""
    name = _text(record.get("name"))
    if not name:
        errors.append("name: give the service a name")
    minimum = years_to_months(record.get("minimum_age"))
    maximum = years_to_months(record.get("maximum_age"))
    if minimum is not None and maximum is not None and minimum > maximum:
        errors.append("minimum_age: must not be more than maximum_age")
    return {
        "title": name[:255],
        "description": _text(record.get("description")) or name,
        "website": _text(record.get("url"))[:200],
        "email": _text(record.get("email"))[:254],
        "status": record.get("status"),
        "fees": _text(record.get("fees"), 255),
        "is_free": _is_free(record),
        "accreditations": _text(record.get("accreditations")),
        "minimum_age_months": minimum,
        "maximum_age_months": maximum,
        "assured_date": _date(record.get("assured_date")),
        "alert": _text(record.get("alert"), 255),
        "needs": [],
        "eyfs_areas": [],
    }


def _read_organisation(record: dict, data: ServiceData) -> None:
    """The organisation in full when the record embeds it, else just its id to look up."""
    organisation = record.get("organization")
    if isinstance(organisation, dict):
        data.organisation = {
            "oruk_id": uuid.UUID(organisation["id"]),
            "name": _text(organisation.get("name"), 255) or "Unnamed organisation",
            "description": _text(organisation.get("description")),
            "email": _text(organisation.get("email"))[:254],
            "website": _text(organisation.get("website"))[:200],
        }
    else:
        data.organisation_id = _uuid(record.get("organization_id"))


def _read_service_areas(record: dict, data: ServiceData) -> None:
    """Our areas come back by code (the URI we publish them with); others by name."""
    for item in record.get("service_areas") or []:
        uri = _text(item.get("uri"))
        if uri.startswith(AREA_URI_PREFIX):
            data.area_codes.append(uri.removeprefix(AREA_URI_PREFIX))
        elif _text(item.get("name")):
            data.area_names.append(_text(item.get("name")))


def _read_attributes(record: dict, data: ServiceData) -> None:
    """Terms of our needs vocabularies become the service's needs and EYFS areas; any other
    term is kept as a taxonomy term."""
    needs_index = needs_term_index()
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        term_id = str(term.get("id") or attribute.get("taxonomy_term_id") or "")
        if term_id in needs_index:
            taxonomy, code = needs_index[term_id]
            key = "needs" if taxonomy == NEEDS_TAXONOMY else "eyfs_areas"
            if code not in data.fields[key]:
                data.fields[key].append(code)
        elif term.get("id"):
            data.terms.append(_taxonomy_term(term))


def _taxonomy_term(term: dict) -> dict[str, Any]:
    return {
        "oruk_id": uuid.UUID(term["id"]),
        "parent_oruk_id": _uuid(term.get("parent_id")),
        "taxonomy_id": _uuid(term.get("taxonomy_id")),
        "name": _text(term.get("name"), 255),
        "description": _text(term.get("description")),
        "taxonomy": _text(term.get("taxonomy"), 100),
        "code": _text(term.get("term"), 100),
        "term_uri": _text(term.get("term_uri"))[:200],
    }


def _read_locations(record: dict, data: ServiceData, errors: list[str]) -> None:
    """Each location with an address (one without, such as an online one, stays in the record
    only, with a warning); coordinates off the globe are kept in the record only."""
    for n, item in enumerate(record.get("service_at_locations") or []):
        location = item.get("location") or {}
        address = _physical_address(location)
        if not address:
            data.warnings.append(f"service_at_locations/{n}: no address, not shown on the map")
            continue
        values = _location_values(item, location, address)
        # The standard sets no range on coordinates (its own example has latitude 100): a
        # point off the globe is kept in the record but not used for maps and distances.
        if values["latitude"] is None or values["longitude"] is None:
            values["latitude"] = values["longitude"] = None
            if location.get("latitude") is not None or location.get("longitude") is not None:
                data.warnings.append(
                    f"service_at_locations/{n}/location: latitude and longitude are not a "
                    "point on the globe, so the location is not shown on the map"
                )
        data.locations.append(values)


def _physical_address(location: dict) -> dict | None:
    """The location's physical address, else its first address of any kind."""
    addresses = location.get("addresses") or []
    return next(
        (a for a in addresses if a.get("address_type") == "physical"),
        addresses[0] if addresses else None,
    )


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _location_values(item: dict, location: dict, address: dict) -> dict[str, Any]:
    access = [
        _text(a.get("description") or a.get("details") or a.get("accessibility"))
        for a in location.get("accessibility") or []
    ]
    return {
        "oruk_id": _uuid(location.get("id")) or uuid.uuid4(),
        "service_at_location_id": _uuid(item.get("id")) or uuid.uuid4(),
        "name": _text(location.get("name"), 255),
        "description": _text(location.get("description")),
        "address_1": _text(address.get("address_1"), 255),
        "city": _text(address.get("city"), 100),
        "region": _text(address.get("state_province") or address.get("region"), 100),
        "postcode": _text(address.get("postal_code"), 10).upper(),
        "country": (_text(address.get("country")) or "GB")[:2].upper(),
        "latitude": _coordinate(location.get("latitude"), 90),
        "longitude": _coordinate(location.get("longitude"), 180),
        "accessibility": "\n".join(a for a in access if a),
    }


def _read_contacts(record: dict, data: ServiceData) -> None:
    """Each contact, with its first phone number."""
    for contact in record.get("contacts") or []:
        phones = contact.get("phones") or []
        phone = phones[0].get("number") if phones and isinstance(phones[0], dict) else ""
        data.contacts.append(
            {
                "oruk_id": _uuid(contact.get("id")) or uuid.uuid4(),
                "name": _text(contact.get("name"), 255),
                "title": _text(contact.get("title"), 255),
                "phone": _text(phone, 30),
                "email": _text(contact.get("email"))[:254],
            }
        )


def _read_schedules(record: dict, data: ServiceData) -> None:
    for schedule in record.get("schedules") or []:
        opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
        data.schedules.append(
            {
                "oruk_id": _uuid(schedule.get("id")) or uuid.uuid4(),
                "description": _schedule_description(schedule, opens, closes),
                "freq": schedule.get("freq") or "",
                "byday": _text(schedule.get("byday"), 30),
                "opens_at": opens,
                "closes_at": closes,
                "valid_from": _date(schedule.get("valid_from")),
                "valid_to": _date(schedule.get("valid_to")),
            }
        )


def _schedule_description(
    schedule: dict, opens: datetime.time | None, closes: datetime.time | None
) -> str:
    """The schedule in words: its own description or notes, else made from its days,
    frequency and times."""
    description = _text(schedule.get("description") or schedule.get("notes"), 255)
    if description:
        return description
    parts = [_text(schedule.get("byday")), _text(schedule.get("freq")).lower()]
    if opens and closes:
        parts.append(f"{opens:%H:%M} to {closes:%H:%M}")
    return " ".join(p for p in parts if p) or "See the service for times"


def _read_languages(record: dict, data: ServiceData) -> None:
    """Each language with a name (or at least a code to show as its name)."""
    for language in record.get("languages") or []:
        name = _text(language.get("name"), 100) or _text(language.get("code"), 100)
        if name:
            data.languages.append(
                {
                    "oruk_id": _uuid(language.get("id")) or uuid.uuid4(),
                    "name": name,
                    "code": _text(language.get("code"), 10),
                }
            )


def records_in(document: Any) -> list[Any]:
    """The service records in a file: one record, a list of them, or a list page."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return document["contents"]
    if isinstance(document, list):
        return document
    return [document]
