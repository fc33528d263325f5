"""The move to school: the child's checklist and details, hand-over records, and their PDF.
Thin: the access layer through the selectors, forms, and one service per change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from earlyyears.dates import reception_intake_year
from pathway.school_move import selectors, services
from pathway.school_move.forms import HandoverForm, SchoolMoveForm, SentForm


@login_required
def school_move(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.school_child_for(request.user, child_id)
    move = selectors.move_of(child)
    age_group_year = reception_intake_year(child.date_of_birth)
    can_record = selectors.may_record(request.user)
    form = None
    if can_record:
        initial = {name: getattr(move, name) for name in services.MOVE_FIELDS}
        form = SchoolMoveForm(request.POST or None, initial=initial, age_group_year=age_group_year)
        if request.method == "POST" and form.is_valid():
            services.record_school_move(request.user, child, **form.cleaned_data)
            messages.success(request, "Move to school saved.")
            return redirect("school-move", child_id=child.pk)
    elif request.method == "POST":
        raise PermissionDenied
    year = selectors.intake_year(child, move)
    records = selectors.handovers_of(child)
    return render(
        request,
        "pathway/school_move/move.html",
        {
            "page_title": f"Move to school: {child.full_name}",
            "child": child,
            "move": move,
            "year": year,
            "age_group_year": age_group_year,
            "steps": selectors.checklist(
                move,
                year,
                records[0] if records else None,
                selectors.has_ehc_plan(child),
                timezone.localdate(),
            ),
            "handovers": records,
            "form": form,
            "can_record": can_record,
        },
    )


@login_required
def new_handover(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.school_child_for(request.user, child_id)
    if not selectors.may_record(request.user):
        raise PermissionDenied
    initial = {}
    latest = selectors.handovers_of(child)
    paperwork = selectors.paperwork_for_prefill(request.user, child)
    if latest:
        initial = {name: getattr(latest[0], name) for name, _ in services.HANDOVER_SECTIONS}
    elif paperwork is not None:
        initial = {
            "strengths": paperwork.what_people_like_about_me,
            "what_works": paperwork.how_best_to_support_me,
            "family_views": paperwork.family_hopes,
        }
    form = HandoverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = services.write_handover(request.user, child, **form.cleaned_data)
        messages.success(request, "Hand-over record saved. Record when it reaches the school.")
        return redirect("school-handover", child_id=child.pk, handover_id=record.pk)
    return render(
        request,
        "pathway/school_move/handover_form.html",
        {
            "page_title": "Write a hand-over record for the school",
            "child": child,
            "form": form,
            "prefilled": bool(initial),
        },
    )


@login_required
def handover(request: HttpRequest, child_id: int, handover_id: int) -> HttpResponse:
    child = selectors.school_child_for(request.user, child_id)
    record = selectors.handover_for(request.user, child, handover_id)
    can_record = selectors.may_record(request.user)
    form = SentForm(request.POST or None) if can_record and not record.is_sent else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_sent(request.user, record, **form.cleaned_data)
            except services.HandoverError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Recorded as sent to the school.")
                return redirect("school-move", child_id=child.pk)
    return render(
        request,
        "pathway/school_move/handover.html",
        {
            "page_title": f"Hand-over record: {child.full_name}",
            "child": child,
            "record": record,
            "sections": [
                (title, getattr(record, field)) for field, title in services.HANDOVER_SECTIONS
            ],
            "form": form,
        },
    )


@login_required
def handover_pdf(request: HttpRequest, child_id: int, handover_id: int) -> HttpResponse:
    child = selectors.school_child_for(request.user, child_id)
    record = selectors.handover_for(request.user, child, handover_id)
    record.child = child
    move = selectors.move_of(child)
    response = HttpResponse(
        services.handover_pdf(record, move.school_name), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{services.pdf_filename(child)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
