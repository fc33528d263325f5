"""The link from the text: no sign-in, once, while the survey is open, in the invitation's
language; every other case is 404. The answers are anonymous: nothing leads from them to the
invitation, the contact, the child or the family, and they carry the month only."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import OutboxMessage
from pathway.family_survey import selectors, services
from pathway.models import FamilySurvey, SurveyAnswer, SurveyInvitation, SurveyResponse

pytestmark = pytest.mark.django_db


def invite(world, survey, contact) -> str:
    """Send the survey to everyone who agreed; the path of this contact's link."""
    with transaction.atomic():
        services.send_survey(survey, selectors.group_contacts("all"), by=world.send_manager)
    message = OutboxMessage.objects.get(to_contact=contact, template="family_survey_invitation")
    return "/feedback/" + message.context["link"].split("/feedback/", 1)[1]


def answers_for(survey, rating="4", yes="yes", text="Kind staff") -> dict[str, str]:
    rating_q, yes_q, text_q = survey.questions.order_by("position")
    return {f"q{rating_q.pk}": rating, f"q{yes_q.pk}": yes, f"q{text_q.pk}": text}


def test_a_family_answers_once_without_signing_in(client, world, agreed, make_survey):
    contact = agreed()
    survey = make_survey()
    url = invite(world, survey, contact)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "How good was our support?" in html
    assert "Your answers are anonymous" in html
    assert page["Cache-Control"] == "no-store"

    done = client.post(url, answers_for(survey))
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    response = SurveyResponse.objects.get()
    assert {(a.question.kind, a.rating, a.yes, a.text) for a in response.answers.all()} == {
        ("rating", 4, None, ""),
        ("yes_no", None, True, ""),
        ("text", None, None, "Kind staff"),
    }
    # Used: the link is gone, and a second set of answers is refused.
    assert client.get(url).status_code == 404
    assert client.post(url, answers_for(survey, rating="1")).status_code == 404
    assert SurveyResponse.objects.count() == 1
    assert SurveyInvitation.objects.get().used is True


def test_unknown_links_and_links_after_closing_are_404(client, world, agreed, make_survey):
    contact = agreed()
    survey = make_survey()
    url = invite(world, survey, contact)
    assert client.get("/feedback/not-a-real-token-at-all/").status_code == 404
    assert client.get(url[:-3] + "xx/").status_code == 404
    FamilySurvey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert client.get(url).status_code == 404
    assert client.post(url, answers_for(survey)).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_last_day_still_works(client, world, agreed, make_survey):
    contact = agreed()
    survey = make_survey(closes_in_days=0)
    assert client.get(invite(world, survey, contact)).status_code == 200


def test_a_used_link_cannot_be_answered_twice_even_in_a_race(world, agreed, make_survey):
    contact = agreed()
    survey = make_survey()
    url = invite(world, survey, contact)
    invitation = selectors.open_invitation(url.split("/")[2])
    assert services.save_answers(invitation, {}) is True
    assert services.save_answers(invitation, {}) is False  # the second tab
    assert SurveyResponse.objects.count() == 1


def test_staff_signed_in_never_answer_for_a_family(client, world, agreed, make_survey):
    contact = agreed()
    url = invite(world, make_survey(), contact)
    client.force_login(world.send_manager)
    assert client.get(url).status_code == 404
    assert not SurveyInvitation.objects.get().used


def test_answers_are_anonymous(client, world, agreed, make_survey):
    contact = agreed()
    survey = make_survey()
    client.post(invite(world, survey, contact), answers_for(survey))
    response = SurveyResponse.objects.get()
    # No field of a response or an answer points at an invitation, contact, child or family.
    for model in (SurveyResponse, SurveyAnswer):
        related = {
            f.related_model._meta.label
            for f in model._meta.get_fields()
            if f.is_relation and f.related_model is not None
        }
        assert related <= {
            "pathway.FamilySurvey",
            "pathway.SurveyQuestion",
            "pathway.SurveyAnswer",
            "pathway.SurveyResponse",
        }, model
    # Only the month, never the time; the invitation keeps no time of use either.
    assert response.received_in == timezone.localdate().replace(day=1)
    assert not any(
        f.get_internal_type() == "DateTimeField" for f in SurveyResponse._meta.concrete_fields
    )
    assert {f.name for f in SurveyInvitation._meta.concrete_fields} >= {"used"}
    assert not any(
        "used" in f.name and f.get_internal_type() == "DateTimeField"
        for f in SurveyInvitation._meta.concrete_fields
    )
    # The answer page wrote nothing to the audit trail (there is nobody to name).
    from dataprotection.models import AccessEvent

    assert not AccessEvent.objects.filter(path__startswith="/feedback/").exists()


def test_a_welsh_invitation_shows_the_welsh_question_and_welsh_frame(
    client, world, agreed, make_survey
):
    contact = agreed(preferred_language="cy")
    survey = make_survey()
    url = invite(world, survey, contact)
    page = client.get(url)
    html = page.content.decode()
    assert page["Content-Language"] == "cy"
    assert '<html lang="cy"' in html
    assert "Pa mor dda oedd ein cymorth?" in html
    assert "How good was our support?" not in html
    # A question with no Welsh wording falls back to English.
    assert "Did we listen to you?" in html
    # The frame is Welsh too (the translations of the page's own words).
    assert "Anfon eich atebion" in html and "Send your answers" not in html
    # The family can switch to English on the page.
    english = client.get(url + "?language=en").content.decode()
    assert "How good was our support?" in english and "Send your answers" in english


def test_bad_answers_get_the_error_summary_and_nothing_is_saved(client, world, agreed, make_survey):
    contact = agreed()
    survey = make_survey()
    url = invite(world, survey, contact)
    rating_q = survey.questions.order_by("position").first()

    empty = client.post(url, {})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "govuk-error-summary" in html and "Answer at least one question." in html
    assert f'href="#id_q{rating_q.pk}_0"' in html

    wrong = client.post(url, answers_for(survey, rating="9", text="x" * 1001))
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "Choose a number from 1 to 5." in html
    assert "1000 characters or fewer" in html
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get().used is False  # the link still works
    assert client.get(url).status_code == 200


def test_leaving_questions_out_is_fine(client, world, agreed, make_survey):
    contact = agreed()
    survey = make_survey()
    rating_q = survey.questions.order_by("position").first()
    done = client.post(invite(world, survey, contact), {f"q{rating_q.pk}": "2"})
    assert done.status_code == 302
    assert SurveyAnswer.objects.get().rating == 2


def test_the_thank_you_page_in_polish(client):
    page = client.get(reverse("family-survey-thanks") + "?language=pl")
    assert page.status_code == 200
    assert page["Content-Language"] == "pl"
