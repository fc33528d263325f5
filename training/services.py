"""Writes for training: setting up the section and its permissions, and what learners do."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from earlyyears.models import Role, User

from .models import (
    Completion,
    Enrolment,
    KnowledgeCheckAttempt,
    LessonPage,
    LessonProgress,
    TrainingIndexPage,
    TrainingModulePage,
    can_take_training,
)

TRAINERS = "Trainers"
APPROVERS = "Training approvers"
WORKFLOW_NAME = "Training approval"
TASK_NAME = "Approval by a training lead"
COLLECTION_NAME = "Training"
INDEX_SLUG = "training"

# Page permissions on the training index (and so everything under it), by group. Trainers
# draft and submit; approvers (training leads) approve through the workflow, and may publish
# or unpublish directly, for example to withdraw a module whose content has gone out of date.
PAGE_PERMISSIONS = {
    TRAINERS: ("add_page", "change_page"),
    APPROVERS: ("add_page", "change_page", "publish_page"),
}
MEDIA_PERMISSIONS = (
    ("wagtailimages", "image", ("add", "change", "choose")),
    ("wagtaildocs", "document", ("add", "change", "choose")),
)


def training_groups() -> tuple[Group, Group]:
    """The trainer and approver groups, with Wagtail admin access and nothing else site-wide."""
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = []
    for name in (TRAINERS, APPROVERS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([access_admin])
        groups.append(group)
    return groups[0], groups[1]


def _default_site_root() -> Page:
    """The default site's root page, creating a minimal tree if the database has none."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        if not site.site_name:  # Wagtail's dashboard would say "localhost"
            site.site_name = settings.WAGTAIL_SITE_NAME
            site.save(update_fields=["site_name"])
        return site.root_page
    root = Page.get_first_root_node()
    if root is None:
        locale, _ = Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(
            instance=Page(
                title="Root",
                slug="root",
                locale=locale,
                content_type=ContentType.objects.get_for_model(Page),
            )
        )
    home = root.get_children().first() or root.add_child(instance=Page(title="Home", slug="home"))
    Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name=settings.WAGTAIL_SITE_NAME,  # Wagtail's dashboard names the site by this
    )
    return home


@transaction.atomic
def ensure_training_section() -> TrainingIndexPage:
    """Make sure the training section exists and only trainers can edit it. Idempotent.

    Creates (when missing) the index page at /training/ under the default site's root, the
    "Trainers" and "Training approvers" groups with page permissions on the index's tree only,
    a "Training" collection for their images and documents, and the "Training approval"
    workflow on the index; then puts every trainer in the Trainers group."""
    index = TrainingIndexPage.objects.first()
    if index is None:
        index = _default_site_root().add_child(
            instance=TrainingIndexPage(
                title="Training",
                slug=INDEX_SLUG,
                intro="<p>Short modules for early years staff in Westmoor: how to spot that a "
                "child may have additional needs, and what to do next.</p>",
            )
        )
        index.save_revision().publish()
    trainers, approvers = training_groups()

    page_ct = ContentType.objects.get_for_model(Page)
    for group in (trainers, approvers):
        wanted = set(PAGE_PERMISSIONS[group.name])
        GroupPagePermission.objects.filter(group=group).exclude(
            page=index, permission__codename__in=wanted
        ).delete()
        for codename in sorted(wanted):
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=index,
                permission=Permission.objects.get(content_type=page_ct, codename=codename),
            )

    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root_collection.get_children().filter(name=COLLECTION_NAME).first()
    if collection is None:
        collection = root_collection.add_child(name=COLLECTION_NAME)
    for group in (trainers, approvers):
        for app_label, model, actions in MEDIA_PERMISSIONS:
            for action in actions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=collection,
                    permission=Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    ),
                )

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([approvers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})

    for user in User.objects.filter(role=Role.TRAINER, is_active=True):
        user.groups.add(trainers)
    return index


def sync_trainer_groups(user: User) -> None:
    """Trainers are in the Trainers group; anyone who stops being a trainer leaves both groups."""
    if user.role == Role.TRAINER:
        if user.is_active:
            trainers = Group.objects.filter(name=TRAINERS).first()
            if trainers is not None:
                user.groups.add(trainers)
    else:
        User.groups.through.objects.filter(
            user_id=user.pk, group__name__in=(TRAINERS, APPROVERS)
        ).delete()


# --- Learning ----------------------------------------------------------------------------------


def enrol(user: User, module: TrainingModulePage) -> Enrolment:
    if not can_take_training(user):
        raise PermissionDenied("This role does not take training.")
    enrolment, _ = Enrolment.objects.get_or_create(user=user, module=module)
    return enrolment


@transaction.atomic
def complete_lesson(
    user: User, lesson: LessonPage, today: datetime.date | None = None
) -> Completion | None:
    """Mark a lesson done; when that finishes the module, record and return the completion."""
    module = lesson.get_parent().specific
    enrolment = enrol(user, module)
    _, created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    if not created:
        return None
    lesson_ids = {page.pk for page in module.live_lessons()}
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, lesson_id__in=lesson_ids).values_list(
            "lesson_id", flat=True
        )
    )
    if done != lesson_ids:
        return None
    return record_completion(user, module, today or timezone.localdate())


def record_completion(
    user: User,
    module: TrainingModulePage,
    completed_at: datetime.date,
    source: str = Completion.Source.ONLINE,
    recorded_by: User | None = None,
) -> Completion:
    completion, _ = Completion.objects.get_or_create(
        user=user,
        module=module,
        completed_at=completed_at,
        defaults={
            "module_title": module.title,
            "renew_by": module.renew_by_for(completed_at),
            "source": source,
            "recorded_by": recorded_by,
        },
    )
    return completion


def check_answers(lesson: LessonPage, posted) -> tuple[dict[str, int], dict[str, str]]:
    """The chosen answer to each question (by block id), and an error for each one missing."""
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for block_id, question in lesson.questions():
        raw = posted.get(f"q-{block_id}", "")
        try:
            chosen = int(raw)
        except (TypeError, ValueError):
            chosen = -1
        if 0 <= chosen < len(question["answers"]):
            answers[block_id] = chosen
        else:
            errors[block_id] = f"Select an answer to: {question['question']}"
    return answers, errors


@transaction.atomic
def submit_knowledge_check(
    user: User, lesson: LessonPage, answers: dict[str, int]
) -> tuple[KnowledgeCheckAttempt, Completion | None]:
    """Score a complete set of answers on the server, keep the attempt, and pass the lesson
    when the score reaches the module's pass mark."""
    if not can_take_training(user):
        raise PermissionDenied("This role does not take training.")
    module = lesson.get_parent().specific
    marked = []
    for block_id, question in lesson.questions():
        chosen = answers[block_id]
        answer = question["answers"][chosen]
        marked.append(
            {
                "id": block_id,
                "question": question["question"],
                "chosen": chosen,
                "chosen_text": answer["text"],
                "correct": bool(answer["correct"]),
            }
        )
    score = sum(1 for item in marked if item["correct"])
    total = len(marked)
    passed = total == 0 or score * 100 >= module.pass_mark_percent * total
    attempt = KnowledgeCheckAttempt.objects.create(
        user=user, lesson=lesson, answers=marked, score=score, total=total, passed=passed
    )
    completion = complete_lesson(user, lesson) if passed else None
    return attempt, completion


def start_again(user: User, module: TrainingModulePage) -> Enrolment:
    """Clear lesson progress so a learner can renew a module they completed before."""
    enrolment = enrol(user, module)
    enrolment.progress.all().delete()
    return enrolment


# --- A module and its lessons go through approval together ----------------------------------


def lessons_awaiting_submission(module: TrainingModulePage) -> list[LessonPage]:
    """The module's lessons with changes not yet published and not already in a workflow."""
    lessons = LessonPage.objects.child_of(module).filter(has_unpublished_changes=True)
    return [lesson for lesson in lessons.order_by("path") if not lesson.workflow_in_progress]


@transaction.atomic
def submit_lessons_with_module(module: TrainingModulePage, user: User | None) -> list[LessonPage]:
    """When a module is submitted for approval, its lessons with unpublished changes go with
    it: a trainer writes a module and its lessons together, and the approver sees them all.
    Returns the lessons submitted."""
    submitted = []
    for lesson in lessons_awaiting_submission(module):
        workflow = lesson.get_workflow()
        if workflow is None:
            continue
        if lesson.get_latest_revision() is None:
            lesson.save_revision(user=user)
        workflow.start(lesson, user)
        submitted.append(lesson)
    return submitted


@transaction.atomic
def approve_lessons_with_module(module: TrainingModulePage, user: User | None) -> list[LessonPage]:
    """When a module is approved, its lessons waiting on the same approval step are approved
    (and so published) by the same approver, if they may approve them. Returns them."""
    approved = []
    lessons = LessonPage.objects.child_of(module).order_by("path")
    for lesson in lessons:
        state = lesson.current_workflow_task_state
        task = lesson.current_workflow_task
        if state is None or task is None:
            continue
        task = task.specific
        actions = {name for name, *_ in task.get_actions(lesson, user)} if user else set()
        if "approve" not in actions:
            continue
        task.on_action(state, user, "approve")
        approved.append(lesson)
    return approved
