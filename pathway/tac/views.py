"""Views of Team Around the Child: record a meeting, a child's meetings, one meeting (printable),
and "My actions". Thin: the access layer through pathway.tac, forms, a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from earlyyears.access import can_see_child_records
from pathway.tac import services as tac
from pathway.tac.forms import ActionFormSet, AttendeeFormSet, MeetingForm


def _quiet(*forms_and_formsets) -> None:
    """Show posted values without errors: "add another row" is not a submission, so the
    half-filled form comes back as it was, one row longer, with nothing marked wrong."""
    for item in forms_and_formsets:
        if hasattr(item, "management_form"):
            for form in item.forms:
                form._errors = ErrorDict()
            item._errors = [ErrorDict() for _ in item.forms]
            item._non_form_errors = ErrorList()
        else:
            item._errors = ErrorDict()


def _one_more_row(data, prefix: str) -> None:
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return
    data[f"{prefix}-TOTAL_FORMS"] = str(max(0, min(total + 1, tac.MAX_ROWS)))


@login_required
def new_meeting(request: HttpRequest, child_id: int) -> HttpResponse:
    child = tac.tac_child_for(request.user, child_id)
    if not tac.may_record(request.user):
        raise PermissionDenied
    owners = {user.pk: user for user in tac.action_owners(child)}
    action_kwargs = {
        "owners": owners,
        "owner_choices": [(pk, tac.owner_label(user)) for pk, user in owners.items()],
    }
    if request.method == "POST":
        data = request.POST.copy()
        adding = data.get("add")
        if adding == "attendee":
            _one_more_row(data, "attendees")
        elif adding == "action":
            _one_more_row(data, "actions")
        form = MeetingForm(data)
        attendees = AttendeeFormSet(data, prefix="attendees")
        actions = ActionFormSet(data, prefix="actions", form_kwargs=action_kwargs)
        if adding in ("attendee", "action"):
            _quiet(form, attendees, actions)
        elif form.is_valid() & attendees.is_valid() & actions.is_valid():
            try:
                meeting = tac.record_meeting(
                    request.user,
                    child,
                    held_on=form.cleaned_data["held_on"],
                    notes=form.cleaned_data["notes"],
                    next_review_on=form.cleaned_data["next_review_on"],
                    attendees=attendees.rows(),
                    actions=actions.rows(),
                )
            except tac.TacError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Team Around the Child meeting saved.")
                return redirect("tac-detail", meeting_id=meeting.pk)
    else:
        form = MeetingForm()
        attendees = AttendeeFormSet(prefix="attendees")
        actions = ActionFormSet(prefix="actions", form_kwargs=action_kwargs)
    has_errors = bool(form.errors or attendees.total_error_count() or actions.total_error_count())
    return render(
        request,
        "pathway/tac/meeting_form.html",
        {
            "page_title": f"Record a Team Around the Child meeting for {child.full_name}",
            "child": child,
            "form": form,
            "attendees": attendees,
            "actions": actions,
            "has_errors": has_errors,
            "can_see_child": can_see_child_records(request.user),
        },
    )


@login_required
@require_GET
def meetings(request: HttpRequest, child_id: int) -> HttpResponse:
    child = tac.tac_child_for(request.user, child_id)
    return render(
        request,
        "pathway/tac/list.html",
        {
            "page_title": f"Team Around the Child meetings for {child.full_name}",
            "child": child,
            "meetings": tac.meetings_of(request.user, child),
            "can_record": tac.may_record(request.user),
            "can_see_child": can_see_child_records(request.user),
        },
    )


@login_required
@require_GET
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = tac.meeting_detail(request.user, meeting_id)
    return render(
        request,
        "pathway/tac/detail.html",
        {
            "page_title": f"Team Around the Child meeting, {meeting.held_on:%-d %B %Y}: "
            f"{meeting.child.full_name}",
            "meeting": meeting,
            "child": meeting.child,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    if not tac.may_own_actions(request.user):
        raise PermissionDenied
    return render(
        request,
        "pathway/tac/my_actions.html",
        {"page_title": "My actions", "actions": tac.my_actions(request.user)},
    )


@login_required
@require_POST
def complete_action(request: HttpRequest, action_id: int) -> HttpResponse:
    if not tac.may_own_actions(request.user):
        raise PermissionDenied
    try:
        action = tac.complete_action(request.user, action_id)
    except tac.TacError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"Action for {action.child.full_name} marked as done.")
    return redirect("my-actions")
