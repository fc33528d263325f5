"""Family records (issue 21) in the subject access record and under retention: who follows the
child online, the links sent (never the link itself), blocks; and a family member goes with the
last child they followed."""

from __future__ import annotations

import datetime
import json

from django.urls import reverse

from dataprotection.retention import apply_retention
from earlyyears.models import Child, FamilyLink, FamilyMember
from pathway.families import services
from pathway.models import FamilySignInLink


def test_the_subject_access_record_has_the_family_access(client, world, family_a):
    services.block_family_access(world.child_a, by=world.send_officer, reason="Court hearing")
    client.force_login(world.send_manager)
    response = client.get(reverse("subject-access-json", args=[world.child_a.pk]))
    assert response.status_code == 200
    section = json.dumps(response.json()["family_access"])
    assert "Grace Okafor" in section and "Court hearing" in section
    assert "sign_in_links_sent" in section and family_a.token not in section


def test_a_family_member_goes_with_the_last_child_they_followed(world, family_a):
    Child.objects.filter(pk=world.child_a.pk).update(
        date_of_birth=datetime.date.today() - datetime.timedelta(days=365 * 8)
    )
    apply_retention()
    assert not Child.objects.filter(pk=world.child_a.pk).exists()
    assert not FamilyLink.objects.exists()
    assert not FamilyMember.objects.exists()
    assert not FamilySignInLink.objects.exists()
