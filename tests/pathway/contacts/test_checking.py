"""The setting and the SEND team check what others supplied; only confirmed details are used."""

import pytest
from django.db import transaction
from django.urls import reverse

from earlyyears.models import ContactDetail, FamilyContact, OutboxMessage
from pathway import services
from pathway.contacts import services as contacts

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world, django_capture_on_commit_callbacks):
    """Child A's mother, confirmed with one number, and a different number for her from a
    concern, waiting to be checked; plus a message to her held until then."""
    mother = FamilyContact.objects.create(
        child=world.child_a,
        name="Grace Okafor",
        relationship="mother",
        mobile_phone="+447700900001",
        sms_consent=True,
    )
    detail = ContactDetail.objects.create(
        contact=mother,
        kind="mobile",
        value="+447700900002",
        source="health",
        sms_consent=True,
        status="unconfirmed",
    )
    return mother, detail


def _check_post(contact, detail, verdict, person=None):
    data = {f"detail_{detail.pk}": verdict}
    if person is not None:
        data["person"] = person
    return data


def test_confirming_replaces_the_number_and_keeps_both_on_file(client, world, waiting):
    mother, detail = waiting
    client.force_login(world.practitioner_a)
    url = reverse("check-contact", args=[world.child_a.pk, mother.pk])
    page = client.get(url).content.decode()
    assert "+447700900002" in page and "a health professional" in page
    response = client.post(url, _check_post(mother, detail, "confirm"))
    assert response.status_code == 302
    mother.refresh_from_db()
    assert mother.mobile_phone == "+447700900002"
    assert mother.details.get(value="+447700900002").status == ContactDetail.Status.CONFIRMED
    assert mother.details.count() == 1  # the old number had no detail row: nothing lost
    event = world.child_a.referrals.first()
    assert event is None or event.events.filter(kind="child_record").exists()


def test_rejecting_leaves_the_confirmed_number(client, world, waiting):
    mother, detail = waiting
    client.force_login(world.send_officer)
    url = reverse("check-contact", args=[world.child_a.pk, mother.pk])
    client.post(url, _check_post(mother, detail, "reject"))
    mother.refresh_from_db()
    assert mother.mobile_phone == "+447700900001"
    detail.refresh_from_db()
    assert (
        detail.status == ContactDetail.Status.REJECTED and detail.decided_by == world.send_officer
    )


def test_an_empty_answer_gets_an_error_and_changes_nothing(client, world, waiting):
    mother, detail = waiting
    client.force_login(world.practitioner_a)
    url = reverse("check-contact", args=[world.child_a.pk, mother.pk])
    response = client.post(url, {f"detail_{detail.pk}": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    detail.refresh_from_db()
    assert detail.status == ContactDetail.Status.UNCONFIRMED


@pytest.mark.parametrize(
    "who, expected",
    [
        ("practitioner_b", 404),
        ("portage_a", 403),
        ("portage_b", 404),
        ("planner", 404),
        ("professional", 404),
        ("early_help", 404),
        ("admin", 404),
    ],
)
def test_nobody_else_checks_contacts(client, world, waiting, who, expected):
    mother, detail = waiting
    client.force_login(getattr(world, who))
    url = reverse("check-contact", args=[world.child_a.pk, mother.pk])
    assert client.get(url).status_code == expected
    assert client.post(url, _check_post(mother, detail, "confirm")).status_code == expected
    mother.refresh_from_db()
    assert mother.mobile_phone == "+447700900001"


def test_a_practitioner_who_left_the_setting_cannot_check(client, world, waiting):
    mother, _ = waiting
    world.practitioner_a.setting_memberships.all().delete()
    client.force_login(world.practitioner_a)
    url = reverse("check-contact", args=[world.child_a.pk, mother.pk])
    assert client.get(url).status_code == 404


def test_a_held_message_is_sent_to_the_number_once_it_is_confirmed(
    world, notify, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        referral = services.submit_health_notification(world.send_officer, notify())
    # The SEND team is a confirming source: a new parent from them is confirmed at once.
    contact = referral.child.family_contacts.get()
    assert contact.is_confirmed
    with transaction.atomic():
        professional_one = services.submit_health_notification(
            world.professional, notify(first_name="Other", parent_name="Jo Bloggs")
        )
    unconfirmed = professional_one.child.family_contacts.get()
    held = OutboxMessage.objects.get(to_contact=unconfirmed)
    assert held.status == OutboxMessage.Status.HELD
    detail = unconfirmed.details.get()
    with django_capture_on_commit_callbacks(execute=True):
        contacts.check_contact(
            unconfirmed, world.send_officer, contacts.CheckAnswer(True, {detail.pk: "confirm"})
        )
    held.refresh_from_db()
    assert held.to_phone == "+447700900999"
    assert held.status in (OutboxMessage.Status.SENT, OutboxMessage.Status.PENDING)


def test_a_rejected_contact_gets_nothing_and_is_not_listed(world, notify):
    with transaction.atomic():
        referral = services.submit_health_notification(world.professional, notify(first_name="X"))
    contact = referral.child.family_contacts.get()
    contacts.check_contact(contact, world.send_officer, contacts.CheckAnswer(False, {}))
    held = OutboxMessage.objects.get(to_contact=contact)
    assert held.status == OutboxMessage.Status.SUPPRESSED
    assert held.failure_reason == "Not this family's contact"
    assert contact.details.get().status == ContactDetail.Status.UNCONFIRMED


def test_existing_contacts_are_classed_by_where_they_came_from(world):
    """The data migration: confirmed, unless the contact came only from a health notification,
    whose number then waits to be checked instead of being texted."""
    import importlib

    from django.apps import apps as django_apps

    from pathway.models import Referral

    migration = importlib.import_module("pathway.migrations.0010_classify_family_contacts")
    from_health = FamilyContact.objects.create(
        child=world.child_b,
        name="Pat Nowak",
        relationship="father",
        mobile_phone="+447700900777",
        sms_consent=True,
    )
    from_setting = FamilyContact.objects.create(
        child=world.child_a,
        name="Grace Okafor",
        relationship="mother",
        mobile_phone="+447700900001",
        sms_consent=True,
    )
    with transaction.atomic():
        for child, source, name in (
            (world.child_b, Referral.Source.HEALTH_NOTIFICATION, "pat nowak"),
            (world.child_a, Referral.Source.SETTING_CONCERN, "Grace Okafor"),
        ):
            services.create_referral(
                child=child,
                source=source,
                submitted_by=world.send_officer,
                answers={},
                consent={"consent_given_by": name},
                notify=False,
            )
    migration.classify(django_apps, None)
    from_health.refresh_from_db()
    from_setting.refresh_from_db()
    assert from_health.confirmation == "unconfirmed" and from_health.mobile_phone == ""
    assert from_health.details.get().status == "unconfirmed"
    assert from_setting.confirmation == "confirmed" and from_setting.mobile_phone
    assert from_setting.details.get().status == "confirmed"
