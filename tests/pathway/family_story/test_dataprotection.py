"""Family contributions in the subject access record (in words), under retention (photos and
videos after 2 years, observations not added after 1 year, the rest with the child) and in the
audit trail."""

from __future__ import annotations

import datetime
import json

from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import AccessEvent, LegalHold
from dataprotection.retention import apply_retention
from pathway.family_story import services
from pathway.models import AllAboutMe, FamilyQuestion, HomeObservation

from .conftest import JPEG_BYTES, sign_in, upload

YEAR = datetime.timedelta(days=366)


def _observation(world, member, **extra):
    return services.add_home_observation(
        world.child_a,
        member,
        eyfs_area="physical",
        note="Climbed the stairs",
        upload=upload("stairs.jpg", JPEG_BYTES),
        **extra,
    )


def test_the_subject_access_record_has_every_contribution_in_words(
    client, sharing, family_a, referral
):
    services.save_all_about_me(sharing.child_a, {"hopes": "To talk"}, member=family_a.member)
    services.save_all_about_me(
        sharing.child_a,
        {"hopes": "To talk with friends"},
        assisted_by=sharing.portage_a,
        completed_with="Grace Okafor",
    )
    observation = _observation(sharing, family_a.member)
    services.review_home_observation(
        observation, by=sharing.send_officer, accept=False, reason="About her brother"
    )
    question = services.ask_family(referral, by=sharing.send_officer, question="Sleep?")
    services.answer_question(question, member=family_a.member, answer="Badly")
    client.force_login(sharing.send_manager)
    data = client.get(reverse("subject-access-json", args=[sharing.child_a.pk])).json()
    versions = data["all_about_me_versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["What we hope for"] == "To talk with friends"
    assert versions[1]["who"].startswith("Completed with the family (Grace Okafor), assisted by")
    seen = data["home_observations"][0]
    assert seen["area_of_development"] == "Physical development"
    assert seen["what_happened"] == "Not added" and seen["reason_given_to_the_family"]
    assert "a photo called stairs.jpg" in seen["photo_or_video"]
    asked = data["questions_to_the_family"][0]
    assert asked["question"] == "Sleep?" and asked["answer"] == "Badly"
    assert "physical" not in json.dumps(seen)  # words, not codes
    page = client.get(reverse("subject-access", args=[sharing.child_a.pk])).content.decode()
    assert "What the family saw at home" in page and "Questions to the family" in page


def test_photos_go_after_two_years_and_the_words_stay(
    sharing, family_a, django_capture_on_commit_callbacks
):
    observation = _observation(sharing, family_a.member)
    name = observation.media.name
    services.review_home_observation(observation, by=sharing.practitioner_a, accept=True)
    HomeObservation.objects.filter(pk=observation.pk).update(added_at=timezone.now() - 2 * YEAR)
    recent = _observation(sharing, family_a.member)
    with django_capture_on_commit_callbacks(execute=True):
        apply_retention()
    observation.refresh_from_db()
    assert observation.media.name == "" and observation.media_removed_at is not None
    assert observation.note == "Climbed the stairs"
    assert not storages["private"].exists(name)
    recent.refresh_from_db()
    assert recent.media.name and storages["private"].exists(recent.media.name)


def test_observations_not_added_go_after_a_year_unless_held(sharing, family_a):
    observation = _observation(sharing, family_a.member)
    services.review_home_observation(
        observation, by=sharing.send_officer, accept=False, reason="Duplicate"
    )
    HomeObservation.objects.filter(pk=observation.pk).update(
        reviewed_at=timezone.now() - YEAR - datetime.timedelta(days=2)
    )
    hold = LegalHold.objects.create(
        child=sharing.child_a, reason="Tribunal", placed_by=sharing.send_manager
    )
    apply_retention()
    assert HomeObservation.objects.filter(pk=observation.pk).exists()
    hold.lifted_at = timezone.now()
    hold.save()
    apply_retention()
    assert not HomeObservation.objects.filter(pk=observation.pk).exists()


def test_everything_goes_with_the_child(
    sharing, family_a, referral, django_capture_on_commit_callbacks
):
    services.save_all_about_me(sharing.child_a, {"hopes": "To talk"}, member=family_a.member)
    observation = _observation(sharing, family_a.member)
    name = observation.media.name
    referral.delete()
    sharing.child_a.date_of_birth = timezone.localdate() - datetime.timedelta(days=365 * 8)
    sharing.child_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply_retention()
    assert not AllAboutMe.objects.exists() and not HomeObservation.objects.exists()
    assert not FamilyQuestion.objects.exists()
    assert not storages["private"].exists(name)


def test_every_look_is_in_the_audit_trail(client, sharing, family_a):
    observation = _observation(sharing, family_a.member)
    client.force_login(sharing.practitioner_a)
    client.get(reverse("story-home-observation-media", args=[observation.pk]))
    event = AccessEvent.objects.get(url_name="story-home-observation-media")
    assert event.child_id == sharing.child_a.pk and event.action == "download"
    client.logout()
    sign_in(client, family_a.token)
    client.get(reverse("family-all-about-me", args=[sharing.child_a.pk]))
    client.get(reverse("family-home-observation-media", args=[observation.pk]))
    family_events = AccessEvent.objects.filter(role="family", child_id=sharing.child_a.pk)
    assert {"family-all-about-me", "family-home-observation-media"} <= set(
        family_events.values_list("url_name", flat=True)
    )
