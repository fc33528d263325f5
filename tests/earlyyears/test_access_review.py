"""Accounts that stay clean (issue 28): ending an account signs it out at once, dormant local
accounts are warned then closed, and the SEND manager's quarterly access review."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.access_review import services
from earlyyears.models import (
    AccessReview,
    AccessReviewEntry,
    AccountEnding,
    OIDCIdentity,
    OutboxMessage,
    Role,
    User,
)
from tests.factories import SettingFactory, UserFactory, practitioner_at
from tests.otp import VerifiedClient

pytestmark = pytest.mark.django_db


def _signed_in(user) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(user)
    assert client.get("/").wsgi_request.user == user
    return client


def test_ending_a_leavers_account_signs_them_out_at_once():
    leaver = UserFactory(role=Role.SEND_OFFICER)
    manager = UserFactory(role=Role.SEND_MANAGER)
    laptop, phone = _signed_in(leaver), _signed_in(leaver)
    ending = services.end_account(manager, leaver, AccountEnding.Reason.LEAVER, "Left on Friday")
    assert ending.sessions_ended == 2
    leaver.refresh_from_db()
    assert not leaver.is_active
    for client in (laptop, phone):
        assert not client.get("/").wsgi_request.user.is_authenticated
    assert _signed_in(manager)  # others' sessions are untouched


def test_switching_an_account_off_anywhere_ends_its_sessions(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(role=Role.PRACTITIONER)
    _signed_in(user)
    assert Session.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()
    assert Session.objects.count() == 0


def test_nobody_ends_their_own_account():
    manager = UserFactory(role=Role.SEND_MANAGER)
    with pytest.raises(services.ReviewRuleBroken):
        services.end_account(manager, manager, AccountEnding.Reason.LEAVER)


@pytest.fixture
def dormancy(settings):
    settings.DORMANT_ACCOUNT_DAYS = 90
    settings.DORMANT_NOTICE_DAYS = 14


def _idle(days: int, **kwargs) -> User:
    user = UserFactory(email="person@example.org", **kwargs)
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - datetime.timedelta(days=days)
    )
    return User.objects.get(pk=user.pk)


def _age_notice(user: User, days: int) -> None:
    OutboxMessage.objects.filter(idempotency_key__startswith=f"dormant-notice:{user.pk}:").update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_dormant_account_gets_notice_first_then_is_closed(dormancy):
    sleeper = _idle(95)
    recent = _idle(10)
    assert services.close_dormant_accounts() == {"noticed": 1, "closed": 0}
    notice = OutboxMessage.objects.get(template="account_dormant_notice")
    assert notice.to_user == sleeper and notice.to_email == "person@example.org"
    sleeper.refresh_from_db()
    assert sleeper.is_active
    # Run again the same day: no second notice, still not closed.
    assert services.close_dormant_accounts() == {"noticed": 0, "closed": 0}

    _age_notice(sleeper, 14)
    assert services.close_dormant_accounts() == {"noticed": 0, "closed": 1}
    sleeper.refresh_from_db()
    assert not sleeper.is_active
    assert AccountEnding.objects.get(user=sleeper).reason == AccountEnding.Reason.DORMANT
    assert OutboxMessage.objects.filter(template="account_closed_dormant", to_user=sleeper).exists()
    recent.refresh_from_db()
    assert recent.is_active


def test_signing_in_after_the_notice_keeps_the_account(dormancy):
    sleeper = _idle(80)
    services.close_dormant_accounts()
    _age_notice(sleeper, 20)
    User.objects.filter(pk=sleeper.pk).update(last_login=timezone.now())
    assert services.close_dormant_accounts() == {"noticed": 0, "closed": 0}
    sleeper.refresh_from_db()
    assert sleeper.is_active


def test_council_accounts_are_the_providers_to_close(dormancy):
    council = _idle(400)
    OIDCIdentity.objects.create(user=council, name="Council sign-in", issuer="i", subject="s")
    assert services.close_dormant_accounts() == {"noticed": 0, "closed": 0}


def test_the_dormant_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "earlyyears.access_review.tasks.close_dormant_accounts" in tasks
    assert "earlyyears.access_review.tasks.remind_access_review" in tasks
    from earlyyears.celery import app

    app.loader.import_default_modules()
    assert "earlyyears.access_review.tasks.close_dormant_accounts" in app.tasks


# The quarterly access review ----------------------------------------------------------------


@pytest.fixture
def team():
    setting = SettingFactory(name="Little Acorns")
    return {
        "manager": UserFactory(role=Role.SEND_MANAGER, first_name="Mina", last_name="Shah"),
        "practitioner": practitioner_at(setting, first_name="Pat", last_name="Lee"),
        "leaver": UserFactory(role=Role.SEND_OFFICER, first_name="Lou", last_name="Gone"),
        "trainer": UserFactory(role=Role.TRAINER, first_name="Tam"),
    }


def test_review_checklist_lists_who_can_see_children_with_role_settings_and_last_sign_in(team):
    review = services.start_review(team["manager"])
    entries = {entry.username: entry for entry in review.entries.all()}
    assert team["trainer"].username not in entries  # sees no children
    row = entries[team["practitioner"].username]
    assert (row.name, row.role, row.settings_held) == (
        "Pat Lee",
        Role.PRACTITIONER,
        "Little Acorns",
    )
    assert row.decision == AccessReviewEntry.Decision.PENDING
    assert services.start_review(team["manager"]) == review  # one open review at a time


def test_manager_reviews_keeps_and_ends_and_the_review_is_recorded(client, team):
    manager, leaver = team["manager"], team["leaver"]
    leaver_client = _signed_in(leaver)
    client.force_login(manager)
    answer = client.post("/access-reviews/")
    review = AccessReview.objects.get()
    assert answer["Location"] == f"/access-reviews/{review.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "Pat Lee" in page and "Little Acorns" in page and "Never" in page

    finish = client.post(f"/access-reviews/{review.pk}/finish/", follow=True)
    assert "Decide about everyone on the list" in finish.content.decode()
    review.refresh_from_db()
    assert review.completed_at is None

    for entry in review.entries.all():
        decision = "end" if entry.user == leaver else "keep"
        if entry.user == manager:
            refused = client.post(
                f"/access-reviews/{review.pk}/", {"entry": entry.pk, "decision": "end"}
            )
            assert refused.status_code == 400
            assert "You cannot end your own account" in refused.content.decode()
        client.post(f"/access-reviews/{review.pk}/", {"entry": entry.pk, "decision": decision})

    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not leaver_client.get("/").wsgi_request.user.is_authenticated
    assert AccessEvent.objects.filter(
        object_id=str(leaver.pk), detail__contains="is active yes to no"
    ).exists()

    client.post(f"/access-reviews/{review.pk}/finish/")
    review.refresh_from_db()
    assert review.completed_by == manager and review.completed_at
    listing = client.get("/access-reviews/").content.decode()
    assert "Accounts ended" in listing
    # A finished review is not changed.
    entry = review.entries.first()
    again = client.post(f"/access-reviews/{review.pk}/", {"entry": entry.pk, "decision": "end"})
    assert again.status_code == 400


def test_bad_decisions_get_an_error_not_a_change(client, team):
    client.force_login(team["manager"])
    review = services.start_review(team["manager"])
    entry = review.entries.exclude(user=team["manager"]).first()
    answer = client.post(f"/access-reviews/{review.pk}/", {"entry": entry.pk, "decision": "x"})
    assert answer.status_code == 400
    assert "There is a problem" in answer.content.decode()
    assert client.post(f"/access-reviews/{review.pk}/", {"entry": "abc"}).status_code == 404
    # Another review's page does not take this review's people.
    assert client.post(f"/access-reviews/{review.pk + 1}/", {"entry": entry.pk}).status_code == 404


@pytest.mark.parametrize("role", [Role.SEND_OFFICER, Role.PRACTITIONER, Role.ADMIN, Role.PLANNER])
def test_only_a_send_manager_reviews_access(client, team, role):
    review = services.start_review(team["manager"])
    client.force_login(UserFactory(role=role))
    assert client.get("/access-reviews/").status_code == 403
    assert client.get(f"/access-reviews/{review.pk}/").status_code == 403
    assert client.post(f"/access-reviews/{review.pk}/finish/").status_code == 403


def test_checklist_page_queries_stay_constant(client, team, django_assert_max_num_queries):
    client.force_login(team["manager"])
    review = services.start_review(team["manager"])
    with django_assert_max_num_queries(20) as few:
        client.get(f"/access-reviews/{review.pk}/")
    for n in range(15):
        practitioner_at(SettingFactory(), first_name=f"Extra{n}")
    AccessReview.objects.update(completed_at=timezone.now())  # next quarter's, with more people
    review = services.start_review(team["manager"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/access-reviews/{review.pk}/")


def test_review_reminder_emails_managers_once_a_quarter(team):
    day = datetime.date(2026, 10, 1)
    assert services.remind_review_due(day) == 1
    assert services.remind_review_due(day + datetime.timedelta(days=1)) == 0
    review = services.start_review(team["manager"], day)
    for entry in review.entries.all():
        services.decide(team["manager"], entry, "keep")
    services.complete(team["manager"], review)
    assert services.remind_review_due(datetime.date(2027, 1, 2)) == 1
    assert services.remind_review_due(datetime.date(2026, 11, 2)) == 0
