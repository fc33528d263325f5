"""The demo family's way in (README: How a family gets in)."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from pathway.access.families import FAMILY_MEMBER_KEY
from pathway.models import Referral
from pathway.services import create_referral


def test_the_demo_command_prints_a_link_and_the_code(client, world, settings):
    with transaction.atomic():
        create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={},
            setting=world.setting_a,
            notify=False,
        )
    out = StringIO()
    call_command("demo_family", stdout=out, stderr=StringIO())
    path = urlsplit(out.getvalue().strip()).path
    client.post(path)
    code = StringIO()
    call_command("demo_family", "--code", stdout=code)
    client.post("/family/code/", {"code": code.getvalue().strip()})
    assert FAMILY_MEMBER_KEY in client.session
    settings.SECURE_HTTPS = True
    with pytest.raises(CommandError, match="local demo only"):
        call_command("demo_family", "--code", stdout=StringIO())
