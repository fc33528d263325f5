"""Signing in through both steps in tests, with real django-otp devices and real codes.

`VerifiedClient.force_login(user)` gives a session exactly as the sign-in pages leave it after
the code: the user's confirmed TOTP device (made if need be) is recorded in the session, which
is what django-otp's OTPMiddleware reads. `code_for(device)` computes the code an authenticator
app would show, as the browser tests type it.
"""

from __future__ import annotations

import time
from base64 import b32decode
from urllib.parse import urlencode

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyyears.models import User
from earlyyears.security import ENROLLED_KEY, TOTP_DEVICE_NAME, note_activity


def confirmed_device(user) -> TOTPDevice:
    """The user's authenticator app, set up and confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The 6-digit code the app shows now. django-otp accepts each time step once (and a step
    either side of now), so a second sign-in within 30 s uses the next step, or waits for it."""
    device.refresh_from_db()
    now_step = (int(time.time()) - device.t0) // device.step + device.drift
    step = max(now_step, device.last_t + 1)
    if step > now_step + device.tolerance:
        starts = device.t0 + (step - device.drift - device.tolerance) * device.step
        time.sleep(max(0.0, starts - time.time()) + 0.05)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def code_from_secret(secret: str, at: float | None = None) -> str:
    """What an app computes from the key typed in by hand (the secret the set-up page shows)."""
    text = secret.replace(" ", "").upper()
    key = b32decode(text + "=" * (-len(text) % 8))
    totp = TOTP(key)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def verify_session(client: Client, user) -> TOTPDevice:
    """Marks a signed-in test client's session as having passed the second step."""
    device = confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[ENROLLED_KEY] = True
    note_activity(session)
    session.save()
    return device


class VerifiedClient(Client):
    """A test client whose force_login signs in through both steps."""

    def force_login(self, user, backend=None) -> None:
        super().force_login(user, backend)
        verify_session(self, user)


def sign_in_with_code(page, base_url: str, username: str, password: str, next_path: str = ""):
    """A browser signs in through both steps: the password, then the code from the user's app
    (their confirmed device, set up here if they have none)."""
    device = confirmed_device(User.objects.get(username=username))
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    page.goto(f"{base_url}/sign-in/{query}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code", exact=True).fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)
