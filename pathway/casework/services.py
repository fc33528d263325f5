"""Writes of SEND casework: clocks, claiming and allocation, decisions (by an officer or at panel),
questions to settings and inclusion funding. Each write is one transaction with its events and
outbox messages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from earlyyears.messaging.services import queue_message, remind_staff
from earlyyears.models import Role, User, display_name
from earlyyears.roles import SEND_TEAM_ROLES
from earlyyears.safeguarding import family_contact_for_texts
from pathway.access.consent import consent_given
from pathway.casework.selectors import may_undo, undoable_allocation
from pathway.clocks import refresh_next_due, start_clocks  # noqa: F401 - callers use casework's
from pathway.consents import record_consent
from pathway.models import (
    ConsentHow,
    Decision,
    FundingAward,
    InformationRequest,
    PanelMeeting,
    Referral,
    ReferralClock,
    ReferralEvent,
    Route,
    ShareWith,
    SharingOverride,
)
from pathway.routes import set_routes
from pathway.timeline import record_event, record_undo


class CaseworkError(ValueError):
    """A decision or allocation that the rules do not allow; the message says why, in plain
    words, for the error summary."""


class AlreadyClaimed(CaseworkError):
    def __init__(self, holder: User | None):
        self.holder = holder
        name = holder.get_full_name() if holder else "another officer"
        super().__init__(f"This referral has already been claimed by {name}")


# Clocks -------------------------------------------------------------------------------------


def _stop_clocks(referral: Referral, decision: Decision) -> list[str]:
    stopped = []
    now = timezone.now()
    for clock in referral.clocks.filter(stopped_at__isnull=True).select_related("policy"):
        if decision.kind in clock.policy.stopped_by:
            clock.stopped_at = now
            clock.stopped_by = decision
            clock.save(update_fields=["stopped_at", "stopped_by"])
            stopped.append(clock.policy.name)
    if stopped:
        refresh_next_due(referral)
    return stopped


# Claiming and allocation --------------------------------------------------------------------


def _must_be_send_team(user: User) -> None:
    if user.role not in SEND_TEAM_ROLES or not user.is_active:
        raise CaseworkError("Only the Early Years SEND team can do this")


def claim(referral: Referral, officer: User) -> Referral:
    """Take an unallocated referral. One conditional UPDATE decides the race: of two officers
    claiming at once, exactly one changes the row; the other is told who has it."""
    _must_be_send_team(officer)
    now = timezone.now()
    with transaction.atomic():
        won = Referral.objects.filter(
            pk=referral.pk, allocated_to__isnull=True, status__in=Referral.WAITING
        ).update(
            allocated_to=officer,
            allocated_at=now,
            status=Case(
                When(status=Referral.Status.SUBMITTED, then=Value(Referral.Status.IN_TRIAGE)),
                default="status",
            ),
        )
        referral.refresh_from_db()
        if not won:
            if referral.status not in Referral.WAITING:
                raise CaseworkError("This referral has already been decided")
            raise AlreadyClaimed(referral.allocated_to)
        record_event(
            referral, ReferralEvent.Kind.CLAIMED, officer, f"Claimed by {display_name(officer)}"
        )
    return referral


def allocate(referral: Referral, officer: User, *, by: User, reason: str = "") -> Referral:
    """A manager gives a referral to an officer, or moves it from one to another."""
    if by.role != Role.SEND_MANAGER:
        raise CaseworkError("Only a SEND manager can allocate referrals")
    _must_be_send_team(officer)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        previous = locked.allocated_to
        if previous == officer:
            raise CaseworkError(f"This referral is already allocated to {display_name(officer)}")
        locked.allocated_to = officer
        locked.allocated_at = timezone.now()
        if locked.status == Referral.Status.SUBMITTED:
            locked.status = Referral.Status.IN_TRIAGE
        locked.save(update_fields=["allocated_to", "allocated_at", "status"])
        summary = (
            f"Re-allocated from {display_name(previous)} to {display_name(officer)}"
            if previous
            else f"Allocated to {display_name(officer)}"
        )
        record_event(
            locked,
            ReferralEvent.Kind.ALLOCATED,
            by,
            summary,
            reason=reason,
            officer=officer.pk,
            previous=previous.pk if previous else None,
        )
    return locked


# Decisions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingTerms:
    amount: Decimal
    hours_per_week: Decimal
    starts_on: datetime.date
    ends_on: datetime.date
    review_on: datetime.date


def financial_year_of(day: datetime.date) -> int:
    """UK local government years run April to March: 2026 is April 2026 to March 2027."""
    return day.year if day.month >= 4 else day.year - 1


ROUTE_CHOICES_FOR = {
    Decision.Kind.ACCEPT: [Route.SEND_TEAM, Route.PORTAGE, Route.EARLY_HELP],
    Decision.Kind.REROUTE: [Route.SEND_TEAM, Route.PORTAGE, Route.EARLY_HELP, Route.LOCAL_OFFER],
}

STATUS_AFTER = {
    Decision.Kind.ACCEPT: Referral.Status.ACCEPTED,
    Decision.Kind.REROUTE: Referral.Status.ACCEPTED,
    Decision.Kind.MORE_INFORMATION: Referral.Status.MORE_INFORMATION,
    Decision.Kind.FUNDING: Referral.Status.ACCEPTED,
    Decision.Kind.SIGNPOST: Referral.Status.CLOSED,
    Decision.Kind.CLOSE: Referral.Status.CLOSED,
}

FAMILY_IS_TOLD = {
    Decision.Kind.ACCEPT,
    Decision.Kind.REROUTE,
    Decision.Kind.FUNDING,
    Decision.Kind.SIGNPOST,
    Decision.Kind.CLOSE,
    Decision.Kind.EHC_ASSESS,
    Decision.Kind.EHC_NOT_ASSESS,
    Decision.Kind.EHC_PLAN_ISSUED,
}


def decisions_open_to(referral: Referral) -> list[str]:
    """The decisions the rules allow on this referral now."""
    kinds: list[str] = []
    if referral.status in Referral.WAITING:
        kinds += [
            Decision.Kind.ACCEPT,
            Decision.Kind.REROUTE,
            Decision.Kind.FUNDING,
            Decision.Kind.SIGNPOST,
            Decision.Kind.CLOSE,
        ]
        if referral.status != Referral.Status.MORE_INFORMATION and referral.setting_id:
            kinds.insert(2, Decision.Kind.MORE_INFORMATION)
    elif referral.status == Referral.Status.ACCEPTED:
        kinds += [Decision.Kind.FUNDING, Decision.Kind.CLOSE]
    if referral.ehc_assessment_requested and referral.status != Referral.Status.CLOSED:
        running = {clock.policy.key for clock in referral.clocks.all() if clock.stopped_at is None}
        if "ehc-assessment-decision" in running:
            kinds += [Decision.Kind.EHC_ASSESS, Decision.Kind.EHC_NOT_ASSESS]
        elif "ehc-final-plan" in running:
            kinds.append(Decision.Kind.EHC_PLAN_ISSUED)
    return kinds


def decide(
    referral: Referral,
    kind: str,
    *,
    by: User,
    reason: str,
    routes: list[str] | None = None,
    question: str = "",
    funding: FundingTerms | None = None,
    panel: PanelMeeting | None = None,
    notify: bool = True,
) -> Decision:
    """Record a decision and everything that follows from it, or nothing at all.

    `notify=False` is for back-filled history (demo data): nobody is texted about it."""
    _must_be_send_team(by)
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError("Enter the reason for the decision")
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("child", "setting", "allocated_to")
            .get(pk=referral.pk)
        )
        routes = list(dict.fromkeys(routes or []))
        _check_decision(locked, kind, routes, question, funding)
        decision = Decision.objects.create(
            referral=locked, kind=kind, routes=routes, reason=reason, decided_by=by, at_panel=panel
        )
        _apply(locked, decision, question=question.strip(), funding=funding, notify=notify)
        where = f" at {panel}" if panel else ""
        record_event(
            locked,
            ReferralEvent.Kind.DECISION,
            by,
            f"{decision.get_kind_display()}{where}",
            decision=decision.pk,
            decision_kind=kind,
            reason=reason,
            routes=routes,
            panel=panel.pk if panel else None,
        )
        stopped = _stop_clocks(locked, decision)
        if stopped:
            record_event(locked, ReferralEvent.Kind.CLOCK, by, "Stopped: " + ", ".join(stopped))
        if notify and kind in FAMILY_IS_TOLD:
            _tell_family(locked, decision)
    return decision


def _check_decision(
    referral: Referral,
    kind: str,
    routes: list[str],
    question: str,
    funding: FundingTerms | None,
) -> None:
    """Whether this decision may be made on the referral as it stands now (locked)."""
    if kind not in decisions_open_to(referral):
        raise CaseworkError(
            f"You cannot {Decision.Kind(kind).label.lower()} on a referral that is "
            f"{referral.get_status_display().lower()}"
        )
    allowed = ROUTE_CHOICES_FOR.get(kind)
    if allowed is not None:
        if not routes:
            raise CaseworkError("Select at least one route")
        if any(route not in allowed for route in routes):
            raise CaseworkError("Select routes from the list")
        if kind == Decision.Kind.REROUTE and set(routes) == set(referral.routes):
            raise CaseworkError("Re-routing must change the route: to keep it, accept the referral")
    if kind == Decision.Kind.MORE_INFORMATION and not question.strip():
        raise CaseworkError("Enter the question for the setting")
    if kind == Decision.Kind.FUNDING:
        _check_funding(funding)
        if referral.setting_id is None:
            raise CaseworkError("Inclusion funding goes to a setting; this child has none")


def _check_funding(funding: FundingTerms | None) -> None:
    if funding is None:
        raise CaseworkError("Enter the funding amount, hours and dates")
    if funding.amount <= 0:
        raise CaseworkError("The amount must be more than £0")
    if not (0 < funding.hours_per_week <= 60):
        raise CaseworkError("Hours a week must be between 0.5 and 60")
    if funding.ends_on < funding.starts_on:
        raise CaseworkError("The end date must be on or after the start date")
    if not (funding.starts_on <= funding.review_on <= funding.ends_on):
        raise CaseworkError("The review date must fall within the funded period")


def _apply(
    referral: Referral,
    decision: Decision,
    *,
    question: str,
    funding: FundingTerms | None,
    notify: bool,
) -> None:
    kind = decision.kind
    fields = ["status", "outcome"]
    if kind in (Decision.Kind.ACCEPT, Decision.Kind.REROUTE):
        set_routes(referral, decision.routes, by_rules=kind == Decision.Kind.ACCEPT)
        fields.append("routes")
        referral.outcome = "Accepted onto " + ", ".join(Route(r).label for r in decision.routes)
    elif kind == Decision.Kind.SIGNPOST:
        set_routes(referral, [Route.LOCAL_OFFER], by_rules=False)
        fields.append("routes")
        referral.outcome = "Signposted to the local offer"
    elif kind == Decision.Kind.CLOSE:
        referral.outcome = "Closed with no further action"
    elif kind == Decision.Kind.MORE_INFORMATION:
        InformationRequest.objects.create(
            referral=referral, decision=decision, question=question, asked_by=decision.decided_by
        )
        record_event(
            referral,
            ReferralEvent.Kind.INFORMATION_REQUESTED,
            decision.decided_by,
            "Asked the setting for more information",
            question=question,
        )
        if notify:
            _tell_setting(referral, decision)
    elif kind == Decision.Kind.FUNDING:
        assert funding is not None
        award = FundingAward.objects.create(
            referral=referral,
            decision=decision,
            setting=referral.setting,
            area=referral.setting.area,
            amount=funding.amount,
            hours_per_week=funding.hours_per_week,
            starts_on=funding.starts_on,
            ends_on=funding.ends_on,
            review_on=funding.review_on,
            financial_year=financial_year_of(funding.starts_on),
            awarded_by=decision.decided_by,
        )
        record_event(
            referral,
            ReferralEvent.Kind.FUNDING_AWARDED,
            decision.decided_by,
            f"£{award.amount:,.2f} inclusion funding to {referral.setting.name}, "
            f"{award.hours_per_week} hours a week, review {award.review_on:%-d %B %Y}",
            award=award.pk,
        )
        if referral.status in Referral.WAITING:
            referral.outcome = "Inclusion funding awarded"
    elif kind == Decision.Kind.EHC_NOT_ASSESS:
        referral.outcome = referral.outcome or "Not assessed for an EHC plan"
    elif kind == Decision.Kind.EHC_PLAN_ISSUED:
        referral.outcome = "Final EHC plan issued"
    new_status = STATUS_AFTER.get(kind)
    if new_status and not (
        kind == Decision.Kind.FUNDING and referral.status not in Referral.WAITING
    ):
        referral.status = new_status
    referral.save(update_fields=fields)


def _tell_family(referral: Referral, decision: Decision) -> None:
    contact = family_contact_for_texts(referral.child)
    if contact is None or not referral.sms_consent:
        return
    worker = referral.allocated_to or decision.decided_by
    queue_message(
        key=f"decision:{decision.pk}:family:{contact.pk}",
        template="referral_decided_family",
        context={
            "authority": settings.AUTHORITY_NAME,
            "reference": referral.reference,
            "worker": worker.first_name or display_name(worker),
        },
        contact=contact,
        child=referral.child,
        language=contact.preferred_language,
    )


def _tell_setting(referral: Referral, decision: Decision) -> None:
    submitter = referral.submitted_by
    if submitter.role != Role.PRACTITIONER or not submitter.email:
        return
    queue_message(
        key=f"decision:{decision.pk}:setting",
        template="information_requested_staff",
        context={"authority": settings.AUTHORITY_NAME, "reference": referral.reference},
        channel="email",
        user=submitter,
        child=referral.child,
    )


def answer_information_request(
    request: InformationRequest, *, by: User, answer: str
) -> InformationRequest:
    """The setting answers; the referral goes back to the officer's queue."""
    answer = (answer or "").strip()
    if not answer:
        raise CaseworkError("Enter your answer")
    with transaction.atomic():
        locked = (
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("referral", "referral__allocated_to", "referral__child")
            .get(pk=request.pk)
        )
        if locked.answered_at is not None:
            raise CaseworkError("This question has already been answered")
        locked.answer = answer
        locked.answered_by = by
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        referral = locked.referral
        Referral.objects.filter(pk=referral.pk, status=Referral.Status.MORE_INFORMATION).update(
            status=Referral.Status.IN_TRIAGE
        )
        record_event(
            referral,
            ReferralEvent.Kind.INFORMATION_GIVEN,
            by,
            f"The setting answered: {answer[:200]}",
            request=locked.pk,
        )
        officer = referral.allocated_to
        if officer is not None and officer.email:
            queue_message(
                key=f"information:{locked.pk}:answered",
                template="information_given_staff",
                context={"authority": settings.AUTHORITY_NAME, "reference": referral.reference},
                channel="email",
                user=officer,
                child=referral.child,
            )
    return locked


def add_note(referral: Referral, *, by: User, text: str) -> None:
    text = (text or "").strip()
    if not text:
        raise CaseworkError("Enter the note")
    record_event(referral, ReferralEvent.Kind.NOTE, by, text[:300], text=text)


# Reminders ----------------------------------------------------------------------------------


def remind_clocks(today: datetime.date | None = None) -> int:
    """Tell the allocated officer (or, while nobody has it, the SEND managers) when a running
    clock is due soon and again when it is overdue: each once per due date."""
    today = today or timezone.localdate()
    running = (
        ReferralClock.objects.filter(stopped_at__isnull=True, due_soon_from__lte=today)
        .select_related("policy", "referral", "referral__allocated_to", "referral__child")
        .order_by("due_on", "pk")
    )
    managers = list(User.objects.filter(role=Role.SEND_MANAGER, is_active=True))
    queued = 0
    for clock in running.iterator(chunk_size=500):
        referral = clock.referral
        overdue = today > clock.due_on
        state, template = (
            ("overdue", "clock_overdue_staff") if overdue else ("due-soon", "clock_due_soon_staff")
        )
        recipients = [referral.allocated_to] if referral.allocated_to_id else managers
        context = {
            "authority": settings.AUTHORITY_NAME,
            "clock": clock.policy.name,
            "reference": referral.reference,
            "due": f"{clock.due_on:%-d %B %Y}",
        }
        with transaction.atomic():
            for user in recipients:
                if not user.is_active:
                    continue
                queued += remind_staff(
                    user,
                    key=f"clock-{state}:{clock.pk}:{clock.due_on.isoformat()}:{user.pk}",
                    template=template,
                    context=context,
                    child=referral.child,
                )
    return queued


# Consent to share ---------------------------------------------------------------------------


def withdraw_consent(referral: Referral, service: str, *, by: User, reason: str) -> None:
    """The family no longer agrees to share with a service: from the next request, that service
    no longer sees the referral (unless a SEND manager records a lawful basis)."""
    if service not in ShareWith.values or service == ShareWith.SEND_TEAM:
        raise CaseworkError("Choose a service the family had agreed to share with")
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError("Enter how the family told you, and when")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not consent_given(locked.child_id, service):
            raise CaseworkError(
                f"The family had not agreed to share with {ShareWith(service).label.lower()}"
            )
        # Consent is the child's, in one place (pathway.consents): this withdraws it for every
        # referral about the child, from the next request.
        record_consent(
            locked.child,
            service,
            False,
            how=ConsentHow.IN_PERSON,
            by_staff=by,
            on_behalf_of="The family",
            note=reason,
            timeline=False,
        )
        record_event(
            locked,
            ReferralEvent.Kind.CONSENT,
            by,
            f"The family withdrew consent to share with {ShareWith(service).label}",
            service=service,
            reason=reason,
        )


def share_without_consent(referral: Referral, service: str, *, by: User, reason: str) -> None:
    """Share with a service on a lawful basis the family's consent does not cover (for example a
    child's safety). Only a SEND manager may, and the reason is kept on the timeline."""
    if by.role != Role.SEND_MANAGER or not by.is_active:
        raise CaseworkError("Only a SEND manager can share without the family's consent")
    if service not in ShareWith.values or service == ShareWith.SEND_TEAM:
        raise CaseworkError("Choose the service to share with")
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError("Enter the lawful basis for sharing without consent")
    with transaction.atomic():
        if consent_given(referral.child_id, service):
            raise CaseworkError("The family already agreed to share with this service")
        _, created = SharingOverride.objects.get_or_create(
            referral=referral,
            service=service,
            defaults={"reason": reason, "recorded_by": by},
        )
        if not created:
            raise CaseworkError("A lawful basis for this service is already recorded")
        record_event(
            referral,
            ReferralEvent.Kind.CONSENT,
            by,
            f"Shared with {ShareWith(service).label} without consent, on a lawful basis",
            service=service,
            reason=reason,
        )


def end_sharing_without_consent(referral: Referral, service: str, *, by: User, reason: str) -> None:
    if by.role != Role.SEND_MANAGER or not by.is_active:
        raise CaseworkError("Only a SEND manager can stop sharing")
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError("Enter why sharing has stopped")
    with transaction.atomic():
        deleted, _ = SharingOverride.objects.filter(referral=referral, service=service).delete()
        if not deleted:
            raise CaseworkError("There is no lawful basis recorded for this service")
        record_event(
            referral,
            ReferralEvent.Kind.CONSENT,
            by,
            f"Stopped sharing with {ShareWith(service).label} without consent",
            service=service,
            reason=reason,
        )


# Undoing a mistaken claim or allocation ------------------------------------------------------


def undo_allocation(referral: Referral, *, by: User, reason: str) -> Referral:
    """Undo the referral's latest claim or allocation, made by mistake: whoever made it, or a
    SEND manager, with a reason, on the timeline. A claim goes back to no one (and a referral
    being triaged back to waiting for triage); an allocation goes back to whoever held the
    referral before it, if they are still in the team, else to no one."""
    _must_be_send_team(by)
    if not reason.strip():
        raise CaseworkError("Enter why the claim or allocation was a mistake")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        made = undoable_allocation(locked)
        if made is None:
            raise CaseworkError("There is no claim or allocation on this referral to undo")
        if not may_undo(by, made):
            raise CaseworkError("Only whoever made it, or a SEND manager, can undo this")
        holder = locked.allocated_to
        back_to = None
        if made.kind == ReferralEvent.Kind.ALLOCATED and made.detail.get("previous"):
            back_to = User.objects.filter(
                pk=made.detail["previous"], role__in=SEND_TEAM_ROLES, is_active=True
            ).first()
        locked.allocated_to = back_to
        if back_to is None:
            locked.allocated_at = None
            if locked.status == Referral.Status.IN_TRIAGE:
                locked.status = Referral.Status.SUBMITTED
        else:
            # Held since the claim or allocation before the one undone gave it to them.
            before = (
                ReferralEvent.objects.filter(
                    referral=locked,
                    kind__in=(ReferralEvent.Kind.CLAIMED, ReferralEvent.Kind.ALLOCATED),
                    pk__lt=made.pk,
                )
                .order_by("-pk")
                .first()
            )
            locked.allocated_at = before.at if before else made.at
        locked.save(update_fields=["allocated_to", "allocated_at", "status"])
        now_with = f"back to {display_name(back_to)}" if back_to else "allocated to no one"
        if made.kind == ReferralEvent.Kind.CLAIMED:
            summary = f"Claim by {display_name(made.actor)} undone: {now_with}"
        else:
            summary = f"Allocation to {display_name(holder)} undone: {now_with}"
        record_undo(
            locked,
            made,
            by,
            summary,
            reason=reason.strip(),
            officer=back_to.pk if back_to else None,
            previous=holder.pk if holder else None,
        )
    return locked


def referral_section(user: User, referral: Referral) -> dict:
    """The referral page's casework part: the link to undo a mistaken claim or allocation, for
    whoever may undo it (empty otherwise, so the page shows nothing)."""
    if user.role not in SEND_TEAM_ROLES:
        return {}
    made = undoable_allocation(referral)
    if not may_undo(user, made):
        return {}
    return {"referral": referral, "undo": made}
