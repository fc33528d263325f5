"""Demo sign-ins without an authenticator app: known keys for demo accounts, only in a demo.

Two-step sign-in is right for real accounts, but someone trying the demo should not have to add
a dozen accounts to their phone. With `DEMO=1` (which `make run` sets) each demo account gets a
confirmed authenticator whose key is derived from its username, so it can be printed and the
current code computed (`manage.py demo_code USERNAME`). Never outside a demo: with `DEMO=1` and a
production setting present (a real `SECRET_KEY`, `SECURE_HTTPS`, a database on another
machine) the demo commands refuse, and `demo_code` refuses without a demo key to read.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import User
from ..roles import Role
from ..serving import INSECURE_PREFIX

DEMO_DEVICE_NAME = "Demo authenticator"
# Not a secret: anyone with the code can compute a demo key, which is the point of a demo.
KEY_SALT = b"earlyyears-demo-authenticator:"
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1", "[::1]"})


class DemoRefused(Exception):
    """Demo keys were asked for where a production setting is present."""


def production_settings_present() -> list[str]:
    """Which production settings are present, one plain sentence each; empty in a demo."""
    found = []
    if not str(settings.SECRET_KEY or "").startswith(INSECURE_PREFIX):
        found.append("SECRET_KEY is set to a real key")
    if getattr(settings, "SECURE_HTTPS", False):
        found.append("SECURE_HTTPS is on")
    database = settings.DATABASES["default"]
    if "sqlite" not in database.get("ENGINE", ""):
        host = str(database.get("HOST") or "")
        if host not in LOCAL_HOSTS and not host.startswith("/"):
            found.append(f"DATABASE_URL points at another machine ({host})")
    return found


def demo_requested() -> bool:
    """`DEMO=1` (or true, yes, on) in the environment."""
    return os.environ.get("DEMO", "").strip().lower() in {"1", "true", "yes", "on"}


def demo_keys_allowed() -> bool:
    """Whether this run gives demo accounts known keys: asked for, and no production setting.
    Raises DemoRefused when asked for with a production setting present."""
    if not demo_requested():
        return False
    found = production_settings_present()
    if found:
        raise DemoRefused(
            "Refusing to load demo sign-ins with known authenticator keys (DEMO=1) here: "
            + "; ".join(found)
            + ". Demo keys are for a local demo only: unset DEMO, or use the embedded settings."
        )
    return True


def demo_key(username: str) -> bytes:
    """The 20-byte key of a demo account's authenticator: the same on every run and machine."""
    return hashlib.sha256(KEY_SALT + username.encode()).digest()[:20]


def key_for_app(username: str) -> str:
    """The key as an authenticator app takes it typed in (base32, in groups of four)."""
    text = base64.b32encode(demo_key(username)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def give_demo_key(user: User) -> TOTPDevice:
    """Make the account's authenticator the demo one (confirmed, the known key), replacing any
    other app it had. Callers have checked `demo_keys_allowed()`."""
    key = demo_key(user.username).hex()
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
    if device is not None and device.key == key and device.confirmed:
        return device
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=key, confirmed=True)


def has_demo_key(user: User) -> bool:
    return TOTPDevice.objects.filter(
        user=user, name=DEMO_DEVICE_NAME, key=demo_key(user.username).hex(), confirmed=True
    ).exists()


@dataclass(frozen=True)
class DemoCode:
    code: str
    seconds_left: int


def current_code(user: User, at: float | None = None) -> DemoCode:
    """The code the account's demo authenticator shows now, and how long it lasts. Refuses for
    an account without the demo key, or where a production setting is present."""
    found = production_settings_present()
    if found:
        raise DemoRefused("Demo codes are for a local demo only: " + "; ".join(found) + ".")
    if not has_demo_key(user):
        raise DemoRefused(
            f"{user.username} has no demo authenticator key: load the demo with DEMO=1 "
            "(make run does)."
        )
    device = TOTPDevice.objects.get(user=user, name=DEMO_DEVICE_NAME)
    now = time.time() if at is None else at
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = now
    step_left = device.step - int(now - device.t0) % device.step
    return DemoCode(f"{totp.token():0{device.digits}d}", step_left)


def demo_accounts() -> list[User]:
    """Every active account with a demo key, in sign-in-table order (role, then username)."""
    devices = TOTPDevice.objects.filter(
        name=DEMO_DEVICE_NAME, confirmed=True, user__is_active=True
    ).select_related("user")
    users = [d.user for d in devices if d.key == demo_key(d.user.username).hex()]
    order = list(Role.values)
    return sorted(
        users,
        key=lambda u: (order.index(u.role) if u.role in order else len(order), u.username),
    )


def check_demo_command() -> bool:
    """For a demo command's first line: whether to give known keys; a CommandError (before
    anything is written) when DEMO=1 meets a production setting."""
    from django.core.management.base import CommandError

    try:
        return demo_keys_allowed()
    except DemoRefused as refusal:
        raise CommandError(str(refusal)) from refusal
