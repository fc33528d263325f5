"""Fixtures for the account and header tests. They never use pytest's `client`: a plain client
signs in through the real pages, so these tests prove the second step whatever `client` is."""

import pytest
from django.test import Client

from earlyyears.models import Role

from ..factories import UserFactory, practitioner_at
from ..otp import VerifiedClient


@pytest.fixture
def browser_client() -> Client:
    """A client with no shortcuts: it signs in only by posting the sign-in forms."""
    return Client()


@pytest.fixture
def verified_client() -> VerifiedClient:
    return VerifiedClient()


@pytest.fixture
def practitioner(world):
    return world.practitioner_a


@pytest.fixture
def staff_admin(db):
    return UserFactory(role=Role.ADMIN, username="django.admin", is_staff=True)


@pytest.fixture
def other_practitioner(world):
    return practitioner_at(world.setting_a, username="prac.other")
