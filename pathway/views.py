"""Thin views: ask the access layer, validate with a form, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from earlyyears import uploads
from earlyyears.access import can_see_child_records, child_for, children_for, settings_for
from earlyyears.messaging.selectors import messages_about
from earlyyears.models import Role, display_name
from earlyyears.roles import HEALTH_NOTIFIER_ROLES, PORTAGE_ROLES
from earlyyears.selectors import search_children
from pathway.advice import services as advice
from pathway.attendance import selectors as attendance
from pathway.casework import selectors as selectors_casework
from pathway.casework import services as casework
from pathway.casework.forms import NoteForm
from pathway.early_help import services as early_help
from pathway.family_story import selectors as family_story
from pathway.funds import services as funds
from pathway.panels import services as panels
from pathway.portage import services as portage
from pathway.school_move import selectors as school_move
from pathway.support_plans import selectors as support_plans
from pathway.tac import services as tac
from pathway.timeline import record_event

from . import selectors, services
from .access import (
    can_raise_concerns,
    draft_for,
    drafts_for,
    funding_awards_for,
    information_requests_for,
    is_send_team,
    observation_for,
    observations_for,
    referral_events_for,
    referral_for,
    referrals_for,
)
from .contacts.selectors import can_check_contacts, contacts_with_details
from .forms import HealthNotificationForm, ObservationForm, ParentRequestForm
from .models import Referral, ReferralEvent, Route

# Each casework module adds its part to the referral and child pages: a `<kind>_section`
# selector (empty for a user who may not see it) and `pathway/<module>/_<kind>_section.html`.
REFERRAL_SECTIONS = (casework, early_help, advice, panels, family_story)
CHILD_SECTIONS = (attendance, support_plans, portage, tac, panels, funds, school_move, family_story)


def _sections(request: HttpRequest, modules, kind: str, obj) -> list[str]:
    rendered = []
    for module in modules:
        context = getattr(module, f"{kind}_section")(request.user, obj)
        if context:
            name = module.__name__.split(".")[1]  # pathway.<activity>.services
            rendered.append(
                render_to_string(f"pathway/{name}/_{kind}_section.html", context, request=request)
            )
    return rendered


@login_required
def my_concerns(request: HttpRequest) -> HttpResponse:
    if not can_raise_concerns(request.user):
        raise PermissionDenied
    drafts = drafts_for(request.user).select_related("setting")
    submitted = (
        referrals_for(request.user)
        .filter(submitted_by=request.user)
        .select_related("child", "setting")
        .prefetch_related("current_routes")[:50]
    )
    return render(
        request,
        "pathway/my_concerns.html",
        {
            "page_title": "My concerns",
            "drafts": drafts,
            "submitted": submitted,
            "settings": settings_for(request.user),
        },
    )


@login_required
def start_concern(request: HttpRequest) -> HttpResponse:
    """GET: choose the setting (if more than one) and start. POST: create the draft."""
    user = request.user
    if not can_raise_concerns(user):
        raise PermissionDenied
    user_settings = list(settings_for(user))
    if request.method == "POST":
        setting = None
        child = None
        if user.role == Role.PRACTITIONER:
            setting_id = request.POST.get("setting", "")
            setting = next((s for s in user_settings if str(s.pk) == setting_id), None)
            if setting is None and len(user_settings) == 1:
                setting = user_settings[0]
            if setting is None:
                return render(
                    request,
                    "pathway/start_concern.html",
                    {
                        "page_title": "Raise a concern",
                        "settings": user_settings,
                        "error": "Select the setting the child attends",
                    },
                )
        else:
            child_id = request.POST.get("child", "")
            if child_id.isdigit():
                child = child_for(user, int(child_id))
                setting = child.setting
        draft = services.start_draft(user, setting=setting, child=child)
        return redirect("concern-step", draft_id=draft.pk, step="child")
    return render(
        request,
        "pathway/start_concern.html",
        {"page_title": "Raise a concern", "settings": user_settings},
    )


@login_required
@require_POST
def discard_draft(request: HttpRequest, draft_id) -> HttpResponse:
    draft = draft_for(request.user, draft_id)
    if draft.submitted_at is None:
        draft.delete()
        messages.success(request, "The draft concern has been deleted.")
    return redirect("my-concerns")


@login_required
def referral_confirmation(request: HttpRequest, referral_id: int) -> HttpResponse:
    # The child's age and home area choose the signposting; nothing else is shown.
    referral = referral_for(request.user, referral_id, related=("child", "area"))
    return render(
        request,
        "pathway/confirmation.html",
        {
            "page_title": "Concern sent",
            "referral": referral,
            "services": selectors.signposting_for(referral),
        },
    )


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = referral_for(user, referral_id)
    record_event(referral, ReferralEvent.Kind.VIEWED, user, f"Viewed by {display_name(user)}")
    events = (
        referral_events_for(user)
        .filter(referral=referral)
        .exclude(kind=ReferralEvent.Kind.VIEWED)
        .select_related("actor")
        .order_by("at", "pk")
    )
    send_team = is_send_team(user)
    return render(
        request,
        "pathway/referral_detail.html",
        {
            "page_title": f"Referral {referral.reference}",
            "referral": referral,
            "events": events,
            "current_routes": [r.get_route_display() for r in referral.current_routes.all()],
            "answers": selectors.answer_sections(referral),
            "case_messages": messages_about(user, referral.child),
            "can_retry": user.role == Role.SEND_MANAGER,
            "send_team": send_team,
            "is_manager": user.role == Role.SEND_MANAGER,
            "can_claim": send_team
            and referral.allocated_to_id is None
            and referral.status in Referral.WAITING,
            "can_decide": send_team and bool(casework.decisions_open_to(referral)),
            "clocks": selectors_casework.clocks_of(referral, timezone.localdate())
            if send_team
            else [],
            "questions": information_requests_for(user)
            .filter(referral=referral)
            .select_related("asked_by", "answered_by"),
            "funding_awards": funding_awards_for(user).filter(referral=referral),
            "note_form": NoteForm() if send_team else None,
            "sections": _sections(request, REFERRAL_SECTIONS, "referral", referral),
            "services": selectors.signposting_for(referral),
        },
    )


@login_required
def add_observation(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    if not can_raise_concerns(request.user):
        raise PermissionDenied
    form = ObservationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.record_observation(request.user, child, form.cleaned_data)
        messages.success(request, "Observation saved.")
        return redirect("child-detail", child_id=child.pk)
    return render(
        request,
        "pathway/observation_form.html",
        {"page_title": f"Add an observation of {child.full_name}", "form": form, "child": child},
    )


@login_required
def observation_attachment(request: HttpRequest, observation_id: int) -> HttpResponse:
    observation = observation_for(request.user, observation_id)
    if not observation.attachment:
        raise Http404
    return uploads.serve(observation.attachment, observation.attachment_name)


def _submission_audit(referral: Referral) -> dict:
    """Every submission, from any way in, is in the audit trail with who sent it."""
    return {
        "child_id": referral.child_id,
        "referral_id": referral.pk,
        "object_type": "pathway.referral",
        "object_id": referral.pk,
        "action": "change",
    }


@login_required
def health_notification(request: HttpRequest) -> HttpResponse:
    if request.user.role not in HEALTH_NOTIFIER_ROLES:
        raise PermissionDenied
    form = HealthNotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = services.submit_health_notification(request.user, form.cleaned_data)
        request.audit = _submission_audit(referral)
        return redirect("referral-confirmation", referral_id=referral.pk)
    return render(
        request,
        "pathway/simple_form.html",
        {
            "page_title": "Notify the local authority about a child (health notification)",
            "form": form,
            "intro": "NHS bodies must tell the local authority about a child under compulsory "
            "school age who has, or probably has, special educational needs or a disability "
            "(Children and Families Act 2014, section 23). Tell the parents first.",
            "submit_label": "Send notification",
        },
    )


@login_required
def parent_request(request: HttpRequest) -> HttpResponse:
    if request.user.role not in PORTAGE_ROLES:
        raise PermissionDenied
    form = ParentRequestForm(request.POST or None, children=children_for(request.user))
    if request.method == "POST" and form.is_valid():
        referral = services.submit_parent_request(request.user, form.cleaned_data)
        request.audit = _submission_audit(referral)
        return redirect("referral-confirmation", referral_id=referral.pk)
    return render(
        request,
        "pathway/simple_form.html",
        {
            "page_title": "A request for help from a parent or carer",
            "form": form,
            "intro": "Complete this with the family, or on their behalf with their agreement.",
            "submit_label": "Send request",
        },
    )


@login_required
def notification_register(request: HttpRequest) -> HttpResponse:
    if not is_send_team(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    source = request.GET.get("source", "")
    route = request.GET.get("route", "")
    referrals = referrals_for(request.user).select_related("child", "setting", "area")
    if query:
        referrals = referrals.filter(
            Q(reference__iexact=query)
            | Q(child__last_name__icontains=query)
            | Q(child__first_name__icontains=query)
            | Q(child__reference__iexact=query)
        )
    if source in Referral.Source.values:
        referrals = referrals.filter(source=source)
    if route in Route.values:
        referrals = referrals.filter(current_routes__route=route)
    referrals = referrals.prefetch_related(Prefetch("current_routes"))
    page = Paginator(referrals.order_by("-submitted_at", "-pk"), 50).get_page(
        request.GET.get("page", 1)
    )
    return render(
        request,
        "pathway/register.html",
        {
            "page_title": "Notification register",
            "page": page,
            "query": query,
            "source": source,
            "route": route,
            "sources": Referral.Source.choices,
            "routes": Route.choices,
        },
    )


@login_required
def children(request: HttpRequest) -> HttpResponse:
    """The children the user works with, searchable by name."""
    if not can_see_child_records(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "")
    page = search_children(request.user, query, request.GET.get("page", 1))
    return render(
        request,
        "pathway/children.html",
        {"page_title": "Children", "page": page, "query": query},
    )


@login_required
def child_record(request: HttpRequest, child_id: int) -> HttpResponse:
    """A child's page: details, family contacts, observations over time and referral history."""
    child = child_for(request.user, child_id)
    return render(
        request,
        "pathway/child_record.html",
        {
            "page_title": child.full_name,
            "child": child,
            "contacts": contacts_with_details(request.user, child),
            "can_check_contacts": can_check_contacts(request.user, child),
            "send_team": is_send_team(request.user),
            "observations": observations_for(request.user)
            .filter(child=child)
            .select_related("observer"),
            "referrals": referrals_for(request.user)
            .filter(child=child)
            .prefetch_related("current_routes"),
            "timeline": selectors.child_timeline(request.user, child),
            "can_observe": can_raise_concerns(request.user),
            "sections": _sections(request, CHILD_SECTIONS, "child", child),
        },
    )
