"""Building blocks for local offer tests: a small geography, postcodes and services."""

from __future__ import annotations

import datetime
import uuid

from cms import oruk, services
from cms.models import ServicePage
from earlyyears.models import Area, Setting


def square(lon: float, lat: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon, lat],
                [lon + size, lat],
                [lon + size, lat + size],
                [lon, lat + size],
                [lon, lat],
            ]
        ],
    }


class Places:
    """A county with two districts of two wards each, and settings with postcodes WM1-WM4."""

    def __init__(self) -> None:
        self.county = Area.objects.create(
            code="WM", name="Westmoor", kind=Area.Kind.COUNTY, boundary=square(-2.6, 52.6, 0.4)
        )
        self.north = Area.objects.create(
            code="WM-N",
            name="Northdale",
            kind=Area.Kind.DISTRICT,
            parent=self.county,
            boundary=square(-2.6, 52.8, 0.4),
        )
        self.south = Area.objects.create(
            code="WM-S",
            name="Southby",
            kind=Area.Kind.DISTRICT,
            parent=self.county,
            boundary=square(-2.6, 52.6, 0.4),
        )
        self.wards = []
        for n, (district, lon, lat) in enumerate(
            [
                (self.north, -2.6, 52.9),
                (self.north, -2.4, 52.9),
                (self.south, -2.6, 52.6),
                (self.south, -2.4, 52.6),
            ],
            1,
        ):
            ward = Area.objects.create(
                code=f"{district.code}-{n:02d}",
                name=f"Ward {n}",
                kind=Area.Kind.WARD,
                parent=district,
                boundary=square(lon, lat, 0.1),
            )
            Setting.objects.create(
                urn=f"EY{500000 + n}",
                name=f"Nursery {n}",
                provider_type=Setting.ProviderType.DAY_NURSERY,
                address_line_1="1 High Street",
                town="Westmoor",
                postcode=f"WM{n} 1AB",
                area=ward,
            )
            self.wards.append(ward)
        services.build_postcode_centroids()
        self.index = services.ensure_local_offer_index()


def service_data(
    name: str = "Chatter group",
    *,
    area: Area | None = None,
    needs=("communication_interaction",),
    eyfs=(),
    ages=(0, 60),
    free: bool = True,
    description: str = "A friendly group for talking and listening.",
    point: tuple[float, float] | None = None,
    status: str = "active",
    oruk_id: uuid.UUID | None = None,
) -> oruk.ServiceData:
    sid = oruk_id or uuid.uuid4()
    data = oruk.ServiceData(
        oruk_id=sid,
        fields={
            "title": name,
            "description": description,
            "website": "https://www.example.org/chatter",
            "email": "chatter@example.com",
            "status": status,
            "fees": "" if free else "£3 a session",
            "is_free": free,
            "accreditations": "",
            "minimum_age_months": ages[0],
            "maximum_age_months": ages[1],
            "assured_date": datetime.date(2026, 3, 1),
            "alert": "",
            "needs": list(needs),
            "eyfs_areas": list(eyfs),
        },
        organisation={
            "oruk_id": uuid.uuid5(oruk.NAMESPACE, "test-org"),
            "name": "Chatterbox Charity",
            "description": "Helping children talk.",
            "email": "",
            "website": "",
        },
        area_codes=[area.code] if area else [],
    )
    data.contacts = [
        {
            "oruk_id": uuid.uuid4(),
            "name": "Bookings",
            "title": "",
            "phone": "0113 496 0001",
            "email": "bookings@example.com",
        }
    ]
    data.schedules = [
        {
            "oruk_id": uuid.uuid4(),
            "description": "Tuesdays, 10am to 11am",
            "freq": "WEEKLY",
            "byday": "TU",
            "opens_at": datetime.time(10),
            "closes_at": datetime.time(11),
            "valid_from": None,
            "valid_to": None,
        }
    ]
    data.languages = [{"oruk_id": uuid.uuid4(), "name": "English", "code": "en"}]
    if point:
        data.locations = [
            {
                "oruk_id": uuid.uuid4(),
                "service_at_location_id": uuid.uuid4(),
                "name": "Children's Centre",
                "description": "",
                "address_1": "12 Mill Road",
                "city": "Northdale",
                "region": "Westmoor",
                "postcode": "WM1 2AB",
                "country": "GB",
                "latitude": point[1],
                "longitude": point[0],
                "accessibility": "Step-free access.",
            }
        ]
    return data


def make_service(places: Places, name: str = "Chatter group", **kwargs) -> ServicePage:
    page, _ = services.save_service(service_data(name, **kwargs), places.index)
    return page
