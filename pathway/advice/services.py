"""Advice requests: the SEND team asks a professional for advice on a referral in their
discipline's template; the professional answers; the answers attach to the case.

Writes (services) are one transaction each, with their timeline events and outbox messages.
Reads (selectors) start from the access layer, so a professional only ever sees the requests
asked of them. The template's questions are copied onto the request when it is made, so later
edits to a template never change what a professional was asked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from earlyyears.messaging.services import queue_message
from earlyyears.models import Role, User, display_name
from pathway import selectors
from pathway.access import advice_requests_for, is_send_team, shared_with
from pathway.casework.services import CaseworkError
from pathway.models import AdviceRequest, AdviceTemplate, Referral, ReferralEvent, ShareWith
from pathway.timeline import record_event

# Advice for an EHC needs assessment must be given within 6 weeks of the request
# (SEND Regulations 2014, regulation 8(2)); the same target suits advice asked for otherwise.
STATUTORY_ADVICE_WEEKS = 6
LATEST_DUE_DAYS = 366
MAX_ANSWER_LENGTH = 8000

CHANNELS = {
    User.ReminderChannel.EMAIL: ["email"],
    User.ReminderChannel.SMS: ["sms"],
    User.ReminderChannel.BOTH: ["email", "sms"],
}


class AdviceError(CaseworkError):
    """Something the rules about advice do not allow; the message says why, in plain words."""


def _event(referral: Referral, actor: User, summary: str, **detail: Any) -> None:
    record_event(referral, ReferralEvent.Kind.ADVICE, actor, summary, **detail)


def default_due_on(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(weeks=STATUTORY_ADVICE_WEEKS)


def advice_templates() -> QuerySet[AdviceTemplate]:
    return AdviceTemplate.objects.filter(active=True).order_by("title")


def professionals() -> QuerySet[User]:
    """People who can be asked for advice: active accounts with the professional role."""
    return User.objects.filter(role=Role.PROFESSIONAL, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def describe_professional(user: User) -> str:
    """Name, job title and organisation: how the SEND team tells two professionals apart."""
    return ", ".join(
        part for part in (display_name(user), user.job_title, user.organisation) if part
    )


def is_required(question: dict[str, Any]) -> bool:
    return not question.get("optional", False)


# Services -----------------------------------------------------------------------------------


def request_advice(
    referral: Referral,
    *,
    by: User,
    template: AdviceTemplate,
    professional: User,
    due_on: datetime.date,
    message: str,
    today: datetime.date | None = None,
) -> AdviceRequest:
    """Ask a professional for advice, tell them by their chosen channel(s), and put it on the
    case timeline; all or nothing."""
    today = today or timezone.localdate()
    message = (message or "").strip()
    if not is_send_team(by):
        raise AdviceError("Only the Early Years SEND team can ask for advice")
    if professional.role != Role.PROFESSIONAL or not professional.is_active:
        raise AdviceError("Choose a health or care professional with an active account")
    if not template.active:
        raise AdviceError("This advice template is no longer in use: choose another")
    if due_on <= today:
        raise AdviceError("The due date must be in the future")
    if due_on > today + datetime.timedelta(days=LATEST_DUE_DAYS):
        raise AdviceError("The due date must be within a year")
    if not message:
        raise AdviceError("Enter a message for the professional")
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("child")
            .get(pk=referral.pk)
        )
        if locked.status == Referral.Status.CLOSED:
            raise AdviceError("This referral is closed: reopen it before asking for advice")
        if not Referral.objects.filter(shared_with(ShareWith.HEALTH), pk=locked.pk).exists():
            raise AdviceError(
                "The family has not agreed to share this referral with health professionals: "
                "ask the family, or a SEND manager can record a lawful basis to share"
            )
        advice = AdviceRequest.objects.create(
            referral=locked,
            template=template,
            discipline=template.discipline,
            questions=[dict(question) for question in template.questions],
            professional=professional,
            requested_by=by,
            message=message,
            due_on=due_on,
        )
        discipline = advice.get_discipline_display()
        _event(
            locked,
            by,
            f"Asked {describe_professional(professional)} for {discipline.lower()} advice "
            f"by {due_on:%-d %B %Y}",
            advice_request=advice.pk,
            professional=professional.pk,
            text=message,
        )
        for channel in CHANNELS.get(professional.reminder_channel, ["email"]):
            queue_message(
                key=f"advice:{advice.pk}:requested:{channel}",
                template="advice_requested_staff",
                context={
                    "authority": settings.AUTHORITY_NAME,
                    "discipline": discipline.lower(),
                    "due": f"{due_on:%-d %B %Y}",
                },
                channel=channel,
                user=professional,
                child=locked.child,
            )
    return advice


def _clean_answers(advice: AdviceRequest, answers: dict[str, str]) -> dict[str, str]:
    """Only the questions asked, as trimmed text."""
    cleaned = {}
    for question in advice.questions:
        value = str(answers.get(question["key"]) or "").strip()
        if len(value) > MAX_ANSWER_LENGTH:
            raise AdviceError(
                f"{question['label']} must be {MAX_ANSWER_LENGTH:,} characters or fewer"
            )
        cleaned[question["key"]] = value
    return cleaned


def _open_for_answering(advice: AdviceRequest, by: User) -> AdviceRequest:
    """The request row, locked, if this professional may still answer it."""
    locked = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("referral", "professional")
        .get(pk=advice.pk)
    )
    if by.pk != locked.professional_id:
        raise AdviceError("Only the professional who was asked can give this advice")
    if locked.status == AdviceRequest.Status.SUBMITTED:
        raise AdviceError("You have already sent this advice: it can no longer be changed")
    if locked.status == AdviceRequest.Status.WITHDRAWN:
        raise AdviceError("The SEND team has withdrawn this request")
    if not advice_requests_for(by).filter(pk=locked.pk).exists():
        raise AdviceError("The family no longer shares this referral with health professionals")
    return locked


def save_draft(advice: AdviceRequest, *, by: User, answers: dict[str, str]) -> AdviceRequest:
    """Keep the professional's answers so far; the request stays open and the SEND team does
    not see them until they are sent."""
    with transaction.atomic():
        locked = _open_for_answering(advice, by)
        locked.answers = _clean_answers(locked, answers)
        locked.save(update_fields=["answers"])
    return locked


def send_advice(advice: AdviceRequest, *, by: User, answers: dict[str, str]) -> AdviceRequest:
    """Send the advice to the SEND team: every question answered, then read-only."""
    with transaction.atomic():
        locked = _open_for_answering(advice, by)
        cleaned = _clean_answers(locked, answers)
        missing = [q["label"] for q in locked.questions if is_required(q) and not cleaned[q["key"]]]
        if missing:
            raise AdviceError("Answer every question before you send: " + "; ".join(missing))
        locked.answers = cleaned
        locked.status = AdviceRequest.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["answers", "status", "submitted_at"])
        _event(
            locked.referral,
            by,
            f"{locked.get_discipline_display()} advice given by {describe_professional(by)}",
            advice_request=locked.pk,
        )
    return locked


def withdraw(advice: AdviceRequest, *, by: User, reason: str) -> AdviceRequest:
    """The SEND team no longer needs the advice; the reason goes on the timeline."""
    reason = (reason or "").strip()
    if not is_send_team(by):
        raise AdviceError("Only the Early Years SEND team can withdraw a request for advice")
    if not reason:
        raise AdviceError("Enter the reason for withdrawing the request")
    with transaction.atomic():
        locked = (
            AdviceRequest.objects.select_for_update(of=("self",))
            .select_related("referral", "professional")
            .get(pk=advice.pk)
        )
        if locked.status != AdviceRequest.Status.REQUESTED:
            raise AdviceError(
                f"This request cannot be withdrawn: it is {locked.get_status_display().lower()}"
            )
        locked.status = AdviceRequest.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        _event(
            locked.referral,
            by,
            f"Withdrew the request for {locked.get_discipline_display().lower()} advice from "
            f"{describe_professional(locked.professional)}",
            advice_request=locked.pk,
            reason=reason,
        )
    return locked


# Selectors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceRow:
    """A request as a list shows it: the request, whether it is overdue, and the answers."""

    request: AdviceRequest
    overdue: bool
    answers: list[tuple[str, str]]

    @property
    def is_open(self) -> bool:
        return self.request.status == AdviceRequest.Status.REQUESTED


def answer_rows(advice: AdviceRequest) -> list[tuple[str, str]]:
    """Question and answer pairs, in the order the template asked them."""
    answers = advice.answers or {}
    return [(q["label"], answers.get(q["key"], "")) for q in advice.questions]


def _row(advice: AdviceRequest, today: datetime.date, *, show_answers: bool) -> AdviceRow:
    return AdviceRow(
        request=advice,
        overdue=advice.status == AdviceRequest.Status.REQUESTED and advice.due_on < today,
        answers=answer_rows(advice) if show_answers else [],
    )


def advice_list(user: User, today: datetime.date) -> dict[str, Any]:
    """A professional's requests (the SEND team's: everyone's), open ones by due date and
    answered ones most recent first. Three queries, whatever the number of rows."""
    requests = advice_requests_for(user).select_related(
        "referral", "referral__child", "professional", "requested_by"
    )
    open_requests = requests.filter(status=AdviceRequest.Status.REQUESTED).order_by("due_on", "pk")
    answered = requests.filter(status=AdviceRequest.Status.SUBMITTED).order_by(
        "-submitted_at", "-pk"
    )
    return {
        "open": [_row(advice, today, show_answers=False) for advice in open_requests],
        "answered": [_row(advice, today, show_answers=False) for advice in answered[:50]],
    }


def answering_context(advice: AdviceRequest, today: datetime.date) -> dict[str, Any]:
    """What a professional needs to know about the child to give advice."""
    referral = advice.referral
    child = referral.child
    return {
        "child": child,
        "setting": referral.setting,
        "age": child.age_description,
        "concern": selectors.answer_sections(referral),
        "overdue": advice.status == AdviceRequest.Status.REQUESTED and advice.due_on < today,
    }


def can_withdraw(user: User, advice: AdviceRequest) -> bool:
    return is_send_team(user) and advice.status == AdviceRequest.Status.REQUESTED


def referral_section(user: User, referral: Referral) -> dict[str, Any]:
    """The advice part of the referral page: every request with its status, and the answers
    for the SEND team. A professional sees only their own requests; others see nothing."""
    send_team = is_send_team(user)
    if not send_team and not (
        user.is_authenticated and user.is_active and user.role == Role.PROFESSIONAL
    ):
        return {}
    today = timezone.localdate()
    requests = (
        advice_requests_for(user)
        .filter(referral=referral)
        .select_related("professional")
        .order_by("requested_at", "pk")
    )
    rows = [
        _row(
            advice,
            today,
            show_answers=send_team and advice.status == AdviceRequest.Status.SUBMITTED,
        )
        for advice in requests
    ]
    if not rows and not send_team:
        return {}
    return {
        "referral": referral,
        "advice_rows": rows,
        "send_team": send_team,
        "can_request": send_team and referral.status != Referral.Status.CLOSED,
    }
