"""Reads for the EHC timeline: the SEND team's list of cases with what is due, and one child's
timeline built from the case's dates and records. Both start from pathway.access.ehc."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from earlyyears.access import AnyUser
from earlyyears.models import Child, display_name
from pathway.access import advice_requests_for, is_send_team
from pathway.access.ehc import ehc_requests_for
from pathway.clocks import ClockState, state_of
from pathway.models import AdviceRequest, EhcRequest, EhcReview

from . import rules
from .services import DUE_SOON_DAYS, OPEN_STAGES, final_due

LIST_FILTERS = {
    "open": "Open cases",
    "overdue": "Overdue",
    "due_soon": "Due within a week",
    "closed": "Finished cases",
}


def clock_state(ehc: EhcRequest, today: datetime.date) -> ClockState:
    due = ehc.next_due_on
    return state_of(due, due - datetime.timedelta(days=DUE_SOON_DAYS) if due else None, today)


def ehc_cases(user: AnyUser, which: str, today: datetime.date) -> QuerySet[EhcRequest]:
    """The SEND team's cases, most urgent first; two queries however many (one for a count)."""
    cases = ehc_requests_for(user).select_related("child", "referral", "referral__allocated_to")
    if which == "closed":
        cases = cases.exclude(stage__in=OPEN_STAGES)
    else:
        cases = cases.filter(stage__in=OPEN_STAGES)
    if which == "overdue":
        cases = cases.filter(next_due_on__lt=today)
    elif which == "due_soon":
        cases = cases.filter(
            next_due_on__gte=today, next_due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        )
    return cases.order_by("next_due_on", "pk")


@dataclass
class Entry:
    """One item of the MOJ timeline."""

    on: datetime.date
    title: str
    lines: list[str] = field(default_factory=list)
    letter: Any = None
    order: int = 0


@dataclass
class CaseView:
    ehc: EhcRequest
    entries: list[Entry]
    next_step: str
    next_due_on: datetime.date | None
    state: ClockState
    final: rules.FinalPlanDue | None
    decision_due: datetime.date
    advice: list[AdviceRequest]
    open_review: EhcReview | None


def _entries(ehc: EhcRequest, advice: list[AdviceRequest], full: bool) -> list[Entry]:
    e: list[Entry] = []
    if ehc.transferred_in:
        e.append(Entry(ehc.received_on, f"Plan transferred in from {ehc.transferred_from}"))
    else:
        who = ehc.get_source_display()
        if full and ehc.requested_by_name:
            who += f" ({ehc.requested_by_name})"
        e.append(
            Entry(
                ehc.received_on, "Request for an EHC needs assessment received", [f"Made by: {who}"]
            )
        )
    letters = {letter.key: letter for letter in ehc.letters.all()} if full else {}
    if ehc.assess_decision_on:
        yes = ehc.assess_decision == EhcRequest.YesNo.YES
        e.append(
            Entry(
                ehc.assess_decision_on,
                "Decided to assess" if yes else "Decided not to assess",
                letter=letters.get("assess" if yes else "not_assess"),
                order=1,
            )
        )
    for a in advice:
        lines = [f"Asked of {display_name(a.professional)}, due {a.due_on:%-d %B %Y}"]
        if a.submitted_at:
            lines.append(f"Advice given {a.submitted_at:%-d %B %Y}")
        elif a.status == AdviceRequest.Status.WITHDRAWN:
            lines.append("Withdrawn")
        e.append(
            Entry(
                a.requested_at.date(),
                f"{a.get_discipline_display()} advice requested",
                lines,
                order=2,
            )
        )
    if full:
        for x in ehc.exceptions.all():
            end = f" to {x.ends_on:%-d %B %Y}" if x.ends_on else ""
            e.append(
                Entry(
                    x.starts_on,
                    f"Exception to the 20 weeks: {x.get_kind_display()}",
                    [f"From {x.starts_on:%-d %B %Y}{end}", x.reason],
                    order=3,
                )
            )
        for d in ehc.disputes.all():
            lines = [f"About {d.get_about_display().lower()}"]
            if d.concluded_on:
                lines.append(f"Ended {d.concluded_on:%-d %B %Y}")
            if d.outcome:
                lines.append(d.outcome)
            e.append(Entry(d.started_on, d.get_kind_display(), lines, order=4))
    if ehc.draft_issued_on:
        e.append(Entry(ehc.draft_issued_on, "Draft plan sent to the family", order=5))
    if ehc.issue_decision_on and not ehc.transferred_in:
        yes = ehc.issue_decision == EhcRequest.YesNo.YES
        e.append(
            Entry(
                ehc.issue_decision_on,
                "Final EHC plan issued" if yes else "Decided not to issue a plan",
                letter=letters.get("final_plan" if yes else "no_plan"),
                order=6,
            )
        )
    review_letters = [x for x in ehc.letters.all() if x.key == "review"] if full else []
    for r in ehc.reviews.all():
        if r.meeting_on:
            lines = []
            if full and r.advice_summary:
                lines.append(f"Advice: {r.advice_summary}")
            if full and r.meeting_notes:
                lines.append(r.meeting_notes)
            e.append(Entry(r.meeting_on, "Review meeting", lines, order=7))
        if r.decision_on:
            letter = next((x for x in review_letters if x.dated == r.decision_on), None)
            e.append(
                Entry(
                    r.decision_on,
                    f"Review decision: {r.get_outcome_display().lower()}",
                    letter=letter,
                    order=8,
                )
            )
    if ehc.withdrawn_on:
        e.append(
            Entry(
                ehc.withdrawn_on, "Request ended", [ehc.withdrawn_reason] if full else [], order=9
            )
        )
    if ehc.ceased_on:
        title = (
            f"Transferred out to {ehc.transferred_to}"
            if ehc.transferred_to
            else f"Plan stops: {ehc.get_cease_reason_display().lower()}"
        )
        e.append(Entry(ehc.ceased_on, title, letter=letters.get("cease"), order=10))
    e.sort(key=lambda entry: (entry.on, entry.order), reverse=True)
    return e


def child_cases(user: AnyUser, child: Child, today: datetime.date) -> list[CaseView]:
    """The child's EHC cases as timelines. The SEND team sees everything; a setting or portage
    worker the steps and dates, not letters, exceptions, disputes, review notes or advice."""
    full = is_send_team(user)
    cases = (
        ehc_requests_for(user)
        .filter(child=child)
        .select_related("child", "referral")
        .prefetch_related("exceptions", "disputes", "reviews", "letters")
        .order_by("-received_on", "-pk")
    )
    advice_by_referral: dict[int, list[AdviceRequest]] = {}
    if full:
        for a in (
            advice_requests_for(user)
            .filter(referral__child=child)
            .select_related("professional")
            .order_by("requested_at")
        ):
            advice_by_referral.setdefault(a.referral_id, []).append(a)
    views = []
    for ehc in cases:
        advice = [
            a
            for a in advice_by_referral.get(ehc.referral_id, [])
            if a.requested_at.date() >= ehc.received_on
        ]
        open_review = next((r for r in ehc.reviews.all() if r.decision_on is None), None)
        views.append(
            CaseView(
                ehc=ehc,
                entries=_entries(ehc, advice, full),
                next_step=ehc.next_step,
                next_due_on=ehc.next_due_on,
                state=clock_state(ehc, today),
                final=final_due(ehc) if not ehc.transferred_in else None,
                decision_due=rules.send_by(rules.decision_due(ehc.received_on)),
                advice=advice,
                open_review=open_review if ehc.stage == EhcRequest.Stage.PLAN else None,
            )
        )
    return views


def ehc_subject_access(child: Child) -> list[dict[str, Any]]:
    """Everything held about the child's EHC cases, for the subject access record."""
    rows = []
    for ehc in (
        EhcRequest.objects.filter(child=child)
        .prefetch_related("exceptions", "disputes", "reviews", "letters")
        .order_by("received_on", "pk")
    ):
        rows.append(
            {
                "received": ehc.received_on,
                "made_by": ehc.get_source_display(),
                "requested_by_name": ehc.requested_by_name,
                "stage": ehc.get_stage_display(),
                "sex": ehc.get_sex_display(),
                "ethnicity": ehc.get_ethnicity_display(),
                "unique_pupil_number": ehc.upn or ehc.get_upn_unknown_display(),
                "decision_to_assess": ehc.get_assess_decision_display(),
                "decision_to_assess_on": ehc.assess_decision_on,
                "draft_sent": ehc.draft_issued_on,
                "decision_to_issue": ehc.get_issue_decision_display(),
                "decision_to_issue_on": ehc.issue_decision_on,
                "transferred_from": ehc.transferred_from,
                "ended": ehc.withdrawn_on,
                "ended_reason": ehc.withdrawn_reason,
                "plan_stops": ehc.ceased_on,
                "plan_stops_reason": ehc.get_cease_reason_display(),
                "plan_stops_detail": ehc.cease_detail,
                "transferred_to": ehc.transferred_to,
                "exceptions": [
                    {
                        "kind": x.get_kind_display(),
                        "reason": x.reason,
                        "from": x.starts_on,
                        "to": x.ends_on,
                    }
                    for x in ehc.exceptions.all()
                ],
                "mediation_and_appeals": [
                    {
                        "kind": d.get_kind_display(),
                        "about": d.get_about_display(),
                        "started": d.started_on,
                        "ended": d.concluded_on,
                        "outcome": d.outcome,
                    }
                    for d in ehc.disputes.all()
                ],
                "reviews": [
                    {
                        "due_by": r.due_by,
                        "advice_asked": r.advice_requested_on,
                        "advice": r.advice_summary,
                        "meeting": r.meeting_on,
                        "notes": r.meeting_notes,
                        "decision": r.get_outcome_display(),
                        "decision_on": r.decision_on,
                    }
                    for r in ehc.reviews.all()
                ],
                "letters": [
                    {"title": x.title, "dated": x.dated, "words": x.body} for x in ehc.letters.all()
                ],
            }
        )
    return rows
