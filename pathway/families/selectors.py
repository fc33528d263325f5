"""What a family sees (issue 21): "where things stand" for each of their children, built only
from family-facing facts. Never a practitioner's notes, another agency's working notes, the
SEND team's safeguarding note, a decision's staff-written reason or a question's words: each
fact is put into fixed words written for families (and translated), chosen by its kind.

Every read starts from the access layer (`pathway.access.families`), so a family reaches only
their own linked children. Call inside `translation.override` of the page's language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cms.directory import age_filter, needs_filter
from cms.models import ServicePage
from earlyyears.access import FamilyIdentity
from earlyyears.models import Child, FamilyMember, display_name
from pathway.access.families import (
    family_child_for,
    family_decisions_for,
    family_meetings_for,
    family_referrals_for,
)
from pathway.families.services import send_team_phone
from pathway.models import Decision, Referral, Route
from pathway.routing import reason_sentences


def long_date(day: datetime.date | datetime.datetime | None) -> str:
    """'7 August 2026' in the page's language (GOV.UK style in English; Polish months in the
    genitive, '7 sierpnia 2026', as dates are written)."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day)
    return formats.date_format(day, "j E Y")


def status_words(status: str) -> str:
    return {
        Referral.Status.SUBMITTED: _("The SEND team has it. They will look at it soon."),
        Referral.Status.IN_TRIAGE: _("The SEND team is looking at it now."),
        Referral.Status.MORE_INFORMATION: _(
            "The SEND team has asked your child's nursery or childminder for more facts."
        ),
        Referral.Status.ACCEPTED: _("The SEND team has said yes. They will help your child."),
        Referral.Status.CLOSED: _("This is now closed."),
    }.get(status, "")


def source_words(referral: Referral) -> str:
    if referral.source == Referral.Source.PARENT_REQUEST:
        return _("You asked for help.")
    if referral.source == Referral.Source.HEALTH_NOTIFICATION:
        return _("A health worker told us about your child.")
    if referral.setting_id:
        return _("%(setting)s told us about your child.") % {"setting": referral.setting.name}
    return _("Someone who works with your child told us about them.")


def route_words(route: str) -> str:
    return {
        Route.SEND_TEAM: _("We have asked the SEND team to look at how best to help your child."),
        Route.PORTAGE: _(
            "We have asked the portage team to get in touch. They visit families at home."
        ),
        Route.EARLY_HELP: _(
            "We think early help may be good for your family. Someone will talk to you about it."
        ),
        Route.LOCAL_OFFER: _("We have found some services you can use now. They are below."),
    }.get(route, "")


def decision_words(decision: Decision) -> str:
    """What a decision means for the family, in fixed words by kind (never the staff reason)."""
    words = {
        Decision.Kind.ACCEPT: _("The SEND team said yes. They will help your child."),
        Decision.Kind.REROUTE: _("The SEND team sent this to a team that fits it better."),
        Decision.Kind.MORE_INFORMATION: _(
            "The SEND team asked your child's nursery or childminder for more facts."
        ),
        Decision.Kind.FUNDING: _(
            "The SEND team gave your child's nursery or childminder money to help your child."
        ),
        Decision.Kind.SIGNPOST: _("The SEND team found services that can help. They are below."),
        Decision.Kind.CLOSE: _(
            "The SEND team closed this. They do not need to do more now. Call us if you are "
            "worried."
        ),
        Decision.Kind.EHC_ASSESS: _(
            "The SEND team said yes to a full check of your child's needs (an EHC needs "
            "assessment)."
        ),
        Decision.Kind.EHC_NOT_ASSESS: _(
            "The SEND team said no to a full check of your child's needs for now. They will "
            "tell you why and what you can do."
        ),
        Decision.Kind.EHC_PLAN_ISSUED: _("Your child's EHC plan is ready."),
    }.get(decision.kind, "")
    reasons = [route_words(route) for route in decision.routes or []]
    return " ".join([words, *[r for r in reasons if r]]).strip()


@dataclass
class DecisionRow:
    day: str
    words: str


@dataclass
class ReferralStatus:
    raised_on: str
    raised_by: str
    now: str
    who: str
    next_by: str
    why: list[str]
    decisions: list[DecisionRow]


@dataclass
class Service:
    title: str
    url: str
    description: str


@dataclass
class ChildStatus:
    child: Child
    referrals: list[ReferralStatus] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    phone: str = ""


def _why(referral: Referral) -> list[str]:
    """Why it went where it did: the plain-English family register of the routing reasons in
    English; in another language, the translated words for each route."""
    if (get_language() or "en").startswith("en"):
        return reason_sentences(referral.routing_reasons or [], referral.routes or [], "family")
    return [w for w in (route_words(r) for r in referral.routes or []) if w]


def _services(child: Child, needs: list[str], limit: int = 5) -> list[Service]:
    if not needs:
        return []
    pages = (
        ServicePage.objects.listed()
        .filter(age_filter(child.age_in_months()))
        .filter(needs_filter(needs))
        .order_by("title")
        .only("title", "url_path", "description")[:limit]
    )
    return [Service(p.title, p.url or "", p.description) for p in pages]


def child_status(family: FamilyIdentity, child_id: int) -> ChildStatus:
    """Where things stand for one of the family's own children (404 for any other child)."""
    child = family_child_for(family, child_id)
    referrals = list(
        family_referrals_for(family)
        .filter(child=child)
        .select_related("setting", "allocated_to")
        .order_by("-submitted_at", "-pk")
    )
    decisions: dict[int, list[Decision]] = {}
    for decision in family_decisions_for(family).filter(referral__child=child):
        decisions.setdefault(decision.referral_id, []).append(decision)
    rows = []
    needs: list[str] = []
    for referral in referrals:
        needs += [n for n in referral.broad_areas_of_need or [] if n not in needs]
        officer = display_name(referral.allocated_to, nobody="")
        who = (
            _("%(name)s in the SEND team. Call %(phone)s and ask for them.")
            % {"name": officer, "phone": send_team_phone()}
            if officer
            else _("The SEND team. Call %(phone)s.") % {"phone": send_team_phone()}
        )
        waiting = referral.status in Referral.WAITING and referral.next_due_on
        rows.append(
            ReferralStatus(
                raised_on=long_date(referral.submitted_at),
                raised_by=source_words(referral),
                now=status_words(referral.status),
                who=who,
                next_by=(
                    _("The SEND team aims to decide what happens next by %(day)s.")
                    % {"day": long_date(referral.next_due_on)}
                    if waiting
                    else ""
                ),
                why=_why(referral),
                decisions=[
                    DecisionRow(long_date(d.decided_at), decision_words(d))
                    for d in decisions.get(referral.pk, [])
                ],
            )
        )
    meetings = [
        _(
            "A Team Around the Child meeting on %(day)s. The people who help your child meet "
            "to plan. You can come."
        )
        % {"day": long_date(m.held_on)}
        for m in family_meetings_for(family).filter(child=child).order_by("held_on")
    ]
    return ChildStatus(
        child=child,
        referrals=rows,
        meetings=meetings,
        services=_services(child, needs),
        phone=send_team_phone(),
    )


def member_for(family: FamilyIdentity) -> FamilyMember:
    return FamilyMember.objects.get(pk=family.member_id)
