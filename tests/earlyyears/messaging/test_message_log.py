"""The message log for the SEND team, the manager's retry, messages on the referral page, and
draft-expiry reminders by each person's chosen channel."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from earlyyears.messaging.services import queue_message
from earlyyears.models import OutboxMessage, Role
from pathway.models import ConcernDraft, Referral
from pathway.services import create_referral, remind_drafts_expiring, start_draft
from tests.factories import FamilyContactFactory, UserFactory

from .fake_twilio import server_error
from .helpers import fresh

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
LOG = "/messages/"


def make_message(status: str, phone: str, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        idempotency_key=f"log:{status}:{phone}",
        channel=OutboxMessage.Channel.SMS,
        template="concern_received_family",
        context={"authority": "Westmoor County Council", "reference": f"R-{phone[-4:]}"},
        to_phone=phone,
        status=status,
        attempts=1,
        status_updated_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def messages_of_every_status():
    phones = {}
    for n, status in enumerate(Status.values):
        phone = f"+4477009{n:05d}"
        phones[status] = (make_message(status, phone), phone)
    return phones


def retry_url(message: OutboxMessage) -> str:
    return reverse("retry-message", args=[message.pk])


# -- who sees the log ------------------------------------------------------------------------------


def test_the_url_name():
    assert reverse("message-log") == LOG


@pytest.mark.parametrize("role", ["send_officer", "send_manager"])
def test_send_team_see_the_message_log(client, world, role, messages_of_every_status):
    client.force_login(getattr(world, role))
    response = client.get(reverse("message-log"))
    assert response.status_code == 200
    html = response.content.decode()
    for _message, phone in messages_of_every_status.values():
        assert f"mobile ending {phone[-3:]}" in html
        assert phone not in html  # masked: enough to tell numbers apart, not to ring
    assert "concern_received_family" not in html  # the words, never the template's code
    assert "Reference R-0000" in html


@pytest.mark.parametrize(
    "user", ["practitioner_a", "portage_a", "planner", "trainer", "admin", "early_help"]
)
def test_everyone_else_is_refused(client, world, user, messages_of_every_status):
    client.force_login(getattr(world, user))
    assert client.get(reverse("message-log")).status_code == 403


def test_professional_is_refused(client, world):
    client.force_login(world.professional)
    assert client.get(reverse("message-log")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, messages_of_every_status):
    response = client.get(reverse("message-log"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


def test_filter_by_status(client, world, messages_of_every_status):
    client.force_login(world.send_officer)
    html = client.get(reverse("message-log"), {"status": "failed"}).content.decode()
    assert f"ending {messages_of_every_status['failed'][1][-3:]}" in html
    for status, (_message, phone) in messages_of_every_status.items():
        if status != "failed":
            assert f"ending {phone[-3:]}" not in html
    everything = client.get(reverse("message-log"), {"status": "nonsense"}).content.decode()
    assert all(f"ending {p[-3:]}<" in everything for _m, p in messages_of_every_status.values())


# -- retry -----------------------------------------------------------------------------------------


def test_only_the_manager_sees_retry_buttons_and_only_on_retryable_messages(
    client, world, messages_of_every_status
):
    client.force_login(world.send_manager)
    html = client.get(reverse("message-log")).content.decode()
    for status, (message, _phone) in messages_of_every_status.items():
        shown = f'action="{retry_url(message)}"' in html
        assert shown == (status in {"failed", "unknown", "undelivered"}), status

    client.force_login(world.send_officer)
    html = client.get(reverse("message-log")).content.decode()
    assert "/retry/" not in html


def test_officer_cannot_retry(client, world, messages_of_every_status):
    failed, _ = messages_of_every_status["failed"]
    client.force_login(world.send_officer)
    assert client.post(retry_url(failed)).status_code == 403
    assert fresh(failed).status == Status.FAILED


@pytest.mark.parametrize("user", ["practitioner_a", "planner", "admin"])
def test_others_cannot_retry(client, world, user, messages_of_every_status):
    failed, _ = messages_of_every_status["failed"]
    client.force_login(getattr(world, user))
    assert client.post(retry_url(failed)).status_code == 403
    assert fresh(failed).status == Status.FAILED


def test_retry_needs_post(client, world, messages_of_every_status):
    failed, _ = messages_of_every_status["failed"]
    client.force_login(world.send_manager)
    assert client.get(retry_url(failed)).status_code == 405


@pytest.mark.parametrize("status", ["pending", "sending", "sent", "delivered", "suppressed"])
def test_messages_that_are_not_failed_cannot_be_retried(
    client, world, status, messages_of_every_status, fake_twilio, django_capture_on_commit_callbacks
):
    message, _ = messages_of_every_status[status]
    client.force_login(world.send_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(message), follow=True)
    assert "Only failed, undelivered or unknown messages can be retried." in (
        response.content.decode()
    )
    assert fresh(message).status == status
    assert fake_twilio.requests == []


@pytest.mark.parametrize("status", ["failed", "unknown", "undelivered"])
def test_manager_retries_and_the_message_is_sent(
    client, world, status, messages_of_every_status, fake_twilio, django_capture_on_commit_callbacks
):
    message, phone = messages_of_every_status[status]
    client.force_login(world.send_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(message), {"next": "/messages/?status=" + status})
    assert response.status_code == 302 and response.url == "/messages/?status=" + status
    message = fresh(message)
    assert message.status == Status.SENT
    (accepted,) = fake_twilio.accepted
    assert accepted["to"] == phone and message.provider_id == accepted["sid"]
    assert message.attempts == 2
    page = client.get(response.url).content.decode()
    assert "The message will be sent again." in page


def test_retry_ignores_a_next_url_on_another_site(
    client, world, messages_of_every_status, fake_twilio, django_capture_on_commit_callbacks
):
    failed, _ = messages_of_every_status["failed"]
    client.force_login(world.send_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(failed), {"next": "https://evil.example/"})
    assert response.url == reverse("message-log")


def test_retry_of_a_missing_message_is_404(client, world):
    client.force_login(world.send_manager)
    assert client.post(reverse("retry-message", args=[999999])).status_code == 404


# -- the referral page -----------------------------------------------------------------------------


@pytest.fixture
def referral(world, fake_twilio, django_capture_on_commit_callbacks):
    world.practitioner_a.email = "prac.a@example.org"
    world.practitioner_a.save()
    contact = FamilyContactFactory(
        child=world.child_a, mobile_phone="+447700900246", sms_consent=True, name="Ada Okafor"
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        referral = create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_a,
            consent={"consent_given_by": "Ada Okafor", "sms_consent": True},
            contact=contact,
        )
    assert OutboxMessage.objects.filter(child=world.child_a).count() == 2
    return referral


@pytest.mark.parametrize("role", ["send_officer", "send_manager"])
def test_referral_page_shows_messages_about_the_child_to_the_send_team(
    client, world, referral, role
):
    make_message("sent", "+447700900888", child=world.child_b)
    client.force_login(getattr(world, role))
    html = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "Messages about this child" in html
    assert "Text message to Ada Okafor (" in html
    assert "mobile ending 246" in html and "+447700900246" not in html
    assert "concern_received_family" not in html and "concern_submitted_staff" not in html
    sms = OutboxMessage.objects.get(child=world.child_a, channel="sms")
    assert sms.body and sms.body in html.replace("&#x27;", "'")  # the words as sent
    assert "has shared a concern about your child's development" in sms.body
    # What happens next, in the family's words; never why (no health details in a text).
    assert (
        "as you agreed. We have asked the Early Years SEND team to look at how best to help "
        "your child. Reference" in sms.body
    )
    assert "severe" not in sms.body
    assert "In English" in html
    assert "ending 888" not in html


def test_referral_page_shows_no_messages_to_the_practitioner(client, world, referral):
    client.force_login(world.practitioner_a)
    response = client.get(reverse("referral-detail", args=[referral.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Messages about this child" not in html
    assert "Ada Okafor" not in html.split("Timeline")[-1]
    assert "concern_received_family" not in html


def test_referral_page_banners_are_flash_messages_not_outbox_rows(
    client, world, referral, fake_twilio, django_capture_on_commit_callbacks
):
    """Found: the view passed the outbox rows as 'messages', which shadowed
    django.contrib.messages in base.html: every row showed as an 'Important' banner and the
    real flash (e.g. after a retry) never appeared."""
    client.force_login(world.send_officer)
    html = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "govuk-notification-banner" not in html
    failed = OutboxMessage.objects.get(channel="sms", child=world.child_a)
    OutboxMessage.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    page = reverse("referral-detail", args=[referral.pk])
    client.force_login(world.send_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(failed), {"next": page}, follow=True)
    assert response.redirect_chain[-1][0] == page
    html = response.content.decode()
    assert "The message will be sent again." in html
    assert 'govuk-notification-banner__heading">Text message' not in html


# -- draft-expiry reminders ------------------------------------------------------------------------


def draft_expiring_in(owner, days: float) -> ConcernDraft:
    draft = start_draft(owner, setting=None)
    draft.expires_at = timezone.now() + datetime.timedelta(days=days)
    draft.save(update_fields=["expires_at"])
    return draft


@pytest.fixture
def owners():
    def owner(name: str, channel: str):
        return UserFactory(
            username=name,
            role=Role.PRACTITIONER,
            email=f"{name}@example.org",
            mobile_phone="+447700900" + str(300 + len(name)),
            reminder_channel=channel,
        )

    return {channel: owner(f"by-{channel}", channel) for channel in ("email", "sms", "both")}


def test_one_reminder_per_draft_by_each_persons_channel(owners):
    drafts = {channel: draft_expiring_in(user, 2) for channel, user in owners.items()}
    assert remind_drafts_expiring() == 4
    for channel, draft in drafts.items():
        due = draft.expires_at.date().isoformat()
        sent = OutboxMessage.objects.filter(
            idempotency_key__startswith=f"draft-expiry:{draft.pk}:{due}:"
        )
        expected = {"email": {"email"}, "sms": {"sms"}, "both": {"email", "sms"}}[channel]
        assert set(sent.values_list("channel", flat=True)) == expected
        for message in sent:
            assert message.to_user == owners[channel]
            assert message.template == "draft_expiring_staff"
            if message.channel == "sms":
                assert message.to_phone == owners[channel].mobile_phone
            else:
                assert message.to_email == owners[channel].email
            assert message.status == Status.PENDING


def test_running_reminders_twice_queues_nothing_new(owners):
    for user in owners.values():
        draft_expiring_in(user, 1)
    assert remind_drafts_expiring() == 4
    assert remind_drafts_expiring() == 0
    assert OutboxMessage.objects.count() == 4


def test_drafts_not_about_to_expire_get_no_reminder(owners):
    user = owners["both"]
    draft_expiring_in(user, 10)  # not yet
    draft_expiring_in(user, -1)  # already expired (purged separately)
    submitted = draft_expiring_in(user, 1)
    submitted.submitted_at = timezone.now()
    submitted.save(update_fields=["submitted_at"])
    assert remind_drafts_expiring() == 0
    assert not OutboxMessage.objects.exists()


def test_a_new_expiry_date_gets_a_new_reminder(owners):
    draft = draft_expiring_in(owners["sms"], 1)
    assert remind_drafts_expiring() == 1
    draft.expires_at += datetime.timedelta(days=1)  # carried on: a later deletion date
    draft.save(update_fields=["expires_at"])
    assert remind_drafts_expiring() == 1
    assert OutboxMessage.objects.filter(channel="sms").count() == 2


def test_reminders_are_sent_and_say_when(
    owners, fake_twilio, mailoutbox, django_capture_on_commit_callbacks
):
    draft = draft_expiring_in(owners["both"], 2)
    with django_capture_on_commit_callbacks(execute=True):
        remind_drafts_expiring()
    due = f"{draft.expires_at.date():%-d %B %Y}"
    (body,) = fake_twilio.bodies()
    assert f"will be deleted on {due}" in body
    (email,) = mailoutbox
    assert email.to == [owners["both"].email] and f"will be deleted on {due}" in email.body
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_reminder_states_the_local_date_of_deletion(owners, monkeypatch):
    summer = datetime.datetime(2026, 7, 8, 12, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: summer)
    draft = start_draft(owners["sms"], setting=None)
    # 00:30 on 10 July in London (BST) is 23:30 on 9 July in UTC.
    draft.expires_at = datetime.datetime(2026, 7, 9, 23, 30, tzinfo=datetime.UTC)
    draft.save(update_fields=["expires_at"])
    assert timezone.localtime(draft.expires_at).date() == datetime.date(2026, 7, 10)
    assert remind_drafts_expiring() == 1
    message = OutboxMessage.objects.get()
    assert message.context["due"] == "10 July 2026"


def test_retrying_an_unknown_message_does_not_text_the_family_twice(
    client, world, fake_twilio, django_capture_on_commit_callbacks
):
    contact = FamilyContactFactory(child=world.child_a, mobile_phone="+447700900135")
    fake_twilio.script(server_error(accepted=True))  # Twilio took it, but answered 500
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = queue_message(
            key="unknown-retry",
            template="concern_received_family",
            context={"reference": "EY26-000135"},
            contact=contact,
            child=world.child_a,
        )
    assert fresh(message).status == Status.UNKNOWN
    client.force_login(world.send_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry_url(message))
    assert len(fake_twilio.accepted) == 1  # expected: found at Twilio, not sent again
    assert fresh(message).provider_id == fake_twilio.accepted[0]["sid"]


def test_message_templates_are_editable_by_the_administrator(client, world):
    from earlyyears.models import MessageTemplate

    template = MessageTemplate.objects.get(key="concern_received_family", language="pl")
    url = reverse("admin:earlyyears_messagetemplate_change", args=[template.pk])
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    response = client.post(
        url, {"key": template.key, "language": "pl", "body": "Nowa treść {reference}"}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "Nowa treść {reference}"
    client.force_login(world.practitioner_a)
    assert client.get(url).status_code == 302  # not staff: sent to the admin's sign-in


def test_no_reminder_about_a_draft_at_a_setting_the_owner_left(world):
    draft = start_draft(world.practitioner_a, setting=world.setting_a, child=world.child_a)
    draft.expires_at = timezone.now() + datetime.timedelta(days=1)
    draft.save(update_fields=["expires_at"])
    world.practitioner_a.setting_memberships.all().delete()
    assert remind_drafts_expiring() == 0


# -- messages as sent ------------------------------------------------------------------------


def test_the_log_keeps_the_words_sent_even_when_the_template_is_reworded_later(
    client, world, referral
):
    from earlyyears.models import MessageTemplate

    sms = OutboxMessage.objects.get(child=world.child_a, channel="sms")
    assert sms.status == Status.SENT and referral.reference in sms.body
    MessageTemplate.objects.filter(key="concern_received_family").update(
        body="Reworded {reference}"
    )
    client.force_login(world.send_officer)
    html = client.get(reverse("message-log")).content.decode().replace("&#x27;", "'")
    assert sms.body in html
    assert f"Reworded {referral.reference}" not in html


def test_a_message_not_yet_sent_shows_the_words_it_would_have_in_its_language(client, world):
    contact = FamilyContactFactory(child=world.child_a, name="Dai Jones", preferred_language="cy")
    OutboxMessage.objects.create(
        idempotency_key="held:cy",
        channel=OutboxMessage.Channel.SMS,
        template="concern_received_family",
        language="cy",
        context={"authority": "Cyngor", "reference": "EY26-000777", "setting": "Meithrinfa"},
        to_contact=contact,
        child=world.child_a,
        status=Status.HELD,
    )
    client.force_login(world.send_officer)
    html = client.get(reverse("message-log")).content.decode().replace("&#x27;", "'")
    assert "Mae Meithrinfa wedi rhannu pryder" in html and 'lang="cy"' in html
    assert "In Welsh. Not sent: the words it would have had" in html
    assert "Text message to Dai Jones (" in html


def test_the_log_reads_in_the_same_number_of_queries_however_many_messages(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.send_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("message-log")).status_code == 200
        return len(queries)

    for n in range(2):
        make_message("pending", f"+4477009001{n:02d}")
    few = count()
    for n in range(2, 12):
        make_message("sent", f"+4477009001{n:02d}", body=f"Sent words {n}")
    assert count() == few
