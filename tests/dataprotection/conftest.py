"""Data protection fixtures: child A with a record of every kind, made through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def refer():
    from pathway.models import Referral
    from pathway.services import create_referral

    def make(child, by, answers=None, when=None):
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=by,
            answers=answers or {"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            submitted_at=when,
            notify=False,
        )

    return make


@pytest.fixture
def observe():
    from pathway.models import Observation

    def make(child, by, on=None, attachment: bool = False, text="Pointed at the ball"):
        observation = Observation.objects.create(
            child=child,
            setting=child.setting,
            eyfs_area="communication_language",
            observed_on=on or timezone.localdate(),
            what_was_seen=text,
            observer=by,
        )
        if attachment:
            observation.attachment_name = "ball.png"
            observation.attachment.save("ball.png", ContentFile(PNG), save=True)
        return observation

    return make


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)
