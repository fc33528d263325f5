"""The partnership self-evaluation: the SEND manager writes it (each save a new version) and
marks it agreed; planners and the SEND manager read, compare and print it. Figures are
aggregates only. Every page is in the audit trail (object: the version). Thin: rules live in
selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from earlyyears.roles import CASE_REVIEW_MANAGER_ROLES, PLANNING_ROLES
from pathway.models import SelfEvaluation, SelfEvaluationVersion

from . import exports, selectors, services
from .forms import AgreeForm, StartYearForm, VersionForm
from .tables import suppression_explanation


def _role(request: HttpRequest) -> str:
    user = request.user
    return getattr(user, "role", "") if user.is_active else ""


def _reader(request: HttpRequest) -> bool:
    """Planners and the SEND manager read and print; everyone else is refused."""
    if _role(request) not in PLANNING_ROLES:
        raise PermissionDenied
    return _role(request) in CASE_REVIEW_MANAGER_ROLES


def _editor(request: HttpRequest) -> None:
    if _role(request) not in CASE_REVIEW_MANAGER_ROLES:
        raise PermissionDenied


def _audit(request: HttpRequest, obj: SelfEvaluation | SelfEvaluationVersion | None, **extra):
    """Name the record in the audit trail (no child: these pages hold none)."""
    if obj is None:
        request.audit = {"object_type": "pathway.selfevaluation", **extra}
        return
    request.audit = {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        **extra,
    }


def _year(year: int) -> SelfEvaluation:
    return get_object_or_404(SelfEvaluation, year=year)


def _version(year: int, number: int) -> SelfEvaluationVersion:
    return get_object_or_404(
        SelfEvaluationVersion.objects.select_related("self_evaluation"),
        self_evaluation__year=year,
        number=number,
    )


@login_required
def self_evaluations(request: HttpRequest) -> HttpResponse:
    editor = _reader(request)
    _audit(request, None)
    taken = set(SelfEvaluation.objects.values_list("year", flat=True))
    form = (
        StartYearForm(request.POST or None, today=timezone.localdate(), taken=taken)
        if editor
        else None
    )
    if request.method == "POST":
        _editor(request)
        if form.is_valid():
            try:
                evaluation = services.start_year(form.cleaned_data["year"], request.user)
            except services.SelfEvaluationError as problem:
                form.add_error("year", str(problem))
            else:
                messages.success(
                    request,
                    f"{evaluation.label} started. Check each area's level and evidence, then "
                    "save a new version.",
                )
                return redirect("self-evaluation-edit", year=evaluation.year)
    return render(
        request,
        "pathway/self_evaluation/list.html",
        {
            "page_title": "Partnership self-evaluation",
            "years": selectors.years(),
            "is_editor": editor,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _version_context(version: SelfEvaluationVersion) -> dict:
    return {
        "version": version,
        "evaluation": version.self_evaluation,
        "judgements": selectors.judgements(version),
        "figures": version.figures,
        "suppression": suppression_explanation(),
    }


@login_required
@require_GET
def self_evaluation_year(request: HttpRequest, year: int) -> HttpResponse:
    editor = _reader(request)
    evaluation = _year(year)
    version = selectors.version_to_show(evaluation)
    if version is None:  # a year is always started with a version
        raise Http404
    _audit(request, version)
    latest = selectors.latest_version(evaluation)
    return render(
        request,
        "pathway/self_evaluation/version.html",
        {
            "page_title": f"Self-evaluation: {evaluation.label}",
            "is_editor": editor,
            "is_latest": latest is not None and latest.pk == version.pk,
            "previous_year": selectors.previous_year(evaluation),
            **_version_context(version),
        },
    )


@login_required
@require_GET
def self_evaluation_version(request: HttpRequest, year: int, number: int) -> HttpResponse:
    editor = _reader(request)
    version = _version(year, number)
    _audit(request, version)
    latest = selectors.latest_version(version.self_evaluation)
    return render(
        request,
        "pathway/self_evaluation/version.html",
        {
            "page_title": f"Self-evaluation: {version.self_evaluation.label}, version {number}",
            "is_editor": editor,
            "is_latest": latest is not None and latest.pk == version.pk,
            "previous_year": selectors.previous_year(version.self_evaluation),
            "agree_form": AgreeForm() if editor else None,
            **_version_context(version),
        },
    )


@login_required
def self_evaluation_edit(request: HttpRequest, year: int) -> HttpResponse:
    _editor(request)
    evaluation = _year(year)
    latest = selectors.latest_version(evaluation)
    _audit(request, latest or evaluation)
    if latest is not None and latest.is_agreed:
        messages.info(request, "This year's self-evaluation is agreed, so it cannot change.")
        return redirect("self-evaluation-year", year=year)
    current = {j.area_id: j for j in selectors.judgements(latest)} if latest else {}
    areas = list(selectors.current_areas())
    initial = {
        "summary": latest.summary if latest else "",
        "based_on": latest.number if latest else 0,
    }
    form = VersionForm(request.POST or None, areas=areas, current=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.save_version(
                evaluation,
                request.user,
                summary=form.cleaned_data["summary"].strip(),
                change_note=form.cleaned_data["change_note"].strip(),
                judgements=form.judgements(),
                based_on=form.cleaned_data["based_on"],
            )
        except services.SelfEvaluationError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                f"Version {version.number} saved, with the figures taken again as at today.",
            )
            return redirect("self-evaluation-year", year=year)
    return render(
        request,
        "pathway/self_evaluation/edit.html",
        {
            "page_title": f"Edit the self-evaluation: {evaluation.label}",
            "evaluation": evaluation,
            "latest": latest,
            "form": form,
            "figures": latest.figures if latest else [],
            "suppression": suppression_explanation(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def self_evaluation_agree(request: HttpRequest, year: int, number: int) -> HttpResponse:
    _editor(request)
    version = _version(year, number)
    _audit(request, version)
    form = AgreeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_agreed(version, request.user, form.cleaned_data["note"].strip())
        except services.SelfEvaluationError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request, f"Version {version.number} is recorded as agreed. The year is final."
            )
            return redirect("self-evaluation-year", year=year)
    return render(
        request,
        "pathway/self_evaluation/agree.html",
        {
            "page_title": f"Record that version {number} was agreed",
            "version": version,
            "evaluation": version.self_evaluation,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def self_evaluation_versions(request: HttpRequest, year: int) -> HttpResponse:
    _reader(request)
    evaluation = _year(year)
    _audit(request, evaluation)
    return render(
        request,
        "pathway/self_evaluation/versions.html",
        {
            "page_title": f"Versions: {evaluation.label}",
            "evaluation": evaluation,
            "versions": evaluation.versions.order_by("-number"),
        },
    )


@login_required
@require_GET
def self_evaluation_figures(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """How each figure in this version was computed: the definitions stored with it."""
    _reader(request)
    version = _version(year, number)
    _audit(request, version)
    return render(
        request,
        "pathway/self_evaluation/figures.html",
        {
            "page_title": f"How the figures are computed: {version.self_evaluation.label}",
            "suppression": suppression_explanation(),
            **_version_context(version),
        },
    )


@login_required
@require_GET
def self_evaluation_compare(request: HttpRequest, year: int) -> HttpResponse:
    _reader(request)
    evaluation = _year(year)
    version = selectors.version_to_show(evaluation)
    before = selectors.previous_year(evaluation)
    last = selectors.version_to_show(before) if before else None
    _audit(request, version)
    areas, figures = selectors.compare(version, last) if version else ([], [])
    return render(
        request,
        "pathway/self_evaluation/compare.html",
        {
            "page_title": f"Compared with last year: {evaluation.label}",
            "evaluation": evaluation,
            "version": version,
            "before": before,
            "last": last,
            "areas": areas,
            "figure_rows": figures,
        },
    )


@login_required
@require_GET
def self_evaluation_report(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The version to print for governance: a plain page with print styles."""
    _reader(request)
    version = _version(year, number)
    _audit(request, version)
    return render(
        request,
        "pathway/self_evaluation/report.html",
        {
            "page_title": f"Partnership self-evaluation: {version.self_evaluation.label}",
            **_version_context(version),
        },
    )


@login_required
@require_GET
def self_evaluation_pdf(request: HttpRequest, year: int, number: int) -> HttpResponse:
    _reader(request)
    version = _version(year, number)
    _audit(request, version, action="export")
    response = HttpResponse(exports.version_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(version)}"'
    response["Cache-Control"] = "no-store"
    return response
