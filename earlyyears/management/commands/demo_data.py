"""Build a fictional local authority, Westmoor County Council, to demonstrate the service.

Everything here is invented: places, settings, children, families and staff. Phone numbers
come from Ofcom's drama range, email addresses are at example.com, NHS numbers are in the
999 test range and postcodes use the non-existent "WM" postcode area.

The data is deterministic: each record is drawn from its own random generator seeded from a
fixed seed and the record's index, so a small run (``--children 120``) is the first part of a
full run, and running the command again adds nothing. Dates of birth are relative to today so
the children stay under five whenever the demo is built.
"""

from __future__ import annotations

import datetime
import math
import os
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.models import (
    Area,
    CaseloadMembership,
    Child,
    FamilyContact,
    Role,
    Setting,
    SettingMembership,
    User,
)
from earlyyears.roles import SEND_TEAM_ROLES
from earlyyears.validators import nhs_number_check_digit

SEED = "westmoor-2026"
DEFAULT_PASSWORD = "demo-password-2026"  # noqa: S105 - demo only; set DEMO_PASSWORD
COUNCIL = "Westmoor County Council"
REFERENCE_PREFIX = "DEMO-"

# --- Geography --------------------------------------------------------------------------------
# A 4 x 4 grid of wards over roughly lon -2.6..-1.8, lat 52.6..53.1. Cells are about 13.5 km
# east-west by 13.9 km north-south at this latitude. Grid nodes are jittered and every edge gets
# jittered intermediate points; neighbours share the very same points, so wards tile exactly.
GRID = 4
LON0, LAT0 = -2.6, 52.6
DLON, DLAT = 0.2, 0.125
EDGE_POINTS = 7  # intermediate points per cell edge
NODE_JITTER_INTERIOR = 0.22  # fraction of a cell
NODE_JITTER_OUTER = 0.15
# Edges meander: a sideways curve (fractions of the edge's length) plus a little noise.
EDGE_CURVE = 0.12
EDGE_WIGGLE = 0.06
EDGE_NOISE = 0.015
DECIMALS = 6  # about 0.1 m, as RFC 7946 suggests

COUNTY = ("WM", "Westmoor")


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    town: str
    block: tuple[int, int]  # (column, row) of its 2 x 2 block of wards; row 0 is the south
    wards: tuple[str, str, str, str]  # north-west, north-east, south-west, south-east


DISTRICTS = (
    DistrictSpec(
        "AB",
        "Ashbridge",
        "Ashbridge",
        (0, 1),
        ("Thornby and Wrayton", "Hollinsgate", "Fellside", "Ashbridge Town"),
    ),
    DistrictSpec(
        "CB",
        "Calderby",
        "Calderby",
        (1, 1),
        ("Ravensholme", "Oakhurst and Skelder", "Calderby Central", "Calderby Priory"),
    ),
    DistrictSpec(
        "FV",
        "Fernley Vale",
        "Fernley",
        (0, 0),
        ("Little Harwood", "Fernley Town", "Sedgecombe", "Fernley Brook"),
    ),
    DistrictSpec(
        "KM",
        "Kingsmere",
        "Kingsmere",
        (1, 0),
        ("Kingsmere Central", "Bramwith", "Kingsmere Parkside", "Stoke Ferrand"),
    ),
)
# Position of each of a district's four wards inside its block, in the order of `wards`.
WARD_OFFSETS = ((0, 1), (1, 1), (0, 0), (1, 0))
# Wards named after the district's town are busier.
TOWN_WARD_WORDS = ("Town", "Central", "Priory", "Parkside", "Brook")

# --- Names -----------------------------------------------------------------------------------
GIRLS = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Daisy",
    "Sienna",
    "Poppy",
    "Elsie",
    "Emily",
    "Ella",
    "Evelyn",
    "Phoebe",
    "Sofia",
    "Evie",
    "Charlotte",
    "Harper",
    "Millie",
    "Matilda",
    "Maya",
    "Ruby",
    "Esme",
    "Chloe",
    "Hallie",
    "Maisie",
    "Ada",
    "Bonnie",
    "Alice",
    "Luna",
    "Eliza",
    "Orla",
)
BOYS = (
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "Finley",
    "Arlo",
    "William",
    "Lucas",
    "Roman",
    "Tommy",
    "Isaac",
    "Teddy",
    "Alexander",
    "Luca",
    "Edward",
    "James",
    "Joshua",
    "Albie",
    "Elijah",
    "Max",
    "Mason",
    "Reuben",
    "Samuel",
    "Ezra",
    "Logan",
    "Harrison",
    "Louie",
)
SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Hughes",
    "Edwards",
    "Harris",
    "Lewis",
    "Turner",
    "Hill",
    "Cooper",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Baker",
    "Harrison",
    "Morgan",
    "Patel",
    "Young",
    "Allen",
    "Mitchell",
    "Bell",
    "Kelly",
    "Marshall",
    "Bailey",
    "Collins",
    "Shaw",
    "Holmes",
    "Lloyd",
    "Stevens",
    "Fletcher",
    "Barker",
    "Booth",
    "Briggs",
    "Hardy",
    "Pickering",
    "Ashworth",
    "Greenwood",
    "Haworth",
    "Sutcliffe",
    "Whitehead",
    "Lomax",
    "Kershaw",
    "Brennan",
    "Doyle",
    "Murphy",
    "Begum",
    "Okafor",
    "Mensah",
    "Campbell",
    "Reid",
)
ADULT_WOMEN = (
    "Sarah",
    "Emma",
    "Laura",
    "Rebecca",
    "Hannah",
    "Jessica",
    "Amy",
    "Charlotte",
    "Lauren",
    "Stacey",
    "Gemma",
    "Kirsty",
    "Natalie",
    "Jade",
    "Rachel",
    "Katie",
    "Samantha",
    "Leanne",
    "Danielle",
    "Zoe",
    "Holly",
    "Chloe",
    "Megan",
    "Sophie",
    "Kayleigh",
    "Nicola",
    "Claire",
)
ADULT_MEN = (
    "James",
    "Daniel",
    "Thomas",
    "Matthew",
    "Christopher",
    "Ryan",
    "Luke",
    "Adam",
    "Jamie",
    "Craig",
    "Lee",
    "Ashley",
    "Liam",
    "Dean",
    "Mark",
    "Stephen",
    "Jordan",
    "Carl",
    "Scott",
    "Michael",
    "Ben",
    "Joe",
    "Sam",
    "Andrew",
    "Kieran",
    "Nathan",
)
GRANDMOTHERS = ("Susan", "Karen", "Julie", "Linda", "Tracey", "Janet", "Denise", "Carol")
CHILDMINDER_NAMES = (
    "Jane",
    "Karen",
    "Michelle",
    "Joanne",
    "Lisa",
    "Claire",
    "Donna",
    "Angela",
    "Helen",
    "Sharon",
    "Nicola",
    "Tracy",
    "Amanda",
    "Sally",
    "Kerry",
    "Paul",
)


@dataclass(frozen=True)
class Community:
    """Home languages and the names families in this community often give."""

    languages: tuple[str, ...]
    contact_language: str  # FamilyContact.Language code
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    weight: float
    english_contact_share: float  # how often a parent still prefers English for texts


COMMUNITIES = (
    Community(("English",), "en", GIRLS, BOYS, SURNAMES, ADULT_WOMEN, ADULT_MEN, 80.0, 1.0),
    Community(
        ("Polish", "English"),
        "pl",
        ("Zofia", "Zuzanna", "Hanna", "Julia", "Maja", "Lena", "Alicja", "Oliwia"),
        ("Jakub", "Antoni", "Jan", "Szymon", "Filip", "Aleksander", "Franciszek", "Mikolaj"),
        ("Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski"),
        ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Monika", "Ewa"),
        ("Piotr", "Tomasz", "Pawel", "Marcin", "Krzysztof", "Lukasz"),
        5.5,
        0.25,
    ),
    Community(
        ("Urdu", "English"),
        "ur",
        ("Aisha", "Maryam", "Hafsa", "Zara", "Inaya", "Fatima", "Hira", "Amira"),
        ("Muhammad", "Ibrahim", "Yusuf", "Ayaan", "Zayn", "Hamza", "Rayyan", "Musa"),
        ("Khan", "Hussain", "Akhtar", "Mahmood", "Iqbal", "Butt", "Rashid", "Begum"),
        ("Nabila", "Sadia", "Saima", "Rubina", "Shazia", "Farah"),
        ("Imran", "Asif", "Tariq", "Zahid", "Kamran", "Shahid"),
        4.5,
        0.45,
    ),
    Community(
        ("Punjabi", "English"),
        "pa",
        ("Simran", "Harleen", "Jasleen", "Amrit", "Navneet", "Gurleen", "Anaya", "Kiran"),
        ("Arjun", "Harjot", "Gurveer", "Jaskaran", "Ravi", "Sukhdev", "Manveer", "Aarav"),
        ("Singh", "Kaur", "Sandhu", "Gill", "Sidhu", "Dhillon", "Bains", "Johal"),
        ("Manpreet", "Rajinder", "Harpreet", "Baljit", "Sukhjeet", "Parminder"),
        ("Gurpreet", "Jaswinder", "Harjinder", "Kuldeep", "Davinder", "Amarjit"),
        3.0,
        0.5,
    ),
    Community(
        ("Romanian", "English"),
        "ro",
        ("Ioana", "Maria", "Elena", "Andreea", "Sofia", "Daria", "Bianca", "Alexia"),
        ("Andrei", "David", "Luca", "Matei", "Stefan", "Alexandru", "Mihai", "Darius"),
        ("Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Munteanu"),
        ("Alina", "Mihaela", "Cristina", "Roxana", "Gabriela", "Simona"),
        ("Ionut", "Florin", "Cosmin", "Marius", "Adrian", "Bogdan"),
        2.5,
        0.2,
    ),
    Community(
        ("Arabic", "English"),
        "ar",
        ("Maryam", "Layla", "Noor", "Salma", "Yasmin", "Hana", "Rania", "Lina"),
        ("Omar", "Yusuf", "Adam", "Ali", "Hassan", "Zakaria", "Khalid", "Karim"),
        ("Ahmed", "Hassan", "Ali", "Mohamed", "Abdullah", "Saleh", "Haddad", "Mansour"),
        ("Amal", "Huda", "Rasha", "Samira", "Dalia", "Nadia"),
        ("Mahmoud", "Ahmad", "Tarek", "Samir", "Walid", "Bilal"),
        2.0,
        0.3,
    ),
    Community(
        ("Welsh", "English"),
        "cy",
        ("Cerys", "Seren", "Ffion", "Megan", "Alys", "Nia", "Elin", "Mali"),
        ("Rhys", "Dylan", "Osian", "Ioan", "Gethin", "Tomos", "Macsen", "Ifan"),
        ("Jones", "Evans", "Davies", "Williams", "Griffiths", "Morgan", "Pritchard", "Pugh"),
        ("Sian", "Rhian", "Catrin", "Lowri", "Bethan", "Angharad"),
        ("Aled", "Gareth", "Dafydd", "Huw", "Owain", "Rhodri"),
        1.5,
        0.4,
    ),
)

NURSERY_NAMES = (
    "Little Acorns",
    "Rainbow",
    "Sunflower",
    "Tiny Steps",
    "Oak Tree",
    "Willow",
    "Ladybird",
    "Honeypot",
    "Teddy Bears",
    "Kingfisher",
    "Meadow View",
    "Buttercup",
    "Riverside",
    "Bluebell",
    "Hedgehogs",
    "Jack and Jill",
    "Little Owls",
    "Bumblebees",
    "Caterpillars",
    "Moorside",
    "Orchard House",
    "Stepping Stones",
    "Cherry Tree",
    "Little Learners",
    "Red Kite",
)
NURSERY_SUFFIXES = ("Day Nursery", "Day Nursery", "Nursery", "Children's Nursery")
SAINTS = (
    "St Mary's",
    "St Peter's",
    "St John's",
    "St Michael's",
    "St Anne's",
    "Holy Trinity",
    "St Andrew's",
    "All Saints",
    "St Chad's",
    "St Oswald's",
)
PRE_SCHOOL_NAMES = (
    "Little Explorers",
    "Playdays",
    "Busy Fingers",
    "Tadpoles",
    "Acorn",
    "Squirrels",
    "Ducklings",
    "Butterflies",
)
STREETS = (
    "Church Lane",
    "Mill Road",
    "Station Road",
    "High Street",
    "Park Avenue",
    "Victoria Road",
    "Queen Street",
    "Meadow Close",
    "Orchard Way",
    "The Green",
    "School Lane",
    "Chapel Street",
    "Moor Lane",
    "Kings Road",
    "Brook Street",
    "Beech Grove",
    "Westgate",
    "Market Street",
    "Sandy Lane",
    "Hollybush Road",
    "Farm Lane",
    "Vicarage Road",
    "Fern Avenue",
    "Manor Drive",
)
# Letters Royal Mail uses in the last two characters of a postcode.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# --- Staff ------------------------------------------------------------------------------------


@dataclass
class StaffSpec:
    username: str
    role: Role
    first_name: str
    last_name: str
    job_title: str
    organisation: str = COUNCIL
    is_staff: bool = False
    is_superuser: bool = False
    settings: list[tuple[Setting, bool]] = field(default_factory=list)  # (setting, is_senco)
    districts: tuple[str, ...] = ()  # portage patch


@dataclass
class Built:
    """What this run produced, for the summary."""

    created: Counter = field(default_factory=Counter)
    staff: list[tuple[StaffSpec, User]] = field(default_factory=list)


def rng_for(*parts: object) -> random.Random:
    """A generator of its own for one record, so records do not depend on each other."""
    return random.Random(":".join([SEED, *map(str, parts)]))


def weighted(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


# --- Geometry ---------------------------------------------------------------------------------

Point = tuple[float, float]


def build_grid() -> tuple[dict, dict]:
    """Jittered nodes, and the points along every edge between them (shared by neighbours).

    Returns (h_edges, v_edges): h_edges[(i, j)] runs east from node (i, j) to (i + 1, j);
    v_edges[(i, j)] runs north from node (i, j) to (i, j + 1). Each includes both end nodes.
    """
    rng = rng_for("geometry")
    nodes: dict[tuple[int, int], Point] = {}
    for i in range(GRID + 1):
        for j in range(GRID + 1):
            outer = i in (0, GRID) or j in (0, GRID)
            jitter = NODE_JITTER_OUTER if outer else NODE_JITTER_INTERIOR
            nodes[i, j] = (
                LON0 + (i + rng.uniform(-jitter, jitter)) * DLON,
                LAT0 + (j + rng.uniform(-jitter, jitter)) * DLAT,
            )

    def edge(a: Point, b: Point) -> list[Point]:
        (ax, ay), (bx, by) = a, b
        # Perpendicular, scaled to the edge's own length.
        px, py = -(by - ay), bx - ax
        curve = rng.uniform(-EDGE_CURVE, EDGE_CURVE)
        wiggle = rng.uniform(-EDGE_WIGGLE, EDGE_WIGGLE)
        points = [a]
        for k in range(1, EDGE_POINTS + 1):
            t = (k + rng.uniform(-0.25, 0.25)) / (EDGE_POINTS + 1)
            bend = (
                curve * math.sin(math.pi * t)
                + wiggle * math.sin(2 * math.pi * t)
                + rng.uniform(-EDGE_NOISE, EDGE_NOISE)
            )
            points.append((ax + t * (bx - ax) + bend * px, ay + t * (by - ay) + bend * py))
        points.append(b)
        return [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in points]

    h_edges = {
        (i, j): edge(nodes[i, j], nodes[i + 1, j]) for i in range(GRID) for j in range(GRID + 1)
    }
    v_edges = {
        (i, j): edge(nodes[i, j], nodes[i, j + 1]) for i in range(GRID + 1) for j in range(GRID)
    }
    return h_edges, v_edges


def block_ring(grid, i0: int, j0: int, width: int, height: int) -> list[list[float]]:
    """The counter-clockwise outer ring of the block of cells [i0, i0+width) x [j0, j0+height),
    walking every shared point, closed (first point repeated last)."""
    h_edges, v_edges = grid
    ring: list[Point] = []

    def add(points: list[Point]) -> None:
        ring.extend(points if not ring else points[1:])

    for i in range(i0, i0 + width):  # south edge, west to east
        add(h_edges[i, j0])
    for j in range(j0, j0 + height):  # east edge, south to north
        add(v_edges[i0 + width, j])
    for i in reversed(range(i0, i0 + width)):  # north edge, east to west
        add(h_edges[i, j0 + height][::-1])
    for j in reversed(range(j0, j0 + height)):  # west edge, north to south
        add(v_edges[i0, j][::-1])
    assert ring[0] == ring[-1]
    return [[x, y] for x, y in ring]


def polygon(ring: list[list[float]]) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


# --- The command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Create (or top up) demonstration data for the fictional Westmoor County Council: "
        "areas, settings, children, family contacts and a staff sign-in for every role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--children", type=int, default=2000, help="How many children (default 2000)"
        )
        # Not "--settings": Django reserves that for the settings module on every command.
        parser.add_argument(
            "--settings-count",
            type=int,
            default=150,
            help="How many early years settings (default 150, at least 4)",
        )

    def handle(self, *args, children: int, settings_count: int, **options):
        settings = settings_count
        if children < 0 or settings < 4:
            raise CommandError("Give at least 4 settings and 0 or more children")
        if children > 99999:
            raise CommandError("References run to DEMO-99999: give at most 99999 children")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        if len(password) < 12:
            raise CommandError("DEMO_PASSWORD must be at least 12 characters")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("DEMO_PASSWORD: " + " ".join(error.messages)) from error

        try:
            known_keys = demo.demo_keys_allowed()  # refuses before anything is written
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal

        built = Built()
        with transaction.atomic():
            wards = self.build_areas(built)
            all_settings, childminders = self.build_settings(settings, wards, built)
            self.build_children(children, wards, all_settings, built)
            self.build_staff(all_settings, childminders, password, built)
            if known_keys:
                for _, user in built.staff:
                    demo.give_demo_key(user)
        self.report(built, password, known_keys)

    # Areas ----------------------------------------------------------------------------------

    def build_areas(self, built: Built) -> list[Area]:
        grid = build_grid()
        county_code, county_name = COUNTY
        ward_rows = []  # (district spec, code, name, i, j, population)
        for spec in DISTRICTS:
            bi, bj = spec.block
            for n, (name, (di, dj)) in enumerate(zip(spec.wards, WARD_OFFSETS, strict=True), 1):
                rng = rng_for("ward", spec.code, n)
                busy = any(word in name for word in TOWN_WARD_WORDS)
                population = rng.randint(2200, 3500) if busy else rng.randint(600, 2100)
                code = f"{county_code}-{spec.code}-{n:02d}"
                ward_rows.append((spec, code, name, bi * 2 + di, bj * 2 + dj, population))

        def upsert(code, **values) -> Area:
            area, created = Area.objects.update_or_create(code=code, defaults=values)
            built.created["areas"] += created
            return area

        county = upsert(
            county_code,
            name=county_name,
            kind=Area.Kind.COUNTY,
            parent=None,
            boundary=polygon(block_ring(grid, 0, 0, GRID, GRID)),
            under_5_population=sum(row[-1] for row in ward_rows),
        )
        wards: list[Area] = []
        for spec in DISTRICTS:
            bi, bj = spec.block
            mine = [row for row in ward_rows if row[0] is spec]
            district = upsert(
                f"{county_code}-{spec.code}",
                name=spec.name,
                kind=Area.Kind.DISTRICT,
                parent=county,
                boundary=polygon(block_ring(grid, bi * 2, bj * 2, 2, 2)),
                under_5_population=sum(row[-1] for row in mine),
            )
            for _, code, name, i, j, population in mine:
                ward = upsert(
                    code,
                    name=name,
                    kind=Area.Kind.WARD,
                    parent=district,
                    boundary=polygon(block_ring(grid, i, j, 1, 1)),
                    under_5_population=population,
                )
                ward.grid_cell = (i, j)
                ward.town = spec.town
                ward.postcode_district = f"WM{len(wards) + 1}"
                wards.append(ward)
        return wards

    # Settings -------------------------------------------------------------------------------

    def build_settings(self, count: int, wards: list[Area], built: Built):
        types = Setting.ProviderType
        # The first four cover every type, so even a small run has one of each.
        first_types = [types.DAY_NURSERY, types.PRE_SCHOOL, types.CHILDMINDER, types.SCHOOL_NURSERY]
        type_weights = {
            types.DAY_NURSERY: 45,
            types.PRE_SCHOOL: 25,
            types.CHILDMINDER: 20,
            types.SCHOOL_NURSERY: 10,
        }
        populations = [ward.under_5_population for ward in wards]
        used_names: set[str] = set()
        result: list[Setting] = []
        childminders: dict[int, tuple[str, str]] = {}  # setting id -> (first, last)
        for index in range(count):
            rng = rng_for("setting", index)
            provider_type = (
                first_types[index]
                if index < len(first_types)
                else weighted(rng, list(type_weights), list(type_weights.values()))
            )
            ward = wards[index] if index < len(wards) else weighted(rng, wards, populations)
            place = ward.name.split(" and ")[0]
            for _attempt in range(8):  # names repeat in real life, but not this often
                name, person = setting_name(rng, provider_type, place)
                if name not in used_names:
                    break
            else:
                if person is None:
                    name = f"{name}, {place}"
            used_names.add(name)

            street = "School Lane" if provider_type == types.SCHOOL_NURSERY else None
            address = f"{rng.randint(1, 120)} {street or rng.choice(STREETS)}"
            if provider_type == types.PRE_SCHOOL and rng.random() < 0.4:
                address = rng.choice(["Village Hall, ", "Church Hall, ", "Scout Hut, "]) + (
                    rng.choice(STREETS)
                )
            setting, created = Setting.objects.update_or_create(
                urn=f"EY{unique_six_digits(index)}",
                defaults={
                    "name": name,
                    "provider_type": provider_type,
                    "address_line_1": address,
                    "town": ward.town,
                    "postcode": postcode(rng, ward),
                    "area": ward,
                    "registration_status": Setting.RegistrationStatus.ACTIVE,
                },
            )
            built.created["settings"] += created
            setting.ward = ward
            if person:
                childminders[setting.pk] = person
            result.append(setting)
        return result, childminders

    # Children and their families ------------------------------------------------------------

    def build_children(self, count: int, wards: list[Area], settings: list[Setting], built):
        references = [f"{REFERENCE_PREFIX}{n:05d}" for n in range(1, count + 1)]
        existing = set(
            Child.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list(
                "reference", flat=True
            )
        )
        missing = [(i, ref) for i, ref in enumerate(references) if ref not in existing]
        if not missing:
            return
        nhs_numbers = demo_nhs_numbers(count)
        today = timezone.localdate()
        now = timezone.now()
        populations = [ward.under_5_population for ward in wards]
        ward_at = {ward.grid_cell: ward for ward in wards}
        community_weights = [c.weight for c in COMMUNITIES]
        # Younger children are at nurseries and childminders; pre-schools take twos to fours;
        # school nursery classes take the year before reception.
        ages_by_type = {
            Setting.ProviderType.DAY_NURSERY: (0.6, 4.4),
            Setting.ProviderType.CHILDMINDER: (0.5, 4.4),
            Setting.ProviderType.PRE_SCHOOL: (2.0, 4.4),
            Setting.ProviderType.SCHOOL_NURSERY: (3.0, 4.9),
        }

        new_children: list[Child] = []
        families: dict[str, tuple[random.Random, Community]] = {}
        for index, reference in missing:
            rng = rng_for("child", index)
            community = weighted(rng, COMMUNITIES, community_weights)
            girl = rng.random() < 0.49
            first = rng.choice(community.girls if girl else community.boys)
            last = rng.choice(community.surnames)
            if community.surnames is SURNAMES and rng.random() < 0.05:  # double-barrelled
                last = f"{last}-{rng.choice(SURNAMES)}"
            if last in ("Singh", "Kaur"):  # Sikh names follow the child
                last = "Kaur" if girl else "Singh"

            setting = rng.choice(settings) if rng.random() > 0.06 else None
            if setting is None:
                low, high = 0.0, 4.9
                home = weighted(rng, wards, populations)
            else:
                low, high = ages_by_type[setting.provider_type]
                home = setting.ward
                if rng.random() < 0.15:  # lives over the border in a neighbouring ward
                    i, j = home.grid_cell
                    neighbours = [
                        ward_at[cell]
                        for cell in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1))
                        if cell in ward_at
                    ]
                    home = rng.choice(neighbours)
            age_days = int(rng.uniform(low, high) * 365.25)
            date_of_birth = today - datetime.timedelta(days=max(age_days, 14))

            languages = list(community.languages)
            if len(languages) > 1 and rng.random() < 0.3:
                languages = languages[:1]  # only the home language so far
            nhs = nhs_numbers[index] if rng.random() < 0.93 else ""
            known_for = min((today - date_of_birth).days, 720)
            new_children.append(
                Child(
                    reference=reference,
                    first_name=first,
                    last_name=last,
                    date_of_birth=date_of_birth,
                    postcode=postcode(rng, home),
                    area=home,
                    setting=setting,
                    languages=languages,
                    nhs_number=nhs,
                    created_at=now - datetime.timedelta(days=rng.randint(0, known_for)),
                )
            )
            families[reference] = (rng, community)

        Child.objects.bulk_create(new_children, batch_size=500)
        built.created["children"] += len(new_children)
        ids = dict(
            Child.objects.filter(reference__in=list(families)).values_list("reference", "pk")
        )
        contacts: list[FamilyContact] = []
        for child in new_children:
            rng, community = families[child.reference]
            contacts.extend(family_contacts(rng, community, child, ids[child.reference], now))
        FamilyContact.objects.bulk_create(contacts, batch_size=1000)
        built.created["family contacts"] += len(contacts)

    # Staff ----------------------------------------------------------------------------------

    def build_staff(self, settings, childminders, password: str, built: Built) -> None:
        types = Setting.ProviderType

        def first_of(provider_type, skip=0) -> Setting:
            found = [s for s in settings if s.provider_type == provider_type]
            return found[min(skip, len(found) - 1)]

        nursery = first_of(types.DAY_NURSERY)
        pre_school = first_of(types.PRE_SCHOOL)
        school = first_of(types.SCHOOL_NURSERY)
        childminder_setting = first_of(types.CHILDMINDER)
        other_nursery = next(
            (
                s
                for s in settings
                if s.provider_type == types.DAY_NURSERY
                and s.ward.parent_id != nursery.ward.parent_id
            ),
            first_of(types.DAY_NURSERY, skip=1),
        )
        cm_first, cm_last = childminders[childminder_setting.pk]
        district_codes = [f"{COUNTY[0]}-{d.code}" for d in DISTRICTS]

        P = Role.PRACTITIONER  # short, to keep the cast list readable
        specs = [
            StaffSpec(
                "practitioner",
                P,
                "Amy",
                "Collins",
                "Early years practitioner",
                nursery.name,
                settings=[(nursery, False)],
            ),
            StaffSpec(
                "practitioner2",
                P,
                "Hannah",
                "Brooks",
                "Pre-school assistant",
                pre_school.name,
                settings=[(pre_school, False)],
            ),
            StaffSpec(
                "practitioner3",
                P,
                "Kelly",
                "Ashworth",
                "Nursery teacher",
                school.name,
                settings=[(school, False)],
            ),
            StaffSpec(
                "senco",
                P,
                "Rebecca",
                "Hughes",
                "Deputy manager and SENCO",
                nursery.name,
                settings=[(nursery, True)],
            ),
            StaffSpec(
                "bank.practitioner",
                P,
                "Daniel",
                "Price",
                "Bank early years practitioner",
                "Westmoor Early Years Bank Staff",
                settings=[(nursery, False), (other_nursery, False)],
            ),
            StaffSpec(
                "childminder",
                P,
                cm_first,
                cm_last,
                "Registered childminder",
                childminder_setting.name,
                settings=[(childminder_setting, False)],
            ),
            StaffSpec(
                "portage",
                Role.PORTAGE_WORKER,
                "Gemma",
                "Walsh",
                "Portage home visitor",
                districts=tuple(district_codes[:2]),
            ),
            StaffSpec(
                "portage2",
                Role.PORTAGE_WORKER,
                "Tom",
                "Fielding",
                "Portage home visitor",
                districts=(district_codes[2],),
            ),
            StaffSpec(
                "portage3",
                Role.PORTAGE_WORKER,
                "Nadia",
                "Hussain",
                "Senior portage home visitor",
                districts=(district_codes[3],),
            ),
            StaffSpec(
                "send.officer", Role.SEND_OFFICER, "Laura", "Bennett", "Early years SEND officer"
            ),
            StaffSpec(
                "send.officer2", Role.SEND_OFFICER, "Marcus", "Reid", "Early years SEND officer"
            ),
            StaffSpec(
                "send.manager",
                Role.SEND_MANAGER,
                "Helen",
                "Carter",
                "Early years SEND team manager",
                is_staff=True,  # edits draft routing rules in the staff admin
            ),
            StaffSpec(
                "early.help",
                Role.EARLY_HELP_COORDINATOR,
                "Sophie",
                "Turner",
                "Early help coordinator",
            ),
            StaffSpec(
                "professional",
                Role.PROFESSIONAL,
                "Aled",
                "Morgan",
                "Speech and language therapist",
                "Westmoor Community Health NHS Trust",
            ),
            StaffSpec("trainer", Role.TRAINER, "Claire", "Dawson", "Early years training lead"),
            StaffSpec(
                "planner", Role.PLANNER, "Imran", "Akhtar", "Early years sufficiency officer"
            ),
            StaffSpec(
                "forum.member",
                Role.CASE_REVIEWER,
                "Jo",
                "Whitfield",
                "Parent carer forum member (case review panels)",
            ),
            StaffSpec(
                "admin",
                Role.ADMIN,
                "Chris",
                "Lowe",
                "Service administrator",
                is_staff=True,
                is_superuser=True,
            ),
        ]

        existing = set(
            User.objects.filter(username__in=[s.username for s in specs]).values_list(
                "username", flat=True
            )
        )
        # Hash once: hashing is deliberately slow, and only new accounts need it.
        hashed = make_password(password) if len(existing) < len(specs) else None
        rule_editors = Group.objects.filter(name="Routing rule editors").first()

        for spec in specs:
            fields = {
                "role": spec.role,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "job_title": spec.job_title,
                "organisation": spec.organisation,
                "email": f"{spec.username}@example.com",
                "is_active": True,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
            }
            # The password only goes into new accounts, so a rerun keeps any changed password.
            user, created = User.objects.update_or_create(
                username=spec.username,
                defaults=fields,
                create_defaults={**fields, "password": hashed},
            )
            built.created["users"] += created
            self.sync_memberships(user, spec, built)
            if spec.role == Role.PORTAGE_WORKER:
                self.fill_caseload(user, spec, built)
            if spec.role == Role.SEND_MANAGER and rule_editors is not None:
                user.groups.add(rule_editors)
            built.staff.append((spec, user))

    def sync_memberships(self, user: User, spec: StaffSpec, built: Built) -> None:
        """Make a demo user's setting memberships exactly those in their spec."""
        wanted = {setting.pk: is_senco for setting, is_senco in spec.settings}
        SettingMembership.objects.filter(user=user).exclude(setting_id__in=wanted).delete()
        for setting_id, is_senco in wanted.items():
            membership, created = SettingMembership.objects.get_or_create(
                user=user, setting_id=setting_id, defaults={"is_senco": is_senco}
            )
            built.created["setting memberships"] += created
            if membership.is_senco != is_senco:
                membership.is_senco = is_senco
                membership.save(update_fields=["is_senco"])

    def fill_caseload(self, user: User, spec: StaffSpec, built: Built, size: int = 15) -> None:
        """Top a portage worker's caseload up to `size` under-threes in their patch."""
        have = CaseloadMembership.objects.filter(portage_worker=user).count()
        if have >= size:
            return
        three_years_ago = timezone.localdate() - datetime.timedelta(days=3 * 365)
        # Portage is a home-visiting service: children not yet in a setting come first.
        at_home = list(
            Child.objects.filter(
                reference__startswith=REFERENCE_PREFIX,
                date_of_birth__gt=three_years_ago,
                area__parent__code__in=spec.districts,
                caseload_memberships__isnull=True,
            )
            .order_by(F("setting_id").asc(nulls_first=True), "reference")
            .values_list("pk", flat=True)[: size - have]
        )
        for child_id in at_home:
            _, created = CaseloadMembership.objects.get_or_create(
                portage_worker=user, child_id=child_id
            )
            built.created["caseload memberships"] += created

    # Summary --------------------------------------------------------------------------------

    def report(self, built: Built, password: str, known_keys: bool = False) -> None:
        out = self.stdout.write
        child_total = Child.objects.count()
        rows = []
        for spec, user in built.staff:
            if spec.role == Role.PRACTITIONER:
                names = [
                    f"{m.setting.name}{' (SENCO)' if m.is_senco else ''}"
                    for m in user.setting_memberships.select_related("setting").order_by("id")
                ]
                sees = "Children at " + "; ".join(names)
            elif spec.role == Role.PORTAGE_WORKER:
                n = user.caseload_memberships.count()
                patch = ", ".join(
                    Area.objects.filter(code__in=spec.districts)
                    .order_by("code")
                    .values_list("name", flat=True)
                )
                sees = f"Caseload of {n} children under 3 ({patch})"
            elif spec.role in SEND_TEAM_ROLES:
                sees = f"All {child_total} children; triage referrals"
                if spec.role == Role.SEND_MANAGER:
                    sees += "; routing rules"
            elif spec.role == Role.EARLY_HELP_COORDINATOR:
                sees = "Referrals routed to early help"
            elif spec.role == Role.PROFESSIONAL:
                sees = "Children they are asked to advise on"
            elif spec.role == Role.TRAINER:
                sees = "Training content (Wagtail admin); no children"
            elif spec.role == Role.PLANNER:
                sees = "Need by area; no individual children"
            elif spec.role == Role.CASE_REVIEWER:
                sees = "Cases of the reviews they sit on, pseudonymised, while open"
            else:
                sees = "Django admin and Wagtail admin (superuser); no children"
            rows.append((spec.username, Role(spec.role).label, sees))

        headings = ("Username", "Role", "Can see")
        widths = [max(len(r[k]) for r in [headings, *rows]) for k in range(3)]
        rule = "  ".join("-" * w for w in widths)
        out("")
        out(self.style.MIGRATE_HEADING(f"Demo sign-ins for {COUNCIL}"))
        out("  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip())
        out(rule)
        for row in rows:
            out("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        out(rule)
        source = "DEMO_PASSWORD" if "DEMO_PASSWORD" in os.environ else "default"
        out(f"Password for every account ({source}): {password}")
        out("(Passwords are set only when an account is first created.)")
        if known_keys:
            out(
                "Two-step sign-in: each account has a known authenticator key (DEMO=1); "
                "`manage.py demo_sign_ins` lists them and `manage.py demo_code USERNAME` "
                "prints the current code."
            )
        else:
            out(
                "Two-step sign-in: set up an authenticator app at first sign-in (or load the "
                "demo with DEMO=1 for known keys)."
            )

        out("")
        out(self.style.MIGRATE_HEADING("What exists now"))
        kinds = Counter(Area.objects.values_list("kind", flat=True))
        types = Counter(Setting.objects.values_list("provider_type", flat=True))
        counts = [
            (
                "Areas",
                Area.objects.count(),
                ", ".join(f"{Area.Kind(k).label} {kinds[k]}" for k in Area.Kind.values if kinds[k]),
            ),
            (
                "Settings",
                Setting.objects.count(),
                ", ".join(
                    f"{Setting.ProviderType(t).label} {types[t]}"
                    for t in Setting.ProviderType.values
                    if types[t]
                ),
            ),
            (
                "Children",
                child_total,
                f"{Child.objects.filter(setting=None).count()} with no setting",
            ),
            ("Family contacts", FamilyContact.objects.count(), ""),
            ("Staff users", User.objects.count(), ""),
            ("Setting memberships", SettingMembership.objects.count(), ""),
            ("Caseload memberships", CaseloadMembership.objects.count(), ""),
        ]
        for label, number, detail in counts:
            out(f"  {label:<22}{number:>6}  {detail}".rstrip())
        created = ", ".join(f"{n} {what}" for what, n in built.created.items() if n)
        out(self.style.SUCCESS(f"Created this run: {created or 'nothing (already up to date)'}"))


# --- Helpers ----------------------------------------------------------------------------------


def unique_six_digits(index: int) -> str:
    """A six-digit number that looks random but is different for every index below 900,000."""
    # 480371 shares no factor with 900000, so this is a permutation of 0..899999.
    return f"{100000 + (480371 * index + 271828) % 900000:06d}"


def setting_name(rng: random.Random, provider_type: str, place: str):
    """A plausible name for a setting, and for a childminder their (first, last) name."""
    types = Setting.ProviderType
    if provider_type == types.DAY_NURSERY:
        return f"{rng.choice(NURSERY_NAMES)} {rng.choice(NURSERY_SUFFIXES)}", None
    if provider_type == types.PRE_SCHOOL:
        name = rng.choice(
            [
                f"{rng.choice(SAINTS)} Pre-School",
                f"{place} Community Pre-School",
                f"{rng.choice(PRE_SCHOOL_NAMES)} Pre-School",
                f"{place} Playgroup",
            ]
        )
        return name, None
    if provider_type == types.CHILDMINDER:
        person = (rng.choice(CHILDMINDER_NAMES), rng.choice(SURNAMES))
        return f"{person[0]} {person[1]} (childminder)", person
    name = rng.choice(
        [
            f"{place} Primary School Nursery",
            f"{rng.choice(SAINTS)} CE Primary School Nursery Class",
            f"{place} Infant School Nursery",
        ]
    )
    return name, None


def postcode(rng: random.Random, ward: Area) -> str:
    return (
        f"{ward.postcode_district} {rng.randint(1, 9)}"
        f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    )


def demo_nhs_numbers(count: int) -> list[str]:
    """`count` distinct NHS numbers in the 999 test range with valid check digits.

    The list for a smaller count is the start of the list for a larger one.
    """
    numbers = []
    k = 0
    while len(numbers) < count:
        first_nine = f"999{(7919 * k + 123457) % 1_000_000:06d}"  # 7919 is coprime to 10^6
        check = nhs_number_check_digit(first_nine)
        if check is not None:
            numbers.append(f"{first_nine}{check}")
        k += 1
    return numbers


def family_contacts(rng, community: Community, child: Child, child_id: int, now) -> list:
    """One or two people to contact about a child: usually a parent or two."""
    kinds = FamilyContact.Relationship
    first_kind = weighted(
        rng,
        [kinds.MOTHER, kinds.FATHER, kinds.GRANDPARENT, kinds.FOSTER_CARER, kinds.CARER],
        [70, 20, 4, 3, 3],
    )
    people = [first_kind]
    if first_kind in (kinds.MOTHER, kinds.FATHER) and rng.random() < 0.55:
        people.append(kinds.FATHER if first_kind == kinds.MOTHER else kinds.MOTHER)
    elif rng.random() < 0.2:
        people.append(kinds.GRANDPARENT)

    contacts = []
    for n, relationship in enumerate(people):
        if relationship in (kinds.MOTHER, kinds.FATHER):
            pool = community.women if relationship == kinds.MOTHER else community.men
            first = rng.choice(pool)
            last = child.last_name
            if last == "Kaur" and relationship == kinds.FATHER:
                last = "Singh"
            elif last == "Singh" and relationship == kinds.MOTHER:
                last = "Kaur"
            elif rng.random() < 0.15:  # a parent with a different surname
                last = rng.choice(community.surnames)
        elif relationship == kinds.GRANDPARENT:
            first, last = rng.choice(GRANDMOTHERS), rng.choice(SURNAMES)
        else:
            first, last = rng.choice(ADULT_WOMEN), rng.choice(SURNAMES)
        mobile = f"+447700900{rng.randint(0, 999):03d}" if rng.random() < 0.95 else ""
        email = ""
        if rng.random() < 0.6:
            email = (
                (f"{first}.{last}{rng.choice(['', '', str(rng.randint(1, 99))])}@example.com")
                .lower()
                .replace("'", "")
                .replace(" ", "")
            )
        language = (
            FamilyContact.Language.ENGLISH
            if rng.random() < community.english_contact_share
            else community.contact_language
        )
        consent = bool(mobile) and rng.random() < 0.88
        contacts.append(
            FamilyContact(
                child_id=child_id,
                name=f"{first} {last}",
                relationship=relationship,
                mobile_phone=mobile,
                email=email,
                preferred_language=language,
                sms_consent=consent,
                sms_consent_recorded_at=(
                    max(child.created_at, now - datetime.timedelta(days=rng.randint(0, 400)))
                    if consent
                    else None
                ),
                is_primary=n == 0,
            )
        )
    return contacts
