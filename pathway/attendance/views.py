"""Views of the settings a child attends: the list, add a second setting, record a move, the
last day at a setting, which setting leads, and the family's answer on sharing the support
plan. Thin: the access layer, a form, a service. A child the user may not see is 404; someone
who may only read gets 403 on a form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from earlyyears.access import child_for, children_for
from pathway.access.attendance import attendance_for, may_manage_attendance

from . import selectors, services
from .forms import AddSettingForm, ConfirmForm, EndAttendanceForm, MoveForm, PlanSharingForm
from .selectors import Row
from .services import UNRECORDED_LEAD


def _manager_child(request: HttpRequest, child_id: int):
    child = child_for(request.user, child_id)
    if not may_manage_attendance(request.user, child):
        raise PermissionDenied
    return child


def _after_change(request: HttpRequest, child) -> HttpResponse:
    """Back to the child's settings, or to the list of children for someone whose setting the
    child has just left (they no longer see the child)."""
    if children_for(request.user).filter(pk=child.pk).exists():
        return redirect("child-settings", child_id=child.pk)
    messages.info(
        request,
        f"{child.full_name} no longer attends your setting. You keep what your setting wrote "
        "and sent; the new setting and the SEND team have the record now.",
    )
    return redirect("children")


@login_required
@require_GET
def child_settings(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    context = selectors.settings_page(request.user, child)
    context["page_title"] = f"Settings {child.full_name} attends"
    return render(request, "pathway/attendance/settings.html", context)


@login_required
def add_setting(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _manager_child(request, child_id)
    form = AddSettingForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_setting(
                request.user,
                child,
                setting=data["setting"],
                started_on=data["started_on"],
                sees_plan=data["sees_plan"] == "yes",
            )
        except services.AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{data['setting'].name} added.")
            return redirect("child-settings", child_id=child.pk)
    return render(
        request,
        "pathway/attendance/form.html",
        {
            "page_title": f"Add a setting {child.full_name} also attends",
            "child": child,
            "form": form,
            "submit_label": "Add setting",
        },
    )


@login_required
def record_move(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _manager_child(request, child_id)
    current, _left = selectors.rows(request.user, child)
    form = MoveForm(request.POST if request.method == "POST" else None, current=current)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_move(
                request.user,
                child,
                services.Move(
                    leaving_id=data["leaving"],
                    to_setting=data["to_setting"],
                    moved_on=data["moved_on"],
                    lead=data["lead"],
                    sees_plan=data["sees_plan"] == "yes",
                ),
            )
        except services.AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Move to {data['to_setting'].name} recorded.")
            return _after_change(request, child)
    return render(
        request,
        "pathway/attendance/form.html",
        {
            "page_title": f"Record a move of setting for {child.full_name}",
            "child": child,
            "form": form,
            "submit_label": "Record the move",
            "intro": "The setting the child leaves keeps what it wrote and sent, and sees "
            "nothing new about the child.",
        },
    )


@login_required
def plan_sharing(request: HttpRequest, child_id: int, attendance_id: int) -> HttpResponse:
    child = _manager_child(request, child_id)
    attendance = attendance_for(request.user, child, attendance_id)
    form = PlanSharingForm(
        request.POST if request.method == "POST" else None,
        initial={"sees_plan": "yes" if attendance.sees_plan else "no"},
    )
    if form.is_bound and form.is_valid():
        try:
            services.record_plan_sharing(
                request.user, child, attendance, form.cleaned_data["sees_plan"] == "yes"
            )
        except services.AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The family's answer has been recorded.")
            return redirect("child-settings", child_id=child.pk)
    return render(
        request,
        "pathway/attendance/form.html",
        {
            "page_title": f"Sharing the support plan with {attendance.setting.name}",
            "child": child,
            "form": form,
            "submit_label": "Save",
        },
    )


def _current_row(request: HttpRequest, child, attendance_id: int) -> tuple[Row, list[Row]]:
    """The setting named (0 is a lead setting whose start was never recorded) and the others
    the child attends now; 404 if the child does not attend it now."""
    current, _left = selectors.rows(request.user, child)
    for row in current:
        if (row.pk or UNRECORDED_LEAD) == attendance_id:
            return row, [r for r in current if r is not row and r.pk]
    raise Http404


@login_required
def end_attendance(request: HttpRequest, child_id: int, attendance_id: int) -> HttpResponse:
    child = _manager_child(request, child_id)
    row, others = _current_row(request, child, attendance_id)
    form = EndAttendanceForm(
        request.POST if request.method == "POST" else None, others=others, leads=row.is_lead
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.end_attendance(
                request.user,
                child,
                attendance_id,
                left_on=data["left_on"],
                new_lead_id=data.get("new_lead"),
            )
        except services.AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{child.first_name}'s last day at {row.setting.name} recorded."
            )
            return _after_change(request, child)
    if row.is_lead and others:
        intro = (
            f"{row.setting.name} leads {child.first_name}'s SEN support. Choose which setting "
            "leads it now. "
        )
    elif row.is_lead:
        intro = (
            f"{child.first_name} attends no other setting that we know of, so after this they "
            "attend none: the SEND team keeps their record. If they are moving to a new setting, "
            "record a move instead. "
        )
    else:
        intro = ""
    return render(
        request,
        "pathway/attendance/form.html",
        {
            "page_title": f"{child.full_name} has stopped attending {row.setting.name}",
            "child": child,
            "form": form,
            "submit_label": "Record the last day",
            "intro": intro + f"{row.setting.name} keeps what it wrote and sent, and sees nothing "
            f"new about {child.first_name}.",
        },
    )


@login_required
def change_lead(request: HttpRequest, child_id: int, attendance_id: int) -> HttpResponse:
    child = _manager_child(request, child_id)
    row, _others = _current_row(request, child, attendance_id)
    if row.is_lead:
        raise Http404
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.change_lead(request.user, child, attendance_id)
        except services.AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{row.setting.name} leads SEN support now.")
            return _after_change(request, child)
    return render(
        request,
        "pathway/attendance/form.html",
        {
            "page_title": f"Make {row.setting.name} the lead setting",
            "child": child,
            "form": form,
            "submit_label": f"Make {row.setting.name} the lead setting",
            "intro": f"{row.setting.name} will lead {child.first_name}'s SEN support: it writes "
            "the support plan and applies for funding. The setting that leads now goes on as a "
            "second setting and sees the support plan as the family agreed.",
        },
    )
