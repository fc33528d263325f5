"""Families' comments on the local offer (issue 26, Regulation 56): no account, throttled, a
check that works without JavaScript, moderators redact and respond, the yearly page shows only
what was published, retention, subject access and audit."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from cms import services as offer_services
from cms.comment_models import LocalOfferComment
from cms.comments import selectors, services
from cms.comments.forms import started_token
from cms.comments.redaction import suggest_redaction
from dataprotection import retention
from dataprotection.models import AccessEvent
from dataprotection.selectors import subject_access_record
from earlyyears.models import Role
from tests.factories import ChildFactory, UserFactory

from .helpers import make_service

Status = LocalOfferComment.Status


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def service(places):
    return make_service(places, "Chatter group", area=places.wards[0])


@pytest.fixture
def moderator(places):
    _, moderators = offer_services.ensure_local_offer_groups(places.index)
    user = UserFactory(role=Role.PROFESSIONAL, username="moderator")
    user.groups.add(moderators)
    return user


@pytest.fixture
def editor(places):
    editors, _ = offer_services.ensure_local_offer_groups(places.index)
    user = UserFactory(role=Role.PROFESSIONAL, username="editor")
    user.groups.add(editors)
    return user


def post_comment(client, url, text="The group was friendly", ip="192.0.2.1", **extra):
    data = {"about": "service", "comment": text, "started": started_token(time.time() - 30)}
    data.update(extra)
    return client.post(url, data, REMOTE_ADDR=ip)


def service_url(service):
    return f"/local-offer/have-your-say/services/{service.pk}/"


# --- A family comments ---------------------------------------------------------------------


def test_a_family_comments_on_a_service_without_an_account(client, service):
    page = client.get(service.url)
    assert service_url(service) in page.content.decode()
    form = client.get(service_url(service))
    assert form.status_code == 200
    assert "Chatter group" in form.content.decode()

    response = post_comment(client, service_url(service), "Call me on 07700 900123, it was great")
    assert response.status_code == 302
    comment = LocalOfferComment.objects.get()
    assert comment.service == service and comment.service_name == "Chatter group"
    assert comment.original == "Call me on 07700 900123, it was great"
    assert comment.redacted == "Call me on [removed], it was great"
    assert comment.status == Status.NEW
    assert comment.year == timezone.localdate().year
    sent = client.get(response["Location"])
    assert comment.reference in sent.content.decode()


def test_a_comment_on_the_offer_as_a_whole(client, service):
    post_comment(client, service_url(service), "More in the north, please", about="offer")
    comment = LocalOfferComment.objects.get()
    assert comment.service is None and comment.about == "The local offer as a whole"
    post_comment(client, "/local-offer/have-your-say/", "Also weekends", about="offer")
    assert LocalOfferComment.objects.count() == 2


def test_a_draft_service_cannot_be_commented_on(client, service):
    service.unpublish()
    assert client.get(service_url(service)).status_code == 404
    assert post_comment(client, service_url(service)).status_code == 404
    assert not LocalOfferComment.objects.exists()


def test_an_empty_comment_gets_the_error_summary(client, service):
    response = post_comment(client, service_url(service), "   ")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Enter your comment" in response.content.decode()
    assert not LocalOfferComment.objects.exists()


# --- The check that works without JavaScript -------------------------------------------------


def test_the_hidden_box_filled_in_is_thanked_and_nothing_saved(client, service):
    response = post_comment(client, service_url(service), website="http://spam.example")
    assert response.status_code == 302
    assert not LocalOfferComment.objects.exists()
    sent = client.get(response["Location"]).content.decode()
    assert "Comment sent" in sent and "Your reference" not in sent


def test_the_hidden_box_is_hidden_from_people(client, service):
    html = client.get(service_url(service)).content.decode()
    assert '<div hidden aria-hidden="true">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: started_token(), id="sent at once"),
        pytest.param(lambda: started_token(time.time() - 2 * 24 * 60 * 60), id="expired"),
        pytest.param(lambda: "forged", id="forged"),
        pytest.param(lambda: "", id="missing"),
    ],
)
def test_a_form_sent_too_fast_expired_or_forged_is_refused(client, service, token):
    response = post_comment(client, service_url(service), started=token())
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The group was friendly" in html  # their words are kept to send again
    assert not LocalOfferComment.objects.exists()


def test_the_form_works_after_a_few_seconds(client, service):
    response = post_comment(client, service_url(service), started=started_token(time.time() - 4))
    assert response.status_code == 302
    assert LocalOfferComment.objects.count() == 1


# --- Throttling ------------------------------------------------------------------------------


def test_one_client_is_limited_each_hour(client, service, settings):
    settings.LOCAL_OFFER_COMMENTS_PER_CLIENT = 2
    for n in range(2):
        assert post_comment(client, service_url(service), f"Comment {n}").status_code == 302
    refused = post_comment(client, service_url(service), "One too many")
    assert refused.status_code == 429
    assert "Your comment has not been sent" in refused.content.decode()
    # A robot refused by the check still uses up its allowance.
    assert post_comment(client, service_url(service), website="x").status_code == 429
    # Someone else is not held back.
    assert post_comment(client, service_url(service), "Mine", ip="192.0.2.99").status_code == 302
    assert LocalOfferComment.objects.count() == 3


def test_everyone_together_is_limited_each_hour(client, service, settings):
    settings.LOCAL_OFFER_COMMENTS_PER_HOUR = 3
    for n in range(3):
        response = post_comment(client, service_url(service), f"C{n}", ip=f"198.51.100.{n}")
        assert response.status_code == 302
    assert post_comment(client, service_url(service), ip="198.51.100.50").status_code == 429
    assert LocalOfferComment.objects.count() == 3


def test_a_forwarded_address_is_trusted_only_behind_our_proxy(client, service, settings):
    settings.LOCAL_OFFER_COMMENTS_PER_CLIENT = 1
    # No proxy configured: a forged X-Forwarded-For does not make a new client.
    assert post_comment(client, service_url(service), HTTP_X_FORWARDED_FOR="203.0.113.1")
    refused = post_comment(client, service_url(service), HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert refused.status_code == 429


# --- Redaction -------------------------------------------------------------------------------


def test_the_suggested_redaction_removes_contact_details_and_numbers():
    text = (
        "Email jo@example.com or ring 01632 960123 / +44 7700 900123. We live in WM1 2AB. "
        "NHS 943 476 5919, born 3/4/2022. The Tuesday group at 10am was great."
    )
    assert suggest_redaction(text) == (
        "Email [removed] or ring [removed] / [removed]. We live in [removed]. "
        "NHS [removed], born [removed]. The Tuesday group at 10am was great."
    )


# --- Moderation ------------------------------------------------------------------------------


def test_only_moderators_see_the_originals(client, service, moderator, editor):
    comment = services.receive_comment(text="Maya Smith loved it", service=service)
    url = f"/admin/local-offer/comments/{comment.pk}/"
    assert client.get(url).status_code == 302  # to sign in
    # Wagtail's admin turns a refusal into a message on its dashboard.
    client.force_login(editor)
    for refused in (client.get(url), client.get("/admin/local-offer/comments/")):
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
    client.force_login(UserFactory(role=Role.SEND_OFFICER))  # no admin access at all
    refused = client.get(url)
    assert refused.status_code in (302, 403) and "Maya" not in refused.content.decode()
    client.force_login(moderator)
    listing = client.get("/admin/local-offer/comments/")
    assert listing.status_code == 200 and comment.reference in listing.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Maya Smith loved it" in page.content.decode()


def test_a_moderator_redacts_responds_and_publishes(client, service, moderator):
    comment = services.receive_comment(text="Maya Smith loved it", service=service)
    client.force_login(moderator)
    url = f"/admin/local-offer/comments/{comment.pk}/"
    missing = client.post(url, {"redacted": "My child loved it", "action": "publish"})
    assert missing.status_code == 200 and "Enter our response" in missing.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.NEW and comment.response == ""

    done = client.post(
        url,
        {"redacted": "My child loved it", "response": "We added a group.", "action": "publish"},
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED and comment.moderated_by == moderator
    assert comment.redacted == "My child loved it" and comment.original == "Maya Smith loved it"


def test_not_published_needs_a_reason(client, service, moderator):
    comment = services.receive_comment(text="Buy cheap things", service=service)
    client.force_login(moderator)
    url = f"/admin/local-offer/comments/{comment.pk}/"
    assert "Enter why" in client.post(url, {"action": "not_published"}).content.decode()
    client.post(url, {"action": "not_published", "reason": "Spam"})
    comment.refresh_from_db()
    assert comment.status == Status.NOT_PUBLISHED and comment.not_published_reason == "Spam"


def test_viewing_a_comment_is_on_the_audit_trail(client, service, moderator):
    comment = services.receive_comment(text="Maya Smith loved it", service=service)
    client.force_login(moderator)
    client.get(f"/admin/local-offer/comments/{comment.pk}/")
    event = AccessEvent.objects.get(object_type="cms.localoffercomment")
    assert event.object_id == str(comment.pk) and event.user_id == moderator.pk
    assert event.child_id is None


# --- The yearly page -------------------------------------------------------------------------


def _published(service, moderator, original, redacted, response, year=None):
    comment = services.receive_comment(text=original, service=service)
    if year:
        LocalOfferComment.objects.filter(pk=comment.pk).update(year=year)
    return services.moderate(
        comment, user=moderator, redacted=redacted, response=response, action="publish"
    )


def test_the_year_page_shows_only_published_redacted_text(client, service, moderator):
    year = timezone.localdate().year
    _published(service, moderator, "Maya Smith loved it", "My child loved it", "We added one.")
    waiting = services.receive_comment(text="Jo Bloggs of WM1 2AB wants more", service=None)
    services.moderate(
        waiting, user=moderator, redacted="A parent wants more", response="", action="save"
    )
    services.receive_comment(text="Spam spam", service=None)
    _published(service, moderator, "Last year Sam Lee", "Last year", "Done then.", year - 1)

    assert client.get(f"/local-offer/you-said-we-did/{year}/").status_code == 404
    services.publish_year(year, user=moderator, introduction="Thank you.")
    html = client.get(f"/local-offer/you-said-we-did/{year}/").content.decode()
    assert "My child loved it" in html and "We added one." in html and "Thank you." in html
    for hidden in ("Maya Smith", "Jo Bloggs", "A parent wants more", "Spam", "Last year"):
        assert hidden not in html
    years = client.get("/local-offer/you-said-we-did/").content.decode()
    assert f"/local-offer/you-said-we-did/{year}/" in years
    assert f"/local-offer/you-said-we-did/{year - 1}/" not in years


def test_a_moderator_publishes_the_year_page(client, service, moderator):
    year = timezone.localdate().year
    _published(service, moderator, "Maya Smith loved it", "My child loved it", "We added one.")
    client.force_login(moderator)
    preview = client.get(f"/admin/local-offer/comments/years/{year}/").content.decode()
    assert "My child loved it" in preview and "Maya Smith" not in preview
    assert client.post(f"/admin/local-offer/comments/years/{year}/", {"introduction": "Hi"})
    client.logout()
    assert client.get(f"/local-offer/you-said-we-did/{year}/").status_code == 200


def test_the_year_page_reads_a_constant_number_of_queries(
    client, service, moderator, django_assert_max_num_queries
):
    year = timezone.localdate().year
    services.publish_year(year, user=moderator)
    url = f"/local-offer/you-said-we-did/{year}/"
    _published(service, moderator, "a", "A", "R")
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for n in range(20):
        _published(service, moderator, f"o{n}", f"Said {n}", f"Did {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Said 19" in client.get(url).content.decode()


def test_the_moderation_list_reads_a_constant_number_of_queries(
    client, service, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)
    services.receive_comment(text="one", service=service)
    client.get("/admin/local-offer/comments/")
    with django_assert_max_num_queries(60) as few:
        client.get("/admin/local-offer/comments/")
    for n in range(15):
        comment = services.receive_comment(text=f"c{n}", service=service)
        services.moderate(comment, user=moderator, redacted="r", response="x", action="publish")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/admin/local-offer/comments/")


# --- Retention and subject access ------------------------------------------------------------


def test_retention_erases_originals_after_a_year_and_deletes_the_unpublished(service, moderator):
    now = timezone.now()
    old = now - datetime.timedelta(days=400)
    published = _published(service, moderator, "Maya Smith loved it", "A child loved it", "Good")
    LocalOfferComment.objects.filter(pk=published.pk).update(received_at=old)
    unpublished = services.receive_comment(text="Jo Bloggs", service=None, now=old)
    recent = services.receive_comment(text="Sam Lee", service=None, now=now)

    run = retention.apply_retention(now=now)
    published.refresh_from_db()
    assert published.original == "" and published.erased_at is not None
    assert published.redacted == "A child loved it" and published.response == "Good"
    assert not LocalOfferComment.objects.filter(pk=unpublished.pk).exists()
    assert LocalOfferComment.objects.get(pk=recent.pk).original == "Sam Lee"
    assert run.counts["local_offer_comments"] == 2
    assert retention.apply_retention(now=now).counts["local_offer_comments"] == 0


def test_subject_access_lists_comments_that_name_the_child(service):
    child = ChildFactory(first_name="Maya", last_name="Smith")
    services.receive_comment(text="maya smith loved the group", service=service)
    services.receive_comment(text="Someone else entirely", service=service)
    manager = UserFactory(role=Role.SEND_MANAGER)
    _, record = subject_access_record(manager, child.pk)
    rows = record["local_offer_comments"]
    assert len(rows) == 1
    assert rows[0]["about"] == "Chatter group"
    assert rows[0]["status"] == "Waiting for a moderator"
    assert selectors.comments_naming([], [rows[0]["reference"].lower()])
