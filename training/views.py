"""Thin views for training: learners on the Wagtail pages (context and POSTs), certificates,
and the trainers' coverage, export and import pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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

# --- Wagtail pages: what a learner sees and does ------------------------------------------------


def index_context(index: TrainingIndexPage, request: HttpRequest) -> dict:
    return {
        "cards": selectors.catalogue(request.user, index),
        "can_learn": services.can_take_training(request.user),
        "is_trainer": request.user.role == Role.TRAINER,
    }


def module_context(module: TrainingModulePage, request: HttpRequest) -> dict:
    lessons = list(selectors.live_lessons(module))
    done = selectors.done_lesson_ids(request.user, module)
    next_lesson = next((lesson for lesson in lessons if lesson.pk not in done), None)
    return {
        "lessons": [(lesson, lesson.pk in done) for lesson in lessons],
        "done_count": sum(1 for lesson in lessons if lesson.pk in done),
        "next_lesson": next_lesson,
        "started": bool(done) or module.enrolments.filter(user=request.user).exists(),
        "latest_completion": selectors.latest_completion(request.user, module),
        "can_learn": services.can_take_training(request.user),
        "today": timezone.localdate(),
    }


def module_post(module: TrainingModulePage, request: HttpRequest) -> HttpResponse:
    if not services.can_take_training(request.user):
        raise PermissionDenied
    if request.POST.get("action") == "start-again":
        services.start_again(request.user, module)
    else:
        services.enrol(request.user, module)
    first = selectors.live_lessons(module).first()
    return redirect(first.get_url(request) if first else module.get_url(request))


def lesson_context(lesson: LessonPage, request: HttpRequest) -> dict:
    module = lesson.get_parent().specific
    lessons = list(selectors.live_lessons(module))
    ids = [page.pk for page in lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else None
    used: set[str] = set()
    body = []
    for block in lesson.body:
        if block.block_type == "question":
            continue
        anchor = None
        if block.block_type == "signs" and block.value["eyfs_area"] not in used:
            used.add(block.value["eyfs_area"])
            anchor = f"signs-{block.value['eyfs_area']}"
        body.append((block, anchor))
    done = selectors.done_lesson_ids(request.user, module)
    attempt = (
        selectors.attempt_for(request.user, lesson, request.GET.get("attempt"))
        if "attempt" in request.GET
        else None
    )
    return {
        "module": module,
        "body_blocks": body,
        "questions": lesson.questions(),
        "position": None if position is None else position + 1,
        "lesson_total": len(lessons),
        "previous_lesson": lessons[position - 1] if position else None,
        "next_lesson": (
            lessons[position + 1] if position is not None and position + 1 < len(lessons) else None
        ),
        "lesson_done": lesson.pk in done,
        "attempt": attempt,
        "feedback": _feedback(lesson, attempt) if attempt else [],
        "can_learn": services.can_take_training(request.user),
        "answers": {},
        "errors": {},
    }


def _feedback(lesson: LessonPage, attempt) -> list[dict]:
    """Each question as it stands now, with the answer given and what the trainer says."""
    given = {item["id"]: item for item in attempt.answers}
    rows = []
    for block_id, question in lesson.questions():
        item = given.get(block_id)
        if item is None:
            continue
        answers = question["answers"]
        chosen = answers[item["chosen"]] if item["chosen"] < len(answers) else None
        right = next((a for a in answers if a["correct"]), None)
        rows.append(
            {
                "question": item["question"],
                "chosen_text": item["chosen_text"],
                "correct": item["correct"],
                "right_text": right["text"] if right else "",
                "feedback": chosen["feedback"] if chosen else "",
                "explanation": question["explanation"],
            }
        )
    return rows


def lesson_post(lesson: LessonPage, request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.can_take_training(user):
        raise PermissionDenied
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
    later = selectors.live_lessons(module).filter(path__gt=lesson.path).first()
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
