"""Changes for the family survey: feedback consent, surveys, sending invitations, answers.

Consent to be asked for feedback is separate from consent to text updates: agreeing to feedback
is enough to get a survey text (`queue_message(consent_given=True)`), and withdrawing it stops
any survey text still waiting to go."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation

from earlyyears.messaging.services import queue_message
from earlyyears.models import FamilyContact, FamilyMember, OutboxMessage, User
from pathway.models import (
    ConsentHow,
    FamilySurvey,
    FeedbackConsent,
    FeedbackConsentChange,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)

from . import selectors

TEMPLATE = "family_survey_invitation"
SHIPPED_LANGUAGES = ("en", "cy", "pl")


class SurveyError(Exception):
    """Something the person asking cannot do, in words for them."""


# --- Consent to be asked for feedback -----------------------------------------------------------


def record_feedback_consent(
    contact: FamilyContact,
    given: bool,
    *,
    how: str,
    by_staff: User | None = None,
    by_member: FamilyMember | None = None,
) -> FeedbackConsent:
    """Record a decision (a change only when it differs from what was recorded), with who,
    when and how. Withdrawing stops survey texts still waiting to go to this contact."""
    now = timezone.now()
    with transaction.atomic():  # one decision at a time per contact (a row lock on PostgreSQL)
        consent, _ = FeedbackConsent.objects.select_for_update().get_or_create(
            contact=contact, defaults={"given": False, "changed_at": now}
        )
        if consent.given == given and consent.changes.exists():
            return consent
        consent.given = given
        consent.changed_at = now
        consent.save(update_fields=["given", "changed_at"])
        FeedbackConsentChange.objects.create(
            consent=consent, given=given, at=now, how=how, by_staff=by_staff, by_member=by_member
        )
        if not given:
            OutboxMessage.objects.filter(
                to_contact=contact,
                template=TEMPLATE,
                status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.HELD],
            ).update(
                status=OutboxMessage.Status.SUPPRESSED,
                failure_reason="Consent withdrawn",
                status_updated_at=now,
            )
    return consent


def record_family_feedback_consent(member: FamilyMember, given: bool) -> int:
    """The family member's own answer, for every contact record they follow a child from."""
    contacts = selectors.member_contacts(member)
    with transaction.atomic():
        for contact in contacts:
            record_feedback_consent(contact, given, how=ConsentHow.FAMILY_ONLINE, by_member=member)
    return len(contacts)


# --- Surveys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    wording_en: str
    wording_cy: str = ""
    wording_pl: str = ""


def save_survey(
    *,
    title: str,
    closes_on: datetime.date,
    questions: list[QuestionInput],
    by: User,
    survey: FamilySurvey | None = None,
) -> FamilySurvey:
    """Create a survey, or change one not sent yet (its questions are replaced)."""
    if survey is not None and survey.is_sent:
        raise SurveyError("This survey has been sent, so it can no longer be changed.")
    with transaction.atomic():
        if survey is None:
            survey = FamilySurvey.objects.create(title=title, closes_on=closes_on, created_by=by)
        else:
            survey.title, survey.closes_on = title, closes_on
            survey.save(update_fields=["title", "closes_on"])
            survey.questions.all().delete()
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                survey=survey,
                position=n,
                kind=q.kind,
                wording_en=q.wording_en,
                wording_cy=q.wording_cy,
                wording_pl=q.wording_pl,
            )
            for n, q in enumerate(questions, start=1)
        )
    return survey


# --- Sending ------------------------------------------------------------------------------------


def base_url() -> str:
    return (
        getattr(settings, "SERVICE_BASE_URL", "")
        or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
        or "http://127.0.0.1:8000"
    ).rstrip("/")


def closing_words(day: datetime.date, language: str) -> str:
    """'7 August 2026' in the text's language (Polish months take the genitive)."""
    with translation.override(language if language in SHIPPED_LANGUAGES else "en"):
        return formats.date_format(day, "j E Y" if language == "pl" else "j F Y")


@dataclass
class SendResult:
    invited: int  # new invitations (texts queued) this time
    already: int  # contacts (or numbers) invited before: not texted again


def send_survey(survey: FamilySurvey, contacts: QuerySet[FamilyContact], *, by: User) -> SendResult:
    """One invitation per contact who may be asked, and one per mobile number (a parent of two
    children gets one text). Sending again texts nobody twice: a contact or number already
    invited is skipped, and the outbox key is the invitation's."""
    if not survey.is_open():
        raise SurveyError("This survey has closed, so it cannot be sent.")
    if not survey.questions.exists():
        raise SurveyError("Add at least one question before sending the survey.")
    invited = already = 0
    with transaction.atomic():
        # One sender at a time per survey: two presses of Send cannot both invite a number.
        FamilySurvey.objects.select_for_update().filter(pk=survey.pk).first()
        done = SurveyInvitation.objects.filter(survey=survey)
        invited_contacts = set(done.values_list("contact_id", flat=True))
        invited_numbers = set(done.values_list("contact__mobile_phone", flat=True))
        for contact in selectors.eligible_contacts(contacts).select_related("child"):
            if contact.pk in invited_contacts or contact.mobile_phone in invited_numbers:
                already += 1
                continue
            invited_numbers.add(contact.mobile_phone)
            _invite(survey, contact, by)
            invited += 1
        if invited and survey.first_sent_at is None:
            survey.first_sent_at = timezone.now()
            survey.save(update_fields=["first_sent_at"])
    return SendResult(invited=invited, already=already)


def _invite(survey: FamilySurvey, contact: FamilyContact, by: User) -> SurveyInvitation:
    token = secrets.token_urlsafe(32)
    language = contact.preferred_language
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        contact=contact,
        token_hash=selectors.hash_token(token),
        language=language,
        sent_by=by,
    )
    queue_message(
        key=f"family-survey:{invitation.pk}",
        template=TEMPLATE,
        context={
            "authority": settings.AUTHORITY_NAME,
            "link": base_url() + reverse("family-survey-answer", kwargs={"token": token}),
            "closes": closing_words(survey.closes_on, language),
        },
        contact=contact,
        child=contact.child,
        language=language,
        consent_given=True,
    )
    return invitation


# --- Answers ------------------------------------------------------------------------------------


def save_answers(invitation: SurveyInvitation, answers: dict[int, dict]) -> bool:
    """Keep one family's answers, anonymously, once. False if the link was used meanwhile (a
    second tab, a double press): the first answers stand.

    `answers`: question id -> {"rating": int} | {"yes": bool} | {"text": str}."""
    today = timezone.localdate()
    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(
            pk=invitation.pk, used=False, survey__closes_on__gte=today
        ).update(used=True)
        if not claimed:
            return False
        # The month only, and no link back to the invitation: nobody can tell who answered.
        response = SurveyResponse.objects.create(
            survey_id=invitation.survey_id, received_in=today.replace(day=1)
        )
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, question_id=question_id, **values)
            for question_id, values in answers.items()
        )
    return True
