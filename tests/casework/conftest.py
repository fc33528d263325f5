import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from earlyyears.models import FamilyContact
from pathway.models import Referral
from pathway.services import create_referral


@pytest.fixture
def make_referral(world):
    """A referral from a setting, routed by the published rules, at a chosen time."""

    def make(
        child=None,
        *,
        setting=None,
        by=None,
        days_ago: int = 0,
        ehc: bool = False,
        family: bool = False,
        level: str = "severe",
        sms_consent: bool = False,
        share_with: list[str] | None = None,
    ) -> Referral:
        child = child or world.child_a
        setting = setting or child.setting
        by = by or (world.practitioner_a if setting == world.setting_a else world.practitioner_b)
        answers = {
            "development": {"communication_language": {"level": level}},
            "health_family": {
                "ehc_assessment_requested": ehc,
                "family_circumstances": family,
            },
        }
        submitted_at = timezone.now() - datetime.timedelta(days=days_ago)
        with transaction.atomic():
            referral = create_referral(
                child=child,
                source=Referral.Source.SETTING_CONCERN,
                submitted_by=by,
                answers=answers,
                setting=setting,
                submitted_at=submitted_at,
                consent={
                    "sms_consent": sms_consent,
                    "consent_given_by": "A parent",
                    "share_with": share_with or [],
                },
                notify=False,
            )
        if sms_consent:
            FamilyContact.objects.create(
                child=child,
                name="A parent",
                mobile_phone="+447700900123",
                sms_consent=True,
                is_primary=True,
            )
        return referral

    return make
