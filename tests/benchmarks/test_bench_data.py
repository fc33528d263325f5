"""The benchmark data generator (pathway/benchdata.py) at tiny sizes: what `make bench`'s
template is built from, checked here so that a change elsewhere (a new column, a migration)
that breaks it is seen in `make bench-smoke`, not at the start of a long run.

Skipped under `make bench`, whose test database is already a copy of the template.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from wagtail.models import Page

from cms.models import ServiceLocation, ServicePage
from earlyyears.models import Area, Child, Setting, User
from pathway import benchdata
from pathway.models import NeedFigure, Referral, ReferralClock, ReferralRoute

from . import TEMPLATE

pytestmark = pytest.mark.skipif(bool(TEMPLATE), reason="the database holds the template's data")


@pytest.mark.django_db
def test_generated_rows_are_what_the_services_would_leave(client):
    sizes = benchdata.Sizes.from_env(tiny=True)
    written = benchdata.generate(sizes, log=lambda line: None)

    assert Area.objects.filter(kind=Area.Kind.WARD).count() == sizes.wards
    assert Setting.objects.count() == sizes.settings
    assert Child.objects.count() == sizes.children
    assert Referral.objects.count() == sizes.referrals
    assert ReferralRoute.objects.count() == ReferralClock.objects.count() == sizes.referrals
    assert ServicePage.objects.count() == sizes.services
    assert ServiceLocation.objects.exists()
    assert NeedFigure.objects.count() == written["need figures"] > 0
    # Every ward has settings, every setting is in a ward, every child where their setting is.
    assert not Area.objects.filter(kind=Area.Kind.WARD, settings__isnull=True).exists()
    at_settings = Child.objects.exclude(setting__isnull=True)
    assert not at_settings.exclude(area_id=F("setting__area_id")).exists()

    # Waiting referrals run a triage clock and carry its dates; the others' clocks stopped.
    waiting = Referral.objects.filter(status__in=Referral.WAITING)
    assert waiting.exists() and Referral.objects.exclude(status__in=Referral.WAITING).exists()
    assert not waiting.filter(next_due_on__isnull=True).exists()
    assert not ReferralClock.objects.filter(
        referral__status__in=Referral.WAITING, stopped_at__isnull=False
    ).exists()
    referral = Referral.objects.exclude(broad_areas_of_need=[]).first()
    assert isinstance(referral.answers["development"], dict)
    assert referral.routes == [referral.current_routes.get().route]
    assert set(referral.broad_areas_of_need) <= {
        "communication_interaction",
        "cognition_learning",
        "semh",
        "sensory_physical",
    }
    assert referral.reference.startswith("EY")

    # The page tree is as treebeard and Wagtail would have left it, and the pages are served.
    assert Page.find_problems() == ([], [], [], [], [])
    page = ServicePage.objects.first()
    assert client.get(page.url).status_code == 200
    response = client.get("/local-offer/?q=speech")
    assert response.status_code == 200
    assert b"Speech service" in response.content

    # The officers sign in and see the queue.
    officer = User.objects.get(username=f"{benchdata.OFFICER_PREFIX}0")
    client.force_login(officer)
    assert client.get(reverse("triage-queue")).status_code == 200

    with pytest.raises(ValueError, match="already holds"):
        benchdata.generate(sizes)
    if connection.vendor == "postgresql":  # the foreign keys are checked again afterwards
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"
