"""Signposting (`matching_services`), the postcode table, and the editors' group and workflow."""

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission, Page

from cms import selectors, services
from cms.models import PostcodeCentroid, ServicePage
from earlyyears.models import Role
from tests.factories import UserFactory

from .helpers import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(places):
    ward1, ward2, ward3, _ = places.wards
    make_service(places, "Ward 1 talk", area=ward1, needs=("communication_interaction",))
    make_service(places, "Ward 2 talk", area=ward2, needs=("communication_interaction",))
    make_service(
        places,
        "North portage",
        area=places.north,
        needs=("communication_interaction", "cognition_learning"),
    )
    make_service(places, "County advice", area=places.county, needs=("semh",), ages=(0, 300))
    make_service(places, "Babies only", area=ward1, ages=(0, 12))
    make_service(places, "South sensory", area=ward3, needs=("sensory_physical",))
    make_service(places, "Closed", area=ward1, status="temporarily closed")
    return places


def names(services_):
    return [s.title for s in services_]


def test_matching_services_for_a_childs_age_needs_and_area(offer):
    ward1 = offer.wards[0]
    found = selectors.matching_services(
        30, ["communication_interaction", "cognition_learning"], ward1
    )
    # Most needs in common first, then the most local.
    assert names(found) == ["North portage", "Ward 1 talk"]


def test_areas_above_and_inside_count(offer):
    assert names(selectors.matching_services(30, ["semh"], offer.wards[2])) == ["County advice"]
    # A district takes in services in its wards (more local) as well as the county's.
    in_north = names(selectors.matching_services(30, [], offer.north, limit=10))
    assert in_north == ["North portage", "Ward 1 talk", "Ward 2 talk", "County advice"]


def test_age_limit_and_no_area(offer):
    assert "Babies only" in names(selectors.matching_services(6, [], None, limit=20))
    assert "Babies only" not in names(selectors.matching_services(30, [], None, limit=20))
    assert len(selectors.matching_services(30, [], None, limit=2)) == 2
    assert selectors.matching_services(30, [], None, limit=0) == []


def test_only_live_active_services_are_signposted(offer):
    ServicePage.objects.get(title="Ward 1 talk").unpublish()
    found = names(selectors.matching_services(30, [], offer.wards[0], limit=20))
    assert "Ward 1 talk" not in found and "Closed" not in found


def test_postcode_table_is_built_from_settings_and_ward_boundaries(places):
    district = PostcodeCentroid.objects.get(key="WM1")
    assert district.area == places.wards[0]
    assert (round(district.longitude, 3), round(district.latitude, 3)) == (-2.55, 52.95)
    sectors = PostcodeCentroid.objects.filter(key__startswith="WM1 ")
    assert sectors.count() == 9
    boundary = places.wards[0].boundary
    assert all(services.point_in_geometry(s.longitude, s.latitude, boundary) for s in sectors)
    assert PostcodeCentroid.objects.for_postcode("wm13ab").key == "WM1 3"
    assert PostcodeCentroid.objects.for_postcode("WM2").key == "WM2"
    assert PostcodeCentroid.objects.for_postcode("ZZ9 9ZZ") is None
    assert services.build_postcode_centroids() == PostcodeCentroid.objects.count()  # idempotent


def test_the_local_offer_index_is_under_the_default_sites_root(places):
    index = places.index
    assert index.slug == "local-offer" and index.live
    assert index.get_parent().specific_class is Page or index.depth == 3
    assert services.ensure_local_offer_index() == index


def test_editors_can_only_reach_the_local_offer(places):
    editors, moderators = services.ensure_local_offer_groups(places.index)
    again = services.ensure_local_offer_groups(places.index)
    assert again == (editors, moderators)
    for group in (editors, moderators):
        pages = set(GroupPagePermission.objects.filter(group=group).values_list("page", flat=True))
        assert pages == {places.index.pk}
        apps = set(group.permissions.values_list("content_type__app_label", flat=True))
        assert apps == {"wagtailadmin", "cms"}  # nothing on children, referrals or training
    assert not GroupPagePermission.objects.filter(
        group=editors, permission__codename="publish_page"
    ).exists()
    assert Permission.objects.filter(group=editors, codename="change_organisation").exists()


def test_an_editors_change_goes_through_moderation(client, places):
    editors, _ = services.ensure_local_offer_groups(places.index)
    service = make_service(places, "Chatter group", area=places.wards[0])
    editor = UserFactory(role=Role.PROFESSIONAL)
    editor.groups.add(editors)
    permissions = service.permissions_for_user(editor)
    assert permissions.can_edit() and not permissions.can_publish()
    assert service.get_workflow().name == services.WORKFLOW
    client.force_login(editor)
    assert client.get(f"/admin/pages/{service.pk}/edit/").status_code == 200
