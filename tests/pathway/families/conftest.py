"""Families (issue 21): a confirmed mother of child A with a link made by the SEND team, and a
helper that signs a test client in the way a parent does (open the link, ask for a code, read
the code from the text in the outbox, type it)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from earlyyears.models import FamilyContact, FamilyLink, OutboxMessage
from pathway.families import services


@dataclass
class Family:
    contact: FamilyContact
    link: FamilyLink
    token: str

    @property
    def member(self):
        return self.link.member


def make_contact(child, name: str, phone: str, **extra) -> FamilyContact:
    return FamilyContact.objects.create(
        child=child,
        name=name,
        relationship=FamilyContact.Relationship.MOTHER,
        mobile_phone=phone,
        **{"sms_consent": True, **extra},
    )


@pytest.fixture
def make_family(world):
    def make(child=None, name="Grace Okafor", phone="+447700900001", member=None, **extra):
        contact = make_contact(child or world.child_a, name, phone, **extra)
        link = services.link_contact(contact, by=world.send_officer, member=member)
        _, token = services.send_sign_in_link(link, by=world.send_officer)
        return Family(contact, link, token)

    return make


@pytest.fixture
def family_a(make_family):
    return make_family()


def last_code() -> str:
    message = OutboxMessage.objects.filter(template="family_sign_in_code").order_by("-pk").first()
    return message.context["code"]


def sign_in(client, token: str):
    """Open the link, ask for a code, type the code from the text. Returns the last response."""
    client.post(reverse("family-link", kwargs={"token": token}))
    return client.post(reverse("family-code"), {"code": last_code()})


@pytest.fixture
def signed_in(client, family_a):
    response = sign_in(client, family_a.token)
    assert response.status_code == 302, response.content[:500]
    return client
