"""Who gets a survey text and who does not, sending through the real outbox (Twilio faked at
the HTTP edge), once per contact and per number, in the family's language; and the consent to
be asked for feedback, recorded by staff and by the family, with its history."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from earlyyears.messaging.services import UNSUBSCRIBED_REASON
from earlyyears.models import FamilyContact, OutboxMessage
from pathway.family_survey import selectors, services
from pathway.models import ConsentHow, FeedbackConsent, FeedbackConsentChange, SurveyInvitation
from tests.earlyyears.messaging.fake_twilio import unsubscribed_recipient
from tests.pathway.families.conftest import make_contact, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]
Status = OutboxMessage.Status


def send(survey, user, capture, contacts=None):
    with capture(execute=True), transaction.atomic():
        return services.send_survey(survey, contacts or selectors.group_contacts("all"), by=user)


def test_only_contacts_who_agreed_and_may_be_contacted_get_a_text(
    world, agreed, make_survey, fake_twilio, django_capture_on_commit_callbacks
):
    yes = agreed()  # feedback only: no consent to text updates
    both = agreed(sms_consent=True)
    excluded = {
        "did not agree": agreed(agree=False),
        "never asked": agreed(agree=None),
        "unconfirmed": agreed(confirmation=FamilyContact.Confirmation.UNCONFIRMED),
        "rejected": agreed(confirmation=FamilyContact.Confirmation.REJECTED),
        "do not contact": agreed(do_not_contact=True),
        "court order": agreed(court_order=True),
        "no parental responsibility": agreed(has_parental_responsibility=False),
        "no mobile": agreed(mobile_phone=""),
        "replied STOP": agreed(sms_consent=False, sms_opted_out_at=timezone.now()),
    }
    withdrawn = agreed()
    services.record_feedback_consent(withdrawn, False, how=ConsentHow.PHONE)
    excluded["withdrew"] = withdrawn
    # A number Twilio refused because it replied STOP (recorded on the outbox only).
    refused = agreed()
    OutboxMessage.objects.create(
        idempotency_key="old",
        channel="sms",
        template="concern_received_family",
        to_phone=refused.mobile_phone,
        status=Status.SUPPRESSED,
        failure_reason=UNSUBSCRIBED_REASON,
    )
    excluded["refused as STOP by Twilio"] = refused

    result = send(make_survey(), world.send_manager, django_capture_on_commit_callbacks)

    assert result.invited == 2
    invited = set(SurveyInvitation.objects.values_list("contact_id", flat=True))
    assert invited == {yes.pk, both.pk}
    for why, contact in excluded.items():
        assert contact.pk not in invited, why
    assert sorted(m["to"] for m in fake_twilio.accepted) == sorted(
        [yes.mobile_phone, both.mobile_phone]
    )
    assert all("/feedback/" in m["body"] for m in fake_twilio.accepted)
    assert all("anonymous" in m["body"] for m in fake_twilio.accepted)
    message = OutboxMessage.objects.get(to_contact=yes)
    assert message.status == Status.SENT and message.template == "family_survey_invitation"


def test_sending_twice_texts_nobody_twice_and_one_text_per_number(
    world, agreed, make_survey, fake_twilio, django_capture_on_commit_callbacks
):
    first = agreed(mobile_phone="+447700900555")
    # The same parent, on their second child's record: one text, not two.
    agreed(mobile_phone="+447700900555")
    other = agreed()
    survey = make_survey()
    assert send(survey, world.send_manager, django_capture_on_commit_callbacks).invited == 2
    again = send(survey, world.send_manager, django_capture_on_commit_callbacks)
    assert again.invited == 0 and again.already == 3
    assert len(fake_twilio.accepted) == 2
    assert SurveyInvitation.objects.filter(survey=survey).count() == 2
    assert set(SurveyInvitation.objects.values_list("contact_id", flat=True)) == {
        first.pk,
        other.pk,
    }
    # Someone who agrees later gets it on the next send; the others still once.
    late = agreed()
    assert send(survey, world.send_manager, django_capture_on_commit_callbacks).invited == 1
    assert len(fake_twilio.accepted) == 3
    assert fake_twilio.accepted[-1]["to"] == late.mobile_phone


def test_the_text_is_in_the_contacts_language(
    world, agreed, make_survey, fake_twilio, django_capture_on_commit_callbacks
):
    agreed(preferred_language="cy")
    send(make_survey(), world.send_manager, django_capture_on_commit_callbacks)
    (accepted,) = fake_twilio.accepted
    assert "arolwg byr" in accepted["body"].lower()
    assert "dienw" in accepted["body"]  # anonymous
    assert SurveyInvitation.objects.get().language == "cy"


def test_a_group_by_decision_date(world, agreed, make_survey, make_referral, fake_twilio):
    from pathway.models import Decision

    decided = agreed(child=world.child_a)
    agreed(child=world.child_b)  # no decision in the period
    referral = make_referral(world.child_a, days_ago=40)
    Decision.objects.create(
        referral=referral,
        kind=Decision.Kind.ACCEPT,
        reason="Meets the criteria",
        decided_by=world.send_manager,
        decided_at=timezone.now() - datetime.timedelta(days=10),
    )
    today = timezone.localdate()
    contacts = selectors.group_contacts(
        selectors.GROUP_DECIDED, today - datetime.timedelta(days=30), today
    )
    with transaction.atomic():
        result = services.send_survey(make_survey(), contacts, by=world.send_manager)
    assert result.invited == 1
    assert SurveyInvitation.objects.get().contact == decided


def test_withdrawing_stops_a_text_still_waiting(
    world, agreed, make_survey, fake_twilio, django_capture_on_commit_callbacks
):
    contact = agreed()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.send_survey(make_survey(), selectors.group_contacts("all"), by=world.send_manager)
        services.record_feedback_consent(contact, False, how=ConsentHow.PHONE)
    assert fake_twilio.accepted == []
    message = OutboxMessage.objects.get(to_contact=contact)
    assert message.status == Status.SUPPRESSED
    assert message.failure_reason == "Consent withdrawn"


def test_a_number_that_replied_stop_is_refused_by_twilio_and_never_asked_again(
    world, agreed, make_survey, fake_twilio, django_capture_on_commit_callbacks
):
    contact = agreed()
    fake_twilio.script(unsubscribed_recipient())
    send(make_survey(), world.send_manager, django_capture_on_commit_callbacks)
    assert fake_twilio.accepted == []
    assert OutboxMessage.objects.get(to_contact=contact).failure_reason == UNSUBSCRIBED_REASON
    second = make_survey(title="Autumn feedback")
    assert send(second, world.send_manager, django_capture_on_commit_callbacks).invited == 0


def test_a_closed_survey_or_one_without_questions_is_not_sent(world, agreed, make_survey):
    agreed()
    with pytest.raises(services.SurveyError, match="closed"):
        services.send_survey(
            make_survey(closes_in_days=-1), selectors.group_contacts("all"), by=world.send_manager
        )
    with pytest.raises(services.SurveyError, match="at least one question"):
        services.send_survey(
            make_survey(questions=[]), selectors.group_contacts("all"), by=world.send_manager
        )
    assert not SurveyInvitation.objects.exists()


# --- Recording the consent ---------------------------------------------------------------------


def test_the_setting_records_feedback_consent_on_a_contact_with_history(client, world):
    contact = make_contact(world.child_a, "Grace Okafor", "+447700900001", sms_consent=False)
    url = reverse(
        "contact-feedback-consent", kwargs={"child_id": world.child_a.pk, "contact_id": contact.pk}
    )
    client.force_login(world.practitioner_a)
    page = client.get(url)
    assert page.status_code == 200
    assert "nobody has asked Grace Okafor yet" in page.content.decode()

    bad = client.post(url, {"given": "maybe"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "govuk-error-summary" in html and "Choose how they told you" in html
    assert not FeedbackConsent.objects.exists()  # nothing half-saved

    assert client.post(url, {"given": "yes", "how": "phone"}).status_code == 302
    assert client.post(url, {"given": "no", "how": "in_person"}).status_code == 302
    changes = list(FeedbackConsentChange.objects.order_by("pk"))
    assert [(c.given, c.how, c.by_staff) for c in changes] == [
        (True, "phone", world.practitioner_a),
        (False, "in_person", world.practitioner_a),
    ]
    assert FeedbackConsent.objects.get(contact=contact).given is False
    contact.refresh_from_db()
    assert contact.sms_consent is False  # text updates are a different consent

    # Another setting's practitioner cannot reach this child's contact; a planner is refused.
    client.force_login(world.practitioner_b)
    assert client.get(url).status_code == 404
    client.force_login(world.planner)
    assert client.get(url).status_code == 403


def test_the_family_answers_can_we_ask_you_for_feedback_on_their_own_pages(client, world):
    from pathway.families import services as family_services

    contact = make_contact(world.child_a, "Grace Okafor", "+447700900001")
    link = family_services.link_contact(contact, by=world.send_officer)
    _, token = family_services.send_sign_in_link(link, by=world.send_officer)
    url = reverse("family-feedback-consent")
    assert client.get(url).status_code == 404  # not signed in
    assert sign_in(client, token).status_code == 302

    page = client.get(url)
    assert page.status_code == 200
    assert "Can we ask you for feedback?" in page.content.decode()
    bad = client.post(url, {})
    assert bad.status_code == 400
    assert "govuk-error-summary" in bad.content.decode()
    assert client.post(url, {"given": "yes"}).status_code == 302
    change = FeedbackConsentChange.objects.get()
    assert change.given and change.how == ConsentHow.FAMILY_ONLINE
    assert change.by_member == link.member and change.consent.contact == contact
    assert selectors.eligible_contacts(FamilyContact.objects.all()).get() == contact


def test_a_stop_reply_withdraws_feedback_consent_too(world, agreed):
    """STOP means no more texts: a contact who agreed only to feedback is withdrawn as well,
    with how it happened on the record; START gives back text updates only."""
    from earlyyears.messaging.services import record_opt_out_keyword
    from pathway.models import FeedbackConsent

    contact = agreed()
    assert record_opt_out_keyword(contact.mobile_phone, "Stop") == "stop"
    consent = FeedbackConsent.objects.get(contact=contact)
    assert not consent.given
    assert consent.changes.order_by("-at", "-pk").first().how == "text_reply"
    record_opt_out_keyword(contact.mobile_phone, "START")
    assert not FeedbackConsent.objects.get(contact=contact).given


def test_the_message_log_never_shows_the_survey_link(
    world, agreed, make_survey, fake_twilio, django_capture_on_commit_callbacks
):
    """Whoever has the link could answer in the family's place: the log says what was sent,
    never the link, as for sign-in links."""
    from earlyyears.messaging.selectors import as_sent
    from earlyyears.models import OutboxMessage

    contact = agreed()
    send(make_survey(), world.send_manager, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(to_contact=contact, template="family_survey_invitation")
    assert "/feedback/" in message.body
    [row] = as_sent([message])
    assert "/feedback/" not in row.text and "the link is not shown" in row.text
