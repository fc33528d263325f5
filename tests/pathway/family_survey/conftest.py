"""Fixtures for the family survey: a survey with one question of each kind, contacts who agreed
(or not) to be asked for feedback, the real outbox sending through a local fake Twilio."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from earlyyears.celery import app
from earlyyears.models import FamilyContact
from pathway.family_survey import services
from pathway.models import ConsentHow, SurveyQuestion
from tests.earlyyears.messaging.fake_twilio import fake_twilio  # noqa: F401 - the fixture
from tests.factories import ChildFactory, FamilyContactFactory

Kind = SurveyQuestion.Kind


@pytest.fixture
def eager(settings):
    """Tasks run in-process, whatever broker the CI leg configures (as the messaging tests)."""
    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def make_survey(world):
    def make(closes_in_days: int = 14, **kwargs):
        return services.save_survey(
            title=kwargs.get("title", "Spring feedback"),
            closes_on=timezone.localdate() + datetime.timedelta(days=closes_in_days),
            questions=kwargs.get(
                "questions",
                [
                    services.QuestionInput(
                        Kind.RATING,
                        "How good was our support?",
                        "Pa mor dda oedd ein cymorth?",
                        "Jak oceniasz nasze wsparcie?",
                    ),
                    services.QuestionInput(Kind.YES_NO, "Did we listen to you?"),
                    services.QuestionInput(Kind.TEXT, "What could we do better?"),
                ],
            ),
            by=world.send_manager,
        )

    return make


@pytest.fixture
def agreed(world):
    """A confirmed contact with a mobile who agreed to feedback (and not to text updates)."""
    counter = iter(range(100, 999))

    def make(agree: bool = True, **fields) -> FamilyContact:
        fields.setdefault("mobile_phone", f"+447700900{next(counter)}")
        fields.setdefault("sms_consent", False)
        fields.setdefault("child", ChildFactory(setting=world.setting_a))
        contact = FamilyContactFactory(**fields)
        if agree is not None:
            services.record_feedback_consent(
                contact, agree, how=ConsentHow.IN_PERSON, by_staff=world.send_officer
            )
        return contact

    return make
