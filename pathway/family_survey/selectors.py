"""Reads for the family survey: who may be asked, the link behind a token, and the results with
small numbers suppressed (by planning's own disclosure control, not a copy of it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from earlyyears.messaging.services import UNSUBSCRIBED_REASON
from earlyyears.models import FamilyContact, FamilyLink, FamilyMember, OutboxMessage, Role
from pathway.access import is_send_manager
from pathway.models import (
    Decision,
    FamilySurvey,
    FeedbackConsentChange,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
)

# Disclosure control is planning's: the same threshold and the same secondary suppression.
from pathway.planning.disclosure import (
    SUPPRESSED,
    Line,
    secondary_suppression,
    suppression_explanation,
    threshold,
)

# --- Who may see what ---------------------------------------------------------------------------


def manages_surveys(user) -> bool:
    """Only the SEND manager creates and sends surveys."""
    return is_send_manager(user)


def reads_results(user) -> bool:
    """The SEND manager, and planners (read-only: results are aggregates)."""
    return manages_surveys(user) or (
        user.is_authenticated and user.is_active and user.role == Role.PLANNER
    )


def surveys_for(user) -> QuerySet[FamilySurvey]:
    if not reads_results(user):
        return FamilySurvey.objects.none()
    return FamilySurvey.objects.all()


def survey_for(user, survey_id: int) -> FamilySurvey:
    return get_object_or_404(surveys_for(user), pk=survey_id)


# --- Who may be asked ---------------------------------------------------------------------------


def stopped_numbers() -> QuerySet:
    """Numbers the SMS provider refused because they replied STOP (recorded on the outbox even
    when the contact had not agreed to text updates, so `sms_opted_out_at` was not set)."""
    return (
        OutboxMessage.objects.filter(failure_reason=UNSUBSCRIBED_REASON)
        .exclude(to_phone="")
        .values("to_phone")
    )


def eligible_contacts(contacts: QuerySet[FamilyContact]) -> QuerySet[FamilyContact]:
    """Of these contacts, those a survey text may go to: agreed to be asked for feedback,
    confirmed, no safeguarding flag against contact, a mobile, and never replied STOP."""
    return (
        contacts.filter(
            feedback_consent__given=True,
            confirmation=FamilyContact.Confirmation.CONFIRMED,
            do_not_contact=False,
            court_order=False,
            has_parental_responsibility=True,
            sms_opted_out_at__isnull=True,
        )
        .exclude(mobile_phone="")
        .exclude(mobile_phone__in=stopped_numbers())
        .order_by("pk")
    )


GROUP_ALL = "all"
GROUP_DECIDED = "decided"


def group_contacts(
    group: str, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[FamilyContact]:
    """The chosen group, before the consent rules: everyone, or the families of children whose
    referral had a decision between two dates (inclusive)."""
    contacts = FamilyContact.objects.all()
    if group == GROUP_DECIDED:
        decided = Decision.objects.filter(
            decided_at__date__gte=start, decided_at__date__lte=end
        ).values("referral__child_id")
        contacts = contacts.filter(child_id__in=decided)
    return contacts


def member_contacts(member: FamilyMember) -> list[FamilyContact]:
    """The contact records a signed-in family member follows children from (open links)."""
    ids = FamilyLink.objects.filter(member=member, ended_at__isnull=True).values("contact_id")
    return list(FamilyContact.objects.filter(pk__in=ids).order_by("pk"))


def member_agrees(member: FamilyMember) -> bool | None:
    """The member's current answer: None if nobody asked yet (or their records disagree)."""
    answers = {
        getattr(getattr(contact, "feedback_consent", None), "given", None)
        for contact in member_contacts(member)
    }
    return answers.pop() if len(answers) == 1 else None


def consent_history(contact: FamilyContact) -> list[FeedbackConsentChange]:
    return list(
        FeedbackConsentChange.objects.filter(consent__contact=contact).select_related(
            "by_staff", "by_member"
        )
    )


# --- The link -----------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return salted_hmac("pathway.family_survey.link", token, algorithm="sha256").hexdigest()


def open_invitation(token: str, today: datetime.date | None = None) -> SurveyInvitation:
    """The invitation behind a link, while it may still be answered; otherwise 404 (unknown,
    used, or the survey has closed), the same for each so a link says nothing about itself."""
    today = today or timezone.localdate()
    invitation = (
        SurveyInvitation.objects.select_related("survey")
        .filter(token_hash=hash_token(token or ""), used=False, survey__closes_on__gte=today)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


# --- Results ------------------------------------------------------------------------------------


def free_text_minimum() -> int:
    """Free-text answers are shown only from this many responses (they may identify someone
    more easily than a count)."""
    return max(int(getattr(settings, "FAMILY_SURVEY_FREE_TEXT_MINIMUM", 10)), threshold())


RATING_LABELS = {
    1: "1 (very poor)",
    2: "2 (poor)",
    3: "3 (neither good nor poor)",
    4: "4 (good)",
    5: "5 (very good)",
}
NOT_ANSWERED = "Not answered"


@dataclass
class AnswerRow:
    label: str
    count: int | None  # None: suppressed

    @property
    def shown(self) -> str:
        return SUPPRESSED if self.count is None else str(self.count)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    rows: list[AnswerRow] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.question.kind == SurveyQuestion.Kind.TEXT


@dataclass
class Results:
    survey: FamilySurvey
    responses: int
    invited: int
    minimum: int
    free_text_minimum: int
    questions: list[QuestionResult]
    explanation: str

    @property
    def shown(self) -> bool:
        return self.responses >= self.minimum

    @property
    def free_text_shown(self) -> bool:
        return self.responses >= self.free_text_minimum


def suppress_counts(counts: dict[str, int], total: int, limit: int) -> dict[str, int | None]:
    """Counts of the answers to one question (every answer, and "not answered", adds up to the
    total number of responses): small counts hidden, and more where a hidden one could be
    worked out from the total (planning's rules, one line)."""
    cells = {("answer", label): value for label, value in counts.items()}
    cells[("total",)] = total
    line = Line(("total",), tuple(("answer", label) for label in counts))
    hidden = secondary_suppression(cells, lambda cell: [line], limit)
    return {
        label: None if ("answer", label) in hidden else value for label, value in counts.items()
    }


def survey_results(survey: FamilySurvey) -> Results:
    """Counts per answer for every question, suppressed; nothing until there are at least the
    threshold number of responses; free text only from `free_text_minimum()` responses."""
    limit = threshold()
    responses = survey.responses.count()
    questions = list(survey.questions.all())
    answers = list(
        SurveyAnswer.objects.filter(response__survey=survey).values(
            "question_id", "rating", "yes", "text"
        )
    )
    results = []
    shown = responses >= limit
    for question in questions:
        result = QuestionResult(question)
        mine = [a for a in answers if a["question_id"] == question.pk]
        if question.kind == SurveyQuestion.Kind.TEXT:
            if responses >= free_text_minimum():
                # Sorted, not in the order they came in: the order could hint at who wrote it.
                result.texts = sorted((a["text"] for a in mine if a["text"].strip()), key=str.lower)
            results.append(result)
            continue
        if question.kind == SurveyQuestion.Kind.RATING:
            counts = {
                RATING_LABELS[n]: sum(1 for a in mine if a["rating"] == n) for n in range(1, 6)
            }
        else:
            counts = {
                "Yes": sum(1 for a in mine if a["yes"] is True),
                "No": sum(1 for a in mine if a["yes"] is False),
            }
        counts[NOT_ANSWERED] = responses - sum(counts.values())
        if shown:
            suppressed = suppress_counts(counts, responses, limit)
            result.rows = [AnswerRow(label, suppressed[label]) for label in counts]
        results.append(result)
    return Results(
        survey=survey,
        responses=responses,
        invited=survey.invitations.count(),
        minimum=limit,
        free_text_minimum=free_text_minimum(),
        questions=results,
        explanation=suppression_explanation().replace("children or referrals", "answers"),
    )


def results_csv_rows(results: Results) -> list[list[str]]:
    """The suppressed counts (no free text: it is read on screen, where it may name someone)."""
    rows = [["Question", "Answer", "Number of families"]]
    if not results.shown:
        return rows
    for item in results.questions:
        for row in item.rows:
            rows.append([item.question.wording_en, row.label, row.shown])
    return rows


# --- Subject access -----------------------------------------------------------------------------


def family_survey_subject_access(child) -> dict[str, list[dict]]:
    """For subject access: each of the child's contacts' answers to "can we ask you for
    feedback?" over time, and the survey invitations sent to them. Not their answers: those
    are anonymous and cannot be linked to anyone."""
    changes = (
        FeedbackConsentChange.objects.filter(consent__contact__child=child)
        .select_related("consent__contact", "by_staff", "by_member")
        .order_by("at", "pk")
    )
    invitations = (
        SurveyInvitation.objects.filter(contact__child=child)
        .select_related("survey", "contact")
        .order_by("sent_at", "pk")
    )
    return {
        "feedback_consent": [
            {
                "contact": c.consent.contact.name,
                "agreed_to_be_asked_for_feedback": "Yes" if c.given else "No",
                "when": c.at,
                "how": c.get_how_display(),
                "recorded_by": _who(c),
            }
            for c in changes
        ],
        "survey_invitations": [
            {
                "survey": i.survey.title,
                "sent_to": i.contact.name,
                "sent": i.sent_at,
                "survey_closes": i.survey.closes_on,
                "answered": "Yes" if i.used else "No",
            }
            for i in invitations
        ],
    }


def _who(change: FeedbackConsentChange) -> str:
    if change.by_member_id:
        return f"{change.by_member.name} (family member)"
    if change.by_staff_id:
        staff = change.by_staff
        return staff.get_full_name() or staff.get_username()
    return ""
