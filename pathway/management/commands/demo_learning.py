"""Demo data for the learning loop (run after `demo_pathway`): families who agreed to be asked
for feedback, a family survey sent to them with a dozen anonymous answers, and the partnership
self-evaluation: last year's agreed, this year's started from it. Made by the real services, so
the texts go through the outbox (to the log on the embedded default). Idempotent: each part is
skipped when one exists already."""

from __future__ import annotations

import datetime
import random

from django.core.management.base import BaseCommand
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.models import FamilyContact, User
from pathway.family_survey import selectors as survey_selectors
from pathway.family_survey import services as surveys
from pathway.models import (
    ConsentHow,
    FamilySurvey,
    PartnershipLevel,
    SelfEvaluation,
    SurveyInvitation,
    SurveyQuestion,
)
from pathway.self_evaluation import selectors as evaluation_selectors
from pathway.self_evaluation import services as evaluations

Kind = SurveyQuestion.Kind
QUESTIONS = (
    surveys.QuestionInput(
        Kind.RATING,
        "How good was the support for your child?",
        "Pa mor dda oedd y cymorth i'ch plentyn?",
        "Jak oceniasz wsparcie dla Twojego dziecka?",
    ),
    surveys.QuestionInput(
        Kind.YES_NO,
        "Did we listen to what you told us about your child?",
        "Wnaethon ni wrando ar beth ddywedoch chi wrthon ni am eich plentyn?",
        "Czy słuchaliśmy tego, co mówiłeś nam o swoim dziecku?",
    ),
    surveys.QuestionInput(Kind.YES_NO, "Did you know who to contact with a question?"),
    surveys.QuestionInput(Kind.TEXT, "What one thing could we do better?"),
)
BETTER = (
    "Tell us sooner what happens next.",
    "More help at home with talking.",
    "Fewer forms to fill in.",
    "Call back when you say you will.",
    "Explain the words you use.",
    "Let us meet the person who decides.",
)
# Last year's levels, area by area in order (the rest "developing"), and this year's moves.
LAST_YEAR = ("developing", "starting", "developing", "maturing", "starting", "developing")
EVIDENCE = (
    "Advice is mostly returned on time; health advice is the slowest. The parent carer forum "
    "sits on the SEND partnership board."
)


class Command(BaseCommand):
    help = "Demo feedback consent, a family survey with answers, and the self-evaluation."

    def handle(self, *args, **options):
        demo.check_demo_command()
        manager = User.objects.filter(username="send.manager").first()
        officer = User.objects.filter(username="send.officer").first()
        if manager is None or officer is None:
            self.stdout.write("Run `manage.py demo_data` first.")
            return
        self.survey(manager, officer)
        self.self_evaluation(manager)

    def survey(self, manager: User, officer: User) -> None:
        if FamilySurvey.objects.exists():
            self.stdout.write("A family survey exists already: skipped.")
            return
        today = timezone.localdate()
        # The families of children with a decision in the last three months were asked; four
        # in five agreed.
        recent = survey_selectors.group_contacts(
            survey_selectors.GROUP_DECIDED, today - datetime.timedelta(days=90), today
        )
        contacts = recent.filter(confirmation=FamilyContact.Confirmation.CONFIRMED).exclude(
            mobile_phone=""
        )
        agreed = 0
        for contact in contacts.order_by("pk"):
            if contact.pk % 5:
                surveys.record_feedback_consent(
                    contact, True, how=ConsentHow.IN_PERSON, by_staff=officer
                )
                agreed += 1
        survey = surveys.save_survey(
            title=f"How did our support work for you? {today:%B %Y}",
            closes_on=today + datetime.timedelta(days=21),
            questions=list(QUESTIONS),
            by=manager,
        )
        sent = surveys.send_survey(survey, recent, by=manager)
        questions = list(survey.questions.order_by("position"))
        rng = random.Random(2026)  # noqa: S311 (demo answers, the same each time)
        answered = 0
        for invitation in SurveyInvitation.objects.filter(survey=survey).order_by("pk")[:12]:
            answers = {
                questions[0].pk: {"rating": rng.choice((2, 3, 4, 4, 5, 5))},
                questions[1].pk: {"yes": rng.random() < 0.75},
                questions[2].pk: {"yes": rng.random() < 0.6},
            }
            if rng.random() < 0.8:
                answers[questions[3].pk] = {"text": rng.choice(BETTER)}
            answered += surveys.save_answers(invitation, answers)
        self.stdout.write(
            f"Feedback: {agreed} contacts agreed; survey sent to {sent.invited}, "
            f"{answered} answered."
        )

    def self_evaluation(self, manager: User) -> None:
        if SelfEvaluation.objects.exists():
            self.stdout.write("A self-evaluation exists already: skipped.")
            return
        today = timezone.localdate()
        this_year = today.year if today.month >= 4 else today.year - 1
        last = evaluations.start_year(this_year - 1, manager)
        areas = evaluation_selectors.current_areas()
        judgements = [
            evaluations.Judgement(
                area.pk,
                LAST_YEAR[index] if index < len(LAST_YEAR) else PartnershipLevel.DEVELOPING,
                EVIDENCE if index == 0 else "Discussed at the SEND partnership board.",
                "Agree a shared plan with health and early help.",
            )
            for index, area in enumerate(areas)
        ]
        version = evaluations.save_version(
            last,
            manager,
            summary="A partnership that is developing: strongest on working with families, "
            "weakest on joint commissioning.",
            change_note="Levels agreed at the SEND partnership board",
            judgements=judgements,
            based_on=1,
        )
        evaluations.mark_agreed(version, manager, "Health and wellbeing board, March")
        evaluations.start_year(this_year, manager)
        self.stdout.write(
            f"Self-evaluation: April {this_year - 1} to March {this_year} agreed; "
            f"April {this_year} to March {this_year + 1} started from it."
        )
