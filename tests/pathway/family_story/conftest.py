"""Family contributions (issue 22): a signed-in parent of child A (the families' own fixtures),
consent to share helpers, and small files whose first bytes are real photo and video
signatures."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pathway.models import Agency, ConsentRecord
from tests.pathway.families.conftest import (  # noqa: F401 (fixtures and helpers)
    family_a,
    make_contact,
    make_family,
    sign_in,
)


def agree(child, *agencies: str, given: bool = True) -> None:
    """The family agrees (or no longer agrees) to share with each agency."""
    for agency in agencies:
        ConsentRecord.objects.update_or_create(
            child=child, agency=agency, defaults={"given": given}
        )


ALL_AGENCIES = (Agency.SETTING, Agency.SEND_TEAM, Agency.PORTAGE)

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
MP4_BYTES = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 200
MOV_BYTES = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 200
WEBM_BYTES = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "video/mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def sharing(world):
    """Child A's family agrees to share with the setting, the SEND team and portage."""
    agree(world.child_a, *ALL_AGENCIES)
    return world


@pytest.fixture
def parent(client, family_a):  # noqa: F811
    response = sign_in(client, family_a.token)
    assert response.status_code == 302, response.content[:500]
    return client


def make_referral(world, child=None):
    from django.db import transaction

    from pathway.models import Referral
    from pathway.services import create_referral

    with transaction.atomic():
        return create_referral(
            child=child or world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "significant"}}},
            setting=world.setting_a,
            consent={"consent_given_by": "Grace Okafor", "share_with": ["send_team"]},
            notify=False,
        )


@pytest.fixture
def referral(world):
    return make_referral(world)
