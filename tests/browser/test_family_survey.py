"""The family survey in a real browser (issue 27): a parent opens the link from the text on a
320 px phone and answers, with axe-core on every page; then the SEND manager reads the
results, with small numbers suppressed."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from earlyyears.models import FamilyContact, OutboxMessage
from pathway.family_survey import selectors, services
from pathway.models import ConsentHow, SurveyAnswer, SurveyQuestion, SurveyResponse

from ..factories import PASSWORD, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
Kind = SurveyQuestion.Kind


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_family_answers_from_the_text_and_the_manager_sees_results(
    page, live_server, assert_accessible, sign_in
):
    manager = UserFactory(role="send_manager", username="manager")
    contact = FamilyContact.objects.create(
        child=ChildFactory(first_name="Amara"),
        name="Grace Okafor",
        relationship="mother",
        mobile_phone="+447700900001",
        preferred_language="cy",
    )
    services.record_feedback_consent(contact, True, how=ConsentHow.IN_PERSON, by_staff=manager)
    survey = services.save_survey(
        title="Spring feedback",
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        questions=[
            services.QuestionInput(
                Kind.RATING, "How good was our support?", "Pa mor dda oedd ein cymorth?"
            ),
            services.QuestionInput(Kind.YES_NO, "Did we listen to you?", "Wnaethon ni wrando?"),
            services.QuestionInput(Kind.TEXT, "What could we do better?"),
        ],
        by=manager,
    )
    with transaction.atomic():
        services.send_survey(survey, selectors.group_contacts("all"), by=manager)
    message = OutboxMessage.objects.get(template="family_survey_invitation")
    link = live_server.url + urlsplit(message.context["link"]).path

    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_text("Pa mor dda oedd ein cymorth?")).to_be_visible()
    _fits(page)
    assert_accessible(page)

    # Nothing chosen: the error summary, in the family's language.
    page.locator("button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.locator("input[value='4']").check()
    page.locator("input[value='yes']").check()
    page.locator("textarea").fill("Mwy o ymweliadau")
    page.locator("button[type=submit]").click()
    expect(page.locator(".govuk-panel__title")).to_be_visible()
    _fits(page)
    assert_accessible(page)
    assert SurveyResponse.objects.count() == 1

    # The link is used up.
    response = page.goto(link)
    assert response.status == 404

    # Nine more families answered: rating 4 from 7 in all, 5 from 2, 2 from 1.
    for rating in (4, 4, 4, 4, 4, 4, 5, 5, 2):
        answered = SurveyResponse.objects.create(
            survey=survey, received_in=timezone.localdate().replace(day=1)
        )
        SurveyAnswer.objects.create(
            response=answered, question=survey.questions.get(position=1), rating=rating
        )

    page.context.clear_cookies()
    sign_in(page, manager.username, PASSWORD, f"/family-surveys/{survey.pk}/results/")
    expect(page.get_by_role("heading", name="Spring feedback")).to_be_visible()
    rating_table = page.locator("table").first
    expect(rating_table).to_contain_text("4 (good)")
    expect(rating_table.locator("tr", has_text="4 (good)")).to_contain_text("7")
    expect(rating_table.locator("tr", has_text="2 (poor)")).to_contain_text("[c]")
    _fits(page)
    assert_accessible(page)
