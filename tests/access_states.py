"""Ended relationships for the access tests: one child per state, with a record of every kind,
and the users whose access the state ended.

Each state is built once per test (`build_states`), on its own child, so one set-up serves every
URL and every access function. A `StateCase` has the same attribute names as the access
matrix's `case` (child_a, referral_a, advice, tac, action, ...), so the matrix's entries give
the URLs of the state's records without knowing about states."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from earlyyears.models import (
    CaseloadMembership,
    Child,
    FamilyContact,
    OutboxMessage,
    Role,
    SettingMembership,
)
from pathway.access import REFERRAL_PROCESS_EVENTS
from pathway.advice import services as advice
from pathway.casework import services as casework
from pathway.early_help import services as early_help
from pathway.models import (
    AdviceRequest,
    AdviceTemplate,
    ChildMerge,
    Decision,
    EarlyHelpHandoff,
    FamilyPaperwork,
    InformationRequest,
    Observation,
    PanelAgendaItem,
    PanelMeeting,
    PanelMember,
    PlanOutcome,
    PortageVisit,
    PossibleMatch,
    Referral,
    ReferralEvent,
    ShareWith,
    SupportPlan,
    TacAction,
    TacAttendee,
    TacMeeting,
)
from pathway.services import create_referral, start_draft

from .factories import (
    ChildFactory,
    SettingFactory,
    UserFactory,
    portage_worker_for,
    practitioner_at,
)

EVERY_SERVICE = list(ShareWith.values)


@dataclass
class StateCase:
    """One state: the records (as the matrix names them), who lost access, what they keep."""

    name: str
    records: SimpleNamespace
    lost: list[str]
    secrets: tuple[str, ...]
    # url or access-function name -> users who keep it (what they themselves sent)
    keeps: dict[str, set[str]] = field(default_factory=dict)
    # what a user who keeps a page must still never see there: anything new
    new_secrets: tuple[str, ...] = ()
    # rows of the same child another state keeps for its users: model -> primary keys
    kept_rows: dict[type, list[int]] = field(default_factory=dict)

    def __getattr__(self, name: str):
        return getattr(self.records, name)

    def kept(self, what: str, who: str) -> bool:
        return who in self.keeps.get(what, set())


def _referral(child, setting, by, tag: str, share_with: list[str], family: bool = False):
    answers = {
        "development": {
            "communication_language": {"level": "severe", "evidence": f"{tag}-concern-evidence"}
        },
        "health_family": {"family_circumstances": family},
    }
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=by,
            answers=answers,
            setting=setting,
            consent={"consent_given_by": "A parent", "share_with": share_with},
            notify=False,
        )


def _observation(child, setting, by, tag: str) -> Observation:
    observation = Observation.objects.create(
        child=child,
        setting=setting,
        eyfs_area="communication_language",
        observed_on=timezone.localdate(),
        what_was_seen=f"{tag}-observation",
        observer=by,
    )
    observation.attachment.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return observation


def _tac(child, by, owner, tag: str) -> tuple[TacMeeting, TacAction]:
    meeting = TacMeeting.objects.create(
        child=child, held_on=timezone.localdate(), notes=f"{tag}-tac-notes", created_by=by
    )
    TacAttendee.objects.create(meeting=meeting, name=f"{tag}-attendee", discipline="slt")
    action = TacAction.objects.create(
        meeting=meeting,
        child=child,
        description=f"{tag}-action",
        owner=owner,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    return meeting, action


def _advice(referral, professional, by, tag: str) -> AdviceRequest:
    template = AdviceTemplate.objects.get(discipline="slt")
    return AdviceRequest.objects.create(
        referral=referral,
        template=template,
        discipline="slt",
        questions=template.questions,
        professional=professional,
        requested_by=by,
        message=f"{tag}-advice-message",
        due_on=timezone.localdate() + datetime.timedelta(weeks=6),
    )


def child_records(
    world,
    tag: str,
    *,
    sender,
    professional,
    owner,
    portage_worker=None,
    setting=None,
    share_with=EVERY_SERVICE,
) -> SimpleNamespace:
    """A child with a record of every kind, named by `tag` so a leak names the state."""
    setting = setting or SettingFactory(name=f"{tag.title()} Nursery")
    child = ChildFactory(setting=setting, first_name=f"{tag.title()}kid", last_name="Statecase")
    if (
        sender.role == Role.PRACTITIONER
        and not sender.setting_memberships.filter(setting=setting).exists()
    ):
        SettingMembership.objects.create(user=sender, setting=setting)
    r = SimpleNamespace(child_a=child, setting=setting, early_help=world.early_help)
    r.referral_a = _referral(child, setting, sender, tag, share_with)
    r.early_help_referral = _referral(child, setting, sender, tag, share_with, family=True)
    assert "early_help" in r.early_help_referral.routes
    r.observation = _observation(child, setting, sender, tag)
    r.draft = start_draft(sender, setting=setting, child=child)
    decision = casework.decide(
        r.referral_a,
        "more_information",
        by=world.send_officer,
        reason="Need the review",
        question=f"{tag}-question",
        notify=False,
    )
    r.question = InformationRequest.objects.get(decision=decision)
    r.panel = world.matrix_panel
    r.panel_member = world.matrix_panel_member
    r.panel_item = PanelAgendaItem.objects.create(meeting=r.panel, referral=r.referral_a)
    worker = portage_worker or world.portage_a
    r.visit = PortageVisit.objects.create(
        child=child,
        worker=worker,
        visited_on=timezone.localdate(),
        goals=f"{tag}-visit-goals",
        progress="Took turns",
    )
    FamilyPaperwork.objects.create(
        child=child,
        completed_by="A parent",
        relationship="Mother",
        what_people_like_about_me=f"{tag}-all-about-me",
        what_is_important_to_me="Music",
        how_best_to_support_me="Pictures",
        recorded_by=worker,
    )
    r.contact_a = FamilyContact.objects.create(
        child=child, name=f"{tag}-parent", relationship="mother", mobile_phone="+447700900124"
    )
    r.tac, r.action = _tac(child, world.send_officer, owner, tag)
    r.advice = _advice(r.referral_a, professional, world.send_officer, tag)
    # Another record that may be this child, and an earlier merge into it: the SEND team's.
    other = ChildFactory(
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth,
        setting=None,
        area=child.area,
        record_status=Child.RecordStatus.PROVISIONAL,
    )
    r.possible_match = PossibleMatch.objects.create(
        child=other, existing=child, found_by="Same name and date of birth"
    )
    r.merge = ChildMerge.objects.create(
        survivor=child,
        merged=ChildFactory(setting=None, area=child.area),
        reason="Same child",
        merged_by=world.send_manager,
    )
    r.message = OutboxMessage.objects.create(
        idempotency_key=f"state-{tag}",
        channel="sms",
        template="concern_received_family",
        child=child,
        to_phone="+447700900123",
        status=OutboxMessage.Status.FAILED,
    )
    # A support plan, so every state has one whoever sent the concern (tests/pathway/support_plans).
    r.support_plan = SupportPlan.objects.create(child=child, setting=setting, tier="targeted")
    PlanOutcome.objects.create(plan=r.support_plan, text=f"{tag}-plan-outcome")
    r.secrets = (
        child.full_name,
        f"{tag}-plan-outcome",
        r.referral_a.reference,
        r.early_help_referral.reference,
        f"{tag}-concern-evidence",
        f"{tag}-observation",
        f"{tag}-tac-notes",
        f"{tag}-attendee",
        f"{tag}-action",
        f"{tag}-advice-message",
        f"{tag}-visit-goals",
        f"{tag}-all-about-me",
        f"{tag}-question",
        f"{tag}-parent",
    )
    return r


def build_states(world) -> list[StateCase]:
    """Every state in which access ends, each applied to its own child, once."""
    states = []
    officer, manager = world.send_officer, world.send_manager
    if not hasattr(world, "matrix_panel"):
        world.matrix_panel = PanelMeeting.objects.create(
            held_on=timezone.localdate() + datetime.timedelta(days=7), created_by=officer
        )
        world.matrix_panel_member = PanelMember.objects.create(
            meeting=world.matrix_panel, name="Dr Rao", agency=PanelMember.Agency.HEALTH
        )

    # The family withdrew consent to share with health and with early help.
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.consent")
    r = child_records(world, "consent", sender=world.practitioner_a, professional=prof, owner=prof)
    r.prof_consent = prof
    # Consent is the child's (issue 22): withdrawn once, it ends sharing for both referrals.
    for service in (ShareWith.HEALTH, ShareWith.EARLY_HELP):
        casework.withdraw_consent(r.referral_a, service, by=world.practitioner_a, reason="Mum rang")
    states.append(StateCase("consent withdrawn", r, ["prof_consent", "early_help"], r.secrets))

    # A SEND manager shared on a lawful basis, then stopped.
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.basis")
    r = child_records(
        world,
        "basis",
        sender=world.practitioner_a,
        professional=prof,
        owner=prof,
        share_with=[ShareWith.SEND_TEAM],
    )
    r.prof_basis = prof
    for referral in (r.referral_a, r.early_help_referral):
        for service in (ShareWith.HEALTH, ShareWith.EARLY_HELP):
            casework.share_without_consent(referral, service, by=manager, reason="Safeguarding")
            casework.end_sharing_without_consent(referral, service, by=manager, reason="Safe now")
    states.append(StateCase("lawful basis ended", r, ["prof_basis", "early_help"], r.secrets))

    # The SEND team withdrew the advice request.
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.withdrawn")
    r = child_records(
        world, "withdrawn", sender=world.practitioner_a, professional=prof, owner=prof
    )
    r.prof_withdrawn = prof
    advice.withdraw(r.advice, by=officer, reason="No longer needed")
    states.append(StateCase("advice withdrawn", r, ["prof_withdrawn"], r.secrets))

    # The professional answered, and the referral was closed: they keep the advice they gave.
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.answered")
    r = child_records(world, "answered", sender=world.practitioner_a, professional=prof, owner=prof)
    r.prof_answered = prof
    advice.send_advice(
        r.advice, by=prof, answers={q["key"]: "answered-advice" for q in r.advice.questions}
    )
    casework.decide(r.referral_a, "close", by=officer, reason="Support in place", notify=False)
    casework.decide(
        r.early_help_referral, "close", by=officer, reason="Support in place", notify=False
    )
    states.append(
        StateCase(
            "advice answered and referral closed",
            r,
            ["prof_answered"],
            r.secrets,
            keeps={
                "advice-detail": {"prof_answered"},
                "advice-list": {"prof_answered"},
                "advice_requests_for": {"prof_answered"},
            },
            new_secrets=("consent-tac-notes", "answered-tac-notes", "answered-action"),
        )
    )

    # Early help declined the hand-off.
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.declined")
    r = child_records(world, "declined", sender=world.practitioner_a, professional=prof, owner=prof)
    handoff = EarlyHelpHandoff.objects.get(referral=r.early_help_referral)
    early_help.respond(handoff, by=world.early_help, accept=False, reason="Already known")
    states.append(StateCase("hand-off declined", r, ["early_help"], r.secrets))

    # The family left the portage worker's caseload.
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.caseload")
    worker = UserFactory(role=Role.PORTAGE_WORKER, username="portage.ended")
    r = child_records(
        world,
        "caseload",
        sender=world.practitioner_a,
        professional=prof,
        owner=worker,
        portage_worker=worker,
    )
    CaseloadMembership.objects.create(portage_worker=worker, child=r.child_a)
    r.portage_ended = worker
    CaseloadMembership.objects.filter(portage_worker=worker, child=r.child_a).delete()
    states.append(StateCase("caseload ended", r, ["portage_ended"], r.secrets))

    # The practitioner left the setting (they sent the concern and own the action).
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.left")
    leaver = UserFactory(role=Role.PRACTITIONER, username="prac.left")
    r = child_records(world, "left", sender=leaver, professional=prof, owner=leaver)
    r.prac_left = leaver
    SettingMembership.objects.filter(user=leaver).delete()
    states.append(StateCase("practitioner left the setting", r, ["prac_left"], r.secrets))

    # The child moved to another setting: the old setting keeps what it sent, nothing new.
    prof = UserFactory(role=Role.PROFESSIONAL, username="prof.moved")
    old = UserFactory(role=Role.PRACTITIONER, username="prac.old")
    old_records = child_records(world, "moved", sender=old, professional=prof, owner=old)
    child = old_records.child_a
    new_setting = SettingFactory(name="Newtown Kindergarten")
    new = practitioner_at(new_setting, username="prac.new")
    child.setting = new_setting
    child.save(update_fields=["setting"])
    new_records = child_records(
        world,
        "arrived",
        sender=new,
        professional=prof,
        owner=new,
        setting=new_setting,
        portage_worker=portage_worker_for(child, username="portage.moved"),
    )
    # The new records are about the same child.
    for name in ("referral_a", "early_help_referral"):
        Referral.objects.filter(pk=getattr(new_records, name).pk).update(child=child)
    for model, pk in (
        (Observation, new_records.observation.pk),
        (PortageVisit, new_records.visit.pk),
        (TacMeeting, new_records.tac.pk),
        (TacAction, new_records.action.pk),
    ):
        model.objects.filter(pk=pk).update(child=child)
    for kind, summary in (
        (ReferralEvent.Kind.TEAM_AROUND_THE_CHILD, "arrived-tac-event at Newtown"),
        (ReferralEvent.Kind.PORTAGE, "arrived-portage-event"),
        (ReferralEvent.Kind.NOTE, "arrived-note"),
    ):
        ReferralEvent.objects.create(
            referral=old_records.referral_a, kind=kind, actor=new, summary=summary
        )
    for records in (old_records, new_records):
        for name in ("referral_a", "early_help_referral", "observation", "tac", "action", "visit"):
            getattr(records, name).refresh_from_db()
        records.child_a = child
        records.prac_old = old
    new_secrets = (
        new_setting.name,
        new_records.referral_a.reference,
        new_records.early_help_referral.reference,
        "arrived-observation",
        "arrived-tac-notes",
        "arrived-action",
        "arrived-tac-event",
        "arrived-portage-event",
        "arrived-note",
    )
    kept = {"prac_old"}
    states.append(
        StateCase(
            "child moved: what the old setting sent",
            old_records,
            ["prac_old"],
            old_records.secrets + new_secrets,
            keeps={
                "referral-detail": kept,
                "referral-confirmation": kept,
                "referral-sharing": kept,
                "observation-attachment": kept,
                "answer-information-request": kept,
                "information-requests": kept,
                "my-concerns": kept,
                "referrals_for": kept,
                "observations_for": kept,
                "information_requests_for": kept,
                "decisions_for": kept,
                "referral_events_for": kept,
            },
            new_secrets=new_secrets,
        )
    )
    sent = [old_records.referral_a.pk, old_records.early_help_referral.pk]
    kept_rows = {
        Referral: sent,
        Observation: [old_records.observation.pk],
        Decision: list(Decision.objects.filter(referral__in=sent).values_list("pk", flat=True)),
        InformationRequest: [old_records.question.pk],
        ReferralEvent: list(
            ReferralEvent.objects.filter(
                referral__in=sent, kind__in=REFERRAL_PROCESS_EVENTS
            ).values_list("pk", flat=True)
        ),
    }
    states.append(
        StateCase(
            "child moved: what came after",
            new_records,
            ["prac_old"],
            new_secrets + new_records.secrets,
            kept_rows=kept_rows,
            keeps={
                # The same child's name is on the referral the old setting sent; these lists
                # show that referral, and must show nothing of the new setting's.
                "my-concerns": kept,
                "information-requests": kept,
            },
            new_secrets=new_secrets,
        )
    )
    return states
