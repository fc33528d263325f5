"""Funding records are covered by retention, the subject access record and the audit trail."""

from __future__ import annotations

import datetime
import os

from django.urls import reverse
from django.utils import timezone

from dataprotection import retention
from dataprotection.models import AccessEvent
from dataprotection.selectors import subject_access_record
from earlyyears.models import Child
from pathway.funds import services
from pathway.funds.services import Outcome
from pathway.models import FundApplication, FundEvidence, FundPayment
from tests.factories import ChildFactory

from .conftest import evidence


def _daf(world, child, daf):
    application = services.apply(
        world.practitioner_a,
        child,
        daf,
        what_for="funds-dp-what-for",
        evidence=evidence("funds-dp-letter"),
        gets_disability_living_allowance=True,
        family_nominated_setting=True,
    )
    services.decide(application, by=world.send_officer, outcome=Outcome.APPROVE, reason="DLA")
    return application


def test_applications_evidence_files_and_payments_go_with_the_child(
    world, daf, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    old = ChildFactory(
        setting=world.setting_a,
        date_of_birth=today.replace(year=today.year - 7) - datetime.timedelta(days=1),
    )
    application = _daf(world, old, daf)
    path = application.evidence.get().file.path
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention()
    assert not Child.objects.filter(pk=old.pk).exists()
    assert not FundApplication.objects.filter(pk=application.pk).exists()
    assert not FundEvidence.objects.exists() and not FundPayment.objects.exists()
    assert not os.path.exists(path)


def test_the_subject_access_record_holds_the_childs_funding(world, daf):
    _daf(world, world.child_a, daf)
    _, record = subject_access_record(world.send_manager, world.child_a.pk)
    (entry,) = record["funding"]
    assert entry["fund"] == "Disability Access Fund"
    assert entry["amount_awarded"] == "£938.00"
    assert entry["what_the_money_will_pay_for"] == "funds-dp-what-for"
    assert entry["evidence"][0]["description"] == "funds-dp-letter"
    assert entry["payments"][0]["status"] == "Due"


def test_opening_an_application_or_its_evidence_is_in_the_audit_trail(client, world, daf):
    application = _daf(world, world.child_a, daf)
    client.force_login(world.practitioner_b)
    assert client.get(reverse("funds-application", args=[application.pk])).status_code == 404
    client.force_login(world.practitioner_a)
    client.get(reverse("funds-evidence", args=[application.evidence.get().pk]))
    events = AccessEvent.objects.filter(child_id=world.child_a.pk).order_by("pk")
    assert [(e.username, e.url_name, e.status_code, e.action) for e in events] == [
        ("prac.b", "funds-application", 404, "view"),
        ("prac.a", "funds-evidence", 200, "download"),
    ]
