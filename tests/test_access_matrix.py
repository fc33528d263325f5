"""The access matrix: every URL of the project, discovered from the URL resolver, tried as
every role against objects that belong to another setting, caseload or route.

Each URL that shows or changes child-level data has an entry saying who may reach child A's
records through it; everyone else must get 403 or 404 (or, signed out, a redirect to sign-in),
and a page they may open (a list scoped to them) must not name child A. URLs without child data
are listed with the reason. A new URL with neither fails this test until someone decides."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from earlyyears.models import Child, FamilyContact, OutboxMessage, Role
from pathway.casework import services as casework
from pathway.models import (
    AdviceRequest,
    AdviceTemplate,
    ChildMerge,
    FamilyPaperwork,
    FundApplication,
    FundEvidence,
    FundPayment,
    FundType,
    InformationRequest,
    Observation,
    PanelAgendaItem,
    PanelMeeting,
    PanelMember,
    PortageVisit,
    PossibleMatch,
    Referral,
    ShareWith,
    TacAction,
    TacMeeting,
)
from pathway.services import create_referral, start_draft
from pathway.support_plans import services as support_plans

from .access_states import build_states
from .factories import ChildFactory, UserFactory

PROJECT_APPS = ("earlyyears.", "pathway.", "training.", "cms.", "dataprotection.")

SEND_TEAM = {"send_officer", "send_manager"}
CHILD_A = SEND_TEAM | {"practitioner_a", "portage_a"}
EVERYONE = [
    "anonymous",
    "practitioner_a",
    "practitioner_b",
    "portage_a",
    "portage_b",
    "send_officer",
    "send_manager",
    "early_help",
    "professional",
    "professional_asked",
    "planner",
    "trainer",
    "admin",
    "provider",  # an organisation's staff keeping its local offer entries: never a child
    "case_reviewer",  # a family's perspective on case review panels: only their panels' cases
]


@dataclass(frozen=True)
class Entry:
    """`allowed` may reach child A's records here; `open_to` may use the URL for their own
    work (their own list, a new draft in their own setting) but must never see child A."""

    allowed: set[str]
    kwargs: Callable[[object], dict] = lambda case: {}
    post_only: bool = False
    secrets: tuple[str, ...] = ()
    open_to: frozenset[str] = frozenset()


def referral(attr: str = "referral_a") -> Callable[[object], dict]:
    return lambda case: {"referral_id": getattr(case, attr).pk}


def claimed(case) -> dict:
    """Child A's referral, claimed by the SEND officer (so there is a claim to undo)."""
    if case.referral_a.allocated_to_id is None:
        casework.claim(case.referral_a, case.send_officer)
        case.referral_a.refresh_from_db()
    return {"referral_id": case.referral_a.pk}


def child(case) -> dict:
    return {"child_id": case.child_a.pk}


def attendance(case) -> dict:
    """Child A's lead setting, recorded as an attendance (issue 23)."""
    from earlyyears.models import Attendance
    from pathway.attendance.services import ensure_lead_recorded

    ensure_lead_recorded(case.child_a)
    lead = Attendance.objects.get(child=case.child_a, ended_on__isnull=True, is_lead=True)
    return {"child_id": case.child_a.pk, "attendance_id": lead.pk}


def second_attendance(case) -> dict:
    """Child A at a second setting of nobody's in the case, with the plan shared (a setting
    that could be made the lead)."""
    from earlyyears.models import Attendance
    from pathway.attendance.services import ensure_lead_recorded
    from tests.factories import SettingFactory

    ensure_lead_recorded(case.child_a)
    second = Attendance.objects.filter(
        child=case.child_a, ended_on__isnull=True, is_lead=False
    ).first() or Attendance.objects.create(
        child=case.child_a,
        setting=SettingFactory(name="Damson Nursery"),
        started_on=case.child_a.date_of_birth,
        sees_plan=True,
    )
    return {"child_id": case.child_a.pk, "attendance_id": second.pk}


def panel(case) -> dict:
    return {"meeting_id": case.panel.pk}


def panel_item(case) -> dict:
    return {"meeting_id": case.panel.pk, "item_id": case.panel_item.pk}


def fund_records(case):
    """A Disability Access Fund application for child A by its setting, with evidence and an
    approved payment: made on first use, for the matrix's case and for each ended state."""
    try:
        return case.fund_records
    except AttributeError:
        pass
    try:
        setting = case.setting  # a state's child's setting (the old one, once a child moved)
    except AttributeError:
        setting = case.setting_a
    application = FundApplication.objects.create(
        fund_type=FundType.objects.get(kind=FundType.Kind.DISABILITY_ACCESS),
        child=case.child_a,
        setting=setting,
        area=setting.area,
        financial_year=2026,
        amount_requested=938,
        what_for="Sensory equipment",
        gets_disability_living_allowance=True,
        family_nominated_setting=True,
    )
    evidence = FundEvidence(application=application, name="letter.pdf", description="Letter")
    evidence.file.save("letter.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    payment = FundPayment.objects.create(
        application=application,
        amount=938,
        due_on=timezone.localdate(),
        status=FundPayment.Status.APPROVED,
    )
    case.fund_records = (application, evidence, payment)
    return case.fund_records


def fund_application(case) -> dict:
    return {"application_id": fund_records(case)[0].pk}


def with_fund_records(case) -> dict:
    """A list page, once child A has an application on it."""
    fund_records(case)
    return {}


def ehc_case(case):
    """An EHC case on the case's referral of child A (made once, for the matrix and each
    state)."""
    from pathway.models import EhcRequest

    found = EhcRequest.objects.filter(referral=case.referral_a).first()
    if found is None:
        found = EhcRequest.objects.create(
            child=case.referral_a.child,
            referral=case.referral_a,
            source="2",
            received_on=timezone.localdate(),
            created_by=case.referral_a.submitted_by,
        )
    return found


def ehc_letter(case) -> dict:
    from pathway.models import EhcLetter

    ehc = ehc_case(case)
    letter = EhcLetter.objects.filter(ehc=ehc).first() or EhcLetter.objects.create(
        ehc=ehc,
        key="assess",
        title="A letter",
        body="Words",
        dated=ehc.received_on,
        created_by=ehc.created_by,
    )
    return {"ehc_id": ehc.pk, "letter_id": letter.pk}


def handover(case) -> dict:
    from pathway.school_move import services as school_move

    record = case.__dict__.get("handover") or school_move.write_handover(
        case.practitioner_a,
        case.child_a,
        strengths="Loves the sand tray",
        needs="Noise",
        what_works="A quiet corner",
        consent_given_by="A parent",
        consent_given_on=timezone.localdate(),
    )
    case.handover = record
    return {"child_id": case.child_a.pk, "handover_id": record.pk}


def caseload_job(case) -> dict:
    """A caseload import checked for the SEND manager (its report names the rows' children)."""
    from pathway.caseload import services as caseload

    job = case.__dict__.get("caseload_job") or caseload.start(
        case.send_manager,
        "caseload-children",
        "children.csv",
        b"Child reference,First name,Last name,Date of birth\r\nOLD-1,Ann,Lee,31/02/2023\r\n",
    )
    case.caseload_job = job
    return {"job_id": job.pk}


def sen2_extract(case) -> dict:
    from pathway.sen2 import services as sen2

    ehc_case(case)
    extract = case.__dict__.get("sen2_extract")
    if extract is None:
        extract = sen2.produce_extract(case.send_manager, 2027, reason="Matrix")
        case.sen2_extract = extract
    return {"extract_id": extract.pk}


def case_review(case) -> dict:
    """A case review whose sample is child A's referral, open today, with nobody on its panel
    (panel members' access is tests/pathway/case_reviews')."""
    from pathway.models import CaseReview, ReviewCase

    review = case.__dict__.get("case_review")
    if review is None:
        today = timezone.localdate()
        review = CaseReview.objects.create(
            title="Matrix review",
            method=CaseReview.Method.RANDOM,
            referred_from=today,
            referred_to=today,
            sample_size=1,
            seed=1,
            opens_on=today,
            closes_on=today,
            created_by=case.send_manager,
        )
        case.case_review = review
        case.review_case = ReviewCase.objects.create(
            review=review, referral=case.referral_a, position=1
        )
    return {"review_id": review.pk}


def review_case(case) -> dict:
    return case_review(case) | {"case_id": case.review_case.pk}


# Users of another setting or caseload, and a professional not asked about child A: each has
# lists and forms of their own.
OWN_LISTS = frozenset({"practitioner_b", "portage_b", "professional"})

MATRIX: dict[str, Entry] = {
    # people and places
    "children": Entry(CHILD_A, open_to=OWN_LISTS),
    "message-log": Entry(SEND_TEAM),
    "retry-message": Entry({"send_manager"}, lambda c: {"message_id": c.message.pk}, True),
    # children, observations, concerns
    "child-detail": Entry(CHILD_A, child),
    "add-observation": Entry({"practitioner_a", "portage_a"}, child),
    "observation-attachment": Entry(CHILD_A, lambda c: {"observation_id": c.observation.pk}),
    "my-concerns": Entry({"practitioner_a", "portage_a"}, open_to=OWN_LISTS),
    "start-concern": Entry({"practitioner_a", "portage_a"}, open_to=OWN_LISTS),
    "discard-draft": Entry({"practitioner_a"}, lambda c: {"draft_id": c.draft.pk}, True),
    "concern-step": Entry({"practitioner_a"}, lambda c: {"draft_id": c.draft.pk, "step": "child"}),
    "referral-detail": Entry(CHILD_A | {"professional_asked"}, referral()),
    "referral-confirmation": Entry(CHILD_A | {"professional_asked"}, referral()),
    "health-notification": Entry(
        {"professional", "professional_asked"}, open_to=frozenset(SEND_TEAM)
    ),
    "parent-request": Entry({"portage_a"} | SEND_TEAM, open_to=OWN_LISTS),
    "notification-register": Entry(SEND_TEAM),
    "routing-rules": Entry({"send_manager"}),
    "copy-rule-set": Entry({"send_manager"}, lambda c: {"version": 1}, True),
    "test-rule-set": Entry({"send_manager"}, lambda c: {"version": 1}),
    # triage and decisions
    "triage-queue": Entry(SEND_TEAM),
    "triage-setting-search": Entry(SEND_TEAM),
    "caseloads": Entry(SEND_TEAM),
    "funding": Entry(SEND_TEAM),
    "claim-referral": Entry(SEND_TEAM, referral(), True),
    "allocate-referral": Entry({"send_manager"}, referral()),
    # whoever made the claim, or a SEND manager; another officer is refused
    "undo-allocation": Entry(SEND_TEAM, claimed),
    "my-work": Entry(SEND_TEAM),
    "decide-referral": Entry(SEND_TEAM, referral()),
    "add-case-note": Entry(SEND_TEAM, referral(), True),
    "referral-sharing": Entry(SEND_TEAM | {"practitioner_a"}, referral()),
    "information-requests": Entry(CHILD_A - {"portage_a"}, open_to=OWN_LISTS),
    "answer-information-request": Entry(
        {"practitioner_a"}, lambda c: {"request_id": c.question.pk}
    ),
    # the Early Years panel
    "panel-list": Entry(SEND_TEAM),
    "panel-schedule": Entry(SEND_TEAM),
    "panel-detail": Entry(SEND_TEAM, panel),
    "panel-edit": Entry(SEND_TEAM, panel),
    "panel-schedule-following": Entry(SEND_TEAM, panel),
    "panel-members": Entry(SEND_TEAM, panel),
    "panel-copy-members": Entry(SEND_TEAM, panel, True),
    "panel-remove-member": Entry(
        SEND_TEAM, lambda c: {"meeting_id": c.panel.pk, "member_id": c.panel_member.pk}, True
    ),
    "panel-attendance": Entry(SEND_TEAM, panel),
    "panel-add-items": Entry(SEND_TEAM, panel),
    "panel-item": Entry(SEND_TEAM, panel_item),
    "panel-defer-item": Entry(SEND_TEAM, panel_item),
    "panel-item-discussion": Entry(SEND_TEAM, panel_item),
    "panel-move-item": Entry(SEND_TEAM, panel_item, True),
    "panel-remove-item": Entry(SEND_TEAM, panel_item, True),
    "panel-mark-held": Entry(SEND_TEAM, panel),
    "panel-minutes": Entry(SEND_TEAM, panel),
    "panel-minutes-notes": Entry(SEND_TEAM, panel),
    "panel-publish-minutes": Entry(SEND_TEAM, panel),
    # portage
    "portage-caseload": Entry({"portage_a"}, open_to=OWN_LISTS),
    "portage-visits": Entry({"portage_a"} | SEND_TEAM, child),
    "portage-visit-new": Entry({"portage_a"}, child),
    "portage-visit-edit": Entry({"portage_a"}, lambda c: {"visit_id": c.visit.pk}),
    "portage-paperwork": Entry({"portage_a"} | SEND_TEAM, child),
    "portage-paperwork-edit": Entry({"portage_a"}, child),
    "portage-paperwork-saved": Entry({"portage_a"}, child),
    "portage-paperwork-pdf": Entry({"portage_a"} | SEND_TEAM, child),
    # early help
    "early-help-list": Entry(SEND_TEAM | {"early_help"}, secrets=("early-help-only",)),
    "early-help-pack": Entry(SEND_TEAM | {"early_help"}, referral("early_help_referral")),
    "early-help-pack-json": Entry(SEND_TEAM | {"early_help"}, referral("early_help_referral")),
    "early-help-pack-pdf": Entry(SEND_TEAM | {"early_help"}, referral("early_help_referral")),
    "early-help-respond": Entry({"early_help"}, referral("early_help_referral")),
    "early-help-outcome": Entry({"early_help"}, referral("early_help_referral")),
    # Team Around the Child
    "tac-meetings": Entry(CHILD_A | {"professional_asked"}, child),
    "tac-new": Entry(CHILD_A, child),
    "tac-detail": Entry(CHILD_A | {"professional_asked"}, lambda c: {"meeting_id": c.tac.pk}),
    "my-actions": Entry({"practitioner_a"}, open_to=frozenset(EVERYONE) - {"anonymous"}),
    "tac-action-done": Entry({"practitioner_a"}, lambda c: {"action_id": c.action.pk}, True),
    # advice
    "referrals-export": Entry(SEND_TEAM),
    "audit-search": Entry({"send_manager"}),
    "audit-csv": Entry({"send_manager"}),
    "subject-access": Entry({"send_manager"}, child),
    "subject-access-json": Entry({"send_manager"}, child),
    "legal-hold": Entry({"send_manager"}, child),
    "advice-new": Entry(SEND_TEAM, referral()),
    "advice-list": Entry(SEND_TEAM | {"professional_asked"}, open_to=OWN_LISTS),
    "advice-detail": Entry(
        SEND_TEAM | {"professional_asked"}, lambda c: {"request_id": c.advice.pk}
    ),
    "advice-withdraw": Entry(SEND_TEAM, lambda c: {"request_id": c.advice.pk}),
    # the EHC timeline (issue 24): the SEND team works it; the setting and portage worker see
    # their child's timeline state
    "ehc-cases": Entry(SEND_TEAM),
    "ehc-child": Entry(CHILD_A, child),
    "ehc-request-new": Entry(SEND_TEAM, child),
    "ehc-step": Entry(SEND_TEAM, lambda c: {"ehc_id": ehc_case(c).pk, "step": "decision"}),
    "ehc-letter-pdf": Entry(SEND_TEAM, ehc_letter),
    # the move to school: the child's setting and SEND team record it, the portage worker reads
    "school-move": Entry(CHILD_A, child),
    "school-handover-new": Entry(SEND_TEAM | {"practitioner_a"}, child),
    "school-handover": Entry(CHILD_A, handover),
    "school-handover-pdf": Entry(CHILD_A, handover),
    # the SEN2 return: the SEND team only (its problems name children)
    "sen2-return": Entry(SEND_TEAM),
    "sen2-details": Entry(SEND_TEAM, lambda c: {"ehc_id": ehc_case(c).pk}),
    "sen2-download": Entry(SEND_TEAM, sen2_extract),
    # bringing in the existing caseload: the SEND manager only; a job only for who uploaded it
    "caseload-import": Entry({"send_manager"}),
    "caseload-import-upload": Entry({"send_manager"}, lambda c: {"kind": "caseload-children"}),
    "caseload-import-template": Entry({"send_manager"}, lambda c: {"kind": "caseload-ehc"}),
    "caseload-import-job": Entry({"send_manager"}, caseload_job),
    # who is this child: contacts, safeguarding flags, possible matches and merges
    "check-contact": Entry(
        SEND_TEAM | {"practitioner_a"},
        lambda c: {"child_id": c.child_a.pk, "contact_id": c.contact_a.pk},
    ),
    "child-safeguarding": Entry(SEND_TEAM, child),
    # families (issue 21): no staff role reaches a family page (404); signed out, a family page
    # says how to get in and shows no child (test_family_sessions_in_the_matrix tries families)
    "family-access": Entry(SEND_TEAM, child),
    "family-home": Entry(set(), open_to=frozenset({"anonymous"})),
    "family-link": Entry(set(), lambda c: {"token": "not-a-sign-in-token"}),
    "family-code": Entry(set()),
    "family-new-code": Entry(set(), post_only=True),
    "family-child": Entry(set(), child),
    "family-preferences": Entry(set()),
    # family contributions (issue 22): the family's pages as above; staff see child A's only
    # where the family agrees to share with their agency (the case agrees to setting, SEND team
    # and portage); only the portage worker completes it with the family; only the SEND team
    # asks the family questions
    # who sees what (issue 22): the family's own consent page (a family session only, as
    # above); the staff page for those who record a change on the family's behalf: the child's
    # setting, the family's portage worker and the SEND team
    "family-consent": Entry(set(), child),
    "family-feedback-consent": Entry(set()),  # a family page: staff 404
    # 404 for everyone with an unknown token (and for signed-in staff with any token)
    "family-survey-answer": Entry(set(), lambda c: {"token": "not-a-survey-token"}),
    "contact-feedback-consent": Entry(
        SEND_TEAM | {"practitioner_a"},
        lambda c: {"child_id": c.child_a.pk, "contact_id": c.contact_a.pk},
    ),
    "child-consent": Entry(CHILD_A, child),
    "family-all-about-me": Entry(set(), child),
    "family-home-observations": Entry(set(), child),
    "family-home-observation-new": Entry(set(), child),
    "family-home-observation-media": Entry(
        set(), lambda c: {"home_observation_id": c.home_observation.pk}
    ),
    "family-questions": Entry(set(), child),
    "family-question": Entry(set(), lambda c: {"question_id": c.family_question.pk}),
    "story-all-about-me": Entry(CHILD_A, child),
    "story-all-about-me-with-family": Entry({"portage_a"}, child),
    "story-home-observations": Entry(CHILD_A, child),
    "story-home-observation": Entry(
        CHILD_A, lambda c: {"home_observation_id": c.home_observation.pk}
    ),
    "story-home-observation-media": Entry(
        CHILD_A, lambda c: {"home_observation_id": c.home_observation.pk}
    ),
    "story-family-questions": Entry(SEND_TEAM, referral()),
    "story-family-question-close": Entry(
        SEND_TEAM, lambda c: {"question_id": c.family_question.pk}, post_only=True
    ),
    "possible-matches": Entry(SEND_TEAM),
    "possible-match": Entry(SEND_TEAM, lambda c: {"match_id": c.possible_match.pk}),
    "undo-merge": Entry({"send_manager"}, lambda c: {"merge_id": c.merge.pk}),
    # support plans: whoever sees the child reads it; the setting and the SEND team write it
    "support-plan": Entry(CHILD_A, child),
    "support-plan-new": Entry(SEND_TEAM | {"practitioner_a"}, child),
    "support-plan-edit": Entry(SEND_TEAM | {"practitioner_a"}, child),
    "support-plan-review": Entry(SEND_TEAM | {"practitioner_a"}, child),
    "support-plan-next-cycle": Entry(SEND_TEAM | {"practitioner_a"}, child),
    "support-plan-json": Entry(CHILD_A, child),
    "support-plan-pdf": Entry(CHILD_A, child),
    # settings a child attends: whoever sees the child reads them; the SEND team and the
    # child's lead setting add a setting, record a move and the family's answer on the plan
    "child-settings": Entry(CHILD_A, child),
    "child-settings-add": Entry(SEND_TEAM | {"practitioner_a"}, child),
    "child-settings-move": Entry(SEND_TEAM | {"practitioner_a"}, child),
    "child-settings-plan-sharing": Entry(SEND_TEAM | {"practitioner_a"}, attendance),
    "child-settings-end": Entry(SEND_TEAM | {"practitioner_a"}, attendance),
    "child-settings-lead": Entry(SEND_TEAM | {"practitioner_a"}, second_attendance),
    # funding for settings: the child's setting and the SEND team; planners see budgets only
    "funds-choose": Entry({"practitioner_a"}, child),
    "funds-apply": Entry(
        {"practitioner_a"},
        lambda c: {
            "child_id": c.child_a.pk,
            "fund_id": FundType.objects.get(kind=FundType.Kind.DISABILITY_ACCESS).pk,
        },
    ),
    "funds-applications": Entry(
        SEND_TEAM | {"practitioner_a"}, with_fund_records, open_to=OWN_LISTS
    ),
    "funds-application": Entry(SEND_TEAM | {"practitioner_a"}, fund_application),
    "funds-decide": Entry(SEND_TEAM, fund_application),
    "funds-evidence": Entry(
        SEND_TEAM | {"practitioner_a"}, lambda c: {"evidence_id": fund_records(c)[1].pk}
    ),
    "funds-payments": Entry(SEND_TEAM, with_fund_records),
    "funds-payment-file": Entry(SEND_TEAM, with_fund_records),
    "funds-payment-approve": Entry(
        SEND_TEAM, lambda c: {"payment_id": fund_records(c)[2].pk}, True
    ),
    "funds-payment-paid": Entry(SEND_TEAM, lambda c: {"payment_id": fund_records(c)[2].pk}),
    # case reviews (issue 27): the SEND manager, and a review's own panel while it is open
    "case-review": Entry({"send_manager"}, case_review),
    "review-case": Entry({"send_manager"}, review_case),
    "case-review-findings": Entry({"send_manager"}, case_review),
    "case-review-add-member": Entry({"send_manager"}, case_review, True),
    "case-review-remove-member": Entry(
        {"send_manager"}, lambda c: case_review(c) | {"member_id": 1}, True
    ),
    "case-review-propose": Entry({"send_manager"}, case_review, True),
    "review-case-pdf": Entry({"send_manager"}, review_case),
    "inspection-list-csv": Entry({"send_manager"}),
}

STAFF_ADMIN = (
    "staff admin for data officers (a permission per resource); the staff export lists "
    "caseload child references only"
)

NO_CHILD_DATA: dict[str, str] = {
    "home": "landing page: the role's tasks",
    "sign-in": "sign-in form",
    "privacy": "privacy notice",
    "family-privacy": "the privacy notice for families, in their language",
    "family-language": "the family pages' language switch: a language in the session",
    "family-sign-out": "ends the family session in this browser; shows no child",
    "accessibility": "accessibility statement",
    "sign-out": "ends the session (POST only), and the council sign-in's session where used",
    "case-reviews": "the reviews a user may open, by title and dates: cases only inside one",
    "case-review-new": "the form that draws a review's sample: the SEND manager only",
    "case-reviews-findings": "findings across reviews as counts: the SEND manager only",
    "inspection-evidence": "how many children the inspection list holds, and its columns",
    # the partnership self-evaluation: judgements about services and suppressed aggregate
    # figures, no child (tests/pathway/self_evaluation checks every role on every page)
    "self-evaluation": "years of the partnership self-evaluation; the SEND manager starts one",
    **{
        name: "the partnership self-evaluation: services and suppressed figures, no child"
        for name in (
            "self-evaluation-year",
            "self-evaluation-version",
            "self-evaluation-versions",
            "self-evaluation-compare",
            "self-evaluation-figures",
            "self-evaluation-report",
            "self-evaluation-pdf",
        )
    },
    # family surveys: a survey's questions and anonymous answers as suppressed counts, no
    # child (tests/pathway/family_survey checks every role on every page)
    "family-surveys": "family surveys by title and dates: the SEND manager and planners",
    **{
        name: "a survey's questions (no child): the SEND manager only"
        for name in (
            "family-survey-new",
            "family-survey",
            "family-survey-edit",
            "family-survey-preview",
            "family-survey-send",
        )
    },
    "family-survey-results": "anonymous answers as suppressed counts: SEND manager, planners",
    "family-survey-results-csv": "anonymous answers as suppressed counts, as a CSV",
    "family-survey-thanks": "the thank-you page after a family's anonymous answers",
    "self-evaluation-edit": "the SEND manager writes the self-evaluation: services, no child",
    "self-evaluation-agree": "the SEND manager agrees a version: services, no child",
    "health": "liveness: database and version only",
    # the rule editor: routing rules only, the SEND manager only (tests/pathway/rulebook)
    **{
        name: "rule editor: a draft's rules, no child; the SEND manager only"
        for name in (
            "rule-set-notes",
            "add-rule",
            "edit-rule",
            "delete-rule",
            "choose-fact",
            "add-condition",
            "change-condition",
            "remove-condition",
        )
    },
    # accounts and deployment (tests/security checks them)
    "readiness": "readiness: database and broker status only, no sign-in",
    "public-media": "Wagtail's images only, public by nature (tests/production/test_storage.py)",
    "two-factor-verify": "the signed-in user's own second step",
    "two-factor-set-up": "the signed-in user's own authenticator app",
    "two-factor": "the signed-in user's own two-factor status",
    "two-factor-recovery-codes": "the signed-in user's own recovery codes, shown once",
    "two-factor-new-recovery-codes": "the signed-in user's own recovery codes",
    "keep-alive": "the signed-in user's own session time left",
    "twilio-status": "signed Twilio callback: updates a message's status, returns nothing",
    "twilio-inbound": "signed Twilio callback: STOP/START keywords, returns nothing",
    "early-help-pack-schema": "the JSON schema of the early help pack",
    "support-plan-schema": "the JSON schema of the support plan export",
    # training: staff records, no child data (tests/training checks who sees them)
    "training-module-start": "a learner starts a module: their own enrolment",
    "training-lesson-submit": "a learner's own answers to a lesson",
    "training-certificate": "a member of staff's own certificate",
    "training-certificate-pdf": "a member of staff's own certificate",
    "training-coverage": "staff training figures for trainers",
    "training-setting-coverage": "staff training figures for trainers",
    "training-export": "staff training completions for trainers",
    "training-import": "attendance import for trainers",
    "training-import-template": "a blank CSV template",
    "training-import-preview": "attendance import preview for trainers",
    "training-import-confirm": "attendance import for trainers",
    # planning: aggregates only, small counts suppressed (tests/pathway/planning checks who)
    "planning": "area figures for planners and the SEND manager",
    "planning-geojson": "area figures for planners and the SEND manager",
    "planning-csv": "area figures for planners and the SEND manager",
    "planning-school-entry": "area figures for planners and the SEND manager",
    "funds-budgets": "sums of money by fund, year and area for the SEND team and planners; no "
    "child (tests/pathway/funds checks who)",
    "invitation": "set a password from an invitation link",
    # council sign-in (issue 28; tests/oidc against a real provider)
    "council-sign-in": "sends the person to the council's identity provider; 404 when off",
    "oidc_authentication_callback": "the provider's answer: signs the person in, no child",
    "council-sign-in-refused": "why the council sign-in was refused, in words",
    # the quarterly access review: staff accounts only, the SEND manager only
    # (tests/earlyyears/test_access_review.py checks who)
    "access-reviews": "the SEND manager's access reviews: staff, roles and settings, no child",
    "access-review": "the SEND manager's access review checklist: staff, no child",
    "access-review-finish": "finishes an access review: the SEND manager only, no child",
    # staff accounts, no child data (tests/security/test_admin_accounts.py checks who decides)
    "account-changes": "SEND manager approves changes to staff accounts",
    "account-change": "SEND manager approves changes to staff accounts",
    "auth_user_password_change": "refuses: administrators send a link instead of a password",
    "add": "Wagtail's new user page, with the account rules (earlyyears.accounts.wagtail_users)",
    "edit": "Wagtail's user edit page, with the account rules (earlyyears.accounts.wagtail_users)",
    "earlyyears_area_changelist": STAFF_ADMIN,
    "earlyyears_area_import": STAFF_ADMIN,
    "earlyyears_area_import_template": STAFF_ADMIN,
    "earlyyears_area_import_job": STAFF_ADMIN,
    "earlyyears_area_export": STAFF_ADMIN,
    "earlyyears_setting_changelist": STAFF_ADMIN,
    "earlyyears_setting_import": STAFF_ADMIN,
    "earlyyears_setting_import_template": STAFF_ADMIN,
    "earlyyears_setting_import_job": STAFF_ADMIN,
    "earlyyears_setting_export": STAFF_ADMIN,
    "earlyyears_user_changelist": STAFF_ADMIN,
    "earlyyears_user_import": STAFF_ADMIN,
    "earlyyears_user_import_template": STAFF_ADMIN,
    "earlyyears_user_import_job": STAFF_ADMIN,
    "earlyyears_user_export": STAFF_ADMIN,
    # the local offer: public directory data
    "local-offer": "public directory of services",
    "api-services": "public Open Referral UK API",
    "api-service": "public Open Referral UK API",
    # the rest of the Open Referral UK API (issue 25): published services and vocabularies,
    # public by design, no child data (tests/cms/test_oruk_api.py checks drafts stay out)
    "api-root": "public Open Referral UK API: its version and profile, no child data",
    "api-openapi": "public Open Referral UK API: the standard's description, no child data",
    "api-service-at-locations": "public Open Referral UK API: published services, no child data",
    "api-service-at-location": "public Open Referral UK API: a published service, no child data",
    "api-taxonomies": "public Open Referral UK API: vocabularies, no child data",
    "api-taxonomy": "public Open Referral UK API: a vocabulary, no child data",
    "api-taxonomy-terms": "public Open Referral UK API: vocabulary terms, no child data",
    "api-taxonomy-term": "public Open Referral UK API: a vocabulary term, no child data",
    "cms_import": "local offer import for editors (Wagtail admin)",
    "cms_import_preview": "local offer import for editors (Wagtail admin)",
    "cms_export": "local offer export for editors (Wagtail admin)",
    "cms_feeds": "other publishers' feeds for local offer moderators (Wagtail admin), no child",
    "cms_providers": "providers' accounts for local offer moderators (Wagtail admin), no child",
    "cms_register": "Ofsted's register of settings for local offer moderators, no child",
    "cms_register_preview": "an Ofsted register upload's preview for its moderator, no child",
    "cms_feed_pull": "other publishers' feeds for local offer moderators (Wagtail admin)",
    "cms_feed_approve": "other publishers' feeds for local offer moderators (Wagtail admin)",
    "cms_import_progress": "a large import's progress for local offer moderators, no child "
    "(tests/cms/test_staged_import.py refuses editors)",
    "cms_local_note": "the council's note on a service for local offer moderators, no child "
    "(tests/cms/test_local_notes.py refuses editors)",
    # families' comments (issue 26, Regulation 56): no child record; the originals only to local
    # offer moderators (tests/cms/test_local_offer_comments.py checks editors and staff)
    "local-offer-comment": "public: a family comments on the local offer, no account, no child",
    "local-offer-service-comment": "public: a family comments on a published service, no child",
    "local-offer-comment-sent": "public: the family's own confirmation and reference, no child",
    "you-said-we-did": "public: the years' published pages, redacted text only, no child",
    "you-said-we-did-year": "public: a year's redacted comments and responses, no child",
    "cms_comments": "families' comments for local offer moderators only (Wagtail admin)",
    "cms_comment": "one comment with its original, local offer moderators only (Wagtail admin)",
    "cms_comment_year": "a year's page to publish, local offer moderators only (Wagtail admin)",
    "cms_not_reviewed": "services nobody reviewed, local offer moderators only, no child",
}


def project_urls() -> list[tuple[str, str]]:
    """(name, route) for every URL pattern whose view is ours."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "") or ""
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class is not None:
                    module = view_class.__module__
                if module.startswith(PROJECT_APPS):
                    yield pattern.name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)), key=lambda item: item[1])


def test_every_url_has_a_matrix_entry():
    missing = [
        (name, route)
        for name, route in project_urls()
        if name not in MATRIX and name not in NO_CHILD_DATA
    ]
    assert missing == [], f"Decide who may use these URLs, in MATRIX or NO_CHILD_DATA: {missing}"
    stale = sorted((set(MATRIX) | set(NO_CHILD_DATA)) - {name for name, _ in project_urls()})
    assert stale == [], f"Entries for URLs that no longer exist: {stale}"


EVERY_SERVICE = {"consent_given_by": "Ngozi Okafor", "share_with": list(ShareWith.values)}


@pytest.fixture
def case(world):
    """Child A's records of every kind, and users of every role."""
    c = world
    c.professional_asked = UserFactory(role=Role.PROFESSIONAL, username="therapist")
    with transaction.atomic():
        c.referral_a = create_referral(
            child=c.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=c.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=c.setting_a,
            consent=EVERY_SERVICE,
            notify=False,
        )
        c.early_help_referral = create_referral(
            child=c.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=c.practitioner_a,
            answers={"health_family": {"family_circumstances": True}},
            setting=c.setting_a,
            consent=EVERY_SERVICE,
            notify=False,
        )
    assert "early_help" in c.early_help_referral.routes
    c.observation = Observation.objects.create(
        child=c.child_a,
        setting=c.setting_a,
        eyfs_area="communication_language",
        observed_on=timezone.localdate(),
        what_was_seen="Pointed at the ball",
        observer=c.practitioner_a,
    )
    c.observation.attachment.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    c.draft = start_draft(c.practitioner_a, setting=c.setting_a, child=c.child_a)
    decision = casework.decide(
        c.referral_a,
        "more_information",
        by=c.send_officer,
        reason="Need the review",
        question="What did the review show?",
        notify=False,
    )
    c.question = InformationRequest.objects.get(decision=decision)
    c.panel = PanelMeeting.objects.create(
        held_on=timezone.localdate() + datetime.timedelta(days=7), created_by=c.send_officer
    )
    c.panel_member = PanelMember.objects.create(
        meeting=c.panel, name="Dr Rao", agency=PanelMember.Agency.HEALTH
    )
    c.panel_item = PanelAgendaItem.objects.create(meeting=c.panel, referral=c.referral_a)
    c.visit = PortageVisit.objects.create(
        child=c.child_a,
        worker=c.portage_a,
        visited_on=timezone.localdate(),
        goals="Turn-taking with a ball",
        progress="Took three turns",
    )
    FamilyPaperwork.objects.create(
        child=c.child_a,
        completed_by="Ngozi Okafor",
        relationship="Mother",
        what_people_like_about_me="My smile",
        what_is_important_to_me="Music",
        how_best_to_support_me="Show me pictures",
        recorded_by=c.portage_a,
    )
    # Family contributions (issue 22): the family agrees to share with the setting, the SEND
    # team and portage; a home observation with a photo; a question to the family.
    from pathway.models import AllAboutMe, ConsentRecord, FamilyQuestion, HomeObservation

    for agency in ("setting", "send_team", "portage"):
        ConsentRecord.objects.update_or_create(
            child=c.child_a, agency=agency, defaults={"given": True}
        )
    c.home_observation = HomeObservation.objects.create(
        child=c.child_a, eyfs_area="physical", note="Climbed the stairs"
    )
    c.home_observation.media.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    AllAboutMe.objects.create(
        child=c.child_a,
        version=1,
        what_people_like_about_me="My smile",
        assisted_by=c.portage_a,
        completed_with="Ngozi Okafor",
    )
    c.family_question = FamilyQuestion.objects.create(
        referral=c.referral_a, question="Does she sleep?", asked_by=c.send_officer
    )
    c.tac = TacMeeting.objects.create(
        child=c.child_a, held_on=timezone.localdate(), created_by=c.send_officer
    )
    c.action = TacAction.objects.create(
        meeting=c.tac,
        child=c.child_a,
        description="Try a visual timetable",
        owner=c.practitioner_a,
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    template = AdviceTemplate.objects.get(discipline="slt")
    c.advice = AdviceRequest.objects.create(
        referral=c.referral_a,
        template=template,
        discipline="slt",
        questions=template.questions,
        professional=c.professional_asked,
        requested_by=c.send_officer,
        due_on=timezone.localdate() + datetime.timedelta(weeks=6),
    )
    c.message = OutboxMessage.objects.create(
        idempotency_key="matrix",
        channel="sms",
        template="concern_received_family",
        child=c.child_a,
        to_phone="+447700900123",
        status=OutboxMessage.Status.FAILED,
    )
    c.contact_a = FamilyContact.objects.create(
        child=c.child_a, name="Ngozi Okafor", relationship="mother", mobile_phone="+447700900123"
    )
    # Another record that may be child A, and an earlier merge into child A, for the SEND team.
    other = ChildFactory(
        first_name=c.child_a.first_name,
        last_name=c.child_a.last_name,
        date_of_birth=c.child_a.date_of_birth,
        setting=None,
        area=c.child_a.area,
        record_status=Child.RecordStatus.PROVISIONAL,
    )
    c.possible_match = PossibleMatch.objects.create(
        child=other, existing=c.child_a, found_by="Same name and date of birth"
    )
    alias = ChildFactory(setting=None, area=c.child_a.area)
    c.merge = ChildMerge.objects.create(
        survivor=c.child_a, merged=alias, reason="Same child", merged_by=c.send_manager
    )
    c.support_plan = support_plans.create_plan(
        c.practitioner_a,
        c.child_a,
        tier="targeted",
        strengths="",
        outcomes=[support_plans.OutcomeRow("Amara will ask for help", timezone.localdate())],
        provision=[],
        cycle=support_plans.CycleStart(
            timezone.localdate(), timezone.localdate() + datetime.timedelta(weeks=8), "Stories"
        ),
    )
    c.secrets = (c.child_a.full_name, c.referral_a.reference)
    return c


DENIED = (403, 404)


def _denied(response, who: str) -> bool:
    if response.status_code in DENIED:
        return True
    if response.status_code == 302:
        return response["Location"].startswith(reverse("sign-in")) and who == "anonymous"
    return response.status_code == 405


def test_access_matrix(client, case, capsys):
    attempts = 0
    failures = []
    names = dict(project_urls())
    for name, entry in sorted(MATRIX.items()):
        if name not in names:
            continue
        url = reverse(name, kwargs=entry.kwargs(case))
        for who in EVERYONE:
            client.logout()
            if who != "anonymous":
                client.force_login(getattr(case, who))
            allowed = who in entry.allowed
            methods = ["post"] if entry.post_only else ["get", "post"]
            for method in methods:
                if allowed and method == "post":
                    continue  # changing things as an allowed user is each feature's own test
                response = getattr(client, method)(url)
                attempts += 1
                if allowed:
                    if response.status_code in DENIED:
                        failures.append(f"{who} was refused {method.upper()} {url} ({name})")
                    continue
                if _denied(response, who):
                    continue
                body = response.content.decode(errors="replace")
                leaked = [s for s in (*case.secrets, *entry.secrets) if s in body]
                if not leaked and who in entry.open_to and response.status_code in (200, 302):
                    continue  # their own list or form, without child A
                failures.append(
                    f"{who} got {response.status_code} for {method.upper()} {url} ({name})"
                    + (f", showing {leaked}" if leaked else "")
                )
    with capsys.disabled():
        print(
            f"\nAccess matrix: {attempts} attempts over {len(MATRIX)} URLs x {len(EVERYONE)} users"
        )
    assert failures == [], "\n".join(failures)


def _body(response) -> str:
    if response.streaming:
        # The test client closes a streamed response once it is read; closing it again here
        # would fire request_finished and close PostgreSQL's connection inside the test.
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_access_matrix_when_access_ended(client, case, capsys):
    """Every URL again, as each user whose access a state ended, against that state's child
    (tests/access_states.py: consent withdrawn, a lawful basis ended, an advice request
    withdrawn, advice answered and the referral closed, a hand-off declined, a caseload ended, a
    practitioner who left the setting, a child who moved). A URL about one record must refuse
    them unless the state says they keep it (what they sent themselves), and then show nothing
    new; a list or form of their own must not name the child or quote its records."""
    started = time.monotonic()
    case.matrix_panel, case.matrix_panel_member = case.panel, case.panel_member
    states = build_states(case)
    attempts, failures, not_covered = 0, [], set()
    names = dict(project_urls())
    for name, entry in sorted(MATRIX.items()):
        if name not in names:
            continue
        for state in states:
            try:
                kwargs = entry.kwargs(state)
            except AttributeError:
                not_covered.add(name)  # a record kind the states do not build yet
                continue
            url = reverse(name, kwargs=kwargs)
            for who in state.lost:
                client.force_login(getattr(state, who))
                kept = state.kept(name, who)
                refused_role = False
                for method in ["post"] if entry.post_only else ["get", "post"]:
                    if method == "post" and (kept or refused_role):
                        # Changing what they keep is each feature's own test; a GET refused
                        # with 403 is the role's refusal, decided before any record is read
                        # (the first matrix tries that role's POSTs against child A).
                        continue
                    response = getattr(client, method)(url)
                    refused_role = method == "get" and response.status_code == 403
                    attempts += 1
                    body = _body(response)
                    where = f"{state.name}: {who} {method.upper()} {url} ({name})"
                    if kept:
                        leaked = [s for s in state.new_secrets if s in body]
                        if response.status_code in DENIED or leaked:
                            failures.append(f"{where} got {response.status_code}, {leaked}")
                        continue
                    if _denied(response, who):
                        continue
                    leaked = [s for s in state.secrets if s in body]
                    if not kwargs and response.status_code in (200, 302) and not leaked:
                        continue  # their own list or form, without this child
                    failures.append(f"{where} got {response.status_code}, {leaked}")
    with capsys.disabled():
        print(
            f"\nAccess matrix, ended access: {attempts} attempts over {len(states)} states "
            f"in {time.monotonic() - started:.1f}s"
            + (
                f"; URLs whose records the states do not build: {sorted(not_covered)}"
                if not_covered
                else ""
            )
        )
    assert failures == [], "\n".join(failures)


def test_withdrawn_consent_is_in_the_matrix(client, case):
    """The services that see child A's referral through consent lose it the moment the family
    withdraws it, and get it back only on a lawful basis a SEND manager records."""
    pages = {
        "early_help": reverse("early-help-pack", args=[case.early_help_referral.pk]),
        "portage_a": reverse("referral-detail", args=[case.referral_a.pk]),
        "professional_asked": reverse("referral-detail", args=[case.referral_a.pk]),
    }
    services = {"early_help": "early_help", "portage_a": "portage", "professional_asked": "health"}
    for who, url in pages.items():
        client.force_login(getattr(case, who))
        assert client.get(url).status_code == 200, who
        referral = case.early_help_referral if who == "early_help" else case.referral_a
        casework.withdraw_consent(
            referral, services[who], by=case.practitioner_a, reason="Mum rang the nursery"
        )
        assert client.get(url).status_code == 404, who
        casework.share_without_consent(
            referral, services[who], by=case.send_manager, reason="Safeguarding"
        )
        assert client.get(url).status_code == 200, who


def test_family_sessions_in_the_matrix(client, case):
    """A family session (issue 21) reaches its own child's family page and nothing else: not
    another family's child, not an unlinked child, not after the contact is withdrawn or
    blocked or the session idles out (404 each), and no staff URL at all (every MATRIX entry
    answers a family as it answers anyone signed out)."""
    from earlyyears.models import FamilyContact as Contact
    from pathway.access.families import FAMILY_ACTIVITY_KEY
    from pathway.families import services as family_services
    from tests.pathway.families.conftest import sign_in

    def family_for(child, phone):
        contact = Contact.objects.create(
            child=child, name="Parent", relationship="mother", mobile_phone=phone, sms_consent=True
        )
        link = family_services.link_contact(contact, by=case.send_officer)
        return contact, family_services.send_sign_in_link(link, by=case.send_officer)[1]

    contact_a, token_a = family_for(case.child_a, "+447700900301")
    family_for(case.child_b, "+447700900302")  # another family's child
    client.logout()
    sign_in(client, token_a)
    own = reverse("family-child", kwargs={"child_id": case.child_a.pk})
    assert client.get(own).status_code == 200
    unlinked = ChildFactory(setting=case.setting_a)
    for other in (case.child_b, unlinked):
        assert client.get(reverse("family-child", kwargs={"child_id": other.pk})).status_code == 404
    failures = []
    names = dict(project_urls())
    for name, entry in sorted(MATRIX.items()):
        if name not in names or name.startswith("family-"):
            continue
        url = reverse(name, kwargs=entry.kwargs(case))
        for method in ["post"] if entry.post_only else ["get", "post"]:
            response = getattr(client, method)(url)
            body = response.content.decode(errors="replace")
            leaked = [s for s in case.secrets if s in body]
            ok = _denied(response, "anonymous") or (
                "anonymous" in entry.open_to and response.status_code == 200
            )
            if not ok or leaked:
                failures.append(f"family got {response.status_code} for {method} {url} {leaked}")
    assert failures == [], "\n".join(failures)
    assert client.get(own).status_code == 200  # still signed in: the refusals were the pages'
    session = client.session
    session[FAMILY_ACTIVITY_KEY] -= 30 * 60
    session.save()
    assert client.get(own).status_code == 404  # idle: signed out
    for change in ({"do_not_contact": True}, "blocked"):
        sign_in(client, token_a)
        assert client.get(own).status_code == 200
        if change == "blocked":
            family_services.block_family_access(case.child_a, by=case.send_officer, reason="x")
        else:
            Contact.objects.filter(pk=contact_a.pk).update(**change)
        assert client.get(own).status_code == 404
        Contact.objects.filter(pk=contact_a.pk).update(do_not_contact=False)
