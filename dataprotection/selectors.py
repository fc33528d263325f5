"""Reads: the audit trail search, and the subject access record for one child.

`subject_access_record` is the one place allowed to read across every kind of record for one
child. It starts from the access layer (`child_for`, so the child must be visible to the user)
and is only called for a SEND manager; from there it reads related records directly, because
a subject access request must return everything, whoever in the service recorded it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from cms.comments.selectors import comments_naming
from earlyyears.access import child_for
from earlyyears.messaging.selectors import SECRET_WORDS
from earlyyears.messaging.services import render as render_message
from earlyyears.models import Child, FamilyContact, OutboxMessage, Role, User, display_name
from pathway.attendance.selectors import attendance_subject_access
from pathway.case_reviews.selectors import case_reviews_subject_access
from pathway.consent.selectors import consent_subject_access
from pathway.ehc.selectors import ehc_subject_access
from pathway.family_story.selectors import family_story_subject_access
from pathway.family_survey.selectors import family_survey_subject_access
from pathway.funds.selectors import funds_subject_access
from pathway.models import (
    AdviceRequest,
    ChildMerge,
    Decision,
    EarlyHelpHandoff,
    FamilyPaperwork,
    FundingAward,
    HandoverRecord,
    InformationRequest,
    Observation,
    PanelAgendaItem,
    PortageVisit,
    PossibleMatch,
    Referral,
    ReferralEvent,
    SchoolMove,
    SenNeed,
    ShareWith,
    SupportPlan,
    TacAction,
    TacMeeting,
)
from pathway.routing import reason_sentences
from pathway.selectors import answer_sections

from .models import AccessEvent, LegalHold

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    child_id: int | None = None
    username: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    action: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def audit_events(filters: AuditFilters) -> QuerySet[AccessEvent]:
    events = AccessEvent.objects.all()
    if filters.child_id is not None:
        # A merged record's events stay filed under its own id: the search follows the merge.
        aliases = Child.objects.filter(merged_into_id=filters.child_id).values_list("pk", flat=True)
        events = events.filter(child_id__in=[filters.child_id, *aliases])
    if filters.username:
        # What the person did, and what was done to their account.
        accounts = [
            str(pk)
            for pk in User.objects.filter(username__iexact=filters.username).values_list(
                "pk", flat=True
            )
        ]
        events = events.filter(
            Q(username__iexact=filters.username)
            | Q(
                action=AccessEvent.Action.ACCOUNT,
                object_type="earlyyears.user",
                object_id__in=accounts,
            )
        )
    if filters.date_from:
        events = events.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.action in AccessEvent.Action.values:
        events = events.filter(action=filters.action)
    return events.order_by("-at", "-pk")


def audit_page(filters: AuditFilters, page_number: Any = 1) -> Page:
    """One page of events: a count and one query for the rows, whatever the page holds."""
    events = audit_events(filters).select_related("child")
    return Paginator(events, AUDIT_PAGE_SIZE).get_page(page_number)


# --- Subject access ------------------------------------------------------------------------


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or ""


WITHHELD = "Withheld: the address must not be disclosed"


def _child(child: Child) -> dict[str, Any]:
    return {
        "reference": child.reference,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth,
        "postcode": WITHHELD if child.address_withheld else child.postcode,
        "home_area": child.area.name if child.area_id else "",
        "setting": child.setting.name if child.setting_id else "",
        "languages_at_home": list(child.languages or []),
        "nhs_number": child.nhs_number,
        "record_created": child.created_at,
        "record_status": child.get_record_status_display(),
        "looked_after": child.looked_after,
        "court_order_restricts_information": child.court_order,
        "also_filed_under": [alias.reference for alias in child.aliases.all()],
    }


def _contacts(child: Child) -> list[dict[str, Any]]:
    contacts = FamilyContact.objects.filter(child=child).prefetch_related("details")
    rows = []
    for c in contacts:
        hidden = c.address_withheld or child.address_withheld
        rows.append(
            {
                "name": c.name,
                "relationship": c.get_relationship_display(),
                "mobile_phone": c.mobile_phone,
                "email": c.email,
                "address": WITHHELD if hidden and c.address else c.address,
                "preferred_language": c.get_preferred_language_display(),
                "agreed_to_text_messages": c.sms_consent,
                "text_consent_recorded": c.sms_consent_recorded_at,
                "main_contact": c.is_primary,
                "added_by": c.get_source_display(),
                "checked": c.get_confirmation_display(),
                "parental_responsibility": c.has_parental_responsibility,
                "do_not_contact": c.do_not_contact,
                "details_on_file": [
                    {
                        "kind": d.get_kind_display(),
                        "value": WITHHELD if hidden and d.kind == "address" else d.value,
                        "given_by": d.get_source_display(),
                        "given": d.submitted_at,
                        "status": d.get_status_display(),
                    }
                    for d in c.details.all()
                ],
            }
        )
    return rows


def _identity(child: Child) -> list[dict[str, Any]]:
    """Possible matches and merges that involve this child's record or its aliases."""
    ids = _ids_of(child)
    rows: list[dict[str, Any]] = []
    for m in PossibleMatch.objects.filter(Q(child_id__in=ids) | Q(existing_id__in=ids)):
        rows.append(
            {
                "what": "Possible match",
                "records": f"{m.child_id} and {m.existing_id}",
                "found": m.found_at,
                "found_because": m.found_by,
                "outcome": m.get_status_display(),
                "decided": m.decided_at,
            }
        )
    for merge in ChildMerge.objects.filter(
        Q(survivor_id__in=ids) | Q(merged_id__in=ids)
    ).select_related("survivor", "merged"):
        rows.append(
            {
                "what": "Merge",
                "records": f"{merge.merged.reference} into {merge.survivor.reference}",
                "found": merge.merged_at,
                "found_because": merge.reason,
                "outcome": "Undone" if merge.is_undone else "Merged",
                "decided": merge.undone_at or merge.merged_at,
            }
        )
    return rows


def _ids_of(child: Child) -> list[int]:
    """The child's id and the ids of records merged into it: the audit trail and holds are
    filed under the id they had at the time, and follow the merge."""
    return [child.pk, *Child.objects.filter(merged_into=child).values_list("pk", flat=True)]


def _observations(child: Child) -> list[dict[str, Any]]:
    return [
        {
            "area_of_learning": o.get_eyfs_area_display(),
            "observed_on": o.observed_on,
            "what_was_seen": o.what_was_seen,
            "strengths": o.strengths,
            "observed_by": display_name(o.observer, nobody=""),
            "setting": o.setting.name if o.setting_id else "",
            "attachment": o.attachment_name if o.attachment else "",
            "recorded": o.created_at,
        }
        for o in Observation.objects.filter(child=child).select_related("observer", "setting")
    ]


def _referrals(child: Child) -> list[dict[str, Any]]:
    referrals = list(
        Referral.objects.filter(child=child)
        .select_related("setting", "submitted_by", "allocated_to", "rule_set")
        .prefetch_related("current_routes")
        .order_by("submitted_at", "pk")
    )
    ids = [r.pk for r in referrals]

    def by_referral(queryset):
        grouped: dict[int, list] = {pk: [] for pk in ids}
        for row in queryset:
            grouped[row.referral_id].append(row)
        return grouped

    events = by_referral(
        ReferralEvent.objects.filter(referral_id__in=ids).select_related("actor").order_by("at")
    )
    decisions = by_referral(
        Decision.objects.filter(referral_id__in=ids).select_related("decided_by", "at_panel")
    )
    questions = by_referral(
        InformationRequest.objects.filter(referral_id__in=ids).select_related(
            "asked_by", "answered_by"
        )
    )
    funding = by_referral(
        FundingAward.objects.filter(referral_id__in=ids).select_related("setting", "awarded_by")
    )
    panel_items = by_referral(
        PanelAgendaItem.objects.filter(referral_id__in=ids).select_related("meeting", "decision")
    )
    advice = by_referral(
        AdviceRequest.objects.filter(referral_id__in=ids).select_related(
            "professional", "requested_by"
        )
    )
    handoffs = {
        h.referral_id: h
        for h in EarlyHelpHandoff.objects.filter(referral_id__in=ids).select_related("coordinator")
    }
    result = []
    for r in referrals:
        handoff = handoffs.get(r.pk)
        result.append(
            {
                "reference": r.reference or f"Referral {r.pk}",
                "source": r.get_source_display(),
                "submitted": r.submitted_at,
                "submitted_by": display_name(r.submitted_by, nobody=""),
                "setting": r.setting.name if r.setting_id else "",
                "status": r.get_status_display(),
                "routes_now": [route.get_route_display() for route in r.current_routes.all()],
                "why_it_was_routed": reason_sentences(r.routing_reasons or [], r.routes or []),
                "routing_rules_version": r.rule_set.version if r.rule_set_id else None,
                "allocated_to": display_name(r.allocated_to, nobody=""),
                "outcome": r.outcome,
                "consent_given_by": r.consent_given_by,
                "consent_given_on": r.consent_given_on,
                "family_agreed_to_share_with": [
                    _label(ShareWith, code) for code in (r.share_with or [])
                ],
                "answers": [
                    {"section": s["title"], "answers": dict(s["rows"])} for s in answer_sections(r)
                ],
                "answers_as_recorded": r.answers,
                "events": [
                    {
                        "at": e.at,
                        "what": e.get_kind_display(),
                        "summary": e.summary,
                        "by": display_name(e.actor, nobody=""),
                    }
                    for e in events[r.pk]
                ],
                "decisions": [
                    {
                        "decision": d.get_kind_display(),
                        "reason": d.reason,
                        "decided": d.decided_at,
                        "decided_by": display_name(d.decided_by, nobody=""),
                        "at_panel": d.at_panel.held_on if d.at_panel_id else None,
                    }
                    for d in decisions[r.pk]
                ],
                "questions_to_the_setting": [
                    {
                        "question": q.question,
                        "asked": q.asked_at,
                        "asked_by": display_name(q.asked_by, nobody=""),
                        "answer": q.answer,
                        "answered": q.answered_at,
                        "answered_by": display_name(q.answered_by, nobody=""),
                    }
                    for q in questions[r.pk]
                ],
                "inclusion_funding": [
                    {
                        "setting": f.setting.name,
                        "amount": str(f.amount),
                        "hours_per_week": str(f.hours_per_week),
                        "starts_on": f.starts_on,
                        "ends_on": f.ends_on,
                        "review_on": f.review_on,
                        "awarded_by": display_name(f.awarded_by, nobody=""),
                    }
                    for f in funding[r.pk]
                ],
                # Only this child's own items: a panel's agenda names other children.
                "panel_items": [
                    {
                        "panel_held_on": item.meeting.held_on,
                        "discussion": item.discussion,
                        "decision": item.decision.get_kind_display() if item.decision else "",
                    }
                    for item in panel_items[r.pk]
                ],
                "early_help": (
                    {
                        "status": handoff.get_status_display(),
                        "handed_over": handoff.created_at,
                        "coordinator": display_name(handoff.coordinator, nobody=""),
                        "response_reason": handoff.response_reason,
                        "outcome": handoff.get_outcome_display() if handoff.outcome else "",
                        "outcome_notes": handoff.outcome_notes,
                        "closed": handoff.closed_at,
                    }
                    if handoff
                    else None
                ),
                "advice": [
                    {
                        "discipline": a.get_discipline_display(),
                        "professional": display_name(a.professional, nobody=""),
                        "requested": a.requested_at,
                        "requested_by": display_name(a.requested_by, nobody=""),
                        "what_was_asked": a.message,
                        "status": a.get_status_display(),
                        "answers": {
                            q.get("label") or q.get("key", ""): (a.answers or {}).get(q.get("key"))
                            for q in (a.questions or [])
                        },
                        "given": a.submitted_at,
                    }
                    for a in advice[r.pk]
                ],
            }
        )
    return result


def _portage(child: Child) -> list[dict[str, Any]]:
    return [
        {
            "visited_on": v.visited_on,
            "portage_worker": display_name(v.worker, nobody=""),
            "goals": v.goals,
            "progress": v.progress,
            "next_steps": v.next_steps,
            "next_visit_on": v.next_visit_on,
        }
        for v in PortageVisit.objects.filter(child=child).select_related("worker")
    ]


def _paperwork(child: Child) -> dict[str, Any] | None:
    p = FamilyPaperwork.objects.filter(child=child).select_related("recorded_by").first()
    if p is None:
        return None
    return {
        "completed_with": p.completed_by,
        "relationship": p.relationship,
        "what_people_like_about_me": p.what_people_like_about_me,
        "what_is_important_to_me": p.what_is_important_to_me,
        "how_best_to_support_me": p.how_best_to_support_me,
        "how_i_communicate": p.how_i_communicate,
        "family_hopes": p.family_hopes,
        "family_worries": p.family_worries,
        "consent_to_share": [_label(ShareWith, code) for code in (p.consent_to_share or [])],
        "consent_given_on": p.consent_given_on,
        "recorded_by": display_name(p.recorded_by, nobody=""),
        "updated": p.updated_at,
    }


def _tac(child: Child) -> list[dict[str, Any]]:
    meetings = TacMeeting.objects.filter(child=child).prefetch_related("attendees")
    actions: dict[int, list[TacAction]] = {}
    for action in TacAction.objects.filter(child=child).select_related("owner"):
        actions.setdefault(action.meeting_id, []).append(action)
    return [
        {
            "held_on": m.held_on,
            "notes": m.notes,
            "next_review_on": m.next_review_on,
            "attendees": [
                f"{a.name} ({a.get_discipline_display()})" + ("" if a.present else ", absent")
                for a in m.attendees.all()
            ],
            "actions": [
                {
                    "action": a.description,
                    "owner": display_name(a.owner, nobody="") or a.owner_name,
                    "due_on": a.due_on,
                    "done": a.done_at,
                }
                for a in actions.get(m.pk, [])
            ],
        }
        for m in meetings
    ]


def _words(message: OutboxMessage) -> str:
    """The words sent. Messages sent before the words were kept are shown as their template
    reads now, and say so, rather than as the template's code. A sign-in link or code is never
    shown: whoever read it could sign in."""
    if message.template in SECRET_WORDS:
        return SECRET_WORDS[message.template]
    if message.body:
        return message.body
    try:
        text, _ = render_message(message.template, message.language, message.context or {})
    except ValueError:
        return "A message whose words were not kept"
    if message.sent_at is None:
        return f"{text} (not sent yet)"
    return f"{text} (the words as the message reads now: the words sent were not kept)"


def _messages(child: Child) -> list[dict[str, Any]]:
    """Messages about the child. A message to the family shows where it went; one to a member
    of staff says only that (their phone and email are not the child's data)."""
    rows = []
    for m in OutboxMessage.objects.filter(child=child).select_related("to_contact", "to_user"):
        family = m.to_contact is not None and m.to_contact.child_id == child.pk
        if family:
            recipient = f"{m.to_contact.name}, {m.to_phone or m.to_email}".strip(", ")
        elif m.to_user_id:
            recipient = f"A member of staff ({_label(Role, m.to_user.role)})"
        else:
            recipient = "Not recorded"
        rows.append(
            {
                "created": m.created_at,
                "channel": m.get_channel_display(),
                "message": _words(m),
                "to": recipient,
                "status": m.get_status_display(),
                "sent": m.sent_at,
            }
        )
    return rows


def _family_access(child: Child) -> list[dict[str, Any]]:
    """Who in the family may follow the child online (issue 21), the sign-in links sent to
    them (never the link itself), and any block the SEND team placed."""
    from earlyyears.models import FamilyAccessBlock, FamilyLink
    from pathway.models import FamilySignInLink

    rows: list[dict[str, Any]] = []
    for link in FamilyLink.objects.filter(child=child).select_related(
        "member", "confirmed_by", "ended_by"
    ):
        member = link.member
        rows.append(
            {
                "what": "Family member",
                "name": member.name,
                "mobile_phone": member.mobile_phone,
                "language": member.get_preferred_language_display(),
                "only_texts_about_decisions": member.fewer_texts,
                "confirmed_by": display_name(link.confirmed_by, nobody=""),
                "confirmed": link.confirmed_at,
                "ended": link.ended_at,
                "last_looked": link.last_viewed_at,
                "sign_in_links_sent": [
                    {"sent": s.created_at, "to": s.sent_to, "works_until": s.expires_at}
                    for s in FamilySignInLink.objects.filter(member=member, contact__child=child)
                ],
            }
        )
    for block in FamilyAccessBlock.objects.filter(child=child).select_related("blocked_by"):
        rows.append(
            {
                "what": "Family access blocked",
                "reason": block.reason,
                "blocked_by": display_name(block.blocked_by, nobody=""),
                "blocked": block.blocked_at,
                "lifted": block.lifted_at,
            }
        )
    return rows


def _audit(child: Child) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "who": e.username,
            "role": _label(Role, e.role),
            "action": e.get_action_display(),
            "page": e.path,
            "outcome": e.status_code,
        }
        for e in AccessEvent.objects.filter(child_id__in=_ids_of(child)).order_by("at", "pk")
    ]


def _holds(child: Child) -> list[dict[str, Any]]:
    return [
        {
            "reason": h.reason,
            "placed": h.placed_at,
            "placed_by": display_name(h.placed_by, nobody=""),
            "lifted": h.lifted_at,
            "lift_reason": h.lift_reason,
        }
        for h in LegalHold.objects.filter(child_id__in=_ids_of(child)).select_related("placed_by")
    ]


def _support_plan(child: Child) -> dict[str, Any] | None:
    """The child's support plan with every outcome and help row ever in it, every cycle and
    review, and the history of changes (who and when)."""
    plan = (
        SupportPlan.objects.filter(child=child)
        .select_related("setting", "created_by")
        .prefetch_related(
            "outcomes", "provision", "cycles__progress__outcome", "versions__saved_by"
        )
        .first()
    )
    if plan is None:
        return None
    return {
        "tier": plan.get_tier_display(),
        "setting": plan.setting.name if plan.setting else "",
        "strengths": plan.strengths,
        "started": plan.created_at,
        "started_by": display_name(plan.created_by, nobody=""),
        "outcomes": [
            {"outcome": o.text, "by_when": o.by_when, "taken_out": o.ended_at}
            for o in plan.outcomes.all()
        ],
        "help": [
            {
                "what": p.what,
                "who": p.who,
                "how_often": p.how_often,
                "from": p.starts_on,
                "taken_out": p.ended_at,
            }
            for p in plan.provision.all()
        ],
        "cycles": [
            {
                "cycle": c.number,
                "started": c.started_on,
                "review_date": c.review_due_on,
                "what_we_know": c.assess,
                "what_we_will_do": c.planned,
                "reviewed": c.reviewed_on,
                "progress_overall": c.get_overall_display(),
                "progress": [
                    f"{p.outcome.text}: {p.get_progress_display()}" for p in c.progress.all()
                ],
                "what_the_review_found": c.review_notes,
                "family_views": c.family_views,
                "child_views": c.child_voice,
            }
            for c in plan.cycles.all()
        ],
        "changes": [
            {
                "version": v.number,
                "when": v.saved_at,
                "who": display_name(v.saved_by, nobody=""),
                "what": v.summary,
            }
            for v in plan.versions.all()
        ],
    }


def _school_move(child: Child) -> dict[str, Any] | None:
    """The move to school, every hand-over record as written and as sent, and the needs kept
    for the DfE's SEN2 return."""
    move = SchoolMove.objects.filter(child=child).first()
    records = HandoverRecord.objects.filter(child=child).select_related("written_by", "sent_by")
    needs = SenNeed.objects.filter(ehc__child=child).select_related("recorded_by")
    if move is None and not records and not needs:
        return None
    return {
        "starts_reception_in": move.intake_year if move and move.intake_year else None,
        "why_a_different_year": move.intake_change_reason if move else "",
        "school": move.school_name if move else "",
        "transition_meeting": move.transition_meeting_on if move else None,
        "ehc_plan_review_finished": move.ehc_review_finished_on if move else None,
        "hand_over_records": [
            {
                "written": r.written_at,
                "written_by": display_name(r.written_by, nobody=""),
                "strengths": r.strengths,
                "needs": r.needs,
                "what_works": r.what_works,
                "support_in_place": r.support_in_place,
                "family_views": r.family_views,
                "family_agreed": f"{r.consent_given_by}, {r.consent_given_on:%-d %B %Y}",
                "sent": r.sent_at,
                "sent_how": r.get_sent_how_display() if r.sent_how else "",
                "sent_to": r.sent_to,
            }
            for r in records
        ],
        "needs_for_the_sen2_return": [
            f"{need.get_rank_display()}: {need.get_sen_type_display()}" for need in needs
        ],
    }


SECTIONS = (
    ("child", "The child"),
    ("settings_attended", "Settings the child attends and attended"),
    ("family_contacts", "Family contacts"),
    ("observations", "Observations"),
    ("referrals", "Referrals"),
    ("portage_visits", "Portage home visits"),
    ("all_about_me", "All about me"),
    ("consent_to_share", "Who the family agrees to share with"),
    ("consent_history", "Changes to the family's consent to share"),
    ("all_about_me_versions", "All about me and what matters to us, every version"),
    ("home_observations", "What the family saw at home"),
    ("questions_to_the_family", "Questions to the family and their answers"),
    ("support_plan", "Support plan"),
    ("team_around_the_child", "Team Around the Child meetings and actions"),
    ("ehc", "EHC needs assessments and plans"),
    ("funding", "Funding applications and payments"),
    ("school", "Moving to school"),
    ("family_access", "Family members who follow the child online"),
    ("feedback_consent", "Whether the family agreed to be asked for feedback, and changes"),
    (
        "survey_invitations",
        "Family surveys texted to the family (their answers are anonymous and cannot be linked "
        "to anyone, so they are not here)",
    ),
    ("messages", "Text messages and emails"),
    ("identity", "Possible matches and merges of records"),
    ("case_reviews", "Case reviews of how services worked for the child"),
    ("local_offer_comments", "Comments on the local offer that name the child or family"),
    ("legal_holds", "Legal holds"),
    ("access_audit", "Who has viewed or changed these records"),
)


def subject_access_record(user, child_id: int) -> tuple[Child, dict[str, Any]]:
    """Everything the service holds about one child, as plain data for HTML and JSON."""
    child = child_for(user, child_id)
    record = {
        "generated": timezone.now(),
        "generated_by": display_name(user, nobody=""),
        "child": _child(child),
        "settings_attended": attendance_subject_access(child),
        "family_contacts": _contacts(child),
        "observations": _observations(child),
        "referrals": _referrals(child),
        "portage_visits": _portage(child),
        "all_about_me": _paperwork(child),
        **family_story_subject_access(child),
        **consent_subject_access(child),
        "support_plan": _support_plan(child),
        "team_around_the_child": _tac(child),
        "ehc": ehc_subject_access(child),
        "funding": funds_subject_access(child),
        "school": _school_move(child),
        "messages": _messages(child),
        "identity": _identity(child),
        "case_reviews": case_reviews_subject_access(_ids_of(child)),
        "local_offer_comments": comments_naming(
            [f"{child.first_name} {child.last_name}"]
            + list(FamilyContact.objects.filter(child=child).values_list("name", flat=True))
        ),
        "legal_holds": _holds(child),
        "family_access": _family_access(child),
        **family_survey_subject_access(child),
        "access_audit": _audit(child),
    }
    return child, record
