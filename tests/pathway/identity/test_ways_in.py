"""Third-party submissions never take over a family: for every way in, a submitter who cannot
see a matching child makes a record of their own, nothing is overwritten or disclosed, and no
text reaches the number they supplied. A submitter who can see the child adds, never replaces."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.models import Child, ContactDetail, FamilyContact, OutboxMessage
from pathway import services
from pathway.advice import services as advice
from pathway.models import AdviceTemplate, PossibleMatch, Referral

pytestmark = pytest.mark.django_db


def _unchanged(contact: FamilyContact) -> None:
    before = (contact.mobile_phone, contact.sms_consent, contact.email, contact.confirmation)
    contact.refresh_from_db()
    assert (contact.mobile_phone, contact.sms_consent, contact.email, contact.confirmation) == (
        before
    )


def test_a_health_notification_from_someone_who_cannot_see_the_child_makes_its_own_record(
    world, parent_a, notify
):
    with transaction.atomic():
        referral = services.submit_health_notification(world.professional, notify())
    child = referral.child
    assert child.pk != world.child_a.pk
    assert child.record_status == Child.RecordStatus.PROVISIONAL
    assert child.setting is None and referral.setting is None
    assert child.postcode == "WM9 9ZZ"
    match = PossibleMatch.objects.get()
    assert (match.child, match.existing, match.status) == (child, world.child_a, "open")
    _unchanged(parent_a)
    assert world.child_a.family_contacts.count() == 1
    # Nothing to the number the notifier supplied; the family's text waits for a check.
    assert not OutboxMessage.objects.filter(to_phone="+447700900999").exists()
    assert not OutboxMessage.objects.filter(to_contact=parent_a).exists()
    held = OutboxMessage.objects.get(to_contact__child=child)
    assert held.status == OutboxMessage.Status.HELD and held.to_phone == ""
    new_parent = child.family_contacts.get()
    assert new_parent.confirmation == FamilyContact.Confirmation.UNCONFIRMED
    assert new_parent.mobile_phone == "" and not new_parent.sms_consent
    detail = new_parent.details.get()
    assert (detail.value, detail.status) == ("+447700900999", "unconfirmed")
    assert detail.source == "health"


def test_the_notifier_is_shown_nothing_of_the_existing_child(client, world, parent_a, notify):
    client.force_login(world.professional)
    data = notify()
    post = {
        **{k: v for k, v in data.items() if k not in ("date_of_birth", "area")},
        "date_of_birth_day": str(data["date_of_birth"].day),
        "date_of_birth_month": str(data["date_of_birth"].month),
        "date_of_birth_year": str(data["date_of_birth"].year),
        "area": str(data["area"].pk),
        "parent_mobile": "07700900999",
    }
    response = client.post(reverse("health-notification"), post)
    referral = Referral.objects.get()
    assert response.status_code == 302
    for url in (
        reverse("referral-confirmation", args=[referral.pk]),
        reverse("referral-detail", args=[referral.pk]),
    ):
        page = client.get(url).content.decode()
        assert world.setting_a.name not in page
        assert "900001" not in page  # the existing parent's number
        assert "possible match" not in page.lower()
    assert client.get(reverse("child-detail", args=[world.child_a.pk])).status_code == 404
    # The submission is in the audit trail, with who sent it and the record it made.
    event = AccessEvent.objects.get(url_name="health-notification", method="POST")
    assert event.username == world.professional.username
    assert event.child_id == referral.child_id and event.referral_id == referral.pk
    assert event.action == AccessEvent.Action.CHANGE


def test_a_health_notification_by_nhs_number_also_finds_the_match(world, parent_a, notify):
    Child.objects.filter(pk=world.child_a.pk).update(nhs_number="9434765919")
    with transaction.atomic():
        referral = services.submit_health_notification(
            world.professional, notify(first_name="Someone", nhs_number="943 476 5919")
        )
    match = PossibleMatch.objects.get(child=referral.child)
    assert match.existing_id == world.child_a.pk and match.found_by == "Same NHS number"


def test_a_professional_who_can_see_the_child_adds_a_detail_and_replaces_nothing(
    world, parent_a, notify
):
    with transaction.atomic():
        referral = services.create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={},
            setting=world.setting_a,
            consent={"share_with": ["send_team", "health"]},
            notify=False,
        )
        advice.request_advice(
            referral,
            by=world.send_officer,
            template=AdviceTemplate.objects.get(discipline="slt"),
            professional=world.professional,
            due_on=timezone.localdate() + datetime.timedelta(days=30),
            message="Please assess",
        )
    with transaction.atomic():
        notified = services.submit_health_notification(world.professional, notify())
    assert notified.child_id == world.child_a.pk
    assert not PossibleMatch.objects.exists()
    _unchanged(parent_a)
    waiting = ContactDetail.objects.get(contact=parent_a, status="unconfirmed")
    assert waiting.value == "+447700900999" and waiting.source == "health"
    assert not OutboxMessage.objects.filter(to_phone="+447700900999").exists()
    # The family's text goes to the confirmed number only.
    assert OutboxMessage.objects.get(to_contact=parent_a).to_phone == "+447700900001"


def test_the_setting_cannot_overwrite_a_matched_parent_either(world, parent_a, concern_by):
    with transaction.atomic():
        concern_by(
            world.practitioner_a, child=world.child_a, mobile="+447700900555", sms_consent=True
        )
    _unchanged(parent_a)
    waiting = ContactDetail.objects.get(contact=parent_a, status="unconfirmed")
    assert (waiting.value, waiting.source) == ("+447700900555", "setting")
    assert not OutboxMessage.objects.filter(to_phone="+447700900555").exists()


def test_a_new_parent_from_the_setting_is_confirmed_and_texted(world, concern_by):
    with transaction.atomic():
        concern_by(
            world.practitioner_a,
            child=world.child_a,
            parent="Sam Okafor",
            mobile="+447700900444",
            sms_consent=True,
        )
    contact = world.child_a.family_contacts.get(name="Sam Okafor")
    assert contact.is_confirmed and contact.mobile_phone == "+447700900444"
    assert contact.details.get().status == ContactDetail.Status.CONFIRMED
    message = OutboxMessage.objects.get(to_contact=contact)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.to_phone == "+447700900444"


def test_a_setting_adding_a_child_known_elsewhere_keeps_its_own_record(world, parent_a, concern_by):
    child_a = world.child_a
    answer = {
        "child": None,
        "first_name": child_a.first_name,
        "last_name": child_a.last_name.lower(),
        "date_of_birth": child_a.date_of_birth,
        "postcode": "WM5 5AA",
    }
    with transaction.atomic():
        referral = concern_by(world.practitioner_b, child_answer=answer, parent="Grace Okafor")
    child = referral.child
    assert child.pk != child_a.pk and child.setting == world.setting_b
    assert child.record_status == Child.RecordStatus.PROVISIONAL
    assert PossibleMatch.objects.get().existing == child_a
    _unchanged(parent_a)


def test_a_portage_request_for_a_family_changes_no_contact(world, parent_a):
    with transaction.atomic():
        services.submit_parent_request(
            world.portage_a,
            {
                "child": world.child_a,
                "consent_given_by": "grace okafor",
                "consent_given_on": timezone.localdate(),
                "share_with": ["send_team", "portage"],
                "broad_areas_of_need": ["communication_interaction"],
                "family_views": "We would like help with talking.",
                "family_circumstances": "no",
                "ehc_assessment_requested": "no",
            },
        )
    _unchanged(parent_a)
    assert not ContactDetail.objects.exists()


def test_a_provisional_child_counts_once_as_its_own_child_in_triage(
    client, world, parent_a, notify
):
    with transaction.atomic():
        services.create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={},
            setting=world.setting_a,
            notify=False,
        )
        services.submit_health_notification(world.professional, notify())
    client.force_login(world.send_officer)
    page = client.get(reverse("triage-queue")).content.decode()
    assert page.lower().count(world.child_a.first_name.lower()) >= 2
    assert Referral.objects.values("child").distinct().count() == 2
