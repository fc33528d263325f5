"""Signing in through both steps everywhere: registered from tests/conftest.py
(`pytest_plugins = ["tests.otp_plugin"]`), it gives every test a `client` whose force_login
leaves the session as the sign-in pages do after the code, with a real confirmed TOTP device.
Tests of the second step itself use a plain `django.test.Client` (tests/security/)."""

import pytest

from .otp import VerifiedClient


@pytest.fixture
def client() -> VerifiedClient:
    return VerifiedClient()
