"""Reads for training: a learner's completions, coverage, and the pathway's link from an EYFS
area to the lesson on its signs. Each function runs a fixed number of queries, however many
modules, lessons, settings or staff there are. (What a learner sees on the catalogue, module
and lesson pages the pages read themselves, in `training.models`.)"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from earlyyears.models import Area, Setting, SettingMembership, User
from earlyyears.needs import EYFSArea

from .models import (
    LEARNER_ROLES,
    STEP,
    Completion,
    Enrolment,
    LessonPage,
    TrainingIndexPage,
    TrainingModulePage,
)


def live_modules(index: TrainingIndexPage | None = None) -> QuerySet[TrainingModulePage]:
    modules = TrainingModulePage.objects.live().order_by("path")
    return modules.child_of(index) if index is not None else modules


def lesson_for_eyfs_area(area_code: str) -> tuple[str, str] | None:
    """The published lesson whose "signs to look out for" callout is tagged with this EYFS
    area, as (title, url) with the url pointing at the callout; None when there is none.

    Found by the callout's tag, so trainers can move or rename lessons freely."""
    if area_code not in EYFSArea.values:
        return None
    tagged = list(
        LessonPage.objects.live()
        .filter(eyfs_area_codes__contains=f"|{area_code}|")
        .order_by("path")
    )
    if not tagged:
        return None
    live_indexes = set(TrainingIndexPage.objects.live().values_list("path", flat=True))
    live_module_paths = {
        path
        for path in TrainingModulePage.objects.live()
        .filter(path__in={lesson.path[:-STEP] for lesson in tagged})
        .values_list("path", flat=True)
        if path[:-STEP] in live_indexes
    }
    for lesson in tagged:
        if lesson.path[:-STEP] not in live_module_paths:
            continue
        url = lesson.get_url()
        if url:
            return lesson.title, f"{url}#signs-{area_code}"
    return None


# --- A learner's records --------------------------------------------------------------------


def completions_of(user) -> QuerySet[Completion]:
    return Completion.objects.filter(user=user).order_by("-completed_at", "-pk")


# --- Coverage --------------------------------------------------------------------------------


def _staff_q(prefix: str) -> Q:
    """Active members of setting staff who take training, reached through `prefix`."""
    return Q(**{f"{prefix}__is_active": True, f"{prefix}__role__in": list(LEARNER_ROLES)})


def _coverage_annotations(prefix: str, module: TrainingModulePage, today: datetime.date) -> dict:
    """Distinct staff, staff with a current completion, staff who ever completed, and the
    latest completion date, counted through `prefix` (the path to the user)."""
    staff = _staff_q(prefix)
    done = staff & Q(**{f"{prefix}__training_completions__module": module})
    current = done & Q(**{f"{prefix}__training_completions__renew_by__gte": today})
    return {
        "staff": Count(prefix, filter=staff, distinct=True),
        "current": Count(prefix, filter=current, distinct=True),
        "ever": Count(prefix, filter=done, distinct=True),
        "latest": Max(f"{prefix}__training_completions__completed_at", filter=done),
    }


@dataclass
class CoverageRow:
    """Figures for one setting, one area, or the whole county."""

    label: str
    staff: int
    current: int
    ever: int
    latest: datetime.date | None
    obj: object = None

    @property
    def expired(self) -> int:
        return self.ever - self.current

    @property
    def not_trained(self) -> int:
        return self.staff - self.ever

    @property
    def percent(self) -> int:
        return round(100 * self.current / self.staff) if self.staff else 0


def coverage_by_setting(
    module: TrainingModulePage, today: datetime.date, area: Area | None = None
) -> list[CoverageRow]:
    """For each setting with staff: how many have completed the module, are current, when."""
    settings = Setting.objects.select_related("area").annotate(
        **_coverage_annotations("memberships__user", module, today)
    )
    if area is not None:
        settings = settings.filter(area=area)
    return [
        CoverageRow(s.name, s.staff, s.current, s.ever, s.latest, obj=s)
        for s in settings.filter(staff__gt=0).order_by("name", "pk")
    ]


def coverage_by_area(module: TrainingModulePage, today: datetime.date) -> list[CoverageRow]:
    """For each area that has settings with staff (staff in two settings count once)."""
    areas = Area.objects.annotate(
        **_coverage_annotations("settings__memberships__user", module, today)
    )
    return [
        CoverageRow(a.name, a.staff, a.current, a.ever, a.latest, obj=a)
        for a in areas.filter(staff__gt=0).order_by("name", "pk")
    ]


def coverage_total(module: TrainingModulePage, today: datetime.date) -> CoverageRow:
    """The whole county: every member of setting staff, counted once."""
    staff = User.objects.filter(
        is_active=True, role__in=list(LEARNER_ROLES), setting_memberships__isnull=False
    ).distinct()
    done = Completion.objects.filter(module=module, user__in=staff)
    figures = staff.aggregate(n=Count("pk", distinct=True))
    done_figures = done.aggregate(
        ever=Count("user", distinct=True),
        current=Count("user", filter=Q(renew_by__gte=today), distinct=True),
        latest=Max("completed_at"),
    )
    return CoverageRow(
        "All settings",
        figures["n"],
        done_figures["current"],
        done_figures["ever"],
        done_figures["latest"],
    )


@dataclass
class ModuleUptake:
    module: TrainingModulePage
    enrolled: int
    current: int
    ever: int
    online: int
    face_to_face: int

    @property
    def expired(self) -> int:
        return self.ever - self.current


def uptake_by_module(today: datetime.date) -> list[ModuleUptake]:
    """Every module (published or not) that anyone has enrolled on or completed, and every
    published one: enrolments and distinct learners who completed it."""
    modules = list(TrainingModulePage.objects.order_by("path"))
    enrolled = dict(
        Enrolment.objects.values("module_id")
        .annotate(n=Count("user", distinct=True))
        .values_list("module_id", "n")
    )
    completions = {
        row["module_id"]: row
        for row in Completion.objects.filter(module__isnull=False)
        .values("module_id")
        .annotate(
            ever=Count("user", distinct=True),
            current=Count("user", filter=Q(renew_by__gte=today), distinct=True),
            online=Count("pk", filter=Q(source=Completion.Source.ONLINE)),
            face_to_face=Count("pk", filter=Q(source=Completion.Source.FACE_TO_FACE)),
        )
    }
    rows = []
    for module in modules:
        figures = completions.get(module.pk, {})
        if not (module.live or module.pk in enrolled or figures):
            continue
        rows.append(
            ModuleUptake(
                module,
                enrolled.get(module.pk, 0),
                figures.get("current", 0),
                figures.get("ever", 0),
                figures.get("online", 0),
                figures.get("face_to_face", 0),
            )
        )
    return rows


@dataclass
class StaffRow:
    user: object
    is_senco: bool
    completions: dict[int, Completion] = field(default_factory=dict)


def setting_staff(setting: Setting) -> list[StaffRow]:
    """A setting's staff and the latest completion of each module by each of them."""
    memberships = (
        SettingMembership.objects.filter(
            setting=setting, user__is_active=True, user__role__in=list(LEARNER_ROLES)
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__pk")
    )
    rows = {m.user_id: StaffRow(m.user, m.is_senco) for m in memberships}
    latest: dict[tuple[int, int], Completion] = {}
    for completion in Completion.objects.filter(user_id__in=rows, module__isnull=False).order_by(
        "completed_at", "pk"
    ):
        latest[completion.user_id, completion.module_id] = completion
    by_user: dict[int, dict[int, Completion]] = defaultdict(dict)
    for (user_id, module_id), completion in latest.items():
        by_user[user_id][module_id] = completion
    for user_id, row in rows.items():
        row.completions = by_user.get(user_id, {})
    return list(rows.values())


def completions_for_export() -> QuerySet[Completion]:
    return (
        Completion.objects.select_related("user", "module")
        .prefetch_related("user__setting_memberships__setting")
        .order_by("completed_at", "pk")
    )
