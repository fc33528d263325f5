"""What the audit trail records, and how a request is turned into an access event.

A request is audited when its URL points at child-level data: a URL whose keyword arguments
name a child or one of their records, or a list or export page named in `AUDIT_URL_NAMES`.
The child (and referral) the URL refers to is resolved with at most one small query, even when
the user was refused, so probing other families' ids shows up in a search for that child.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse

from .models import AccessEvent

logger = logging.getLogger(__name__)

USER_AGENT_LENGTH = 300

# List, search and export pages with no child in the URL that still show child-level data.
DEFAULT_AUDIT_URL_NAMES = (
    "children",
    "my-concerns",
    "triage-queue",
    "caseloads",
    "funding",
    "notification-register",
    "information-requests",
    "message-log",
    "panel-list",
    "portage-caseload",
    "early-help-list",
    "advice-list",
    "ehc-cases",
    "funds-applications",
    "funds-payments",
    "funds-payment-file",
    "sen2-return",
    "my-actions",
    "audit-search",
    "audit-csv",
    "cms_comments",  # families' comments on the local offer (their words may name people)
    "case-review",
    "case-review-findings",
    "case-reviews-findings",
    "inspection-list-csv",
)
EXPORT_URL_NAMES = frozenset(
    {
        "early-help-pack-json",
        "early-help-pack-pdf",
        "portage-paperwork-pdf",
        "support-plan-json",
        "support-plan-pdf",
        "subject-access",
        "subject-access-json",
        "audit-csv",
        "ehc-letter-pdf",
        "funds-payment-file",
        "school-handover-pdf",
        "sen2-download",
        "inspection-list-csv",
        "review-case-pdf",
    }
)
DOWNLOAD_URL_NAMES = frozenset(
    {
        "observation-attachment",
        "funds-evidence",
        "story-home-observation-media",
        "family-home-observation-media",
    }
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Target:
    """How to find the child and referral behind a URL keyword argument."""

    model: str
    kwarg: str
    child: str | None = "child_id"
    referral: str | None = None


# In order of precedence: the most specific record in the URL names the event's object.
TARGETS_BY_KWARG: tuple[Target, ...] = (
    Target("pathway.PanelAgendaItem", "item_id", "referral__child_id", "referral_id"),
    Target("pathway.Referral", "referral_id", "child_id", "pk"),
    Target("pathway.Observation", "observation_id"),
    Target("pathway.PortageVisit", "visit_id"),
    Target("pathway.TacAction", "action_id"),
    Target("earlyyears.OutboxMessage", "message_id"),
    Target("pathway.ConcernDraft", "draft_id"),
    Target("pathway.PanelMember", "member_id", None),
    Target("pathway.AdviceRequest", "request_id", "referral__child_id", "referral_id"),
    Target("pathway.EhcLetter", "letter_id", "ehc__child_id", "ehc__referral_id"),
    Target("pathway.EhcRequest", "ehc_id", "child_id", "referral_id"),
    Target("pathway.FundApplication", "application_id"),
    Target("pathway.FundEvidence", "evidence_id", "application__child_id"),
    Target("pathway.FundPayment", "payment_id", "application__child_id"),
    Target("pathway.HandoverRecord", "handover_id"),
    Target("pathway.Sen2Extract", "extract_id", None),
    Target("pathway.PanelMeeting", "meeting_id", None),
    Target("earlyyears.Attendance", "attendance_id"),
    Target("pathway.HomeObservation", "home_observation_id"),
    Target("pathway.FamilyQuestion", "question_id", "referral__child_id", "referral_id"),
    # A family's comment on the local offer: its original words may name people (issue 26).
    Target("cms.LocalOfferComment", "comment_id", None),
    # A case review's case: every read of its chronology is on the child's audit trail.
    Target("pathway.ReviewCase", "case_id", "referral__child_id", "referral_id"),
)
# Where one keyword means different records on different pages.
TARGETS_BY_URL_NAME: dict[str, Target] = {
    "answer-information-request": Target(
        "pathway.InformationRequest", "request_id", "referral__child_id", "referral_id"
    ),
    "tac-detail": Target("pathway.TacMeeting", "meeting_id"),
}
AUDITED_KWARGS = frozenset({"child_id"} | {t.kwarg for t in TARGETS_BY_KWARG})


def audited_url_names() -> frozenset[str]:
    return frozenset(getattr(settings, "AUDIT_URL_NAMES", DEFAULT_AUDIT_URL_NAMES))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. X-Forwarded-For is trusted only as far as the configured number of
    our own proxies (`AUDIT_PROXY_COUNT`): each appends the address it saw, so the client is the
    entry that many places from the end; anything further left may be forged."""
    proxies = int(getattr(settings, "AUDIT_PROXY_COUNT", 0) or 0)
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def action_for(request: HttpRequest, url_name: str) -> str:
    if url_name in DOWNLOAD_URL_NAMES:
        return AccessEvent.Action.DOWNLOAD
    if url_name in EXPORT_URL_NAMES:
        return AccessEvent.Action.EXPORT
    if request.method not in READ_METHODS:
        return AccessEvent.Action.CHANGE
    return AccessEvent.Action.VIEW


def resolve_target(url_name: str, kwargs: dict, *, child_known: bool = False) -> dict:
    """The object type and id the URL names, and the child and referral behind it.

    `child_known`: the view has already said which child (or none) the request was about
    (`request.audit["child_id"]`), so the record is not read again just to find it."""
    found: dict = {"object_type": "", "object_id": "", "child_id": None, "referral_id": None}
    if "child_id" in kwargs:
        found.update(object_type="earlyyears.child", object_id=str(kwargs["child_id"]))
        found["child_id"] = kwargs["child_id"]
    target = TARGETS_BY_URL_NAME.get(url_name)
    if target is None:
        target = next((t for t in TARGETS_BY_KWARG if t.kwarg in kwargs), None)
    if target is None or target.kwarg not in kwargs:
        return found
    model = apps.get_model(target.model)
    value = kwargs[target.kwarg]
    found.update(object_type=model._meta.label_lower, object_id=str(value))
    need_child = bool(target.child) and found["child_id"] is None and not child_known
    if need_child or target.referral:
        fields = [f for f in (target.child, target.referral) if f]
        row = model._default_manager.filter(pk=value).values(*fields).first()
        if row:
            if target.child and found["child_id"] is None:
                found["child_id"] = row[target.child]
            if target.referral:
                found["referral_id"] = row[target.referral]
    return found


def event_for(request: HttpRequest, response: HttpResponse) -> AccessEvent | None:
    """The access event for a request, or None when the request is not about child data."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    # A signed-in family member (issue 21) is never request.user: their pages name them here.
    family = getattr(request, "family", None)
    if family is not None and match is not None:
        return _family_event(request, response, family, match)
    if user is None or not user.is_authenticated or match is None:
        return None
    url_name = match.url_name or ""
    kwargs = match.kwargs or {}
    extra = getattr(request, "audit", None) or {}
    # A view that names the child itself (a submission from any way in) is always recorded.
    if not (AUDITED_KWARGS & set(kwargs)) and url_name not in audited_url_names() and not extra:
        return None
    # A view that found the record through the access layer names its child itself (the
    # wizard, on every step): no second read of the record. A refused request sets nothing,
    # so probing another family's ids is still resolved to that family's child.
    found = resolve_target(url_name, kwargs, child_known="child_id" in extra)
    for key in ("child_id", "referral_id", "object_type", "object_id"):
        if extra.get(key) not in (None, ""):
            found[key] = extra[key]
    return AccessEvent(
        user_id=user.pk,
        username=user.get_username(),
        role=getattr(user, "role", "") or "",
        action=extra.get("action") or action_for(request, url_name),
        method=request.method or "",
        path=request.path[:500],
        url_name=url_name[:100],
        child_id=found["child_id"],
        referral_id=found["referral_id"],
        object_type=found["object_type"],
        object_id=str(found["object_id"])[:64],
        status_code=response.status_code,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    )


def _family_event(request: HttpRequest, response: HttpResponse, family, match) -> AccessEvent:
    """Every page a family member opens while signed in, whoever's child it names (a refused
    probe of another child's id is recorded under that child too)."""
    kwargs = match.kwargs or {}
    extra = getattr(request, "audit", None) or {}
    child_id = extra.get("child_id") or kwargs.get("child_id")
    return AccessEvent(
        user_id=None,
        username=f"family member {family.member_id}",
        role="family",
        action=extra.get("action") or action_for(request, match.url_name or ""),
        method=request.method or "",
        path=request.path[:500],
        url_name=(match.url_name or "")[:100],
        child_id=child_id,
        object_type="earlyyears.child" if child_id else "",
        object_id=str(child_id or ""),
        status_code=response.status_code,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    )


def record(request: HttpRequest, response: HttpResponse) -> AccessEvent | None:
    """Write the event. A failure is logged, not shown: the response is already made."""
    try:
        event = event_for(request, response)
        if event is not None:
            with transaction.atomic():
                event.save()
        return event
    except DatabaseError:
        logger.exception("Could not record an access event for %s", request.path)
        return None
