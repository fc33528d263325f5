"""Open Referral UK: our services as ORUK JSON, and ORUK JSON as our services.

Records are validated with `jsonschema` against the standard's compiled schemas, copied into
`cms/standards/open-referral-uk/`. Ages are months here and years in the standard; our needs
vocabulary travels as taxonomy terms with fixed ids, so a record we publish comes back the same.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

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


def years_to_months(years: Any) -> int | None:
    if years is None or isinstance(years, bool):
        return None
    try:
        return max(0, round(float(years) * 12))
    except (TypeError, ValueError):
        return None


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


def service_to_oruk(page) -> dict:
    """A full service record (`service.json`). Expects the page's relations prefetched."""
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
    data = ServiceData(oruk_id=uuid.UUID(record["id"]), fields=_service_fields(record, errors))
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
    if (minimum or 0) > 32767 or (maximum or 0) > 32767:
        errors.append("maximum_age: is not a plausible age")
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
        "name": _text(term.get("name"), 255),
        "description": _text(term.get("description")),
        "taxonomy": _text(term.get("taxonomy"), 100),
        "code": _text(term.get("term"), 100),
        "term_uri": _text(term.get("term_uri"))[:200],
    }


def _read_locations(record: dict, data: ServiceData, errors: list[str]) -> None:
    """Each location with an address (one without is left out, with a warning); coordinates
    off the globe are errors."""
    for n, item in enumerate(record.get("service_at_locations") or []):
        location = item.get("location") or {}
        address = _physical_address(location)
        if not address:
            data.warnings.append(f"service_at_locations/{n}: no address, not shown on the map")
            continue
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            errors.append(f"service_at_locations/{n}/location/latitude: out of range")
        if longitude is not None and not -180 <= longitude <= 180:
            errors.append(f"service_at_locations/{n}/location/longitude: out of range")
        data.locations.append(_location_values(item, location, address))


def _physical_address(location: dict) -> dict | None:
    """The location's physical address, else its first address of any kind."""
    addresses = location.get("addresses") or []
    return next(
        (a for a in addresses if a.get("address_type") == "physical"),
        addresses[0] if addresses else None,
    )


def _location_values(item: dict, location: dict, address: dict) -> dict[str, Any]:
    latitude, longitude = location.get("latitude"), location.get("longitude")
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
        "latitude": float(latitude) if latitude is not None else None,
        "longitude": float(longitude) if longitude is not None else None,
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
