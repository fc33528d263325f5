"""The learning loop's demo data: feedback consent, a survey with anonymous answers whose
results show, and last year's agreed self-evaluation with this year's started from it."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from pathway.models import (
    Decision,
    FamilySurvey,
    FeedbackConsent,
    SelfEvaluation,
    SurveyInvitation,
    SurveyResponse,
)
from tests.factories import ChildFactory, FamilyContactFactory, UserFactory


def test_the_demo_makes_a_survey_with_answers_and_two_years_of_self_evaluation(
    world, make_referral
):
    manager = UserFactory(username="send.manager", role="send_manager")
    UserFactory(username="send.officer", role="send_officer")
    for number in range(20):
        child = ChildFactory(setting=world.setting_a)
        FamilyContactFactory(child=child, mobile_phone=f"+4477009003{number:02d}")
        Decision.objects.create(
            referral=make_referral(child), kind=Decision.Kind.ACCEPT, decided_by=manager
        )
    out = StringIO()
    call_command("demo_learning", stdout=out)
    survey = FamilySurvey.objects.get()
    assert FeedbackConsent.objects.filter(given=True).count() >= 12
    assert SurveyInvitation.objects.filter(survey=survey).count() >= 12
    assert SurveyResponse.objects.filter(survey=survey).count() == 12
    assert SurveyInvitation.objects.filter(survey=survey, used=True).count() == 12
    assert SelfEvaluation.objects.count() == 2
    last, this = SelfEvaluation.objects.order_by("year")
    assert last.versions.filter(agreed_at__isnull=False).count() == 1
    assert (
        this.versions.count() == 1 and "Started from version 2" in this.versions.get().change_note
    )
    call_command("demo_learning", stdout=out)
    assert "A family survey exists already" in out.getvalue()
    assert FamilySurvey.objects.count() == 1 and SelfEvaluation.objects.count() == 2
