"""Ofsted's early years register: a file with new, changed and closed providers gives the
expected preview (nothing saved) and, applied, the expected settings; closed providers are
marked closed, never deleted; settings are linked to their local offer entries by URN."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms import register, services
from cms.models import RegisterImport, ServicePage
from earlyyears.models import ImportExportAudit, Role, Setting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = (
    "Provider URN,Provider name,Provider type,Provider subtype,Provider address line 1,"
    "Provider town,Provider postcode,Registration status,Local authority"
)
REGISTER = "\n".join(
    [
        HEADINGS,
        # unchanged
        "EY500001,Nursery 1,Childcare on non-domestic premises,Full day care,1 High Street,"
        "Westmoor,WM1 1AB,Active,Westmoor",
        # changed: a new name
        "EY500002,Nursery Two,Childcare on non-domestic premises,Full day care,1 High Street,"
        "Westmoor,WM2 1AB,Active,Westmoor",
        # EY500003 is missing: closed
        # closed by the register itself
        "EY500004,Nursery 4,Childcare on non-domestic premises,Full day care,1 High Street,"
        "Westmoor,WM4 1AB,Resigned,Westmoor",
        # new
        "EY600001,Little Owls Pre-School,Childcare on non-domestic premises,Sessional day care,"
        "2 Mill Road,Westmoor,WM1 2CD,Active,Westmoor",
        # another authority's provider: left out
        "EY700001,Far Away Nursery,Childcare on non-domestic premises,Full day care,"
        "3 Long Road,Elsewhere,ZZ1 1ZZ,Active,Elsewhere",
        # not an early years setting: a problem row, and not closed either
        "EY500005,A Nanny,Home childcarer,,5 Park Lane,Westmoor,WM3 1AB,Active,Westmoor",
    ]
).encode()


@pytest.fixture
def linked(places):
    """A local offer entry for the provider that is about to close."""
    services.ensure_local_offer_index()
    page = ServicePage(
        title="Nursery 3 stay and play", description="Sessions.", ofsted_urn="EY500003"
    )
    places.index.add_child(instance=page)
    page.save_revision().publish()
    Setting.objects.create(
        urn="EY500005",
        name="Held nanny record",
        provider_type=Setting.ProviderType.CHILDMINDER,
        address_line_1="5 Park Lane",
        town="Westmoor",
        postcode="WM3 1AB",
        area=places.wards[2],
    )
    return page


def held() -> dict[str, tuple[str, str]]:
    return {s.urn: (s.name, s.registration_status) for s in Setting.objects.all()}


def test_the_preview_shows_new_changed_and_closed_and_saves_nothing(places, linked):
    before = held()
    result = register.compare(REGISTER, "register.csv", user=None, apply=False)
    assert result.file_errors == []
    assert [c.urn for c in result.new] == ["EY600001"]
    assert [c.urn for c in result.changed] == ["EY500002"]
    assert result.changed[0].changes == [("Name", "Nursery 2", "Nursery Two")]
    assert sorted(c.urn for c in result.closed) == ["EY500003", "EY500004"]
    assert result.unchanged == 1
    assert result.other_authorities == 1
    assert [p["line"] for p in result.problems] == [7]
    assert "home childcarer" in " ".join(result.problems[0]["errors"]).lower()
    closed = {c.urn: c for c in result.closed}
    assert closed["EY500003"].service == linked  # the link shown beside the provider
    assert not result.applied
    assert held() == before


def test_applying_the_register_saves_it_and_closes_without_deleting(places, linked):
    moderator = UserFactory(role=Role.PLANNER)
    upload = register.upload(moderator, "register.csv", REGISTER)
    result = register.apply(upload, moderator)
    assert result.applied
    after = held()
    assert after["EY600001"] == ("Little Owls Pre-School", "active")
    assert Setting.objects.get(urn="EY600001").provider_type == "pre_school"
    assert Setting.objects.get(urn="EY600001").area == places.wards[0]
    assert after["EY500002"] == ("Nursery Two", "active")
    assert after["EY500003"] == ("Nursery 3", "resigned")  # closed, still there
    assert after["EY500004"] == ("Nursery 4", "resigned")
    assert after["EY500001"] == ("Nursery 1", "active")
    assert after["EY500005"] == ("Held nanny record", "active")  # its row was refused
    assert "EY700001" not in after
    upload.refresh_from_db()
    assert upload.applied_at is not None and bytes(upload.content) == b""
    assert upload.summary["new"] == 1 and upload.summary["closed"] == 2
    assert ImportExportAudit.objects.filter(resource="ofsted register").exists()
    # Applying again changes nothing: the same file now matches what is held.
    again = register.compare(REGISTER, "register.csv", user=None, apply=False)
    assert not again.anything_to_apply and again.unchanged == 4


def test_a_bad_file_is_refused_in_plain_words(places):
    result = register.compare(b"", "register.csv", user=None, apply=True)
    assert result.file_errors and not result.applied
    result = register.compare(b"Name,Town\nA,B\n", "register.csv", user=None, apply=True)
    assert "URN" in result.file_errors[0]


def test_the_setting_and_the_entry_show_their_link(places, linked, client):
    assert register.setting_for(linked).urn == "EY500003"
    links = {link.setting.urn: link.service for link in register.settings_with_entries()}
    assert links["EY500003"] == linked and links["EY500001"] is None
    page = client.get(linked.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "EY500003" in body and "Registered with Ofsted" in body


def test_a_moderator_previews_and_applies_through_the_admin(client, places, linked):
    _, moderators = services.ensure_local_offer_groups(places.index)
    moderator = UserFactory(role=Role.PLANNER)
    moderator.groups.add(moderators)
    client.force_login(moderator)
    page = client.get(reverse("cms_register"))
    assert page.status_code == 200 and "Nursery 3 stay and play" in page.content.decode()
    missing = client.post(reverse("cms_register"), {})
    assert missing.status_code == 200 and "Select a file to upload" in missing.content.decode()
    response = client.post(
        reverse("cms_register"),
        {"file": SimpleUploadedFile("register.csv", REGISTER, content_type="text/csv")},
    )
    upload = RegisterImport.objects.get()
    assert response.url == reverse("cms_register_preview", args=[upload.pk])
    preview = client.get(response.url).content.decode()
    for words in ("1 new provider", "1 changed", "2 closed", "Little Owls Pre-School"):
        assert words in preview
    assert Setting.objects.get(urn="EY500003").registration_status == "active"
    done = client.post(response.url)
    assert done.status_code == 302
    assert Setting.objects.get(urn="EY500003").registration_status == "resigned"
    # Another user's upload, or an applied one, is not found.
    assert client.get(response.url).status_code == 404


def test_the_register_pages_read_a_constant_number_of_queries(
    client, places, linked, django_assert_max_num_queries
):
    _, moderators = services.ensure_local_offer_groups(places.index)
    moderator = UserFactory(role=Role.PLANNER)
    moderator.groups.add(moderators)
    client.force_login(moderator)
    client.get(reverse("cms_register"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("cms_register"))
    for n in range(30):
        Setting.objects.create(
            urn=f"EY8{n:05d}",
            name=f"Extra {n}",
            provider_type=Setting.ProviderType.CHILDMINDER,
            address_line_1="1 Road",
            town="Westmoor",
            postcode="WM1 1AB",
            area=places.wards[0],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cms_register"))
