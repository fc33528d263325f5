"""Build the demo local offer for the fictional Westmoor County Council: about 150 services.

Runs after `demo_data` (which makes the areas and settings). Everything is invented: phone
numbers are in Ofcom's drama range, email addresses and websites at example.com/.org, postcodes
in the non-existent "WM" area. Each service has a fixed id, so running again adds nothing.
"""

from __future__ import annotations

import datetime
import logging
import os
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms import oruk, services
from cms.models import PostcodeCentroid, ServicePage
from earlyyears.accounts import demo
from earlyyears.management.commands.demo_data import COUNCIL, DEFAULT_PASSWORD
from earlyyears.models import Area, Role, User
from earlyyears.needs import BroadAreaOfNeed as B
from earlyyears.needs import EYFSArea as E

SEED = "westmoor-local-offer-2026"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
ALL_NEEDS = tuple(B.values)

ORGANISATIONS = {
    "council": ("Westmoor County Council", "The county council's Early Years SEND team."),
    "nhs": (
        "Westmoor Community Health NHS Trust",
        "Community health services for children: health visiting, therapies and clinics.",
    ),
    "sendiass": (
        "Westmoor SENDIASS",
        "Free, impartial and confidential information, advice and support about SEND.",
    ),
    "forum": (
        "Westmoor Parent Carer Forum",
        "Parents and carers of disabled children working with the council and health services.",
    ),
    "chatterbox": ("Chatterbox Children's Charity", "Helping young children talk and listen."),
    "sensory": ("Sensory Stars CIC", "Sensory play for young children of all abilities."),
    "libraries": ("Westmoor Libraries", "Free libraries, story times and rhyme times."),
    "leisure": ("Westmoor Leisure Trust", "Swimming, sport and play across Westmoor."),
    "friends": (
        "Family Friends Westmoor",
        "Volunteers who support families with young children at home.",
    ),
    "autism": ("Westmoor Autism Support", "Support for autistic children and their families."),
}

TERMS = {
    "slt": "Speech and language therapy",
    "portage": "Portage",
    "short_breaks": "Short breaks",
    "advice": "Information, advice and support",
    "parents": "Parent and carer support",
    "health": "Health visiting and clinics",
    "play": "Play and leisure",
    "therapy": "Therapy",
    "sensory": "Sensory and physical support",
}


@dataclass(frozen=True)
class Kind:
    """A kind of service, and how to describe one."""

    name: str  # may use {place}
    org: str
    description: str
    needs: tuple[str, ...]
    eyfs: tuple[str, ...]
    ages: tuple[int | None, int | None]  # months
    fees: str  # "" means free
    schedule: tuple[str, str, str, str]  # byday, opens, closes, words
    venue: str | None  # None: comes to the family, or by phone and online
    term: str
    languages: tuple[str, ...] = ("English",)


LOCAL = (
    Kind(
        "{place} speech and language drop-in",
        "nhs",
        "Worried about how your child is talking or understanding? Drop in to talk to a speech "
        "and language therapist. No referral or appointment needed. Bring your child's red book.",
        (B.COMMUNICATION_AND_INTERACTION,),
        (E.COMMUNICATION_AND_LANGUAGE,),
        (0, 60),
        "",
        ("TU", "09:30", "11:30", "Tuesdays, 9:30am to 11:30am"),
        "Children's Centre",
        "slt",
    ),
    Kind(
        "{place} sensory play group",
        "sensory",
        "A calm, sensory-rich play session for babies and young children with additional needs "
        "and their parents or carers. Lights, textures, music and messy play, with a quiet space.",
        (B.SENSORY_AND_PHYSICAL, B.COGNITION_AND_LEARNING),
        (E.PHYSICAL_DEVELOPMENT, E.EXPRESSIVE_ARTS_AND_DESIGN),
        (0, 48),
        "£2 a session, free for families on a low income",
        ("WE", "10:00", "11:30", "Wednesdays in term time, 10am to 11:30am"),
        "Community Centre",
        "sensory",
    ),
    Kind(
        "{place} child health clinic",
        "nhs",
        "Health visitors weigh and measure babies and young children and give advice about "
        "feeding, sleep, development and behaviour. Ask here about the two-year check.",
        ALL_NEEDS,
        (E.PHYSICAL_DEVELOPMENT, E.COMMUNICATION_AND_LANGUAGE),
        (0, 60),
        "",
        ("TH", "13:30", "15:30", "Thursdays, 1:30pm to 3:30pm"),
        "Health Centre",
        "health",
    ),
    Kind(
        "{place} SEND stay and play",
        "council",
        "A relaxed stay and play for families of children with additional needs, with early "
        "years practitioners on hand to share ideas for play and learning at home.",
        (B.SOCIAL_EMOTIONAL_MENTAL_HEALTH, B.COMMUNICATION_AND_INTERACTION),
        (E.PERSONAL_SOCIAL_EMOTIONAL, E.COMMUNICATION_AND_LANGUAGE),
        (0, 60),
        "",
        ("MO", "10:00", "11:30", "Mondays, 10am to 11:30am"),
        "Family Hub",
        "play",
    ),
    Kind(
        "{place} parent support group",
        "forum",
        "Meet other parents and carers of children with SEND over a cup of tea. Share what "
        "works, hear from visiting speakers, and find out about services and your rights.",
        ALL_NEEDS,
        (),
        (0, 300),
        "",
        ("FR", "09:30", "11:00", "First Friday of the month, 9:30am to 11am"),
        "Community Centre",
        "parents",
    ),
    Kind(
        "Sensory stories and rhyme time at {place} library",
        "libraries",
        "Short, sensory stories and rhymes with Makaton signs, for young children who find "
        "busy story times hard. Small groups; you can leave and come back at any time.",
        (B.COMMUNICATION_AND_INTERACTION, B.COGNITION_AND_LEARNING),
        (E.LITERACY, E.COMMUNICATION_AND_LANGUAGE),
        (0, 60),
        "",
        ("SA", "10:30", "11:00", "Saturdays, 10:30am to 11am"),
        "Library",
        "play",
    ),
    Kind(
        "{place} autism family support group",
        "autism",
        "For families of young children who are autistic or waiting for an assessment. "
        "Practical sessions on communication, sleep, eating and meltdowns, and a children's play "
        "room run by trained staff.",
        (B.COMMUNICATION_AND_INTERACTION, B.SOCIAL_EMOTIONAL_MENTAL_HEALTH),
        (E.PERSONAL_SOCIAL_EMOTIONAL,),
        (18, 216),
        "",
        ("TU", "18:30", "20:00", "Second Tuesday of the month, 6:30pm to 8pm"),
        "Church Hall",
        "parents",
    ),
    Kind(
        "{place} little movers physical play",
        "leisure",
        "Gentle movement, balance and ball play for toddlers with physical or coordination "
        "needs, led by a leisure instructor with advice from a children's physiotherapist.",
        (B.SENSORY_AND_PHYSICAL,),
        (E.PHYSICAL_DEVELOPMENT,),
        (12, 60),
        "£3 a session",
        ("FR", "10:00", "10:45", "Fridays, 10am to 10:45am"),
        "Leisure Centre",
        "play",
    ),
)

DISTRICT = (
    Kind(
        "Portage home visiting in {place}",
        "council",
        "Portage home visitors work with families of pre-school children with SEND at home, "
        "through play, every week or two. They also help families with forms and meetings. "
        "Ask your health visitor, nursery or the Early Years SEND team to refer you.",
        ALL_NEEDS,
        (E.COMMUNICATION_AND_LANGUAGE, E.PHYSICAL_DEVELOPMENT, E.PERSONAL_SOCIAL_EMOTIONAL),
        (0, 60),
        "",
        ("MO,TU,WE,TH,FR", "09:00", "17:00", "Home visits Monday to Friday, by appointment"),
        None,
        "portage",
    ),
    Kind(
        "{place} short breaks Saturday club",
        "council",
        "Fun, supported play sessions for disabled children, giving parents and carers a break. "
        "Staff are trained in personal care, medication and positive behaviour support.",
        (B.SENSORY_AND_PHYSICAL, B.SOCIAL_EMOTIONAL_MENTAL_HEALTH, B.COGNITION_AND_LEARNING),
        (E.PERSONAL_SOCIAL_EMOTIONAL,),
        (36, 216),
        "£5 a session; free with a short breaks assessment",
        ("SA", "10:00", "15:00", "Saturdays, 10am to 3pm"),
        "Leisure Centre",
        "short_breaks",
    ),
    Kind(
        "{place} children's occupational therapy advice clinic",
        "nhs",
        "Advice from a children's occupational therapist about dressing, eating, handwriting "
        "readiness, sensory differences and equipment at home. Book a 20 minute slot by phone.",
        (B.SENSORY_AND_PHYSICAL,),
        (E.PHYSICAL_DEVELOPMENT,),
        (6, 72),
        "",
        ("WE", "13:00", "16:00", "Wednesdays, 1pm to 4pm, by appointment"),
        "Health Centre",
        "therapy",
    ),
    Kind(
        "{place} home-visiting family volunteers",
        "friends",
        "A trained volunteer visits your family every week for a few months: a listening ear "
        "and practical help when you have a young child with additional needs.",
        (B.SOCIAL_EMOTIONAL_MENTAL_HEALTH,),
        (),
        (0, 60),
        "",
        ("MO,TU,WE,TH,FR", "09:00", "17:00", "Weekly home visits, at a time that suits you"),
        None,
        "parents",
        ("English", "Polish", "Urdu"),
    ),
)

COUNTY = (
    Kind(
        "Westmoor SENDIASS information, advice and support",
        "sendiass",
        "Free, confidential and impartial advice about special educational needs and "
        "disabilities, SEN support in nurseries and EHC needs assessments and plans. We can help "
        "you prepare for meetings and write to the council.",
        ALL_NEEDS,
        (),
        (0, 300),
        "",
        ("MO,TU,WE,TH,FR", "09:30", "16:30", "Helpline Monday to Friday, 9:30am to 4:30pm"),
        "County Offices",
        "advice",
        ("English", "Polish", "Urdu", "Punjabi", "Romanian", "Arabic", "Welsh"),
    ),
    Kind(
        "Early years SEND advice line",
        "council",
        "For parents and early years providers: talk to an Early Years SEND officer about a "
        "young child's development, SEN support, inclusion funding and what happens next.",
        ALL_NEEDS,
        (),
        (0, 60),
        "",
        ("TU,TH", "10:00", "12:00", "Tuesdays and Thursdays, 10am to 12 noon"),
        None,
        "advice",
    ),
    Kind(
        "Hearing support service for young children",
        "council",
        "Qualified Teachers of the Deaf visit babies and young children with a hearing loss at "
        "home and in nursery, and advise families on communication and hearing aids.",
        (B.SENSORY_AND_PHYSICAL, B.COMMUNICATION_AND_INTERACTION),
        (E.COMMUNICATION_AND_LANGUAGE,),
        (0, 216),
        "",
        ("MO,TU,WE,TH,FR", "08:30", "16:30", "Visits by appointment, Monday to Friday"),
        None,
        "sensory",
    ),
    Kind(
        "Vision support service for young children",
        "council",
        "Qualified Teachers of Children with Vision Impairment support babies and young "
        "children with sight loss at home and in their setting, and train nursery staff.",
        (B.SENSORY_AND_PHYSICAL,),
        (E.PHYSICAL_DEVELOPMENT, E.UNDERSTANDING_THE_WORLD),
        (0, 216),
        "",
        ("MO,TU,WE,TH,FR", "08:30", "16:30", "Visits by appointment, Monday to Friday"),
        None,
        "sensory",
    ),
    Kind(
        "Makaton for families course",
        "chatterbox",
        "Learn Makaton signs and symbols to use with your child at home: six weekly evening "
        "sessions online, with a free Makaton starter pack.",
        (B.COMMUNICATION_AND_INTERACTION,),
        (E.COMMUNICATION_AND_LANGUAGE,),
        (0, 96),
        "",
        ("WE", "19:00", "20:30", "Wednesday evenings for six weeks, 7pm to 8:30pm, online"),
        None,
        "slt",
    ),
    Kind(
        "Children's sleep support service",
        "nhs",
        "Sleep practitioners help families of children with SEND whose sleep is hard: a plan "
        "you make together, with phone follow-ups. Referral from a health visitor or GP, or ask "
        "us directly.",
        (B.SOCIAL_EMOTIONAL_MENTAL_HEALTH,),
        (E.PERSONAL_SOCIAL_EMOTIONAL,),
        (12, 216),
        "",
        ("MO,WE,FR", "09:00", "17:00", "Phone appointments Monday, Wednesday and Friday"),
        None,
        "health",
    ),
    Kind(
        "Adapted swimming lessons",
        "leisure",
        "Small-group and one-to-one swimming lessons for children with disabilities, in a warm "
        "pool with changing places facilities and hoists.",
        (B.SENSORY_AND_PHYSICAL,),
        (E.PHYSICAL_DEVELOPMENT,),
        (36, 216),
        "£6.50 a lesson",
        ("SU", "09:00", "11:00", "Sundays, 9am to 11am"),
        "Leisure Centre",
        "play",
    ),
    Kind(
        "Westmoor Family Information Service",
        "council",
        "Information for families about childcare, funded early education, the local offer and "
        "help with costs, by phone, email or online chat.",
        ALL_NEEDS,
        (),
        (0, 300),
        "",
        ("MO,TU,WE,TH,FR", "09:00", "17:00", "Monday to Friday, 9am to 5pm"),
        "County Offices",
        "advice",
        ("English", "Polish", "Urdu"),
    ),
)

STREETS = (
    "Church Lane",
    "Mill Road",
    "Station Road",
    "High Street",
    "Park Avenue",
    "Victoria Road",
    "Queen Street",
    "Market Street",
    "Chapel Street",
    "Moor Lane",
)
ACCESS = (
    "Step-free access from the car park. Accessible toilet with changing bench.",
    "Level access and a hearing loop. Buggy park by the entrance.",
    "Ramp at the side entrance. Quiet room available; ask at reception.",
    "Ground floor, step-free. Changing Places toilet. Blue badge parking.",
)


# The Family Information Service keeps the local offer: an editor drafts, a moderator approves.
# Their role sees no child; planner is the nearest (sufficiency is the same team's duty).
LOCAL_OFFER_STAFF = (
    ("local.offer.editor", "Jade", "Okafor", "Family information officer", services.EDITORS),
    (
        "local.offer.moderator",
        "Owen",
        "Price",
        "Family information service lead",
        services.MODERATORS,
    ),
)


def service_id(n: int) -> uuid.UUID:
    return uuid.uuid5(oruk.NAMESPACE, f"demo-service:{n}")


class Command(BaseCommand):
    help = "Create (or top up) the demo local offer: about 150 services across the demo areas."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=150, help="How many (default 150)")

    def handle(self, *args, count: int, **options):
        if count < 0:
            raise CommandError("Give 0 or more services")
        try:
            known_keys = demo.demo_keys_allowed()  # refuses before anything is written
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        county = Area.objects.filter(kind=Area.Kind.COUNTY).order_by("code").first()
        if county is None:
            raise CommandError("No areas yet: run `manage.py demo_data` first")
        # One log line per page saved and per search-index task would drown the summary.
        for name in ("django_tasks", "wagtail"):
            logging.getLogger(name).setLevel(logging.WARNING)
        with transaction.atomic():
            index = services.ensure_local_offer_index()
            editors, moderators = services.ensure_local_offer_groups(index)
            staff = self.ensure_staff({services.EDITORS: editors, services.MODERATORS: moderators})
            if known_keys:
                for user in staff:
                    demo.give_demo_key(user)
            services.build_postcode_centroids()
            specs = self.plan(county)[:count]
            existing = set(
                ServicePage.objects.filter(
                    oruk_id__in=[service_id(n) for n in range(len(specs))]
                ).values_list("oruk_id", flat=True)
            )
            taken = set(index.get_children().values_list("slug", flat=True))
            created = 0
            for n, (kind, area, place) in enumerate(specs):
                if service_id(n) in existing:
                    continue
                services.save_service(self.data(n, kind, area, place), index, taken=taken)
                created += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Local offer: {ServicePage.objects.live().count()} published services at "
                f"{index.url or '/local-offer/'} (created {created} this run); groups "
                f"'{services.EDITORS}' ({LOCAL_OFFER_STAFF[0][0]}) and '{services.MODERATORS}' "
                f"({LOCAL_OFFER_STAFF[1][0]}); workflow "
                f"'{services.WORKFLOW}'."
            )
        )

    def ensure_staff(self, groups: dict) -> list[User]:
        """The demo's local offer editor and moderator (password only on first creation)."""
        password = make_password(os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD))
        staff = []
        for username, first, last, job, group in LOCAL_OFFER_STAFF:
            fields = {
                "role": Role.PLANNER,
                "first_name": first,
                "last_name": last,
                "job_title": job,
                "organisation": COUNCIL,
                "email": f"{username}@example.com",
            }
            user, _ = User.objects.get_or_create(
                username=username, defaults={**fields, "password": password}
            )
            user.groups.add(groups[group])
            staff.append(user)
        return staff

    def plan(self, county: Area) -> list[tuple[Kind, Area, str]]:
        """County services first, then each district's, then every ward's local services."""
        districts = list(Area.objects.filter(parent=county).order_by("code"))
        wards = list(Area.objects.filter(parent__in=districts).order_by("code"))
        plan: list[tuple[Kind, Area, str]] = [(kind, county, county.name) for kind in COUNTY]
        plan += [(kind, d, d.name) for kind in DISTRICT for d in districts]
        plan += [(kind, w, w.name.split(" and ")[0]) for kind in LOCAL for w in wards]
        return plan

    def data(self, n: int, kind: Kind, area: Area, place: str) -> oruk.ServiceData:
        rng = random.Random(f"{SEED}:{n}")  # noqa: S311 - invented demo data, not secrets
        name_org, org_description = ORGANISATIONS[kind.org]
        sid = service_id(n)
        low, high = kind.ages
        byday, opens, closes, words = kind.schedule
        fields = {
            "title": kind.name.format(place=place),
            "description": kind.description,
            "website": f"https://www.example.org/westmoor/{kind.org}",
            "email": f"{kind.org}.{area.code.lower()}@example.com",
            "status": ServicePage.Status.ACTIVE
            if rng.random() > 0.04
            else ServicePage.Status.TEMPORARILY_CLOSED,
            "fees": kind.fees,
            "is_free": not kind.fees,
            "accreditations": "Staff are DBS checked and trained in safeguarding."
            if kind.org != "nhs"
            else "Registered with the Care Quality Commission.",
            "minimum_age_months": low,
            "maximum_age_months": high,
            "assured_date": datetime.date(2026, 1, 5)
            + datetime.timedelta(days=rng.randint(0, 300)),
            "alert": "",
            "needs": list(kind.needs),
            "eyfs_areas": list(kind.eyfs),
        }
        data = oruk.ServiceData(
            oruk_id=sid,
            fields=fields,
            organisation={
                "oruk_id": uuid.uuid5(oruk.NAMESPACE, f"demo-organisation:{kind.org}"),
                "name": name_org,
                "description": org_description,
                "email": f"hello.{kind.org}@example.com",
                "website": f"https://www.example.org/westmoor/{kind.org}",
            },
            area_codes=[area.code],
            terms=[
                {
                    "oruk_id": uuid.uuid5(oruk.NAMESPACE, f"demo-term:{kind.term}"),
                    "name": TERMS[kind.term],
                    "description": TERMS[kind.term],
                    "taxonomy": "westmoor-local-offer-service-type",
                    "code": kind.term,
                    "term_uri": "",
                }
            ],
        )
        data.contacts = [
            {
                "oruk_id": uuid.uuid5(sid, "contact"),
                "name": rng.choice(("Bookings", "Enquiries", "Duty worker", "Reception")),
                "title": "",
                "phone": f"0113 496 0{rng.randint(0, 999):03d}",
                "email": fields["email"],
            }
        ]
        data.schedules = [
            {
                "oruk_id": uuid.uuid5(sid, "schedule"),
                "description": words,
                "freq": "WEEKLY",
                "byday": byday,
                "opens_at": datetime.time.fromisoformat(opens),
                "closes_at": datetime.time.fromisoformat(closes),
                "valid_from": None,
                "valid_to": None,
            }
        ]
        data.languages = [
            {"oruk_id": uuid.uuid5(sid, f"language:{name}"), "name": name, "code": ""}
            for name in kind.languages
        ]
        if kind.venue:
            data.locations = [self.location(rng, sid, kind, area, place)]
        return data

    def location(self, rng: random.Random, sid, kind: Kind, area: Area, place: str) -> dict:
        """A venue in the area, at a postcode whose sector point is on our postcode map."""
        ward = area
        if area.kind != Area.Kind.WARD:
            wards = list(Area.objects.filter(parent=area).order_by("code")) or [area]
            if area.parent_id is None:  # the county: its offices are in the first district
                wards = list(Area.objects.filter(parent__parent=area).order_by("code")) or [area]
            ward = wards[0]
        sectors = list(
            PostcodeCentroid.objects.filter(area=ward, key__contains=" ").order_by("key")
        )
        if sectors:
            sector = rng.choice(sectors)
            postcode = f"{sector.key}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
            lat = round(sector.latitude + rng.uniform(-0.004, 0.004), 6)
            lon = round(sector.longitude + rng.uniform(-0.006, 0.006), 6)
        else:
            postcode, lat, lon = "", None, None
        town = ward.parent.name if ward.parent_id and ward.kind == Area.Kind.WARD else place
        return {
            "oruk_id": uuid.uuid5(sid, "location"),
            "service_at_location_id": uuid.uuid5(sid, "service-at-location"),
            "name": f"{place} {kind.venue}",
            "description": "",
            "address_1": f"{rng.randint(1, 90)} {rng.choice(STREETS)}",
            "city": town,
            "region": "Westmoor",
            "postcode": postcode,
            "country": "GB",
            "latitude": lat,
            "longitude": lon,
            "accessibility": rng.choice(ACCESS),
        }
