"""Thin views for training: what learners post from the Wagtail pages, certificates, and the
trainers' coverage, export and import pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from earlyyears import exports
from earlyyears.models import Role, Setting

from . import certificates, importing, selectors, services
from .forms import AttendanceUploadForm, CoverageFilterForm, ExportForm
from .models import AttendanceImport, Completion, LessonPage, TrainingIndexPage, TrainingModulePage

# --- What learners do on the Wagtail pages (the pages show themselves; their forms post here) ---


def _check_learner(request: HttpRequest, page) -> None:
    """Refuse a view restriction on the page that this request does not pass (as Wagtail
    would in serving it), and a role that does not take training."""
    restrictions = page.get_view_restrictions()
    if any(not restriction.accept_request(request) for restriction in restrictions):
        raise PermissionDenied
    if not services.can_take_training(request.user):
        raise PermissionDenied


@require_POST
def module_start(request: HttpRequest, module_id: int) -> HttpResponse:
    """Start a module (enrol), or take it again, then go to its first lesson."""
    module = get_object_or_404(TrainingModulePage.objects.live(), pk=module_id)
    if not request.user.is_authenticated:
        return redirect_to_login(module.get_url(request))
    _check_learner(request, module)
    if request.POST.get("action") == "start-again":
        services.start_again(request.user, module)
    else:
        services.enrol(request.user, module)
    first = module.live_lessons().first()
    return redirect(first.get_url(request) if first else module.get_url(request))


@require_POST
def lesson_submit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Answers to a lesson's knowledge check, or a lesson without questions marked done.

    Unanswered questions show the lesson page again with the GOV.UK error summary and the
    answers given; a pass that finishes the module goes to the certificate."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.get_url(request))
    _check_learner(request, lesson)
    user = request.user
    if lesson.questions():
        answers, errors = services.check_answers(lesson, request.POST)
        if errors:
            context = lesson.get_context(request)
            context.update({"answers": answers, "errors": errors, "has_errors": True})
            return TemplateResponse(request, lesson.get_template(request), context)
        attempt, completion = services.submit_knowledge_check(user, lesson, answers)
        if completion is not None:
            messages.success(request, f"You have completed {completion.module_title}.")
            return redirect("training-certificate", completion.pk)
        return redirect(f"{lesson.get_url(request)}?attempt={attempt.pk}#result")
    completion = services.complete_lesson(user, lesson)
    if completion is not None:
        messages.success(request, f"You have completed {completion.module_title}.")
        return redirect("training-certificate", completion.pk)
    module = lesson.get_parent().specific
    later = module.live_lessons().filter(path__gt=lesson.path).first()
    return redirect((later or module).get_url(request))


# --- Certificates --------------------------------------------------------------------------


def _completion_for(request: HttpRequest, completion_id: int) -> Completion:
    """The learner's own completion, or any for a trainer; anything else is not found."""
    completions = Completion.objects.select_related("user", "module")
    if request.user.role != Role.TRAINER:
        completions = completions.filter(user=request.user)
    return get_object_or_404(completions, pk=completion_id)


@login_required
def certificate(request: HttpRequest, completion_id: int) -> HttpResponse:
    completion = _completion_for(request, completion_id)
    index = TrainingIndexPage.objects.live().first()
    return render(
        request,
        "training/certificate.html",
        {
            "page_title": f"Certificate: {completion.module_title}",
            "completion": completion,
            "index_url": index.get_url(request) if index else None,
            "today": timezone.localdate(),
        },
    )


@login_required
def certificate_pdf(request: HttpRequest, completion_id: int) -> HttpResponse:
    completion = _completion_for(request, completion_id)
    response = HttpResponse(
        certificates.certificate_pdf(completion), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="certificate-{completion.reference}.pdf"'
    return response


# --- Trainers: coverage, export and import -------------------------------------------------


def _trainer_only(request: HttpRequest) -> None:
    if request.user.role != Role.TRAINER:
        raise PermissionDenied


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    _trainer_only(request)
    today = timezone.localdate()
    form = CoverageFilterForm(request.GET or None)
    module = area = None
    if form.is_bound and form.is_valid():
        module, area = form.cleaned_data["module"], form.cleaned_data["area"]
    module = module or form.fields["module"].queryset.first()
    context = {
        "page_title": "Training coverage",
        "form": form,
        "module": module,
        "area": area,
        "uptake": selectors.uptake_by_module(today),
        "today": today,
    }
    if module is not None:
        context.update(
            {
                "total": selectors.coverage_total(module, today),
                "areas": selectors.coverage_by_area(module, today),
                "settings": selectors.coverage_by_setting(module, today, area=area),
            }
        )
    return render(request, "training/coverage.html", context)


@login_required
def setting_coverage(request: HttpRequest, setting_id: int) -> HttpResponse:
    _trainer_only(request)
    setting = get_object_or_404(Setting.objects.select_related("area"), pk=setting_id)
    modules = list(selectors.live_modules())
    rows = selectors.setting_staff(setting)
    return render(
        request,
        "training/setting_coverage.html",
        {
            "page_title": f"Training at {setting.name}",
            "setting": setting,
            "modules": modules,
            "rows": [(row, [row.completions.get(module.pk) for module in modules]) for row in rows],
            "today": timezone.localdate(),
        },
    )


@login_required
def export_completions(request: HttpRequest) -> HttpResponse:
    _trainer_only(request)
    form = ExportForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return render(
            request,
            "training/export.html",
            {"page_title": "Download training records", "form": form},
        )
    file_format = form.cleaned_data["file_format"]
    content, _ = importing.export_completions(file_format)
    stamp = timezone.localdate().isoformat()
    return exports.download(content, file_format, f"training-completions-{stamp}.{file_format}")


@login_required
def import_attendance(request: HttpRequest) -> HttpResponse:
    """Upload a register; check every row without saving; show what would happen."""
    _trainer_only(request)
    if request.method == "POST":
        form = AttendanceUploadForm(request.POST, request.FILES)
    else:
        form = AttendanceUploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = AttendanceImport.objects.create(
            uploaded_by=request.user,
            file_name=upload.name[:255],
            file_format=form.cleaned_data["file_format"],
            content=form.cleaned_data["content"],
        )
        return redirect("training-import-preview", batch.pk)
    return render(
        request,
        "training/import.html",
        {"page_title": "Upload attendance at face-to-face training", "form": form},
    )


def _batch_for(request: HttpRequest, batch_id: int) -> AttendanceImport:
    return get_object_or_404(AttendanceImport, pk=batch_id, uploaded_by=request.user)


@login_required
def import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    _trainer_only(request)
    batch = _batch_for(request, batch_id)
    if batch.status == AttendanceImport.Status.IMPORTED:
        raise Http404
    report = importing.preview(batch, request.user)
    return render(
        request,
        "training/import_preview.html",
        {"page_title": "Check the attendance before importing", "batch": batch, "report": report},
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    _trainer_only(request)
    batch = _batch_for(request, batch_id)
    if batch.status == AttendanceImport.Status.IMPORTED:
        messages.info(request, "That file has already been imported.")
        return redirect("training-coverage")
    report = importing.run_import(batch, request.user)
    if report.has_problems:
        return render(
            request,
            "training/import_preview.html",
            {
                "page_title": "Check the attendance before importing",
                "batch": batch,
                "report": report,
            },
        )
    messages.success(
        request,
        f"Imported {report.new} new completion{'' if report.new == 1 else 's'} "
        f"({report.skipped} already recorded).",
    )
    return redirect("training-coverage")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _trainer_only(request)
    content = exports.csv_bytes(importing.TEMPLATE_ROWS)
    return exports.download(content, "csv", "attendance-template.csv")
