"""Writes for the EHC timeline: each step one transaction with its timeline event, the
referral's decision where the pathway already has one (so the referral's own clocks stop and
retention knows an EHC file exists), and the decision letter the family gets.

Every step checks that its date is not in the future and not before the step it follows, and
refuses with a sentence saying which; nothing is saved when it refuses."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from earlyyears.messaging.services import remind_staff
from earlyyears.models import SEND_TEAM_ROLES, Child, Role, User
from pathway.clocks import due_soon_from, refresh_next_due
from pathway.models import (
    Decision,
    EhcDispute,
    EhcException,
    EhcLetter,
    EhcLetterTemplate,
    EhcRequest,
    EhcReview,
    Referral,
    ReferralClock,
)
from pathway.pdf import TaggedPDF, file_part, unicode_font
from pathway.timeline import record_event

from . import rules

# The timeline event kind for EHC steps (ReferralEvent.Kind.EHC): the child's care, not the
# referral's own process, so whoever only sent the referral does not follow it.
EHC_EVENT = "ehc"
Stage = EhcRequest.Stage
OPEN_STAGES = (Stage.REQUESTED, Stage.ASSESSING, Stage.DRAFT_ISSUED, Stage.PLAN)
DUE_SOON_DAYS = 7


class EhcError(Exception):
    """A step the rules do not allow; the message says why, in plain words."""


def _must_be_send_team(user: User) -> None:
    if user.role not in SEND_TEAM_ROLES or not user.is_active:
        raise EhcError("Only the Early Years SEND team can do this")


def _not_future(day: datetime.date, label: str, today: datetime.date) -> None:
    if day > today:
        raise EhcError(f"The {label} must be today or in the past")


def _order(*dates: tuple[str, datetime.date | None]) -> None:
    problem = rules.in_order(*dates)
    if problem:
        raise EhcError(problem)


def _stage_must_be(ehc: EhcRequest, *stages: str) -> None:
    if ehc.stage not in stages:
        raise EhcError(
            f"This cannot be recorded now: the case is at “{ehc.get_stage_display().lower()}”"
        )


def _event(ehc: EhcRequest, actor: User, summary: str, **detail: Any) -> None:
    record_event(ehc.referral, EHC_EVENT, actor, summary, ehc=ehc.pk, **detail)


def _lock(ehc: EhcRequest) -> EhcRequest:
    return (
        EhcRequest.objects.select_for_update(of=("self",))
        .select_related("child", "referral")
        .get(pk=ehc.pk)
    )


def _pathway_decision(ehc: EhcRequest, kind: str, by: User, reason: str) -> None:
    """The referral's own decision, which stops its statutory clocks as casework's would."""
    decision = Decision.objects.create(
        referral=ehc.referral,
        kind=kind,
        reason=reason or "Recorded on the EHC timeline",
        decided_by=by,
    )
    now = timezone.now()
    stopped = 0
    for clock in ReferralClock.objects.filter(
        referral=ehc.referral, stopped_at__isnull=True
    ).select_related("policy"):
        if kind in clock.policy.stopped_by:
            clock.stopped_at, clock.stopped_by = now, decision
            clock.save(update_fields=["stopped_at", "stopped_by"])
            stopped += 1
    if stopped:
        refresh_next_due(ehc.referral)


# What is due next -------------------------------------------------------------------------


def final_due(ehc: EhcRequest) -> rules.FinalPlanDue:
    periods = [(e.starts_on, e.ends_on) for e in ehc.exceptions.all()]
    return rules.final_plan_due(ehc.received_on, periods)


def next_step(ehc: EhcRequest) -> tuple[str, datetime.date | None]:
    """What the SEND team must do next on the case, and the working day it is due by."""
    if ehc.stage == Stage.REQUESTED:
        return "Decide whether to assess", rules.send_by(rules.decision_due(ehc.received_on))
    if ehc.stage == Stage.ASSESSING:
        return "Send the draft plan, or decide not to issue one", rules.send_by(
            final_due(ehc).target
        )
    if ehc.stage == Stage.DRAFT_ISSUED:
        return "Issue the final plan", rules.send_by(final_due(ehc).target)
    if ehc.stage == Stage.PLAN:
        review = ehc.reviews.filter(decision_on__isnull=True).order_by("due_by", "pk").first()
        if review is None:
            return "", None
        if review.meeting_on:
            return "Send the decision after the review", rules.send_by(
                rules.review_decision_due(review.meeting_on)
            )
        return "Hold the review meeting", review.due_by
    return "", None


def refresh(ehc: EhcRequest) -> None:
    ehc.next_step, ehc.next_due_on = next_step(ehc)
    EhcRequest.objects.filter(pk=ehc.pk).update(
        next_step=ehc.next_step, next_due_on=ehc.next_due_on
    )


def due_soon_on(due: datetime.date) -> datetime.date:
    return due_soon_from(due, DUE_SOON_DAYS, "calendar_days")


# Letters ------------------------------------------------------------------------------------


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def write_letter(
    ehc: EhcRequest,
    key: str,
    *,
    by: User,
    dated: datetime.date,
    reason: str,
    due: datetime.date | None = None,
) -> EhcLetter:
    """Render the council's template for this decision and keep the words as sent."""
    template = EhcLetterTemplate.objects.filter(key=key).first()
    if template is None:
        raise EhcError("There is no letter template for this decision: ask an administrator")
    child = ehc.child
    context = _Blank(
        authority=settings.AUTHORITY_NAME,
        child_name=child.full_name,
        date_of_birth=f"{child.date_of_birth:%-d %B %Y}",
        date=f"{dated:%-d %B %Y}",
        reason=reason.strip(),
        due=f"{due:%-d %B %Y}" if due else "",
    )
    return EhcLetter.objects.create(
        ehc=ehc,
        key=key,
        title=template.title.format_map(context),
        body=template.body.format_map(context),
        dated=dated,
        created_by=by,
    )


def letter_pdf(letter: EhcLetter) -> bytes:
    """The letter as a tagged, text PDF (pathway.pdf)."""
    pdf = TaggedPDF(unicode_font())
    pdf.begin(
        title=letter.title,
        heading=letter.title,
        author=f"{settings.AUTHORITY_NAME} Early Years SEND team",
        subject="A decision about an education, health and care needs assessment or plan",
    )
    for paragraph in re.split(r"\n\s*\n", letter.body.strip()):
        pdf.paragraph(paragraph.strip())
    return pdf.to_bytes()


def letter_filename(letter: EhcLetter) -> str:
    """Named by the child's reference, never their name: files travel by email."""
    safe = file_part(letter.ehc.child.reference, letter.ehc.child_id)
    return f"ehc-letter-{safe}-{letter.pk}.pdf"


# Steps --------------------------------------------------------------------------------------


def open_request(
    child: Child,
    referral: Referral,
    *,
    by: User,
    source: str,
    received_on: datetime.date,
    requested_by_name: str = "",
    sex: str = "",
    ethnicity: str = "",
    upn: str = "",
    upn_unknown: str = "",
    setting_school_urn: str = "",
    transferred_in: bool = False,
    transferred_from: str = "",
    plan_start_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> EhcRequest:
    """Record a request for an EHC needs assessment (or a plan transferred in from another
    council, which starts at the plan with its first review due)."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    if referral.child_id != child.pk:
        raise EhcError("Choose one of this child's referrals")
    if source not in EhcRequest.Source.values:
        raise EhcError("Select who made the request")
    _not_future(received_on, "date the request was received", today)
    _order(("date of birth", child.date_of_birth), ("date the request was received", received_on))
    upn = upn.strip().upper()
    if upn and not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", upn):
        raise EhcError("A unique pupil number is a letter, 11 digits and a digit or letter")
    if upn and upn_unknown:
        raise EhcError("Give the unique pupil number or the reason it is not known, not both")
    if transferred_in:
        if plan_start_on is None:
            raise EhcError("Enter the date of the plan transferred in")
        if not transferred_from.strip():
            raise EhcError("Enter the council the plan was transferred from")
        _not_future(plan_start_on, "date of the plan", today)
    with transaction.atomic():
        if EhcRequest.objects.filter(child=child, stage__in=OPEN_STAGES).exists():
            raise EhcError("This child already has an open EHC case: record the steps there")
        ehc = EhcRequest.objects.create(
            child=child,
            referral=referral,
            source=source,
            requested_by_name=requested_by_name.strip(),
            received_on=received_on,
            sex=sex,
            ethnicity=ethnicity,
            upn=upn,
            upn_unknown=upn_unknown,
            setting_school_urn=setting_school_urn.strip(),
            transferred_in=transferred_in,
            transferred_in_on=received_on if transferred_in else None,
            transferred_from=transferred_from.strip(),
            created_by=by,
        )
        if transferred_in:
            ehc.stage = Stage.PLAN
            ehc.assess_decision = EhcRequest.YesNo.YES
            ehc.issue_decision = EhcRequest.YesNo.YES
            ehc.issue_decision_on = plan_start_on
            ehc.save(
                update_fields=["stage", "assess_decision", "issue_decision", "issue_decision_on"]
            )
            _first_review(ehc, by, max(plan_start_on, received_on))
            _event(ehc, by, f"EHC plan transferred in from {ehc.transferred_from}")
        else:
            _event(
                ehc,
                by,
                f"Request for an EHC needs assessment received {received_on:%-d %B %Y} "
                f"from {ehc.get_source_display().lower()}",
            )
        refresh(ehc)
    return ehc


def decide_assessment(
    ehc: EhcRequest,
    *,
    by: User,
    assess: bool,
    decided_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> EhcLetter:
    """Whether to assess (6 weeks from the request), with the letter to the family."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise EhcError("Enter the reason for the decision: it goes in the family's letter")
    _not_future(decided_on, "date of the decision", today)
    with transaction.atomic():
        ehc = _lock(ehc)
        _stage_must_be(ehc, Stage.REQUESTED)
        _order(
            ("date the request was received", ehc.received_on),
            ("date of the decision", decided_on),
        )
        ehc.assess_decision = EhcRequest.YesNo.YES if assess else EhcRequest.YesNo.NO
        ehc.assess_decision_on = decided_on
        ehc.stage = Stage.ASSESSING if assess else Stage.NOT_ASSESSING
        ehc.save(update_fields=["assess_decision", "assess_decision_on", "stage"])
        _pathway_decision(
            ehc, Decision.Kind.EHC_ASSESS if assess else Decision.Kind.EHC_NOT_ASSESS, by, reason
        )
        letter = write_letter(
            ehc,
            EhcLetterTemplate.Key.ASSESS if assess else EhcLetterTemplate.Key.NOT_ASSESS,
            by=by,
            dated=decided_on,
            reason=reason,
            due=rules.weeks_after(ehc.received_on, 16) if assess else None,
        )
        late = decided_on > rules.decision_due(ehc.received_on)
        _event(
            ehc,
            by,
            (
                "Decided to carry out an EHC needs assessment"
                if assess
                else "Decided not to carry out an EHC needs assessment"
            )
            + (" (after the 6 weeks)" if late else ""),
            letter=letter.pk,
        )
        refresh(ehc)
    return letter


def issue_draft(
    ehc: EhcRequest, *, by: User, issued_on: datetime.date, today: datetime.date | None = None
) -> None:
    """The draft plan went to the family (they have 15 days to comment and name a setting)."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    _not_future(issued_on, "date the draft was sent", today)
    with transaction.atomic():
        ehc = _lock(ehc)
        _stage_must_be(ehc, Stage.ASSESSING)
        _order(
            ("date of the decision to assess", ehc.assess_decision_on),
            ("date the draft was sent", issued_on),
        )
        ehc.draft_issued_on = issued_on
        ehc.stage = Stage.DRAFT_ISSUED
        ehc.save(update_fields=["draft_issued_on", "stage"])
        _event(ehc, by, f"Draft plan sent to the family on {issued_on:%-d %B %Y}")
        refresh(ehc)


def _first_review(ehc: EhcRequest, by: User, start: datetime.date) -> EhcReview:
    return EhcReview.objects.create(
        ehc=ehc, due_by=rules.review_window(start).latest, recorded_by=by
    )


def decide_plan(
    ehc: EhcRequest,
    *,
    by: User,
    issue: bool,
    decided_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> EhcLetter:
    """The final plan issued (20 weeks from the request, unless an exception applies), or the
    decision not to issue one; either way the family's letter tells them their rights."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise EhcError(
            "Enter what the letter should say about the plan"
            if issue
            else "Enter the reason for the decision: it goes in the family's letter"
        )
    _not_future(decided_on, "date of the decision", today)
    with transaction.atomic():
        ehc = _lock(ehc)
        if issue:
            _stage_must_be(ehc, Stage.DRAFT_ISSUED)
            _order(
                ("date the draft was sent", ehc.draft_issued_on),
                ("date the final plan was issued", decided_on),
            )
        else:
            _stage_must_be(ehc, Stage.ASSESSING, Stage.DRAFT_ISSUED)
            _order(
                ("date of the decision to assess", ehc.assess_decision_on),
                ("date the draft was sent", ehc.draft_issued_on),
                ("date of the decision", decided_on),
            )
        ehc.issue_decision = EhcRequest.YesNo.YES if issue else EhcRequest.YesNo.NO
        ehc.issue_decision_on = decided_on
        ehc.stage = Stage.PLAN if issue else Stage.NO_PLAN
        ehc.save(update_fields=["issue_decision", "issue_decision_on", "stage"])
        if issue:
            _pathway_decision(ehc, Decision.Kind.EHC_PLAN_ISSUED, by, reason)
            _first_review(ehc, by, decided_on)
        letter = write_letter(
            ehc,
            EhcLetterTemplate.Key.FINAL_PLAN if issue else EhcLetterTemplate.Key.NO_PLAN,
            by=by,
            dated=decided_on,
            reason=reason,
        )
        due = final_due(ehc)
        late = decided_on > due.statutory
        _event(
            ehc,
            by,
            ("Final EHC plan issued" if issue else "Decided not to issue an EHC plan")
            + (
                " (after the 20 weeks, with an exception recorded)"
                if late and due.exceptions_apply
                else " (after the 20 weeks)"
                if late
                else ""
            ),
            letter=letter.pk,
        )
        refresh(ehc)
    return letter


def add_exception(
    ehc: EhcRequest,
    *,
    by: User,
    kind: str,
    reason: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    today: datetime.date | None = None,
) -> EhcException:
    """An exception to the 20 weeks, with its reason (regulation 13(3))."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if kind not in EhcException.Kind.values:
        raise EhcError("Select the exception that applies")
    if not reason:
        raise EhcError("Enter the reason the exception applies")
    _not_future(starts_on, "date the exception started", today)
    with transaction.atomic():
        ehc = _lock(ehc)
        _stage_must_be(ehc, Stage.REQUESTED, Stage.ASSESSING, Stage.DRAFT_ISSUED)
        _order(
            ("date the request was received", ehc.received_on),
            ("date the exception started", starts_on),
            ("date the exception ended", ends_on),
        )
        if kind == EhcException.Kind.AWAY and ends_on and (ends_on - starts_on).days + 1 < 28:
            raise EhcError(
                "This exception applies only when the child or parent was away for 4 weeks or "
                "more: the dates give less than 4 weeks"
            )
        exception = EhcException.objects.create(
            ehc=ehc,
            kind=kind,
            reason=reason,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=by,
        )
        _event(ehc, by, f"Exception to the 20 weeks: {exception.get_kind_display()}")
        refresh(ehc)
    return exception


def add_dispute(
    ehc: EhcRequest,
    *,
    by: User,
    kind: str,
    about: str,
    started_on: datetime.date,
    concluded_on: datetime.date | None = None,
    outcome: str = "",
    today: datetime.date | None = None,
) -> EhcDispute:
    """Mediation or a tribunal appeal, when the family asks for one."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    if kind not in EhcDispute.Kind.values:
        raise EhcError("Select mediation or an appeal to the tribunal")
    if about not in EhcDispute.About.values:
        raise EhcError("Select what the family disagreed with")
    _not_future(started_on, "date it started", today)
    if concluded_on:
        _not_future(concluded_on, "date it ended", today)
    with transaction.atomic():
        ehc = _lock(ehc)
        _order(
            ("date the request was received", ehc.received_on),
            ("date it started", started_on),
            ("date it ended", concluded_on),
        )
        dispute = EhcDispute.objects.create(
            ehc=ehc,
            kind=kind,
            about=about,
            started_on=started_on,
            concluded_on=concluded_on,
            outcome=(outcome or "").strip(),
            recorded_by=by,
        )
        _event(ehc, by, f"{dispute.get_kind_display()} about {dispute.get_about_display().lower()}")
    return dispute


def record_review_meeting(
    review: EhcReview,
    *,
    by: User,
    advice_requested_on: datetime.date | None,
    advice_summary: str,
    meeting_on: datetime.date,
    meeting_notes: str,
    today: datetime.date | None = None,
) -> None:
    """Advice gathered before the meeting, and the meeting."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    _not_future(meeting_on, "date of the meeting", today)
    with transaction.atomic():
        review = EhcReview.objects.select_for_update().select_related("ehc").get(pk=review.pk)
        ehc = _lock(review.ehc)
        _stage_must_be(ehc, Stage.PLAN)
        if review.decision_on:
            raise EhcError("This review is finished: its decision has been sent")
        previous = (
            ehc.reviews.exclude(pk=review.pk)
            .filter(meeting_on__isnull=False)
            .order_by("-meeting_on")
            .values_list("meeting_on", flat=True)
            .first()
        )
        _order(
            ("date the plan was issued", ehc.issue_decision_on),
            ("date of the last review meeting", previous),
            ("date advice was asked for", advice_requested_on),
            ("date of the meeting", meeting_on),
        )
        review.advice_requested_on = advice_requested_on
        review.advice_summary = (advice_summary or "").strip()
        review.meeting_on = meeting_on
        review.meeting_notes = (meeting_notes or "").strip()
        review.save(
            update_fields=["advice_requested_on", "advice_summary", "meeting_on", "meeting_notes"]
        )
        _event(ehc, by, f"Review meeting held on {meeting_on:%-d %B %Y}")
        refresh(ehc)


def decide_review(
    review: EhcReview,
    *,
    by: User,
    outcome: str,
    decided_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> EhcLetter:
    """The decision after a review (within 4 weeks of the meeting), with the family's letter.
    Keeping or amending the plan sets the next review 3 to 6 months on."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if outcome not in EhcReview.Outcome.values:
        raise EhcError("Select the decision")
    if not reason:
        raise EhcError("Enter the reason for the decision: it goes in the family's letter")
    _not_future(decided_on, "date of the decision", today)
    with transaction.atomic():
        review = EhcReview.objects.select_for_update().select_related("ehc").get(pk=review.pk)
        ehc = _lock(review.ehc)
        _stage_must_be(ehc, Stage.PLAN)
        if review.meeting_on is None:
            raise EhcError("Record the review meeting first")
        if review.decision_on:
            raise EhcError("This review's decision has already been sent")
        _order(("date of the meeting", review.meeting_on), ("date of the decision", decided_on))
        review.outcome, review.decision_on = outcome, decided_on
        review.save(update_fields=["outcome", "decision_on"])
        label = EhcReview.Outcome(outcome).label
        letter = write_letter(
            ehc,
            EhcLetterTemplate.Key.REVIEW,
            by=by,
            dated=decided_on,
            reason=f"{label}. {reason}",
        )
        late = decided_on > rules.review_decision_due(review.meeting_on)
        _event(
            ehc,
            by,
            f"Review decision: {label.lower()}" + (" (after the 4 weeks)" if late else ""),
            letter=letter.pk,
        )
        if outcome != EhcReview.Outcome.CEASE:
            _first_review(ehc, by, review.meeting_on)
        refresh(ehc)
    return letter


def cease_plan(
    ehc: EhcRequest,
    *,
    by: User,
    ceased_on: datetime.date,
    reason: str,
    detail: str,
    transferred_to: str = "",
    today: datetime.date | None = None,
) -> EhcLetter | None:
    """The plan stops, with its reason; a move to another council is a transfer out (no
    letter: the new council writes)."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    detail = (detail or "").strip()
    if reason not in EhcRequest.CeaseReason.values:
        raise EhcError("Select why the plan stops")
    transfer = reason in (
        EhcRequest.CeaseReason.TRANSFERRED,
        EhcRequest.CeaseReason.OUTSIDE_ENGLAND,
    )
    if transfer and not transferred_to.strip():
        raise EhcError("Enter where the child moved to")
    if not transfer and not detail:
        raise EhcError("Enter the reason for stopping the plan: it goes in the family's letter")
    with transaction.atomic():
        ehc = _lock(ehc)
        _stage_must_be(ehc, Stage.PLAN)
        _order(
            ("date the plan was issued", ehc.issue_decision_on),
            ("date the plan stops", ceased_on),
        )
        ehc.stage = Stage.CEASED
        ehc.ceased_on, ehc.cease_reason, ehc.cease_detail = ceased_on, reason, detail
        ehc.transferred_to = transferred_to.strip()
        ehc.save(
            update_fields=["stage", "ceased_on", "cease_reason", "cease_detail", "transferred_to"]
        )
        ehc.reviews.filter(meeting_on__isnull=True, decision_on__isnull=True).delete()
        letter = None
        if not transfer:
            letter = write_letter(
                ehc,
                EhcLetterTemplate.Key.CEASE,
                by=by,
                dated=min(ceased_on, today),
                reason=detail,
            )
        _event(
            ehc,
            by,
            (
                f"Transferred out to {ehc.transferred_to} on {ceased_on:%-d %B %Y}"
                if transfer
                else f"Plan stops on {ceased_on:%-d %B %Y}: {ehc.get_cease_reason_display()}"
            ),
        )
        refresh(ehc)
    return letter


def withdraw(
    ehc: EhcRequest,
    *,
    by: User,
    withdrawn_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> None:
    """The request was withdrawn, or ended before a decision (the family moved away)."""
    _must_be_send_team(by)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise EhcError("Enter why the request ended")
    _not_future(withdrawn_on, "date the request ended", today)
    with transaction.atomic():
        ehc = _lock(ehc)
        _stage_must_be(ehc, Stage.REQUESTED, Stage.ASSESSING, Stage.DRAFT_ISSUED)
        _order(
            ("date the request was received", ehc.received_on),
            ("date the request ended", withdrawn_on),
        )
        ehc.stage = Stage.WITHDRAWN
        ehc.withdrawn_on, ehc.withdrawn_reason = withdrawn_on, reason
        ehc.save(update_fields=["stage", "withdrawn_on", "withdrawn_reason"])
        _event(ehc, by, f"Request ended on {withdrawn_on:%-d %B %Y}")
        refresh(ehc)


# Reminders ----------------------------------------------------------------------------------


def remind_ehc_steps(today: datetime.date | None = None) -> int:
    """Tell the referral's officer (or, while nobody has it, the SEND managers) when an EHC
    step is due within a week and again when it is overdue: each once per due date."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    cases = (
        EhcRequest.objects.filter(next_due_on__isnull=False, next_due_on__lte=soon)
        .select_related("referral", "referral__allocated_to", "child")
        .order_by("next_due_on", "pk")
    )
    managers = list(User.objects.filter(role=Role.SEND_MANAGER, is_active=True))
    queued = 0
    for ehc in cases.iterator(chunk_size=500):
        overdue = today > ehc.next_due_on
        state, template = (
            ("overdue", "clock_overdue_staff") if overdue else ("due-soon", "clock_due_soon_staff")
        )
        officer = ehc.referral.allocated_to
        recipients = [officer] if officer is not None else managers
        context = {
            "authority": settings.AUTHORITY_NAME,
            "clock": f"EHC: {ehc.next_step}",
            "reference": ehc.referral.reference,
            "due": f"{ehc.next_due_on:%-d %B %Y}",
        }
        with transaction.atomic():
            for user in recipients:
                if not user.is_active:
                    continue
                queued += remind_staff(
                    user,
                    key=f"ehc-{state}:{ehc.pk}:{ehc.next_due_on.isoformat()}:{user.pk}",
                    template=template,
                    context=context,
                    child=ehc.child,
                )
    return queued
