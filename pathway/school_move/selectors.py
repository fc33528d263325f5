"""Reads for the move to school: the intake year, the checklist, and hand-over records.

Who sees a child's move is who sees the child (`children_for`); who records it is the setting
and the SEND team, who know the child and the school. Portage workers read it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils import timezone

from earlyyears.access import AnyUser, child_for, children_for
from earlyyears.dates import reception_intake_year
from earlyyears.models import Child
from earlyyears.roles import CHILD_RECORD_ROLES
from pathway.access import family_paperwork_for
from pathway.models import Decision, FamilyPaperwork, HandoverRecord, SchoolMove

# The checklist appears from the autumn before the child starts, and stays until the end of
# the autumn term they start in, so a late hand-over is still seen.
OPENS = (9, 1)
CLOSES = (12, 31)
# Regulation 18 of the SEND Regulations 2014: a plan's review and amendments for a move between
# phases (here, into Reception) must be finished by 15 February of the year of the move.
EHC_REVIEW_DEADLINE = (2, 15)


def may_record(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and user.role in CHILD_RECORD_ROLES


def school_child_for(user: AnyUser, child_id: int) -> Child:
    return child_for(user, child_id)


def move_of(child: Child) -> SchoolMove:
    """The child's move, or an unsaved one with nothing recorded yet."""
    return SchoolMove.objects.filter(child=child).first() or SchoolMove(child=child)


def intake_year(child: Child, move: SchoolMove | None) -> int:
    if move is not None and move.intake_year:
        return move.intake_year
    return reception_intake_year(child.date_of_birth)


def ehc_review_deadline(year: int) -> datetime.date:
    return datetime.date(year, *EHC_REVIEW_DEADLINE)


def checklist_opens_on(year: int) -> datetime.date:
    return datetime.date(year - 1, *OPENS)


def checklist_is_open(year: int, today: datetime.date) -> bool:
    return checklist_opens_on(year) <= today <= datetime.date(year, *CLOSES)


def has_ehc_plan(child: Child) -> bool:
    return Decision.objects.filter(
        referral__child=child, kind=Decision.Kind.EHC_PLAN_ISSUED
    ).exists()


@dataclass(frozen=True)
class Step:
    """One line of the checklist: what, whether it is done, and what the reader should know."""

    label: str
    done: bool
    detail: str
    overdue: bool = False


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def checklist(
    move: SchoolMove,
    year: int,
    latest: HandoverRecord | None,
    ehc_plan: bool,
    today: datetime.date,
) -> list[Step]:
    """The steps before a child starts school, in the order they usually happen."""
    steps = [
        Step(
            "School named",
            bool(move.school_name),
            move.school_name or "Not known yet. Places are offered on 16 April.",
        ),
        Step(
            "Transition meeting",
            move.transition_meeting_on is not None and move.transition_meeting_on <= today,
            (
                f"{'Held on' if move.transition_meeting_on <= today else 'Booked for'} "
                f"{_day(move.transition_meeting_on)}"
                if move.transition_meeting_on
                else "Not booked yet"
            ),
        ),
        Step(
            "Hand-over record sent to the school",
            latest is not None and latest.is_sent,
            (
                f"Sent on {_day(timezone.localtime(latest.sent_at).date())} "
                f"({latest.get_sent_how_display().lower()})"
                if latest is not None and latest.is_sent
                else "Written, not sent yet"
                if latest is not None
                else "Not written yet"
            ),
        ),
    ]
    if ehc_plan:
        deadline = ehc_review_deadline(year)
        finished = move.ehc_review_finished_on
        steps.append(
            Step(
                "EHC plan reviewed and amended for the move",
                finished is not None,
                (
                    f"Finished on {_day(finished)}"
                    if finished
                    else f"Must be finished by {_day(deadline)}"
                ),
                overdue=finished is None and today > deadline,
            )
        )
    return steps


def handovers_of(child: Child) -> list[HandoverRecord]:
    return list(
        HandoverRecord.objects.filter(child=child).select_related("written_by", "sent_by")[:20]
    )


def handover_for(user: AnyUser, child: Child, handover_id: int) -> HandoverRecord:
    """One hand-over record of a child the user may see, or 404."""
    return get_object_or_404(
        HandoverRecord.objects.filter(child__in=children_for(user).filter(pk=child.pk)),
        pk=handover_id,
    )


def paperwork_for_prefill(user: AnyUser, child: Child) -> FamilyPaperwork | None:
    """The family's "All about me", where this user may read it, to start the record from."""
    return family_paperwork_for(user).filter(child=child).first()


def child_section(user: AnyUser, child: Child) -> dict:
    """The child page's part: the checklist from the autumn before the child starts school."""
    if not children_for(user).filter(pk=child.pk).exists():
        return {}
    today = timezone.localdate()
    move = move_of(child)
    year = intake_year(child, move)
    if not checklist_is_open(year, today):
        return {}
    records = handovers_of(child)
    return {
        "child": child,
        "year": year,
        "steps": checklist(move, year, records[0] if records else None, has_ehc_plan(child), today),
        "can_record": may_record(user),
    }
