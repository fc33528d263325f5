"""Views of advice requests: the SEND team asks, the professional answers, the SEND team reads
or withdraws. Thin: access layer, form, service in pathway.advice, render. Anyone but the SEND
team and professionals gets 403; a request that is not theirs, 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import Role, User, display_name
from pathway.access import advice_request_for, is_send_team, referral_for
from pathway.advice import services as advice
from pathway.advice.forms import AdviceAnswerForm, AdviceRequestForm, WithdrawForm
from pathway.models import AdviceRequest, ReferralEvent
from pathway.timeline import record_event


def _may_use_advice(user: User) -> None:
    if not (is_send_team(user) or (user.is_active and user.role == Role.PROFESSIONAL)):
        raise PermissionDenied


def _send_team_only(user: User) -> None:
    if not is_send_team(user):
        raise PermissionDenied


def _posted(request: HttpRequest):
    """The posted data, even when empty, so an empty post shows errors rather than a blank form."""
    return request.POST if request.method == "POST" else None


def _to_referral(referral_id: int) -> HttpResponse:
    return redirect(reverse("referral-detail", args=[referral_id]) + "#advice")


@login_required
def new_advice_request(request: HttpRequest, referral_id: int) -> HttpResponse:
    _send_team_only(request.user)
    referral = referral_for(request.user, referral_id)
    today = timezone.localdate()
    form = AdviceRequestForm(_posted(request), today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = advice.request_advice(
                referral,
                by=request.user,
                template=data["template"],
                professional=data["professional"],
                due_on=data["due_on"],
                message=data["message"],
                today=today,
            )
        except advice.AdviceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{created.get_discipline_display()} advice requested from "
                f"{advice.describe_professional(created.professional)}, "
                f"due {created.due_on:%-d %B %Y}.",
            )
            return _to_referral(referral.pk)
    return render(
        request,
        "pathway/advice/new.html",
        {
            "page_title": f"Ask for advice on referral {referral.reference}",
            "referral": referral,
            "form": form,
            "has_professionals": advice.professionals().exists(),
        },
    )


@login_required
def advice_list(request: HttpRequest) -> HttpResponse:
    _may_use_advice(request.user)
    today = timezone.localdate()
    return render(
        request,
        "pathway/advice/list.html",
        {
            "page_title": "Advice requests",
            "send_team": is_send_team(request.user),
            "today": today,
            **advice.advice_list(request.user, today),
        },
    )


@login_required
def advice_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """The professional reads about the child and answers; the SEND team reads the request."""
    user = request.user
    _may_use_advice(user)
    item = advice_request_for(user, request_id)
    is_asked = item.professional_id == user.pk
    is_open = item.status == AdviceRequest.Status.REQUESTED
    if request.method == "POST":
        if not is_asked:
            raise PermissionDenied
        if not is_open:
            messages.error(request, "This request is closed: your answers can no longer change.")
            return redirect("advice-detail", request_id=item.pk)
    sending = request.POST.get("action") == "send"
    form = AdviceAnswerForm(
        _posted(request),
        questions=item.questions,
        sending=sending,
        initial=AdviceAnswerForm.initial_from(item.answers),
    )
    if request.method == "POST" and form.is_valid():
        service = advice.send_advice if sending else advice.save_draft
        try:
            service(item, by=user, answers=form.answers())
        except advice.AdviceError as error:
            form.add_error(None, str(error))
        else:
            if sending:
                messages.success(
                    request,
                    f"Your advice about {item.referral.child.full_name} has been sent to the "
                    "Early Years SEND team.",
                )
                return redirect("advice-list")
            messages.success(request, "Your draft has been saved. You can come back to it later.")
            return redirect("advice-detail", request_id=item.pk)
    if request.method == "GET":
        viewed = f"Viewed by {display_name(user)} (advice request)"
        record_event(item.referral, ReferralEvent.Kind.VIEWED, user, viewed)
    today = timezone.localdate()
    return render(
        request,
        "pathway/advice/detail.html",
        {
            "page_title": f"{item.get_discipline_display()} advice for "
            f"{item.referral.child.full_name}",
            "item": item,
            "form": form if is_asked and is_open else None,
            "is_asked": is_asked,
            "send_team": is_send_team(user),
            "can_withdraw": advice.can_withdraw(user, item),
            "show_answers": item.status == AdviceRequest.Status.SUBMITTED,
            "answers": advice.answer_rows(item),
            **advice.answering_context(item, today),
        },
    )


@login_required
def withdraw_advice_request(request: HttpRequest, request_id: int) -> HttpResponse:
    _send_team_only(request.user)
    item = advice_request_for(request.user, request_id)
    what = f"the request for {item.get_discipline_display().lower()} advice"
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            advice.withdraw(item, by=request.user, reason=form.cleaned_data["reason"])
        except advice.AdviceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"You have withdrawn {what}.",
            )
            return _to_referral(item.referral_id)
    return render(
        request,
        "pathway/advice/withdraw.html",
        {
            "page_title": f"Withdraw {what}",
            "item": item,
            "form": form,
        },
    )
