"""Training for early years providers.

The content (an index, modules, lessons) is Wagtail pages that trainers write and publish
through a review workflow. What learners do (enrolment, progress, knowledge checks,
completions) is plain Django models, kept apart from the content so a revision of a lesson
never rewrites anyone's record.
"""

from __future__ import annotations

import datetime
from http import HTTPMethod

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpResponseNotAllowed
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from earlyyears.models import Role

from .blocks import LessonStreamBlock

# Roles that take training; trainers, planners and administrators do not need to.
LEARNER_ROLES = frozenset(
    {Role.PRACTITIONER, Role.PORTAGE_WORKER, Role.SEND_OFFICER, Role.SEND_MANAGER}
)
# Our own pages live under /training/ next to the Wagtail pages: no module may take these slugs.
RESERVED_SLUGS = frozenset({"coverage", "certificates"})


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

    GET renders through Wagtail (so previews in the admin look the same); POSTs (enrolling,
    answering a knowledge check) are handled by the views module, which calls services."""

    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.POST]

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.method == "POST":
            return self.serve_post(request)
        return super().serve(request, *args, **kwargs)

    def serve_post(self, request):
        return HttpResponseNotAllowed(["GET", "HEAD"])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_title"] = self.title
        context.update(self.learner_context(request))
        return context

    def learner_context(self, request) -> dict:
        return {}


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
        from . import views

        return views.index_context(self, request)


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

    def learner_context(self, request) -> dict:
        from . import views

        return views.module_context(self, request)

    def serve_post(self, request):
        from . import views

        return views.module_post(self, request)


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

    def learner_context(self, request) -> dict:
        from . import views

        return views.lesson_context(self, request)

    def serve_post(self, request):
        from . import views

        return views.lesson_post(self, request)


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
