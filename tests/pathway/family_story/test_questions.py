"""Questions (issue 22): the SEND team asks the family from the referral page; the family
answers on their page; the answer joins the referral and the team is told. A closed question
takes no answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from earlyyears.models import OutboxMessage
from pathway.family_story import services
from pathway.models import FamilyQuestion, ReferralEvent

from .conftest import sign_in


def test_the_team_asks_the_family_answers_and_the_team_is_told(client, world, family_a, referral):
    world.send_officer.email = "officer@example.org"
    world.send_officer.save()
    client.force_login(world.send_officer)
    url = reverse("story-family-questions", args=[referral.pk])
    response = client.post(url, {"question": "Does she sleep through the night?"})
    assert response.status_code == 302
    question = FamilyQuestion.objects.get()
    text = OutboxMessage.objects.get(template="family_question_family")
    assert text.to_contact_id == family_a.contact.pk
    assert "sleep" not in str(text.context)  # the text never carries the question's words
    referral_page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "Questions to the family" in referral_page and "Waiting for the family" in referral_page
    client.logout()

    sign_in(client, family_a.token)
    child_page = client.get(reverse("family-child", args=[world.child_a.pk])).content.decode()
    assert "The SEND team has asked you a question." in child_page
    answer_url = reverse("family-question", args=[question.pk])
    response = client.post(answer_url, {"answer": "No, she wakes twice"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "No, she wakes twice" and question.answered_by == family_a.member
    event = ReferralEvent.objects.get(referral=referral, kind=ReferralEvent.Kind.INFORMATION_GIVEN)
    assert event.detail == {"family_question": question.pk}
    email = OutboxMessage.objects.get(template="family_answered_staff")
    assert email.to_user_id == world.send_officer.pk and email.channel == "email"
    # A second answer is refused.
    response = client.post(answer_url, {"answer": "Actually three times"})
    assert response.status_code in (200, 409)
    question.refresh_from_db()
    assert question.answer == "No, she wakes twice"
    client.logout()
    client.force_login(world.send_officer)
    referral_page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "No, she wakes twice" in referral_page


def test_an_answer_to_a_closed_question_is_refused_with_a_clear_message(
    client, world, family_a, referral
):
    question = services.ask_family(referral, by=world.send_officer, question="Any words yet?")
    sign_in(client, family_a.token)
    services.close_question(question, by=world.send_officer)
    response = client.post(reverse("family-question", args=[question.pk]), {"answer": "Mama"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The SEND team has closed this question" in page
    question.refresh_from_db()
    assert question.answer == "" and question.answered_at is None
    assert not OutboxMessage.objects.filter(template="family_answered_staff").exists()


def test_an_empty_answer_gets_the_error_summary(client, world, family_a, referral):
    question = services.ask_family(referral, by=world.send_officer, question="Any words yet?")
    sign_in(client, family_a.token)
    response = client.post(reverse("family-question", args=[question.pk]), {"answer": " "})
    assert response.status_code == 400
    assert "Write your answer" in response.content.decode()


def test_the_team_closes_a_question(client, world, referral):
    question = services.ask_family(referral, by=world.send_officer, question="Any words yet?")
    client.force_login(world.send_manager)
    response = client.post(reverse("story-family-question-close", args=[question.pk]))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.closed_by == world.send_manager and not question.is_open


@pytest.mark.parametrize("who", ["practitioner_a", "portage_a", "planner", "professional"])
def test_only_the_send_team_asks_and_reads_answers(client, world, referral, who):
    question = services.ask_family(referral, by=world.send_officer, question="Any words yet?")
    client.force_login(getattr(world, who))
    url = reverse("story-family-questions", args=[referral.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"question": "Hello?"}).status_code == 403
    close = client.post(reverse("story-family-question-close", args=[question.pk]))
    assert close.status_code == 404
    assert FamilyQuestion.objects.count() == 1


def test_another_family_and_an_ended_link_cannot_answer(
    client, world, family_a, make_family, referral
):
    question = services.ask_family(referral, by=world.send_officer, question="Any words yet?")
    other = make_family(child=world.child_b, name="Ola Nowak", phone="+447700900002")
    sign_in(client, other.token)
    url = reverse("family-question", args=[question.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "Hi"}).status_code == 404
    client.logout()
    sign_in(client, family_a.token)
    from pathway.families.services import end_link

    end_link(family_a.link, by=world.send_officer, reason="Moved away")
    assert client.post(url, {"answer": "Hi"}).status_code == 404
    question.refresh_from_db()
    assert question.answered_at is None
