# ruff: noqa: F811 - make_referral is a fixture imported from tests/pathway
"""The integrity checks a restored backup must pass (`make restore-check`): each catches what
it is for."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from dataprotection import integrity
from dataprotection.models import AccessEvent
from pathway.models import Observation, ReferralEvent, ReferralRoute
from tests.pathway.conftest import make_referral  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _event(n: int) -> None:
    AccessEvent.objects.create(
        username="u", action=AccessEvent.Action.VIEW, method="GET", path=f"/{n}/", status_code=200
    )


def test_a_sound_database_passes_and_its_manifest_matches(make_referral):
    make_referral()
    _event(1)
    report = integrity.run(integrity.manifest())
    assert report.ok, report.problems
    assert report.checked["referrals"] == 1


def test_a_referral_without_routes_or_events_is_caught(make_referral):
    lost_routes = make_referral()
    ReferralRoute.objects.filter(referral=lost_routes).delete()
    lost_events = make_referral()
    ReferralEvent.objects.filter(referral=lost_events).delete()
    problems = integrity.run().problems
    assert f"Referral {lost_routes.reference} has no routes" in problems
    assert any(p.startswith(f"Referral {lost_events.reference} has no events") for p in problems)


def test_a_file_reference_that_does_not_resolve_is_caught(world):
    observation = Observation.objects.create(
        child=world.child_a,
        setting=world.setting_a,
        eyfs_area="communication_language",
        observed_on=timezone.localdate(),
        what_was_seen="Points to ask for things",
        observer=world.practitioner_a,
        attachment=ContentFile(b"%PDF-1.4", name="note.pdf"),
    )
    assert integrity.run().ok
    observation.attachment.storage.delete(observation.attachment.name)
    problems = integrity.run().problems
    assert f"pathway.Observation {observation.pk}: the file attachment is missing" in problems


def test_audit_rows_lost_since_the_backup_are_caught():
    for n in range(3):
        _event(n)
    expected = integrity.manifest()
    AccessEvent.objects.purge_before(timezone.now() + datetime.timedelta(seconds=1))
    problems = integrity.run(expected).problems
    assert "The audit trail has 0 rows; the backup had 3" in problems


def test_the_command_exits_non_zero_on_a_problem(make_referral, tmp_path):
    ReferralRoute.objects.filter(referral=make_referral()).delete()
    out = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("integrity_check", stdout=out)
    assert stopped.value.code == 1
    assert "Integrity check FAILED" in out.getvalue()
