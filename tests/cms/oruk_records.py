"""Fully populated Open Referral UK service records: every field `service.json` allows, at
every level, plus fields other publishers send that the schema leaves open (phones, language
names), so a round trip can be compared field by field."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("0b8e3f5c-7d1a-4f0e-9c2b-6a5d4e3f2a10")


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def term(name: str, n: int) -> dict:
    return {
        "id": uid("term", name, n),
        "name": f"{name.title()} term",
        "description": f"Services about {name}",
        "parent_id": uid("term-parent", name),
        "taxonomy": "esdServiceTypes",
        "taxonomy_id": uid("taxonomy", "esd"),
        "term_uri": f"https://example.org/terms/{name}",
        "term": name,
    }


def attribute(link_id: str, link_type: str, t: dict, n: int) -> dict:
    return {
        "id": uid("attribute", link_id, n),
        "link_id": link_id,
        "taxonomy_term_id": t["id"],
        "link_type": link_type,
        "taxonomy_term": t,
    }


def full_record(n: int = 1, area_name: str = "Ward 1") -> dict:
    """One service with every field filled, ids derived from `n`."""
    sid = uid("service", n)
    oid = uid("organisation", n)
    lid = uid("location", n)
    contact_id = uid("contact", n)
    return {
        "id": sid,
        "organization_id": oid,
        "name": f"Chatterbox speech group {n}",
        "description": "Speech and language play for under-fives.\nBring a snack.",
        "url": f"https://example.org/services/{n}",
        "email": f"service{n}@example.org",
        "status": "active",
        "fees": "£2.50 a session",
        "accreditations": "Ofsted registered",
        "minimum_age": 0.5,
        "maximum_age": 5,
        "assured_date": "2026-03-01",
        "assurer_email": "assurer@example.org",
        "alert": "Closed at half term",
        "last_modified": "2026-03-01T09:30:00.000Z",
        "schedules": [
            {
                "id": uid("schedule", n),
                "service_id": sid,
                "service_at_location_id": uid("sal", n),
                "valid_from": "2026-01-05",
                "valid_to": "2026-07-20",
                "dtstart": "2026-01-06",
                "freq": "WEEKLY",
                "interval": 2,
                "byday": "TU,TH",
                "bymonthday": "1,15",
                "description": "Tuesdays and Thursdays in term time",
                "opens_at": "09:30:00",
                "closes_at": "11:00:00",
                "schedule_link": "https://example.org/timetable",
                "attending_type": "in_person",
                "notes": "Drop in, no booking",
            }
        ],
        "service_areas": [
            {
                "id": uid("area", n),
                "service_id": sid,
                "name": area_name,
                "extent": '{"type":"Point","coordinates":[-2.5,52.9]}',
                "extent_type": "geojson",
                "uri": "https://example.org/areas/ward-1",
                "service_area": "Families living in Ward 1",
            }
        ],
        "service_at_locations": [
            {
                "id": uid("sal", n),
                "service_id": sid,
                "location_id": lid,
                "location": {
                    "id": lid,
                    "location_type": "physical",
                    "name": "Northdale Family Hub",
                    "description": "The hub on the green",
                    "latitude": 52.95,
                    "longitude": -2.55,
                    "external_identifier": "100000000042",
                    "external_identifier_type": "uprn",
                    "addresses": [
                        {
                            "id": uid("postal", n),
                            "location_id": lid,
                            "attention": "Bookings",
                            "address_1": "PO Box 7",
                            "city": "Northdale",
                            "region": "Northdale",
                            "state_province": "Westmoor",
                            "postal_code": "WM1 9ZZ",
                            "country": "GB",
                            "address_type": "postal",
                        },
                        {
                            "id": uid("physical", n),
                            "location_id": lid,
                            "attention": "Side door",
                            "address_1": "1 The Green",
                            "city": "Northdale",
                            "region": "Northdale",
                            "state_province": "Westmoor",
                            "postal_code": "WM1 3AB",
                            "country": "GB",
                            "address_type": "physical",
                            "attributes": [
                                attribute(uid("physical", n), "address", term("hub", 0), 8)
                            ],
                        },
                    ],
                    "accessibility": [
                        {
                            "id": uid("access", n),
                            "location_id": lid,
                            "description": "Step-free entrance",
                            "details": "Ramp at the side door",
                            "url": "https://example.org/access",
                            "accessibility": "wheelchair",
                            "attributes": [
                                attribute(uid("access", n), "accessibility", term("ramp", 0), 7)
                            ],
                        }
                    ],
                    "attributes": [attribute(lid, "location", term("parking", 0), 5)],
                },
            },
            {
                "id": uid("sal-online", n),
                "service_id": sid,
                "location_id": uid("online", n),
                "location": {
                    "id": uid("online", n),
                    "location_type": "virtual",
                    "name": "Online sessions",
                },
            },
        ],
        "languages": [
            {"id": uid("language", n), "service_id": sid, "phone_id": uid("phone", n)},
            {
                "id": uid("language-bsl", n),
                "service_id": sid,
                "name": "British Sign Language",
                "code": "bfi",
            },
        ],
        "organization": {
            "id": oid,
            "name": f"Westmoor Talking Trust {n}",
            "description": "A charity for children's communication",
            "email": "trust@example.org",
            "website": "https://example.org",
            "logo": "https://example.org/logo.png",
            "uri": "https://example.org/trust",
            "parent_organization_id": uid("parent-organisation", n),
            "organization_identifiers": [
                {
                    "id": uid("identifier", n),
                    "organization_id": oid,
                    "identifier_scheme": "GB-CHC",
                    "identifier_type": "Charity number",
                    "identifier": "1234567",
                    "attributes": [
                        attribute(
                            uid("identifier", n),
                            "organization_identifier",
                            term("registered", 0),
                            6,
                        )
                    ],
                }
            ],
            "attributes": [attribute(oid, "organization", term("charity", 0), 1)],
        },
        "funding": [{"id": uid("funding", n), "service_id": sid, "source": "Lottery"}],
        "cost_options": [
            {
                "id": uid("cost", n),
                "service_id": sid,
                "valid_from": "2026-01-01",
                "valid_to": "2026-12-31",
                "option": "Per child",
                "amount": 2.5,
                "amount_description": "a session",
                "currency": "GBP",
            }
        ],
        "contacts": [
            {
                "id": contact_id,
                "service_id": sid,
                "name": "Sam Patel",
                "title": "Group leader",
                "email": "sam@example.org",
                "phones": [
                    {
                        "id": uid("phone", n),
                        "number": "01632 960123",
                        "extension": 12,
                        "type": "voice",
                        "description": "Office",
                    },
                    {"id": uid("phone-2", n), "number": "07700 900123", "type": "text"},
                ],
                "attributes": [attribute(contact_id, "contact", term("lead", 0), 2)],
            }
        ],
        "attributes": [
            attribute(sid, "service", term("speech", 0), 3),
            attribute(sid, "service", term("play", 0), 4),
        ],
    }


def schema_paths(node: dict, prefix: str = "") -> set[str]:
    """Every property path the schema allows (arrays as `[]`)."""
    paths = set()
    for key, child in (node.get("properties") or {}).items():
        path = f"{prefix}{key}"
        paths.add(path)
        if child.get("type") == "array":
            paths |= schema_paths(child.get("items") or {}, f"{path}[].")
        else:
            paths |= schema_paths(child, f"{path}.")
    return paths


def record_paths(value, prefix: str = "") -> set[str]:
    paths = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}{key}"
            paths.add(path)
            if isinstance(child, list):
                for item in child:
                    paths |= record_paths(item, f"{path}[].")
            else:
                paths |= record_paths(child, f"{path}.")
    return paths


def differences(before, after, where: str = "") -> list[str]:
    """Field-by-field differences between two records (empty when equivalent)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            path = f"{where}/{key}"
            if key not in after:
                found.append(f"{path}: lost")
            elif key not in before:
                found.append(f"{path}: added")
            else:
                found += differences(before[key], after[key], path)
        return found
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items became {len(after)}"]
        return [d for b, a in zip(before, after, strict=True) for d in differences(b, a, where)]
    if before != after or type(before) is not type(after):
        return [f"{where}: {before!r} became {after!r}"]
    return []


def count_fields(value) -> int:
    if isinstance(value, dict):
        return sum(1 + count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0
