"""The EHC records in retention (kept as an EHC file until 31), the subject access record
and the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dataprotection import retention
from dataprotection.models import AccessEvent
from dataprotection.selectors import subject_access_record
from earlyyears.models import Child
from pathway.ehc import services
from pathway.models import EhcLetter, EhcRequest, Referral
from tests.factories import ChildFactory

D = datetime.date


def years_ago(years: int, days: int = 1) -> datetime.date:
    today = datetime.date.today()
    return retention.years_before(today, years) + datetime.timedelta(days=days)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def do():
        with django_capture_on_commit_callbacks(execute=True):
            return retention.apply_retention()

    return do


def _case(world, referral_on, child, assess: bool = False) -> EhcRequest:
    referral = referral_on(child)
    ehc = services.open_request(
        child,
        referral,
        by=world.send_officer,
        source="1",
        received_on=max(child.date_of_birth, D(2026, 1, 5)),
        upn_unknown="UN1",
    )
    if assess:
        services.decide_assessment(
            ehc,
            by=world.send_officer,
            assess=True,
            decided_on=ehc.received_on,
            reason="Complex needs",
        )
    return ehc


def test_a_request_alone_keeps_the_file_until_31(world, referral_on, run):
    """A request that never reached a decision is still an EHC file: kept until 31, not 25."""
    child_26 = ChildFactory(setting=world.setting_a, date_of_birth=years_ago(26))
    child_31 = ChildFactory(setting=world.setting_a, date_of_birth=years_ago(31, days=-2))
    kept = _case(world, referral_on, child_26)
    gone = _case(world, referral_on, child_31)
    Referral.objects.update(status=Referral.Status.CLOSED)
    result = run()
    assert EhcRequest.objects.filter(pk=kept.pk).exists()
    assert not EhcRequest.objects.filter(pk=gone.pk).exists()
    assert not Child.objects.filter(pk=child_31.pk).exists()
    assert result.counts["referrals_ehc_plan"] > 0


def test_subject_access_holds_the_ehc_case_and_letters(world, referral_on):
    ehc = _case(world, referral_on, world.child_a, assess=True)
    _child, record = subject_access_record(world.send_manager, world.child_a.pk)
    [row] = record["ehc"]
    assert row["decision_to_assess"] == "Yes"
    assert row["letters"][0]["title"] == "We will carry out an EHC needs assessment"
    assert "Amara Okafor" in row["letters"][0]["words"]
    assert ehc.letters.count() == 1


def test_pages_and_letters_are_audited(client, world, referral_on):
    ehc = _case(world, referral_on, world.child_a, assess=True)
    letter = EhcLetter.objects.get(ehc=ehc)
    client.force_login(world.send_officer)
    client.get(reverse("ehc-child", args=[world.child_a.pk]))
    response = client.get(reverse("ehc-letter-pdf", args=[ehc.pk, letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.get(reverse("ehc-cases"))
    events = list(AccessEvent.objects.filter(username=world.send_officer.username))
    by_name = {e.url_name: e for e in events}
    assert by_name["ehc-child"].child_id == world.child_a.pk
    assert by_name["ehc-letter-pdf"].child_id == world.child_a.pk
    assert by_name["ehc-letter-pdf"].action == AccessEvent.Action.EXPORT
    assert "ehc-cases" in by_name
