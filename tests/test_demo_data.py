"""The demo_data command builds a fictional authority that is valid, tiles, and is idempotent."""

import datetime
import io
import re
from collections import Counter
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from earlyyears.management.commands.demo_data import DISTRICTS
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
from earlyyears.postcodes import normalise_postcode
from earlyyears.validators import (
    normalise_uk_mobile,
    validate_nhs_number,
    validate_ofsted_urn,
    validate_postcode,
    validate_uk_mobile,
)

CHILDREN = 120
SETTINGS = 12
DEFAULT_PASSWORD = "demo-password-2026"

pytestmark = pytest.mark.django_db


def run(children=CHILDREN, settings=SETTINGS) -> str:
    out = io.StringIO()
    call_command(
        "demo_data", "--children", str(children), "--settings-count", str(settings), stdout=out
    )
    return out.getvalue()


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    return run()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Area,
            Setting,
            Child,
            FamilyContact,
            User,
            SettingMembership,
            CaseloadMembership,
        )
    }


def snapshot() -> dict[str, list]:
    """Everything the command decides, leaving out database ids and times relative to now."""
    return {
        "areas": list(
            Area.objects.order_by("code").values_list(
                "code", "name", "kind", "parent__code", "boundary", "under_5_population"
            )
        ),
        "settings": list(
            Setting.objects.order_by("urn").values_list(
                "urn", "name", "provider_type", "address_line_1", "town", "postcode", "area__code"
            )
        ),
        "children": list(
            Child.objects.order_by("reference").values_list(
                "reference",
                "first_name",
                "last_name",
                "date_of_birth",
                "postcode",
                "area__code",
                "setting__urn",
                "languages",
                "nhs_number",
            )
        ),
        "contacts": list(
            FamilyContact.objects.order_by("child__reference", "-is_primary", "name").values_list(
                "child__reference",
                "name",
                "relationship",
                "mobile_phone",
                "email",
                "preferred_language",
                "sms_consent",
                "is_primary",
            )
        ),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "role", "first_name", "last_name", "job_title", "is_superuser"
            )
        ),
        "memberships": sorted(
            SettingMembership.objects.values_list("user__username", "setting__urn", "is_senco")
        ),
        "caseloads": sorted(
            CaseloadMembership.objects.values_list("portage_worker__username", "child__reference")
        ),
    }


# --- Geometry helpers -------------------------------------------------------------------------


def ring_of(area: Area) -> list[tuple[float, float]]:
    assert area.boundary["type"] == "Polygon"
    rings = area.boundary["coordinates"]
    assert len(rings) == 1, f"{area.code} should have one ring and no holes"
    return [tuple(point) for point in rings[0]]


def signed_area(ring) -> Fraction:
    """Shoelace formula, exactly: the points are floats, so Fractions add them without error."""
    points = [(Fraction(x), Fraction(y)) for x, y in ring]
    return (
        sum(
            (x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False)),
            Fraction(0),
        )
        / 2
    )


def segments(ring):
    return list(zip(ring, ring[1:], strict=False))


def orientation(p, q, r) -> int:
    value = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return (value > 0) - (value < 0)


def segments_cross(a, b, c, d) -> bool:
    """Whether two segments meet (touching counts); collinear overlaps count too."""
    o1, o2, o3, o4 = (
        orientation(a, b, c),
        orientation(a, b, d),
        orientation(c, d, a),
        orientation(c, d, b),
    )
    if o1 != o2 and o3 != o4:
        return True

    def on(p, q, r):  # r on segment pq, given collinear
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(
            p[1], q[1]
        )

    return (
        (o1 == 0 and on(a, b, c))
        or (o2 == 0 and on(a, b, d))
        or (o3 == 0 and on(c, d, a))
        or (o4 == 0 and on(c, d, b))
    )


def is_simple(ring) -> bool:
    """No two non-adjacent edges of the closed ring meet."""
    edges = segments(ring)
    n = len(edges)
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbours share a point
            if segments_cross(*edges[i], *edges[j]):
                return False
    return True


def inside(point, ring) -> bool:
    """Ray casting, for points not on the ring."""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in segments(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


# --- Areas ------------------------------------------------------------------------------------


def test_twenty_one_areas_nest_county_district_ward(demo):
    assert Area.objects.count() == 21
    kinds = Counter(Area.objects.values_list("kind", flat=True))
    assert kinds == {Area.Kind.COUNTY: 1, Area.Kind.DISTRICT: 4, Area.Kind.WARD: 16}

    county = Area.objects.get(kind=Area.Kind.COUNTY)
    assert county.parent is None
    for district in Area.objects.filter(kind=Area.Kind.DISTRICT):
        assert district.parent == county
        assert district.children.filter(kind=Area.Kind.WARD).count() == 4
    for ward in Area.objects.filter(kind=Area.Kind.WARD).select_related("parent__parent"):
        assert ward.parent.kind == Area.Kind.DISTRICT
        assert ward.parent.parent == county
        assert 600 <= ward.under_5_population <= 3500
        assert not ward.children.exists()


def test_populations_add_up(demo):
    county = Area.objects.get(kind=Area.Kind.COUNTY)
    districts = list(Area.objects.filter(kind=Area.Kind.DISTRICT))
    assert county.under_5_population == sum(d.under_5_population for d in districts)
    for district in districts:
        assert district.under_5_population == sum(
            w.under_5_population for w in district.children.all()
        )


def test_every_boundary_is_a_closed_simple_counter_clockwise_polygon(demo):
    for area in Area.objects.all():
        ring = ring_of(area)
        assert len(ring) >= 4, area.code
        assert ring[0] == ring[-1], f"{area.code} ring is not closed"
        assert len(set(ring[:-1])) == len(ring) - 1, f"{area.code} repeats a point"
        for lon, lat in ring:
            assert -2.9 < lon < -1.5 and 52.4 < lat < 53.3, (area.code, lon, lat)
        # RFC 7946: exterior rings are counter-clockwise, so their signed area is positive.
        assert signed_area(ring) > 0, f"{area.code} ring is clockwise"
        assert is_simple(ring), f"{area.code} ring crosses itself"


def test_ward_boundaries_tile_their_district_and_the_county(demo):
    county = Area.objects.get(kind=Area.Kind.COUNTY)
    county_ring = ring_of(county)
    wards = list(Area.objects.filter(kind=Area.Kind.WARD).select_related("parent"))

    total = sum(signed_area(ring_of(w)) for w in wards)
    county_area = signed_area(county_ring)
    assert abs(float(total) - float(county_area)) <= 1e-9 * float(county_area)

    for district in Area.objects.filter(kind=Area.Kind.DISTRICT):
        district_ring = ring_of(district)
        mine = [w for w in wards if w.parent_id == district.pk]
        district_area = signed_area(district_ring)
        assert abs(float(sum(signed_area(ring_of(w)) for w in mine)) - float(district_area)) <= (
            1e-9 * float(district_area)
        )
        # Every ward lies in its district: each point is on the district's ring (the district
        # is built from the very same points) or strictly inside it.
        on_ring = set(district_ring)
        for ward in mine:
            for point in ring_of(ward):
                assert point in on_ring or inside(point, district_ring), (ward.code, point)
        # Districts are made of the same points along their edges as the wards.
        assert set(district_ring) <= {p for w in mine for p in ring_of(w)}

    # No gaps or overlaps: each ward edge is shared, reversed, with exactly one neighbour,
    # or lies on the county's outer boundary.
    edges = Counter(edge for w in wards for edge in segments(ring_of(w)))
    outer = set(segments(county_ring))
    for (a, b), n in edges.items():
        assert n == 1, f"edge {a}-{b} appears {n} times"
        assert ((b, a) in edges) != ((a, b) in outer), f"edge {a}-{b} is neither shared nor outer"
    assert outer <= set(edges)


# --- Settings, children and families ---------------------------------------------------------


def test_settings_are_plausible_and_valid(demo):
    settings = list(Setting.objects.select_related("area__parent"))
    towns = {f"WM-{district.code}": district.town for district in DISTRICTS}
    assert len(settings) == SETTINGS
    assert set(s.provider_type for s in settings) == set(Setting.ProviderType.values)
    assert len({s.urn for s in settings}) == SETTINGS
    for setting in settings:
        assert re.fullmatch(r"EY\d{6}", setting.urn)
        validate_ofsted_urn(setting.urn)
        validate_postcode(setting.postcode)
        assert normalise_postcode(setting.postcode) == setting.postcode
        assert setting.postcode.startswith("WM")
        assert setting.area.kind == Area.Kind.WARD
        assert setting.town == towns[setting.area.parent.code]
        if setting.provider_type == Setting.ProviderType.CHILDMINDER:
            assert setting.name.endswith("(childminder)")
        setting.full_clean()


def test_children_are_plausible_and_valid(demo):
    children = list(Child.objects.select_related("area", "setting"))
    assert len(children) == CHILDREN
    assert sorted(c.reference for c in children) == [
        f"DEMO-{n:05d}" for n in range(1, CHILDREN + 1)
    ]
    today = timezone.localdate()
    nhs_numbers = [c.nhs_number for c in children if c.nhs_number]
    assert len(nhs_numbers) > CHILDREN * 0.8
    assert len(set(nhs_numbers)) == len(nhs_numbers)
    same_ward = 0
    for child in children:
        assert today - datetime.timedelta(days=5 * 366) < child.date_of_birth <= today
        validate_postcode(child.postcode)
        assert child.area.kind == Area.Kind.WARD
        assert child.languages and all(isinstance(lang, str) for lang in child.languages)
        if child.nhs_number:
            assert child.nhs_number.startswith("999")
            validate_nhs_number(child.nhs_number)
        if child.setting and child.setting.area_id == child.area_id:
            same_ward += 1
        child.full_clean()
    assert same_ward > CHILDREN / 2, "most children live in their setting's ward"
    assert Child.objects.filter(setting=None).count() < CHILDREN / 4


def test_family_contacts_are_valid(demo):
    for child in Child.objects.prefetch_related("family_contacts"):
        contacts = list(child.family_contacts.all())
        assert 1 <= len(contacts) <= 2, child.reference
        assert sum(c.is_primary for c in contacts) == 1, child.reference
    contacts = list(FamilyContact.objects.all())
    assert contacts
    for contact in contacts:
        if contact.mobile_phone:
            validate_uk_mobile(contact.mobile_phone)
            assert normalise_uk_mobile(contact.mobile_phone) == contact.mobile_phone  # E.164
            assert 447700900000 <= int(contact.mobile_phone[1:]) <= 447700900999  # Ofcom drama
        if contact.email:
            assert contact.email.endswith("@example.com")
        if contact.sms_consent:
            assert contact.mobile_phone and contact.sms_consent_recorded_at
        assert contact.preferred_language in FamilyContact.Language.values
        contact.full_clean()
    assert sum(c.sms_consent for c in contacts) > len(contacts) / 2
    assert Counter(c.preferred_language for c in contacts).most_common(1)[0][0] == "en"


# --- Staff ------------------------------------------------------------------------------------


def test_every_role_has_a_user_with_the_demo_password(demo):
    for role in Role:
        if role == Role.PROVIDER:
            continue  # made by demo_providers, after the local offer (tests/cms/providers)
        users = User.objects.filter(role=role)
        assert users.exists(), f"no {role.label}"
        for user in users:
            assert user.first_name and user.last_name and user.job_title
            assert user.check_password(DEFAULT_PASSWORD), user.username
    admin = User.objects.get(username="admin")
    assert admin.role == Role.ADMIN and admin.is_staff and admin.is_superuser
    assert not User.objects.exclude(username="admin").filter(is_superuser=True).exists()
    assert User.objects.get(username="professional").job_title == "Speech and language therapist"
    for username in ("practitioner", "senco", "portage", "send.officer", "send.manager"):
        assert User.objects.filter(username=username).exists()


def test_every_practitioner_has_a_setting(demo):
    practitioners = User.objects.filter(role=Role.PRACTITIONER)
    assert practitioners.count() >= 3
    for practitioner in practitioners:
        assert practitioner.setting_memberships.exists(), practitioner.username
    assert SettingMembership.objects.filter(user__username="senco", is_senco=True).exists()
    assert SettingMembership.objects.filter(is_senco=True).count() == 1
    per_user = Counter(SettingMembership.objects.values_list("user__username", flat=True))
    assert 2 in per_user.values(), "one practitioner works at two settings"
    assert not SettingMembership.objects.exclude(user__role=Role.PRACTITIONER).exists()


def test_portage_workers_have_caseloads_of_under_threes(demo):
    workers = User.objects.filter(role=Role.PORTAGE_WORKER)
    assert 2 <= workers.count() <= 3
    three_years_ago = timezone.localdate() - datetime.timedelta(days=3 * 365)
    for worker in workers:
        caseload = Child.objects.filter(caseload_memberships__portage_worker=worker)
        assert 0 < caseload.count() <= 15, worker.username
        assert not caseload.filter(date_of_birth__lte=three_years_ago).exists()
    # No child is on two portage workers' caseloads.
    assert CaseloadMembership.objects.values("child").distinct().count() == (
        CaseloadMembership.objects.count()
    )


def test_summary_lists_sign_ins_password_and_counts(demo):
    for username in ("practitioner", "senco", "portage", "send.manager", "admin"):
        assert re.search(rf"^{re.escape(username)}\s", demo, re.MULTILINE), username
    assert DEFAULT_PASSWORD in demo
    membership = SettingMembership.objects.select_related("setting").get(
        user__username="practitioner"
    )
    assert membership.setting.name in demo
    assert re.search(rf"Children\s+{CHILDREN}\b", demo)
    assert re.search(rf"Settings\s+{SETTINGS}\b", demo)


def test_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-long-demo-secret")
    run(children=5, settings=4)
    assert User.objects.get(username="planner").check_password("another-long-demo-secret")


def test_short_password_or_too_few_settings_is_refused(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "short")
    with pytest.raises(CommandError):
        run(children=5, settings=4)
    monkeypatch.delenv("DEMO_PASSWORD")
    with pytest.raises(CommandError):
        run(children=5, settings=3)
    assert not Area.objects.exists()


# --- Idempotence and determinism --------------------------------------------------------------


def test_running_twice_changes_nothing(demo):
    before_counts, before = counts(), snapshot()
    second = run()
    assert counts() == before_counts
    assert snapshot() == before
    assert "nothing (already up to date)" in second


def test_a_second_run_puts_back_a_changed_role_and_membership(demo):
    senco = User.objects.get(username="senco")
    senco.role = Role.PLANNER
    senco.save()
    senco.setting_memberships.update(is_senco=False)
    SettingMembership.objects.filter(user__username="practitioner").delete()
    password_hash = User.objects.get(username="practitioner").password

    run()
    senco.refresh_from_db()
    assert senco.role == Role.PRACTITIONER
    assert senco.setting_memberships.get().is_senco
    assert SettingMembership.objects.filter(user__username="practitioner").exists()
    assert User.objects.get(username="practitioner").password == password_hash


def test_more_children_later_extends_the_same_data(demo):
    before = snapshot()
    run(children=CHILDREN + 30)
    after = snapshot()
    assert Child.objects.count() == CHILDREN + 30
    assert after["children"][:CHILDREN] == before["children"]
    assert after["areas"] == before["areas"]
    assert after["settings"] == before["settings"]


def test_data_is_deterministic(demo):
    before = snapshot()
    CaseloadMembership.objects.all().delete()
    SettingMembership.objects.all().delete()
    User.objects.all().delete()
    FamilyContact.objects.all().delete()
    Child.objects.all().delete()
    Setting.objects.all().delete()
    for kind in (Area.Kind.WARD, Area.Kind.DISTRICT, Area.Kind.COUNTY):
        Area.objects.filter(kind=kind).delete()

    run()
    assert snapshot() == before
