"""Funding pages: a setting applies from the child's page and follows its applications; the
SEND team decides, records payments and downloads the payment file; the SEND team and planners
see budgets (totals only). Thin: access layer, form, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from earlyyears import exports, uploads
from earlyyears.access import child_for
from earlyyears.models import Role
from pathway.access import is_send_team
from pathway.access.funds import (
    can_apply_for_funding,
    can_decide_funding,
    can_see_fund_budgets,
    fund_application_for,
    fund_evidence_for,
    fund_payments_for,
)
from pathway.models import FundApplication, FundPayment, FundType

from . import rules, selectors, services
from .forms import ApplicationForm, DecisionForm, PaidForm


def _posted(request: HttpRequest, files: bool = False) -> tuple:
    """A form's data: bound on every POST, even an empty one (which must show its errors)."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _add_error(form, error: services.FundError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def choose_fund(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    if not can_apply_for_funding(request.user, child):
        raise PermissionDenied
    today = timezone.localdate()
    funds = list(
        FundType.objects.filter(active=True).prefetch_related("windows", "bands").order_by("name")
    )
    choices = [(fund, services.refusal_to_apply(fund, child, today)[0]) for fund in funds]
    return render(
        request,
        "pathway/funds/choose_fund.html",
        {
            "page_title": f"Apply for funding for {child.full_name}",
            "child": child,
            "choices": choices,
        },
    )


@login_required
def apply(request: HttpRequest, child_id: int, fund_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    if not can_apply_for_funding(request.user, child):
        raise PermissionDenied
    fund = get_object_or_404(FundType.objects.filter(active=True), pk=fund_id)
    form = ApplicationForm(*_posted(request, files=True), fund=fund)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.apply(
                request.user,
                child,
                fund,
                evidence=services.Evidence(
                    form.cleaned_data["evidence"], form.cleaned_data["evidence_description"]
                ),
                **form.service_kwargs(),
            )
        except services.FundError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Application {application.reference} sent.")
            return redirect("funds-application", application_id=application.pk)
    refusal = services.refusal_to_apply(fund, child, timezone.localdate())[0]
    return render(
        request,
        "pathway/funds/apply.html",
        {
            "page_title": f"Apply to the {fund.name}",
            "child": child,
            "fund": fund,
            "form": form,
            "refusal": refusal,
            "amount": rules.money(fund.yearly_amount) if fund.yearly_amount else "",
        },
    )


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    send_team = is_send_team(request.user)
    if not (send_team or request.user.role == Role.PRACTITIONER):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in FundApplication.Status.values:
        status = ""
    return render(
        request,
        "pathway/funds/applications.html",
        {
            "page_title": "Funding applications",
            "applications": selectors.applications_list(request.user, status),
            "statuses": FundApplication.Status.choices,
            "status": status,
            "send_team": send_team,
        },
    )


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = fund_application_for(request.user, application_id)
    return render(
        request,
        "pathway/funds/application.html",
        {
            "page_title": f"Funding application {application.reference}",
            "application": application,
            "evidence": list(application.evidence.all()),
            "payments": list(application.payments.all()),
            "can_decide": can_decide_funding(request.user)
            and application.status in FundApplication.OPEN,
        },
    )


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(fund_evidence_for(request.user), pk=evidence_id)
    if not evidence.file:
        raise Http404
    return uploads.serve(evidence.file, evidence.name)


@login_required
def decide(request: HttpRequest, application_id: int) -> HttpResponse:
    if not can_decide_funding(request.user):
        raise PermissionDenied
    application = fund_application_for(request.user, application_id)
    if application.status not in FundApplication.OPEN:
        messages.info(request, "This application has already been decided.")
        return redirect("funds-application", application_id=application.pk)
    form = DecisionForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                application,
                by=request.user,
                outcome=data["outcome"],
                reason=data["reason"],
                amount=data.get("amount"),
                confirm_overspend=data.get("confirm_overspend", False),
            )
        except services.FundError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Decision recorded. The setting has been told.")
            return redirect("funds-application", application_id=application.pk)
    return render(
        request,
        "pathway/funds/decide.html",
        {
            "page_title": f"Decide funding application {application.reference}",
            "application": application,
            "form": form,
            "budget": selectors.budget_for(
                application.fund_type, application.financial_year, application.area
            ),
        },
    )


@login_required
def payments(request: HttpRequest) -> HttpResponse:
    if not can_decide_funding(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in FundPayment.Status.values:
        status = ""
    return render(
        request,
        "pathway/funds/payments.html",
        {
            "page_title": "Funding payments",
            "payments": selectors.payments_list(request.user, status),
            "statuses": FundPayment.Status.choices,
            "status": status,
        },
    )


@login_required
@require_POST
def approve_payment(request: HttpRequest, payment_id: int) -> HttpResponse:
    if not can_decide_funding(request.user):
        raise PermissionDenied
    payment = get_object_or_404(fund_payments_for(request.user), pk=payment_id)
    try:
        services.approve_payment(payment, by=request.user)
    except services.FundError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Payment of {rules.money(payment.amount)} approved.")
    return redirect("funds-payments")


@login_required
def record_paid(request: HttpRequest, payment_id: int) -> HttpResponse:
    if not can_decide_funding(request.user):
        raise PermissionDenied
    payment = get_object_or_404(
        fund_payments_for(request.user).select_related("application__setting"), pk=payment_id
    )
    form = PaidForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_paid(payment, by=request.user, paid_on=form.cleaned_data["paid_on"])
        except services.FundError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"Payment of {rules.money(payment.amount)} recorded as paid.")
            return redirect("funds-payments")
    return render(
        request,
        "pathway/funds/paid.html",
        {"page_title": "Record a payment as paid", "payment": payment, "form": form},
    )


@login_required
def payment_file(request: HttpRequest) -> HttpResponse:
    """Approved payments not yet paid, as the finance system's CSV, through the safe exporter."""
    if not can_decide_funding(request.user):
        raise PermissionDenied
    content = exports.csv_bytes(selectors.payment_file_rows(request.user))
    today = timezone.localdate()
    return exports.download(content, exports.CSV, f"funding-payments-{today.isoformat()}.csv")


@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    """Totals of money by fund, year and area: no child, no count of children."""
    if not can_see_fund_budgets(request.user):
        raise PermissionDenied
    years = selectors.budget_years()
    current = rules.financial_year_of(timezone.localdate())
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    return render(
        request,
        "pathway/funds/budgets.html",
        {
            "page_title": "Funding budgets",
            "lines": selectors.budget_lines(year),
            "year": year,
            "year_words": rules.financial_year_words(year),
            "years": sorted(set(years) | {current}, reverse=True),
        },
    )
