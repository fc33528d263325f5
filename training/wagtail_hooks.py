"""Wagtail's messages after a trainer submits a module or an approver approves one say what
happened to the module and the lessons that went with it (training.signals)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.utils import timezone
from wagtail import hooks
from wagtail.models import TaskState

from .models import LessonPage, TrainingModulePage


def _replace_messages(request, drop: str, new: str) -> None:
    """Wagtail queued its own message ("has been updated"): keep every other one, add ours."""
    storage = messages.get_messages(request)
    kept = [m for m in storage if drop not in str(m.message)]  # marks them all read
    storage._loaded_messages.clear()  # read messages are not stored again: nor shown here
    for message in kept:
        messages.add_message(request, message.level, message.message, message.tags)
    messages.success(request, new)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@hooks.register("after_edit_page")
@hooks.register("after_create_page")
def say_what_approval_did(request, page):
    if request.method != "POST":
        return None
    # Fresh from the database: the workflow may have just published it.
    specific = type(page.specific).objects.get(pk=page.pk)
    if isinstance(specific, TrainingModulePage):
        lessons = LessonPage.objects.child_of(specific)
    elif isinstance(specific, LessonPage):
        lessons = LessonPage.objects.none()
    else:
        return None
    action = request.POST.get("workflow-action-name")
    if action == "approve":
        recent = timezone.now() - datetime.timedelta(minutes=1)
        with_it = TaskState.objects.filter(
            status=TaskState.STATUS_APPROVED,
            finished_by=request.user,
            finished_at__gte=recent,
            workflow_state__object_id__in=[str(pk) for pk in lessons.values_list("pk", flat=True)],
        ).count()
        live = "published" if specific.live else "approved"
        text = f"Approved '{specific.title}': it is {live}"
        if with_it:
            text += f", with {_plural(with_it, 'lesson')} approved and published with it"
        _replace_messages(request, "has been updated", text + ".")
    elif action == "reject":
        _replace_messages(
            request,
            "has been updated",
            f"Asked for changes to '{specific.title}': it goes back to the trainer.",
        )
    elif "action-submit" in request.POST and isinstance(specific, TrainingModulePage):
        waiting = sum(1 for lesson in lessons if lesson.workflow_in_progress)
        text = f"Submitted '{specific.title}' for approval"
        if waiting:
            text += f" with {_plural(waiting, 'lesson')}"
        _replace_messages(request, "has been submitted for moderation", text + ".")
    return None
