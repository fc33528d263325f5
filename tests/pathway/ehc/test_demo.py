"""The demo command builds EHC timelines at every stage through the real services."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from pathway.models import EhcLetter, EhcRequest
from tests.factories import ChildFactory


def test_demo_ehc_builds_every_stage_once(world, referral_on):
    for _ in range(12):
        child = ChildFactory(setting=world.setting_a)
        referral_on(child)
    out = StringIO()
    call_command("demo_ehc", stdout=out)
    assert "12 cases" in out.getvalue()
    stages = set(EhcRequest.objects.values_list("stage", flat=True))
    assert stages == set(EhcRequest.Stage.values)
    assert EhcLetter.objects.filter(key="final_plan").exists()
    call_command("demo_ehc", stdout=out)
    assert "already there" in out.getvalue()
    assert EhcRequest.objects.count() == 12
