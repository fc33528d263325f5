"""Training for early years providers.

The content (an index, modules, lessons) is Wagtail pages that trainers write and publish
through a review workflow. What learners do (enrolment, progress, knowledge checks,
completions) is plain Django models, kept apart from the content so a revision of a lesson
never rewrites anyone's record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from http import HTTPMethod

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, QuerySet
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from earlyyears.models import Role
from earlyyears.roles import LEARNER_ROLES

from .blocks import LessonStreamBlock

# Our own pages live under /training/ next to the Wagtail pages: no module may take these slugs.
RESERVED_SLUGS = frozenset({"coverage", "certificates"})
STEP = 4  # characters per level in Wagtail's tree paths


def can_take_training(user) -> bool:
    """Staff in a learner role take training; everyone else signed in may read the modules."""
    return bool(user.is_authenticated and user.is_active and user.role in LEARNER_ROLES)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


class SignedInPageMixin:
    """Training pages are for signed-in staff: everyone else goes to the sign-in page.

    A page builds what a learner sees itself (so previews in the admin look the same). What
    learners do (starting a module, answering a knowledge check) is posted to the views at
    their own URLs, which call services and come back to the page."""

    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD]

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_title"] = self.title
        context.update(self.learner_context(request))
        return context

    def learner_context(self, request) -> dict:
        return {}


@dataclass
class ModuleCard:
    """A module in the catalogue, with one learner's progress on it."""

    module: TrainingModulePage
    lesson_count: int = 0
    done_count: int = 0
    enrolled: bool = False
    latest_completion: Completion | None = None

    @property
    def status(self) -> str:
        if self.latest_completion is not None:
            return "completed" if self.latest_completion.is_current() else "renewal due"
        if self.enrolled:
            return "in progress"
        return "not started"


class TrainingIndexPage(SignedInPageMixin, Page):
    """The catalogue of modules (at /training/)."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["training.TrainingModulePage"]
    max_count = 1

    class Meta:
        verbose_name = "Training index"

    def learner_context(self, request) -> dict:
        user = request.user
        return {
            "cards": self.catalogue(user),
            "can_learn": can_take_training(user),
            "is_trainer": user.role == Role.TRAINER,
        }

    def catalogue(self, user) -> list[ModuleCard]:
        """Every published module with this learner's progress and latest completion, in a
        fixed number of queries however many modules and lessons there are."""
        modules = TrainingModulePage.objects.live().child_of(self).order_by("path")
        cards = {module.path: ModuleCard(module) for module in modules}
        if not cards:
            return []
        for path in LessonPage.objects.live().descendant_of(self).values_list("path", flat=True):
            card = cards.get(path[:-STEP])
            if card is not None:
                card.lesson_count += 1
        by_id = {card.module.pk: card for card in cards.values()}
        if user.is_authenticated:
            enrolled = Enrolment.objects.filter(user=user, module_id__in=by_id)
            for module_id in enrolled.values_list("module_id", flat=True):
                by_id[module_id].enrolled = True
            done = (
                LessonProgress.objects.filter(
                    enrolment__user=user, enrolment__module_id__in=by_id, lesson__live=True
                )
                .values("enrolment__module_id")
                .annotate(n=Count("pk"))
            )
            for row in done:
                by_id[row["enrolment__module_id"]].done_count = row["n"]
            for completion in Completion.objects.filter(user=user, module_id__in=by_id).order_by(
                "module_id", "-completed_at"
            ):
                card = by_id[completion.module_id]
                if card.latest_completion is None:
                    card.latest_completion = completion
        return list(cards.values())


class TrainingModulePage(SignedInPageMixin, Page):
    summary = models.TextField(help_text="One or two sentences for the catalogue.")
    audience = models.CharField(
        max_length=200, help_text="Who it is for, for example 'Nursery staff and childminders'."
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "Duration (minutes)", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    learning_outcomes = models.TextField(
        help_text="What learners will be able to do afterwards: one outcome a line."
    )
    review_date = models.DateField(help_text="When trainers should next check the content.")
    validity_months = models.PositiveSmallIntegerField(
        "Renew after (months)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Learners are asked to renew the module this many months after completing it.",
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        "Pass mark (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The share of each lesson's knowledge-check questions to answer correctly.",
    )

    content_panels = [
        *Page.content_panels,
        "summary",
        "audience",
        FieldRowPanel(["duration_minutes", "review_date"]),
        "learning_outcomes",
        MultiFieldPanel(
            [FieldRowPanel(["validity_months", "pass_mark_percent"])], heading="Completion"
        ),
    ]
    parent_page_types = ["training.TrainingIndexPage"]
    subpage_types = ["training.LessonPage"]

    class Meta:
        verbose_name = "Training module"

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"'{self.slug}' is used by the service. Choose another."}
            )

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def renew_by_for(self, completed: datetime.date) -> datetime.date:
        return add_months(completed, self.validity_months)

    def live_lessons(self) -> QuerySet[LessonPage]:
        return LessonPage.objects.child_of(self).live().order_by("path")

    def done_lesson_ids(self, user) -> set[int]:
        """The lessons of this module the learner has done (since they last started again)."""
        if not user.is_authenticated:
            return set()
        return set(
            LessonProgress.objects.filter(enrolment__user=user, enrolment__module=self).values_list(
                "lesson_id", flat=True
            )
        )

    def latest_completion_by(self, user) -> Completion | None:
        if not user.is_authenticated:
            return None
        return self.completions.filter(user=user).order_by("-completed_at").first()

    def learner_context(self, request) -> dict:
        user = request.user
        lessons = list(self.live_lessons())
        done = self.done_lesson_ids(user)
        next_lesson = next((lesson for lesson in lessons if lesson.pk not in done), None)
        return {
            "lessons": [(lesson, lesson.pk in done) for lesson in lessons],
            "done_count": sum(1 for lesson in lessons if lesson.pk in done),
            "next_lesson": next_lesson,
            "started": bool(done) or self.enrolments.filter(user=user).exists(),
            "latest_completion": self.latest_completion_by(user),
            "can_learn": can_take_training(user),
            "today": timezone.localdate(),
        }


class LessonPage(SignedInPageMixin, Page):
    summary = models.TextField(blank=True, help_text="What this lesson covers, in a sentence.")
    body = StreamField(LessonStreamBlock())
    # The EYFS areas the lesson's "signs to look out for" callouts are tagged with, kept as
    # "|code|code|" on save so the pathway can find a lesson by area with one query.
    eyfs_area_codes = models.CharField(max_length=255, blank=True, editable=False)

    content_panels = [*Page.content_panels, "summary", FieldPanel("body")]
    parent_page_types = ["training.TrainingModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "Lesson"

    def save(self, *args, **kwargs):
        codes = list(dict.fromkeys(self.signs_areas()))
        self.eyfs_area_codes = f"|{'|'.join(codes)}|" if codes else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "eyfs_area_codes"}
        return super().save(*args, **kwargs)

    def signs_areas(self) -> list[str]:
        return [block.value["eyfs_area"] for block in self.body if block.block_type == "signs"]

    def questions(self) -> list:
        """The knowledge-check questions, as (block id, StructValue) pairs."""
        return [(block.id, block.value) for block in self.body if block.block_type == "question"]

    def attempt_by(self, user, attempt_id) -> KnowledgeCheckAttempt | None:
        """One of this learner's own attempts at this lesson (any other id finds nothing)."""
        try:
            attempt_id = int(attempt_id)
        except (TypeError, ValueError):
            return None
        return self.attempts.filter(user=user, pk=attempt_id).first()

    def feedback(self, attempt: KnowledgeCheckAttempt) -> list[dict]:
        """Each question as it stands now, with the answer given and what the trainer says."""
        given = {item["id"]: item for item in attempt.answers}
        rows = []
        for block_id, question in self.questions():
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

    def body_blocks(self) -> list[tuple]:
        """The lesson's blocks without its questions, each with the anchor the pathway links to
        (on the first "signs to look out for" callout of each EYFS area), or None, and the
        heading level its heading is shown at, or None.

        Headings never skip a level under the page's h1: a subheading with no section heading
        before it is shown as a section heading, and the headings of callouts and videos sit
        one level under the section they are in (h2 before any section heading)."""
        used: set[str] = set()
        body = []
        in_section = False
        for block in self.body:
            if block.block_type == "question":
                continue
            anchor = None
            level = None
            if block.block_type == "heading":
                level = 3 if block.value["level"] == "h3" and in_section else 2
                in_section = True
            elif block.block_type in ("signs", "video"):
                level = 3 if in_section else 2
            if block.block_type == "signs" and block.value["eyfs_area"] not in used:
                used.add(block.value["eyfs_area"])
                anchor = f"signs-{block.value['eyfs_area']}"
            body.append((block, anchor, level))
        return body

    def learner_context(self, request) -> dict:
        user = request.user
        module = self.get_parent().specific
        lessons = list(module.live_lessons())
        ids = [page.pk for page in lessons]
        position = ids.index(self.pk) if self.pk in ids else None
        body = self.body_blocks()
        done = module.done_lesson_ids(user)
        attempt = (
            self.attempt_by(user, request.GET.get("attempt")) if "attempt" in request.GET else None
        )
        return {
            "module": module,
            "body_blocks": body,
            "questions": self.questions(),
            "position": None if position is None else position + 1,
            "lesson_total": len(lessons),
            "previous_lesson": lessons[position - 1] if position else None,
            "next_lesson": (
                lessons[position + 1]
                if position is not None and position + 1 < len(lessons)
                else None
            ),
            "lesson_done": self.pk in done,
            "attempt": attempt,
            "feedback": self.feedback(attempt) if attempt else [],
            "can_learn": can_take_training(user),
            "answers": {},
            "errors": {},
        }


# --- What learners do ------------------------------------------------------------------------


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_enrolments"
    )
    module = models.ForeignKey(
        TrainingModulePage, on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_enrolment_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.module_id}"


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_done_once")
        ]

    def __str__(self) -> str:
        return f"Lesson {self.lesson_id} done ({self.enrolment})"


class KnowledgeCheckAttempt(models.Model):
    """One submission of a lesson's questions: the answers, what they were, and the score."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_checks"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="attempts")
    submitted_at = models.DateTimeField(default=timezone.now)
    # [{"id", "question", "chosen", "chosen_text", "correct"}]: the words as they were then.
    answers = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    passed = models.BooleanField()

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} scored {self.score}/{self.total} on lesson {self.lesson_id}"


class Completion(models.Model):
    """A member of staff completed a module, online or at a face-to-face session.

    `completed_at` is the day it was completed (a date: attendance registers only have the
    day). The module's title is copied so the record outlives the page."""

    class Source(models.TextChoices):
        ONLINE = "online", "Online"
        FACE_TO_FACE = "face_to_face", "Face-to-face session"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    module = models.ForeignKey(
        TrainingModulePage,
        null=True,
        on_delete=models.SET_NULL,
        related_name="completions",
    )
    module_title = models.CharField(max_length=255)
    completed_at = models.DateField("Completed on")
    renew_by = models.DateField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ONLINE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "completed_at"], name="one_completion_a_day"
            )
        ]
        indexes = [models.Index(fields=["module", "renew_by"])]

    def __str__(self) -> str:
        return f"{self.user} completed {self.module_title} on {self.completed_at}"

    @property
    def reference(self) -> str:
        return f"TRN-{self.pk:06d}"

    def is_current(self, today: datetime.date | None = None) -> bool:
        return self.renew_by >= (today or timezone.localdate())


class AttendanceImport(models.Model):
    """An uploaded attendance register, kept in the database between preview and import so
    any web process can finish it (never a local temporary file)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        IMPORTED = "imported", "Imported"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    content = models.BinaryField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    imported_at = models.DateTimeField(null=True, blank=True)
    rows_imported = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"
