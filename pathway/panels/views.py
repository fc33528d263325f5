"""Views of the Early Years panel: scheduling, members and attendance, the agenda, decisions at
the meeting and the minutes. Thin: access layer, form, service in pathway.panels, render.
Only the SEND team sees panels; anyone else gets 403, and a panel id they may not see 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathway.access import is_send_team, panel_meeting_for
from pathway.casework.services import CaseworkError
from pathway.models import Decision, PanelMeeting
from pathway.panels import services as panels
from pathway.panels.forms import (
    AgendaForm,
    AttendanceForm,
    DeferForm,
    DiscussionForm,
    FollowingPanelsForm,
    MemberForm,
    NotesForm,
    PanelDecisionForm,
    PanelForm,
)

PAST_PAGE_SIZE = 20
CANDIDATE_PAGE_SIZE = 25


def _posted(request: HttpRequest):
    """The posted data, even when empty: an empty POST still gets its errors."""
    return request.POST if request.method == "POST" else None


def _meeting(request: HttpRequest, meeting_id: int) -> PanelMeeting:
    if not is_send_team(request.user):
        raise PermissionDenied
    return panel_meeting_for(request.user, meeting_id)


def _to_panel(meeting: PanelMeeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("panel-detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
def panel_list(request: HttpRequest) -> HttpResponse:
    if not is_send_team(request.user):
        raise PermissionDenied
    past = Paginator(panels.past_panels(request.user), PAST_PAGE_SIZE)
    return render(
        request,
        "pathway/panels/list.html",
        {
            "page_title": "Early Years panels",
            "upcoming": list(panels.upcoming_panels(request.user)),
            "page": past.get_page(request.GET.get("page")),
            "today": timezone.localdate(),
            "query": "",
        },
    )


@login_required
def panel_schedule(request: HttpRequest) -> HttpResponse:
    if not is_send_team(request.user):
        raise PermissionDenied
    form = PanelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = panels.schedule_panel(by=request.user, **form.service_kwargs())
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{meeting} is scheduled.")
            return _to_panel(meeting)
    return render(
        request,
        "pathway/panels/simple_form.html",
        {
            "page_title": "Schedule a panel",
            "form": form,
            "submit_label": "Schedule the panel",
            "back": reverse("panel-list"),
        },
    )


@login_required
def panel_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        messages.error(request, "This panel has been held: its details can no longer change.")
        return _to_panel(meeting)
    initial = {
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at.strftime("%H:%M") if meeting.starts_at else "",
        "location": meeting.location,
        "area": meeting.area_id,
        "chair": meeting.chair_id,
    }
    form = PanelForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            panels.update_panel(meeting, by=request.user, **form.service_kwargs())
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The panel's details are saved.")
            return _to_panel(meeting)
    return render(
        request,
        "pathway/panels/simple_form.html",
        {
            "page_title": f"Change the details of {meeting}",
            "form": form,
            "submit_label": "Save changes",
            "back": reverse("panel-detail", args=[meeting.pk]),
        },
    )


@login_required
def panel_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    today = timezone.localdate()
    rows = panels.agenda(meeting, today)
    members = panels.members_of(meeting)
    return render(
        request,
        "pathway/panels/detail.html",
        {
            "page_title": str(meeting),
            "meeting": meeting,
            "rows": rows,
            "members": members,
            "present": sum(1 for m in members if m.attended is True),
            "apologies": sum(1 for m in members if m.attended is False),
            "scheduled": meeting.status == PanelMeeting.Status.SCHEDULED,
            "started": meeting.held_on <= today,
            "published": meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED,
        },
    )


@login_required
def panel_schedule_following(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = FollowingPanelsForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = panels.schedule_following(
                meeting,
                count=form.cleaned_data["count"],
                copy_members=form.cleaned_data["copy_members"],
                by=request.user,
            )
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            if created:
                dates = ", ".join(f"{m.held_on:%-d %B %Y}" for m in created)
                messages.success(request, f"Panels scheduled for {dates}.")
            else:
                messages.success(request, "Those panels were already scheduled.")
            return redirect("panel-list")
    return render(
        request,
        "pathway/panels/simple_form.html",
        {
            "page_title": "Schedule the next fortnightly panels",
            "intro": f"Panels every two weeks after {meeting.held_on:%-d %B %Y}, at the same "
            "time and place. Dates that already have a panel for the same area are skipped.",
            "form": form,
            "submit_label": "Schedule the panels",
            "back": reverse("panel-detail", args=[meeting.pk]),
        },
    )


# Members and attendance ---------------------------------------------------------------------


@login_required
def panel_members(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = MemberForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            member = panels.add_member(meeting, by=request.user, **form.cleaned_data)
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{member.name} is a member of this panel.")
            return redirect("panel-members", meeting_id=meeting.pk)
    published = meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED
    return render(
        request,
        "pathway/panels/members.html",
        {
            "page_title": f"Members of {meeting}",
            "meeting": meeting,
            "members": panels.members_of(meeting),
            "form": None if published else form,
            "source": None if published else panels.previous_panel_with_members(meeting),
        },
    )


@login_required
@require_POST
def panel_copy_members(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    source = panels.previous_panel_with_members(meeting)
    if source is None:
        messages.error(request, "There is no earlier panel with members to copy.")
        return redirect("panel-members", meeting_id=meeting.pk)
    try:
        copied = panels.copy_members(meeting, source, by=request.user)
    except panels.PanelError as error:
        messages.error(request, str(error))
    else:
        count = len(copied)
        messages.success(
            request,
            f"Copied {count} member{'s' if count != 1 else ''} from {source}."
            if count
            else f"Everyone from {source} is already a member.",
        )
    return redirect("panel-members", meeting_id=meeting.pk)


@login_required
@require_POST
def panel_remove_member(request: HttpRequest, meeting_id: int, member_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    member = get_object_or_404(meeting.members.all(), pk=member_id)
    try:
        panels.remove_member(member, by=request.user)
    except panels.PanelError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{member.name} is no longer a member of this panel.")
    return redirect("panel-members", meeting_id=meeting.pk)


@login_required
def panel_attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    members = panels.members_of(meeting)
    form = AttendanceForm(_posted(request), members=members)
    if request.method == "POST" and form.is_valid():
        try:
            panels.record_attendance(meeting, form.attendance(), by=request.user)
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Attendance is recorded.")
            return _to_panel(meeting, "members")
    return render(
        request,
        "pathway/panels/attendance.html",
        {
            "page_title": f"Attendance at {meeting}",
            "meeting": meeting,
            "members": members,
            "form": form,
            "published": meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED,
        },
    )


# The agenda ---------------------------------------------------------------------------------


@login_required
def panel_add_items(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        messages.error(request, "This panel has been held: its agenda can no longer change.")
        return _to_panel(meeting)
    area_only = request.GET.get("areas") != "all"
    candidates = panels.candidate_referrals(request.user, meeting, area_only=area_only)
    form = AgendaForm(_posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            added = panels.add_to_agenda(
                meeting, list(form.cleaned_data["referrals"]), by=request.user
            )
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            count = len(added)
            messages.success(
                request, f"{count} referral{'s' if count != 1 else ''} added to the agenda."
            )
            return _to_panel(meeting, "agenda")
    page = Paginator(candidates, CANDIDATE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    ticked = {str(pk) for pk in request.POST.getlist("referrals")}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pathway/panels/add_items.html",
        {
            "page_title": f"Add referrals to the agenda of {meeting}",
            "meeting": meeting,
            "form": form,
            "page": page,
            "rows": [
                {"summary": panels.summarise(referral, today), "ticked": str(referral.pk) in ticked}
                for referral in page.object_list
            ],
            "area_only": area_only and meeting.area_id is not None,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def panel_remove_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    item = panels.agenda_item(meeting, item_id)
    try:
        panels.remove_from_agenda(item, by=request.user)
    except panels.PanelError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Referral {item.referral.reference} is off the agenda.")
    return _to_panel(meeting, "agenda")


@login_required
@require_POST
def panel_move_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    item = panels.agenda_item(meeting, item_id)
    try:
        panels.move_item(item, request.POST.get("direction", ""), by=request.user)
    except panels.PanelError as error:
        messages.error(request, str(error))
    return _to_panel(meeting, f"item-{item.pk}")


# At the meeting -----------------------------------------------------------------------------


def _item_context(meeting: PanelMeeting, item, today) -> dict:
    return {
        "meeting": meeting,
        "item": item,
        "summary": panels.summarise(item.referral, today),
        "deferred": panels.is_deferred(item),
        "scheduled": meeting.status == PanelMeeting.Status.SCHEDULED,
        "started": meeting.held_on <= today,
        "published": meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED,
    }


@login_required
def panel_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """One agenda item at the meeting: the panel's discussion and decision."""
    meeting = _meeting(request, meeting_id)
    item = panels.agenda_item(meeting, item_id)
    today = timezone.localdate()
    context = _item_context(meeting, item, today)
    can_decide = item.decision_id is None and context["scheduled"] and context["started"]
    form = None
    if can_decide:
        form = PanelDecisionForm(
            _posted(request),
            referral=item.referral,
            initial={"discussion": item.discussion},
        )
        if request.method == "POST" and form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                panels.decide_item(
                    item,
                    kind,
                    by=request.user,
                    discussion=form.cleaned_data["discussion"],
                    today=today,
                    **form.decide_kwargs(),
                )
            except CaseworkError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Decision recorded for {item.referral.reference}: "
                    f"{Decision.Kind(kind).label}.",
                )
                return _to_panel(meeting, f"item-{item.pk}")
    elif request.method == "POST":
        messages.error(request, "This item cannot be decided now.")
        return redirect("panel-item", meeting_id=meeting.pk, item_id=item.pk)
    return render(
        request,
        "pathway/panels/item.html",
        {
            **context,
            "page_title": f"Referral {item.referral.reference} at {meeting}",
            "form": form,
            "can_decide": can_decide,
        },
    )


@login_required
def panel_defer_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    item = panels.agenda_item(meeting, item_id)
    today = timezone.localdate()
    form = DeferForm(_posted(request), initial={"note": item.discussion})
    if request.method == "POST" and form.is_valid():
        try:
            panels.defer_item(item, note=form.cleaned_data["note"], by=request.user, today=today)
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Referral {item.referral.reference} is deferred.")
            return _to_panel(meeting, f"item-{item.pk}")
    return render(
        request,
        "pathway/panels/item_form.html",
        {
            **_item_context(meeting, item, today),
            "page_title": f"Defer referral {item.referral.reference}",
            "form": form,
            "submit_label": "Defer this referral",
            "intro": "The referral stays waiting for a decision. Once this panel is marked as "
            "held, it can go on a later panel's agenda.",
        },
    )


@login_required
def panel_item_discussion(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    item = panels.agenda_item(meeting, item_id)
    today = timezone.localdate()
    form = DiscussionForm(_posted(request), initial={"discussion": item.discussion})
    if request.method == "POST" and form.is_valid():
        try:
            panels.update_discussion(
                item, discussion=form.cleaned_data["discussion"], by=request.user
            )
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The minutes of this item are saved.")
            return redirect("panel-minutes", meeting_id=meeting.pk)
    return render(
        request,
        "pathway/panels/item_form.html",
        {
            **_item_context(meeting, item, today),
            "page_title": f"Change the minutes of referral {item.referral.reference}",
            "form": form,
            "submit_label": "Save the minutes",
            "intro": "",
        },
    )


@login_required
def panel_mark_held(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    today = timezone.localdate()
    error = ""
    if request.method == "POST":
        try:
            panels.mark_held(meeting, by=request.user, today=today)
        except panels.PanelError as problem:
            error = str(problem)
        else:
            messages.success(request, "The panel is marked as held. Check and publish the minutes.")
            return redirect("panel-minutes", meeting_id=meeting.pk)
    problems = (
        panels.reasons_not_ready(meeting, today)
        if meeting.status == PanelMeeting.Status.SCHEDULED
        else []
    )
    return render(
        request,
        "pathway/panels/mark_held.html",
        {
            "page_title": f"Mark {meeting} as held",
            "meeting": meeting,
            "problems": problems,
            "error": error,
            "has_errors": bool(error),
        },
    )


# Minutes ------------------------------------------------------------------------------------


@login_required
def panel_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    return render(
        request,
        "pathway/panels/minutes.html",
        {
            "page_title": f"Minutes of {meeting}",
            "meeting": meeting,
            **panels.minutes(meeting),
            "held": meeting.status == PanelMeeting.Status.HELD,
            "published": meeting.status == PanelMeeting.Status.MINUTES_PUBLISHED,
        },
    )


@login_required
def panel_minutes_notes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = NotesForm(_posted(request), initial={"notes": meeting.notes})
    if request.method == "POST" and form.is_valid():
        try:
            panels.update_notes(meeting, notes=form.cleaned_data["notes"], by=request.user)
        except panels.PanelError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The general notes are saved.")
            return redirect("panel-minutes", meeting_id=meeting.pk)
    return render(
        request,
        "pathway/panels/simple_form.html",
        {
            "page_title": f"General notes for the minutes of {meeting}",
            "intro": "Minutes circulate beyond the SEND team: refer to children by initials.",
            "form": form,
            "submit_label": "Save the notes",
            "back": reverse("panel-minutes", args=[meeting.pk]),
        },
    )


@login_required
@require_POST
def panel_publish_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    try:
        panels.publish_minutes(meeting, by=request.user)
    except panels.PanelError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The minutes are published. They can no longer be changed.")
    return redirect("panel-minutes", meeting_id=meeting.pk)
