"""The staff records of issue 28 (council sign-in links, ended accounts, access reviews) are
covered by retention, the audit trail and a staff member's subject access request."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from dataprotection.models import AccessEvent
from dataprotection.retention import apply_retention
from earlyyears.access_review import services
from earlyyears.models import (
    AccessReview,
    AccountEnding,
    OIDCIdentity,
    Role,
    User,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEARS = datetime.timedelta(days=366)


def _identity(user: User, last: datetime.datetime) -> OIDCIdentity:
    return OIDCIdentity.objects.create(
        user=user,
        name="Council sign-in",
        issuer="https://login.example/tenant/v2.0",
        subject=f"sub-{user.pk}",
        groups=["SEND-Officers"],
        linked_at=last,
        last_signed_in_at=last,
    )


def test_retention_removes_old_reviews_endings_and_closed_accounts_links():
    now = timezone.now()
    manager = UserFactory(role=Role.SEND_MANAGER)
    old_review = services.start_review(manager)
    AccessReview.objects.filter(pk=old_review.pk).update(completed_at=now - 8 * YEARS)
    new_review = AccessReview.objects.create(
        quarter_start=now.date(), started_by=manager, completed_at=now
    )
    leaver = UserFactory(role=Role.SEND_OFFICER, is_active=False)
    stayer = UserFactory(role=Role.SEND_OFFICER)
    old_ending = AccountEnding.objects.create(
        user=leaver, reason="leaver", ended_at=now - 8 * YEARS
    )
    recent_ending = AccountEnding.objects.create(user=leaver, reason="leaver", ended_at=now)
    closed_link = _identity(leaver, now - 2 * YEARS)
    open_link = _identity(stayer, now - 2 * YEARS)

    run = apply_retention()
    assert run.counts["access_reviews"] >= 1
    assert not AccessReview.objects.filter(pk=old_review.pk).exists()
    assert AccessReview.objects.filter(pk=new_review.pk).exists()
    assert not AccountEnding.objects.filter(pk=old_ending.pk).exists()
    assert AccountEnding.objects.filter(pk=recent_ending.pk).exists()
    assert not OIDCIdentity.objects.filter(pk=closed_link.pk).exists()
    assert OIDCIdentity.objects.filter(pk=open_link.pk).exists()


def test_a_dormant_closure_is_in_the_audit_trail_as_the_services_own(settings):
    settings.DORMANT_ACCOUNT_DAYS, settings.DORMANT_NOTICE_DAYS = 90, 14
    user = UserFactory(email="a@example.org")
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - 100 * datetime.timedelta(1))
    services.close_dormant_accounts()
    from earlyyears.models import OutboxMessage

    OutboxMessage.objects.filter(template="account_dormant_notice").update(
        created_at=timezone.now() - 20 * datetime.timedelta(1)
    )
    services.close_dormant_accounts()
    event = AccessEvent.objects.get(object_id=str(user.pk), action=AccessEvent.Action.ACCOUNT)
    assert event.username == "the service"
    assert "ended: not used for a long time" in event.detail


def test_staff_subject_access_says_it_in_words():
    manager = UserFactory(role=Role.SEND_MANAGER)
    person = UserFactory(role=Role.SEND_OFFICER, first_name="Ola", last_name="Ng")
    _identity(person, timezone.now())
    review = services.start_review(manager)
    entry = review.entries.get(user=person)
    services.decide(manager, entry, "end")
    out = io.StringIO()
    call_command("staff_subject_access", person.username, stdout=out)
    record = json.loads(out.getvalue())
    assert record["Account"]["Role"] == "SEND team officer"
    assert record["Account"]["Can sign in"] == "no"
    assert record["Council sign-in"][0]["Groups at your last sign-in"] == "SEND-Officers"
    assert record["Accounts ended"][0]["Why"] == "Ended at an access review"
    assert record["Access reviews"][0]["Decision"] == "End their account"
    assert "send_officer" not in out.getvalue()
