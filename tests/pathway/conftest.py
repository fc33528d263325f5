"""Shared by the pathway's tests: a referral made through the published rules at a chosen time,
child A's mother, a health notification naming child A, and a concern sent through the wizard's
service."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from earlyyears.models import FamilyContact
from pathway.models import Referral
from pathway.services import create_referral, start_draft, submit_concern

ANSWERS = {
    "development": {"communication_language": {"level": "significant"}},
    "health_family": {"ehc_assessment_requested": False, "family_circumstances": False},
}


@pytest.fixture
def parent_a(world):
    """Child A's mother, confirmed by the setting, agreed to texts."""
    return FamilyContact.objects.create(
        child=world.child_a,
        name="Grace Okafor",
        relationship=FamilyContact.Relationship.MOTHER,
        mobile_phone="+447700900001",
        sms_consent=True,
        is_primary=True,
    )


@pytest.fixture
def notify(world):
    """The data of a section 23 health notification naming child A and their mother, with the
    notifier's own mobile number."""

    def data(**extra):
        child = world.child_a
        values = {
            "first_name": child.first_name.upper(),
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth,
            "nhs_number": "",
            "postcode": "WM9 9ZZ",
            "area": child.area,
            "broad_areas_of_need": ["communication_interaction"],
            "diagnoses": "Suspected hearing loss",
            "parents_informed": "yes",
            "parent_name": "Grace Okafor",
            "parent_mobile": "+447700900999",
            "sms_consent": "yes",
            "ehc_assessment_requested": "no",
        }
        values.update(extra)
        return values

    return data


@pytest.fixture
def concern_by(world):
    """A concern about a child, sent by a practitioner through the wizard's service."""

    def send(
        user, *, child=None, child_answer=None, mobile="", sms_consent=False, parent="Grace Okafor"
    ):
        setting = user.setting_memberships.first().setting
        draft = start_draft(user, setting=setting, child=child)
        answers = {
            **ANSWERS,
            "family": {
                "consent_given_by": parent,
                "consent_given_on": str(datetime.date.today()),
                "relationship": "mother",
                "mobile_phone": mobile,
                "sms_consent": sms_consent,
                "share_with": ["send_team"],
            },
        }
        return submit_concern(
            draft, user, child_answer=child_answer or {"child": child}, answers=answers
        )

    return send


@pytest.fixture
def referral_on(world):
    def make(child, *, by=None, setting=None):
        with transaction.atomic():
            return create_referral(
                child=child,
                source=Referral.Source.SETTING_CONCERN,
                submitted_by=by or world.practitioner_a,
                answers=ANSWERS,
                setting=setting or child.setting,
                notify=False,
            )

    return make


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
