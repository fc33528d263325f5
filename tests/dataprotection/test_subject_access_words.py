"""The subject access page is read by a parent: words, not the codes the service stores."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from earlyyears.models import OutboxMessage


def test_the_page_shows_answers_in_words_and_the_download_keeps_the_codes(client, world, refer):
    referral = refer(
        world.child_a,
        world.practitioner_a,
        answers={"development": {"communication_language": {"level": "severe"}}},
    )
    client.force_login(world.send_manager)
    page = client.get(reverse("subject-access", args=[world.child_a.pk])).content.decode()
    assert "Answers as recorded" not in page
    assert "communication_language" not in page
    data = client.get(reverse("subject-access-json", args=[world.child_a.pk])).json()
    assert data["referrals"][0]["answers_as_recorded"] == referral.answers


def test_a_message_sent_before_words_were_kept_is_shown_in_words(client, world):
    OutboxMessage.objects.create(
        idempotency_key="old-1",
        channel=OutboxMessage.Channel.SMS,
        template="concern_received_family",
        context={"authority": "Westmoor County Council", "reference": "EY26-000001"},
        child=world.child_a,
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
    )
    OutboxMessage.objects.create(
        idempotency_key="old-2",
        channel=OutboxMessage.Channel.SMS,
        template="a_template_since_removed",
        child=world.child_a,
        status=OutboxMessage.Status.SENT,
    )
    client.force_login(world.send_manager)
    page = client.get(reverse("subject-access", args=[world.child_a.pk])).content.decode()
    assert "concern_received_family" not in page and "a_template_since_removed" not in page
    assert "Reference EY26-000001" in page
    assert "the words sent were not kept" in page
    assert "A message whose words were not kept" in page
