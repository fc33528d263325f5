"""Observations, referrals, the other ways in and the register: who may see and do what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from earlyyears.models import Child, OutboxMessage
from pathway.models import Observation, Referral
from pathway.services import create_referral

from ..factories import ChildFactory, portage_worker_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def observation_data(**extra):
    return {
        "eyfs_area": "communication_language",
        "observed_on_day": "12",
        "observed_on_month": "3",
        "observed_on_year": "2026",
        "what_was_seen": "Pointed at the ball and said 'ba'.",
        "strengths": "Loves music",
        **extra,
    }


@pytest.fixture
def referral_a(world):
    with transaction.atomic():
        return create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_a,
            consent={"share_with": ["send_team", "portage", "early_help", "health"]},
        )


def test_practitioner_records_an_observation_with_a_photo(client, world, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(world.practitioner_a)
    upload = SimpleUploadedFile("ball.png", PNG, content_type="image/png")
    response = client.post(
        reverse("add-observation", args=[world.child_a.pk]),
        observation_data(attachment=upload),
    )
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.observer == world.practitioner_a
    assert observation.attachment.name.startswith(f"observations/{world.child_a.pk}/")
    with pytest.raises(ValueError):
        observation.attachment.url  # noqa: B018 - private files have no public URL
    page = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert "Pointed at the ball" in page
    download = client.get(reverse("observation-attachment", args=[observation.pk]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PNG


def test_attachment_is_never_served_to_another_setting(client, world, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(world.practitioner_a)
    client.post(
        reverse("add-observation", args=[world.child_a.pk]),
        observation_data(attachment=SimpleUploadedFile("a.png", PNG)),
    )
    observation = Observation.objects.get()
    for user in (world.practitioner_b, world.portage_b, world.planner, world.trainer):
        client.force_login(user)
        assert (
            client.get(reverse("observation-attachment", args=[observation.pk])).status_code == 404
        )
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.png", b"MZ\x90\x00not an image"), "must be a JPG, PNG or PDF"),
        (SimpleUploadedFile("x.exe.pdf", b"#!/bin/sh\necho"), "must be a JPG, PNG or PDF"),
    ],
)
def test_observation_upload_type_is_checked_by_content(client, world, upload, message):
    client.force_login(world.practitioner_a)
    response = client.post(
        reverse("add-observation", args=[world.child_a.pk]), observation_data(attachment=upload)
    )
    assert message in response.content.decode()
    assert not Observation.objects.exists()


def test_observation_upload_size_is_limited(client, world, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(world.practitioner_a)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 200)
    response = client.post(
        reverse("add-observation", args=[world.child_a.pk]), observation_data(attachment=big)
    )
    assert "smaller than 10 MB" in response.content.decode()


def test_observation_errors_use_the_error_summary(client, world):
    client.force_login(world.practitioner_a)
    response = client.post(
        reverse("add-observation", args=[world.child_a.pk]),
        observation_data(observed_on_day="31", observed_on_month="2", what_was_seen=""),
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "must be a real date" in html
    assert 'href="#id_observed_on_0"' in html


def test_observation_refused_for_other_settings_and_roles(client, world):
    url = reverse("add-observation", args=[world.child_a.pk])
    for user in (world.practitioner_b, world.portage_b, world.planner):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, observation_data()).status_code == 404
    client.force_login(world.send_officer)
    assert client.get(url).status_code == 403
    assert not Observation.objects.exists()


def test_referral_detail_explains_the_route_and_logs_the_view(client, world, referral_a):
    client.force_login(world.practitioner_a)
    html = client.get(reverse("referral-detail", args=[referral_a.pk])).content.decode()
    assert "Severe needs" in html
    assert "Routing rules version 1" in html
    assert referral_a.events.filter(kind="viewed", actor=world.practitioner_a).exists()


def test_referral_refused_to_everyone_outside_the_case(client, world, referral_a):
    for name in ("referral-detail", "referral-confirmation"):
        url = reverse(name, args=[referral_a.pk])
        for user in (
            world.practitioner_b,
            world.portage_b,
            world.planner,
            world.trainer,
            world.admin,
            world.professional,
            world.early_help,
        ):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 404, (name, user.username)
        client.force_login(world.portage_a)
        assert client.get(url).status_code == 200
        client.force_login(world.send_officer)
        assert client.get(url).status_code == 200


def test_early_help_coordinator_sees_only_early_help_referrals(client, world, referral_a):
    with transaction.atomic():
        early_help = create_referral(
            child=world.child_b,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_b,
            answers={"health_family": {"family_circumstances": True}},
            setting=world.setting_b,
            consent={"share_with": ["send_team", "early_help"]},
        )
    client.force_login(world.early_help)
    assert client.get(reverse("referral-detail", args=[early_help.pk])).status_code == 200
    assert client.get(reverse("referral-detail", args=[referral_a.pk])).status_code == 404


def test_register_is_for_the_send_team_and_searches(client, world, referral_a):
    url = reverse("notification-register")
    for user in (world.practitioner_a, world.portage_a, world.planner, world.professional):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(world.send_officer)
    html = client.get(url, {"q": "okafor"}).content.decode()
    assert referral_a.reference in html
    assert referral_a.reference not in client.get(url, {"q": "nowak"}).content.decode()
    html = client.get(url, {"route": "send_team", "source": "setting_concern"}).content.decode()
    assert referral_a.reference in html


def test_register_queries_are_constant(client, world, referral_a, django_assert_max_num_queries):
    client.force_login(world.send_officer)
    client.get(reverse("notification-register"))
    for child in ChildFactory.create_batch(15, setting=world.setting_a):
        with transaction.atomic():
            create_referral(
                child=child,
                source=Referral.Source.SETTING_CONCERN,
                submitted_by=world.practitioner_a,
                answers={},
                setting=world.setting_a,
            )
    with django_assert_max_num_queries(9):  # +1: the OTP device
        assert client.get(reverse("notification-register")).status_code == 200


def test_health_notification_lands_in_the_same_routing(client, world):
    client.force_login(world.professional)
    data = {
        "first_name": "Oliver",
        "last_name": "Brown",
        "date_of_birth_day": "1",
        "date_of_birth_month": "6",
        "date_of_birth_year": "2025",
        "nhs_number": "943 476 5919",
        "postcode": "wm2 3ab",
        "area": str(world.child_a.area.pk),
        "broad_areas_of_need": ["sensory_physical"],
        "diagnoses": "Bilateral hearing loss",
        "parents_informed": "yes",
        "parent_name": "Jess Brown",
        "parent_mobile": "07700900111",
        "sms_consent": "yes",
        "ehc_assessment_requested": "no",
    }
    response = client.post(reverse("health-notification"), data)
    referral = Referral.objects.get()
    assert response.url == reverse("referral-confirmation", args=[referral.pk])
    assert referral.source == Referral.Source.HEALTH_NOTIFICATION
    assert referral.child.nhs_number == "9434765919"
    assert referral.facts["has_diagnosis"] is True
    assert referral.routes == ["send_team"]
    # The number came from a health professional: nothing is texted to it until the setting or
    # the SEND team checks it; the family's text waits, held.
    assert not OutboxMessage.objects.filter(to_phone="+447700900111").exists()
    assert OutboxMessage.objects.get(channel="sms", to_contact__isnull=False).status == "held"
    # The notifier can follow what they sent, and nothing else.
    assert client.get(reverse("referral-detail", args=[referral.pk])).status_code == 200
    assert client.get(reverse("child-detail", args=[referral.child.pk])).status_code == 404


def test_health_notification_needs_parents_told(client, world):
    client.force_login(world.professional)
    response = client.post(reverse("health-notification"), {"parents_informed": "no"})
    html = response.content.decode()
    assert "Tell the parents before notifying" in html
    assert not Referral.objects.exists() and Child.objects.count() == 2


def test_parent_request_by_portage_worker(client, world):
    client.force_login(world.portage_a)
    data = {
        "child": str(world.child_a.pk),
        "broad_areas_of_need": ["communication_interaction"],
        "family_views": "We want help with his talking.",
        "consent_given_by": "Grace Okafor",
        "consent_given_on_day": "2",
        "consent_given_on_month": "4",
        "consent_given_on_year": "2026",
        "share_with": ["send_team", "portage"],
        "ehc_assessment_requested": "yes",
        "family_circumstances": "no",
    }
    response = client.post(reverse("parent-request"), data)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.source == Referral.Source.PARENT_REQUEST
    assert referral.completed_with_family
    assert "send_team" in referral.routes


def test_parent_request_refuses_a_child_off_the_caseload(client, world):
    client.force_login(world.portage_a)
    response = client.post(reverse("parent-request"), {"child": str(world.child_b.pk)})
    assert "Select a valid choice" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("name", ["health-notification", "parent-request"])
def test_other_ways_in_are_role_limited(client, world, name):
    client.force_login(world.planner)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(world.trainer)
    assert client.get(reverse(name)).status_code == 403


def test_my_concerns_shows_drafts_and_sent(client, world, referral_a):
    client.force_login(world.practitioner_a)
    client.post(reverse("start-concern"))
    html = client.get(reverse("my-concerns")).content.decode()
    assert "Child not chosen yet" in html
    assert referral_a.reference in html
    client.force_login(world.planner)
    assert client.get(reverse("my-concerns")).status_code == 403


def test_practitioner_in_two_settings_chooses_one(client, world):
    from earlyyears.models import SettingMembership

    SettingMembership.objects.create(user=world.practitioner_a, setting=world.setting_b)
    client.force_login(world.practitioner_a)
    response = client.post(reverse("start-concern"))
    assert "Select the setting the child attends" in response.content.decode()
    response = client.post(reverse("start-concern"), {"setting": str(world.setting_b.pk)})
    assert response.status_code == 302


def test_portage_worker_cannot_start_a_concern_for_a_child_off_caseload(client, world):
    client.force_login(world.portage_a)
    response = client.post(reverse("start-concern"), {"child": str(world.child_b.pk)})
    assert response.status_code == 404


def test_discarding_a_draft(client, world):
    client.force_login(world.practitioner_a)
    client.post(reverse("start-concern"))
    from pathway.models import ConcernDraft

    draft = ConcernDraft.objects.get()
    client.force_login(world.practitioner_b)
    assert client.post(reverse("discard-draft", args=[draft.pk])).status_code == 404
    client.force_login(world.practitioner_a)
    client.post(reverse("discard-draft", args=[draft.pk]))
    assert not ConcernDraft.objects.exists()


def test_child_record_lists_observations_and_case_history(client, world, referral_a):
    worker = portage_worker_for(world.child_a, username="p2")
    client.force_login(worker)
    html = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert referral_a.reference in html
    assert "Case history" in html
