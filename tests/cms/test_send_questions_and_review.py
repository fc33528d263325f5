"""The SEND questions on every service (issue 26): on the page, filterable in the directory,
kept out of the Open Referral UK API; and services nobody has reviewed, flagged to their
owners and then to the council by the daily task (time given to the task, not the clock)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from cms import oruk, providers, review
from cms import services as offer_services
from cms.comment_models import ServiceReviewFlag
from cms.models import Organisation, ServicePage
from cms.tasks import flag_stale_services
from earlyyears.models import OutboxMessage, Role
from tests.factories import UserFactory

from .helpers import make_service

ANSWERS = {
    "send_training": "Every session leader has done the council's SEND course.",
    "send_adaptations": "Visual timetables and a quiet corner.",
    "building_access": "Step-free entrance and an accessible toilet.",
    "wheelchair_accessible": True,
    "visit_before_start": True,
    "visit_arrangements": "Ring to come along before your first session.",
}


def answered(places, name="Chatter group", **answers):
    service = make_service(places, name, area=places.wards[0])
    ServicePage.objects.filter(pk=service.pk).update(**(answers or ANSWERS))
    service.refresh_from_db()
    return service


def test_the_service_page_answers_the_send_questions(client, places):
    service = answered(places)
    html = client.get(service.url).content.decode()
    assert "Children with SEND" in html
    for text in (
        "How staff are trained in SEND",
        "council&#x27;s SEND course",
        "Visual timetables",
        "Step-free entrance",
        "Wheelchair accessible.",
        "You can visit before your first session.",
        "Ring to come along",
    ):
        assert text in html
    silent = make_service(places, "Quiet group", area=places.wards[0])
    assert "Children with SEND" not in client.get(silent.url).content.decode()


def test_the_directory_filters_by_wheelchair_access_and_a_visit(client, places):
    answered(places, "Step free group", wheelchair_accessible=True, visit_before_start=False)
    answered(places, "Visit first group", wheelchair_accessible=False, visit_before_start=True)
    make_service(places, "Unknown group", area=places.wards[0])
    both = client.get("/local-offer/", {"access": ["wheelchair", "visit"]}).content.decode()
    assert "0 services found" in both
    html = client.get("/local-offer/", {"access": "wheelchair"}).content.decode()
    assert "Step free group" in html and "Visit first group" not in html
    assert "Unknown group" not in html
    html = client.get("/local-offer/", {"access": "visit"}).content.decode()
    assert "Visit first group" in html and "Step free group" not in html
    bad = client.get("/local-offer/", {"access": "lift"})
    assert bad.status_code == 200
    assert "Select access and visits from the list" in bad.content.decode()


def test_the_answers_are_not_in_the_open_referral_api(client, places):
    """Local extensions: the standard has no field for them, so the published record is the
    same with or without them."""
    service = make_service(places, "Chatter group", area=places.wards[0])
    before = client.get(f"/api/services/{service.oruk_id}").json()
    ServicePage.objects.filter(pk=service.pk).update(**ANSWERS)
    after = client.get(f"/api/services/{service.oruk_id}").json()
    assert before == after
    assert oruk.schema_errors(after) == []
    assert "SEND course" not in json.dumps(client.get("/api/services").json())


# --- Services nobody has reviewed ------------------------------------------------------------


@pytest.fixture
def stale(places, settings):
    """A service of an organisation with one provider account, last published and checked
    13 months before `now`."""
    settings.LOCAL_OFFER_REVIEW_MONTHS = 12
    settings.LOCAL_OFFER_REVIEW_COUNCIL_DAYS = 28
    organisation = Organisation.objects.create(name="Little Steps")
    service = make_service(places, "Little Steps play", area=places.wards[0])
    service.organisation = organisation
    service.save_revision().publish()
    group = providers.ensure_provider_group(organisation)
    owner = UserFactory(role=Role.PROVIDER, username="owner", email="owner@example.org")
    owner.groups.add(group)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ServicePage.objects.filter(pk=service.pk).update(last_published_at=long_ago, assured_date=None)
    return service, owner


def test_a_stale_service_goes_to_its_owners_then_the_council(stale, places):
    service, owner = stale
    fresh = make_service(places, "Fresh group", area=places.wards[0])
    now = timezone.now()
    run = review.flag_stale_services(now)
    assert (run.flagged, run.owners_emailed, run.to_council) == (1, 1, 0)
    flag = ServiceReviewFlag.objects.get()
    assert flag.service == service and flag.council_told_at is None
    message = OutboxMessage.objects.get(template="local_offer_review_due")
    assert message.to_user == owner and message.channel == "email"
    assert message.context["service"] == "Little Steps play"
    assert not ServiceReviewFlag.objects.filter(service=fresh).exists()

    again = review.flag_stale_services(now + datetime.timedelta(days=1))
    assert (again.flagged, again.owners_emailed, again.to_council) == (0, 0, 0)
    assert OutboxMessage.objects.filter(template="local_offer_review_due").count() == 1
    assert list(review.council_list()) == []

    later = review.flag_stale_services(now + datetime.timedelta(days=29))
    assert later.to_council == 1
    assert list(review.council_list()) == [flag]


def test_reviewing_the_service_closes_the_flag(stale):
    service, _ = stale
    now = timezone.now()
    review.flag_stale_services(now)
    ServicePage.objects.filter(pk=service.pk).update(assured_date=timezone.localdate(now))
    run = review.flag_stale_services(now + datetime.timedelta(days=1))
    assert run.closed == 1
    assert not ServiceReviewFlag.objects.filter(closed_at__isnull=True).exists()


@pytest.mark.usefixtures("celery_eager")
def test_a_service_with_no_owner_goes_straight_to_the_council(places, settings):
    service = make_service(places, "Nobody's group", area=places.wards[0])
    ServicePage.objects.filter(pk=service.pk).update(
        last_published_at=timezone.now() - datetime.timedelta(days=800), assured_date=None
    )
    result = flag_stale_services.delay().get()
    assert result["flagged"] == 1 and result["to_council"] == 1
    assert [f.service_id for f in review.council_list()] == [service.pk]
    assert not OutboxMessage.objects.filter(template="local_offer_review_due").exists()


def test_the_councils_list_is_for_moderators_only(client, stale, places):
    review.flag_stale_services(timezone.now() + datetime.timedelta(days=40))
    editors, moderators = offer_services.ensure_local_offer_groups(places.index)
    moderator = UserFactory(role=Role.PROFESSIONAL)
    moderator.groups.add(moderators)
    client.force_login(moderator)
    html = client.get("/admin/local-offer/not-reviewed/").content.decode()
    assert "Little Steps play" in html
    editor = UserFactory(role=Role.PROFESSIONAL)
    editor.groups.add(editors)
    client.force_login(editor)
    assert client.get("/admin/local-offer/not-reviewed/")["Location"] == "/admin/"
