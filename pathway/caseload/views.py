"""The SEND manager's pages for bringing in the existing caseload: what to import and in which
order, each kind's template, the upload, the dry run's report row by row, applying it, and the
result. Thin: the engine (earlyyears.bulk) does the work; nobody else gets in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from earlyyears.bulk import services as engine
from earlyyears.models import ImportJob

from . import selectors, services
from .forms import ApplyForm, UploadForm
from .resources import RESOURCES


def _managers_only(request: HttpRequest) -> None:
    if not selectors.may_import(request.user):
        raise PermissionDenied


def _kind(key: str) -> services.Kind:
    kind = services.KINDS.get(key)
    if kind is None:
        raise Http404
    return kind


@login_required
def caseload_import(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    return render(
        request,
        "pathway/caseload/index.html",
        {
            "page_title": "Bring in your existing caseload",
            "kinds": list(services.KINDS.values()),
            "jobs": selectors.jobs_for(request.user)[:10],
        },
    )


@login_required
def caseload_template(request: HttpRequest, kind: str) -> HttpResponse:
    _managers_only(request)
    _kind(kind)
    response = HttpResponse(services.template_file(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


@login_required
def caseload_upload(request: HttpRequest, kind: str) -> HttpResponse:
    _managers_only(request)
    chosen = _kind(kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > engine.max_bytes():
                form.add_error(
                    "file",
                    f"The selected file must be smaller than {engine.max_bytes() // 2**20} MB",
                )
            else:
                try:
                    job = services.start(request.user, kind, upload.name, upload.read())
                except engine.ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    return redirect("caseload-import-job", job.pk)
        status = 400
    return render(
        request,
        "pathway/caseload/upload.html",
        {
            "page_title": f"Import {chosen.label}",
            "kind": chosen,
            "columns": RESOURCES[kind].columns,
            "form": form,
        },
        status=status,
    )


@login_required
def caseload_job(request: HttpRequest, job_id: int) -> HttpResponse:
    _managers_only(request)
    job = selectors.job_for(request.user, job_id)
    kind = services.KINDS[job.resource]
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.apply(job, form.cleaned_data["mode"])
        except engine.ApplyRefused as error:
            messages.error(request, str(error))
        return redirect("caseload-import-job", job.pk)
    report = job.applied_report or job.report
    labels = [column.label for column in RESOURCES[job.resource].columns]
    return render(
        request,
        "pathway/caseload/job.html",
        {
            "page_title": f"{kind.title}: {job.file_name}",
            "kind": kind,
            "job": job,
            "report": report,
            "problems": selectors.problem_rows(report, labels),
            "form": form,
            "Status": ImportJob.Status,
            "refresh_seconds": 3 if job.is_running else None,
            "next_kind": next(
                (k for k in services.KINDS.values() if k.step == kind.step + 1), None
            ),
        },
        status=400 if form.errors else 200,
    )
