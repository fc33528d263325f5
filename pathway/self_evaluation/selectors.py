"""Reads for the partnership self-evaluation: the evidence figures, and the years and versions.

Each figure is a small function whose docstring is the "how this figure is computed" text shown
to users (keep it in plain words, and true). Each reads a fixed number of queries whatever the
size of the data, and returns a suppressed table (display strings only: see `tables`). Figures
are aggregates: no child's name or reference is ever read into them."""

from __future__ import annotations

import datetime
import inspect
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from earlyyears.models import Child, Setting
from pathway.models import (
    AdviceRequest,
    AllAboutMe,
    ConsentChange,
    Discipline,
    FamilyQuestion,
    FundingAward,
    HomeObservation,
    PartnershipArea,
    PlanCycle,
    PortageVisit,
    Referral,
    ReviewFinding,
    SelfEvaluation,
    SelfEvaluationJudgement,
    SelfEvaluationVersion,
    TacAttendee,
)
from pathway.models.consent import Agency
from training.models import Completion

from .tables import SUPPRESSED, RateRow, rate_table, threshold

FIRST_SUPPORT_WEEKS = 6


@dataclass(frozen=True)
class Period:
    """The days a year's figures cover: the financial year, up to the day they were taken."""

    starts_on: datetime.date
    ends_on: datetime.date

    def first_moment(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.starts_on, datetime.time.min))

    def after_last_moment(self) -> datetime.datetime:
        day = self.ends_on + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def moments(self) -> dict:
        """Keyword arguments for a datetime field's range (`field__gte`, `field__lt`)."""
        return {"gte": self.first_moment(), "lt": self.after_last_moment()}


def period_for(evaluation: SelfEvaluation, today: datetime.date) -> Period:
    return Period(evaluation.starts_on, min(evaluation.ends_on, today))


def _in(field: str, period: Period) -> Q:
    bounds = period.moments()
    return Q(**{f"{field}__gte": bounds["gte"], f"{field}__lt": bounds["lt"]})


def _choice_rows(counts: dict[str, tuple[int, int]], choices) -> list[RateRow]:
    """Rows in the order of a set of choices, with their labels; only groups with records."""
    return [RateRow(label, *counts[value]) for value, label in choices if value in counts]


# --- The figures -------------------------------------------------------------------------------


def advice_by_discipline(period: Period) -> dict:
    """Advice requests due in the year (not withdrawn), and how many were returned on or before
    the day they were due, by the discipline asked. A request still not returned after its due
    day counts as late. Requests due later than the day the figures were taken are left out."""
    rows = (
        AdviceRequest.objects.filter(due_on__gte=period.starts_on, due_on__lte=period.ends_on)
        .exclude(status=AdviceRequest.Status.WITHDRAWN)
        .order_by()
        .values("discipline")
        .annotate(
            whole=Count("pk"),
            met=Count(
                "pk",
                filter=Q(
                    status=AdviceRequest.Status.SUBMITTED, submitted_at__date__lte=F("due_on")
                ),
            ),
        )
    )
    counts = {r["discipline"]: (r["whole"], r["met"]) for r in rows}
    return rate_table(
        _choice_rows(counts, Discipline.choices),
        columns=("Requests due", "Returned on time"),
        total_label="All disciplines",
    )


def advice_by_provider(period: Period) -> dict:
    """The same requests as advice by discipline (due in the year, not withdrawn), by the
    organisation of the professional asked, as it is recorded on their account. Returned on
    time means on or before the day it was due."""
    rows = (
        AdviceRequest.objects.filter(due_on__gte=period.starts_on, due_on__lte=period.ends_on)
        .exclude(status=AdviceRequest.Status.WITHDRAWN)
        .order_by()
        .values("professional__organisation")
        .annotate(
            whole=Count("pk"),
            met=Count(
                "pk",
                filter=Q(
                    status=AdviceRequest.Status.SUBMITTED, submitted_at__date__lte=F("due_on")
                ),
            ),
        )
    )
    grouped: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        name = (r["professional__organisation"] or "").strip() or "Organisation not recorded"
        grouped[name][0] += r["whole"]
        grouped[name][1] += r["met"]
    return rate_table(
        [RateRow(name, *grouped[name]) for name in sorted(grouped, key=str.lower)],
        columns=("Requests due", "Returned on time"),
        total_label="All providers",
    )


def tac_attendance_by_agency(period: Period) -> dict:
    """People listed for Team Around the Child meetings held in the year, and how many of
    them were there, by their agency or discipline. A person listed for two meetings counts
    twice."""
    rows = (
        TacAttendee.objects.filter(
            meeting__held_on__gte=period.starts_on, meeting__held_on__lte=period.ends_on
        )
        .order_by()
        .values("discipline")
        .annotate(whole=Count("pk"), met=Count("pk", filter=Q(present=True)))
    )
    counts = {r["discipline"]: (r["whole"], r["met"]) for r in rows}
    return rate_table(
        _choice_rows(counts, Discipline.choices),
        columns=("Places at meetings", "Attended"),
        total_label="All agencies",
    )


def _settings_with_training(period: Period) -> QuerySet:
    """Active settings, each with whether someone on its staff held current training on the
    last day of the figures."""
    day = period.ends_on
    current = Completion.objects.filter(
        user__setting_memberships__setting=OuterRef("pk"),
        completed_at__lte=day,
        renew_by__gte=day,
    )
    return (
        Setting.objects.filter(registration_status=Setting.RegistrationStatus.ACTIVE)
        .annotate(trained=Exists(current))
        .order_by()
    )


def training_by_area(period: Period) -> dict:
    """Active settings, and how many had at least one member of staff with current training
    (a module completed on or before the last day of the figures and not yet due for renewal
    on that day), by the locality or district the setting's ward is in (a setting placed
    directly in a larger area counts there)."""
    grouped: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in _settings_with_training(period).values(
        "area__name", "area__kind", "area__parent__name", "trained"
    ):
        if row["area__kind"] == "ward" and row["area__parent__name"]:
            name = row["area__parent__name"]
        else:
            name = row["area__name"]
        grouped[name][0] += 1
        grouped[name][1] += int(bool(row["trained"]))
    return rate_table(
        [RateRow(name, *grouped[name]) for name in sorted(grouped, key=str.lower)],
        columns=("Settings", "With current training"),
        total_label="All areas",
    )


def training_by_setting_type(period: Period) -> dict:
    """The same settings as training by area (active settings; trained means at least one
    member of staff with current training on the last day of the figures), by the type of
    setting."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in _settings_with_training(period).values("provider_type", "trained"):
        counts[row["provider_type"]][0] += 1
        counts[row["provider_type"]][1] += int(bool(row["trained"]))
    return rate_table(
        _choice_rows({k: tuple(v) for k, v in counts.items()}, Setting.ProviderType.choices),
        columns=("Settings", "With current training"),
        total_label="All types of setting",
    )


def first_concern_to_support(period: Period) -> dict:
    """Children whose first concern (their earliest referral by any way in) was received in the
    year, and how many had their first support within 6 weeks (42 days) of it. First support
    is the earliest of: a support plan's first cycle starting, a portage home visit, or
    inclusion funding starting, on or after the day of the first concern. The median counts
    the days for the children whose support has started so far."""
    firsts = (
        Referral.objects.order_by()
        .values("child_id")
        .annotate(first=Min("submitted_at"))
        .filter(first__gte=period.first_moment(), first__lt=period.after_last_moment())
    )
    first_day = {r["child_id"]: timezone.localdate(r["first"]) for r in firsts}
    children = firsts.values("child_id")
    starts: dict[int, list[datetime.date]] = defaultdict(list)
    sources = (
        PlanCycle.objects.filter(plan__child_id__in=children, started_on__isnull=False)
        .order_by()
        .values_list("plan__child_id", "started_on"),
        PortageVisit.objects.filter(child_id__in=children)
        .order_by()
        .values_list("child_id", "visited_on"),
        FundingAward.objects.filter(referral__child_id__in=children)
        .order_by()
        .values_list("referral__child_id", "starts_on"),
    )
    for source in sources:
        for child_id, day in source:
            starts[child_id].append(day)
    waits = []
    for child_id, first in first_day.items():
        later = [day for day in starts.get(child_id, []) if day >= first]
        if later:
            waits.append((min(later) - first).days)
    within = sum(1 for days in waits if days <= FIRST_SUPPORT_WEEKS * 7)
    row = RateRow(
        "Children first raised in the year",
        len(first_day),
        within,
        extra={"started": len(waits), "median": statistics.median(waits) if waits else None},
    )

    def median(r: RateRow) -> str:
        if r.extra.get("started", 0) < threshold():
            return SUPPRESSED if r.extra.get("started") else "No support yet"
        return f"{r.extra['median']:g} days"

    return rate_table(
        [],
        columns=("Children", f"Support within {FIRST_SUPPORT_WEEKS} weeks"),
        extra_columns=[("Median wait (support started so far)", median)],
        total=row,
    )


def family_views_recorded(period: Period) -> dict:
    """Referrals received in the year, and how many hold the family's views in their own words
    (the family's views answer on the concern form or the family's request is not empty), by
    the way the referral came in."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        Referral.objects.filter(_in("submitted_at", period))
        .order_by()
        .values_list("source", "answers__family__family_views")
    )
    for source, views in rows:
        counts[source][0] += 1
        counts[source][1] += int(isinstance(views, str) and bool(views.strip()))
    return rate_table(
        _choice_rows({k: tuple(v) for k, v in counts.items()}, Referral.Source.choices),
        columns=("Referrals", "With the family's views"),
        total_label="All referrals",
    )


def families_used_their_view(period: Period) -> dict:
    """Children with a referral received in the year, and for how many of them a family member
    added something themselves on the family's own pages during the year: wrote an "All about
    me", sent an observation from home, or answered a question from the SEND team. Something
    written by a member of staff with the family does not count here."""
    referred = Referral.objects.filter(_in("submitted_at", period), child=OuterRef("pk"))
    about_me = AllAboutMe.objects.filter(
        _in("written_at", period), child=OuterRef("pk"), written_by_member__isnull=False
    )
    from_home = HomeObservation.objects.filter(
        _in("added_at", period), child=OuterRef("pk"), added_by__isnull=False
    )
    answered = FamilyQuestion.objects.filter(
        _in("answered_at", period), referral__child=OuterRef("pk"), answered_by__isnull=False
    )
    totals = (
        Child.objects.filter(Exists(referred))
        .annotate(a=Exists(about_me), h=Exists(from_home), q=Exists(answered))
        .aggregate(whole=Count("pk"), met=Count("pk", filter=Q(a=True) | Q(h=True) | Q(q=True)))
    )
    return rate_table(
        [],
        columns=("Children referred", "Family added something themselves"),
        total=RateRow("Children referred in the year", totals["whole"], totals["met"]),
    )


def consent_withdrawals(period: Period) -> dict:
    """Changes to what families agreed to share recorded in the year (given or withdrawn, by
    the family on their own pages or by staff for them), and how many were withdrawals, by who
    the consent was for."""
    rows = (
        ConsentChange.objects.filter(_in("at", period))
        .order_by()
        .values("record__agency")
        .annotate(whole=Count("pk"), met=Count("pk", filter=Q(given=False)))
    )
    counts = {r["record__agency"]: (r["whole"], r["met"]) for r in rows}
    return rate_table(
        _choice_rows(counts, Agency.choices),
        columns=("Changes recorded", "Withdrawals"),
        total_label="All agencies",
    )


def case_review_findings(period: Period) -> dict:
    """Cases in "could we have acted earlier?" case reviews with findings recorded in the year,
    and how many the reviewers agreed could have been acted on earlier, by stage: agreed means
    every reviewer who gave a verdict on that stage said yes. The last row counts each case
    once: agreed earlier at one stage or more. A case can be in several stages' rows."""
    verdicts: dict[tuple[int, str], set[str]] = defaultdict(set)
    for case_id, stage, earlier in (
        ReviewFinding.objects.filter(_in("recorded_at", period))
        .order_by()
        .values_list("case_id", "stage", "earlier")
    ):
        verdicts[(case_id, stage)].add(earlier)
    by_stage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cases: dict[int, bool] = {}
    for (case_id, stage), said in verdicts.items():
        agreed = said == {ReviewFinding.Earlier.YES}
        by_stage[stage][0] += 1
        by_stage[stage][1] += int(agreed)
        cases[case_id] = cases.get(case_id, False) or agreed
    return rate_table(
        _choice_rows({k: tuple(v) for k, v in by_stage.items()}, ReviewFinding.Stage.choices),
        columns=("Cases reviewed", "Agreed: could have been earlier"),
        total=RateRow("Any stage", len(cases), sum(cases.values())),
    )


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    compute: Callable[[Period], dict]

    @property
    def definition(self) -> str:
        return inspect.cleandoc(self.compute.__doc__ or "")


FIGURES: tuple[Figure, ...] = (
    Figure("advice-by-discipline", "Advice returned on time, by discipline", advice_by_discipline),
    Figure("advice-by-provider", "Advice returned on time, by provider", advice_by_provider),
    Figure(
        "tac-attendance",
        "Team Around the Child attendance, by agency",
        tac_attendance_by_agency,
    ),
    Figure("training-by-area", "Training coverage, by area", training_by_area),
    Figure(
        "training-by-setting-type",
        "Training coverage, by type of setting",
        training_by_setting_type,
    ),
    Figure(
        "first-concern-to-support",
        "Time from first concern to first support",
        first_concern_to_support,
    ),
    Figure("family-views", "Referrals with the family's views recorded", family_views_recorded),
    Figure(
        "families-used-their-view",
        "Families who added their own view",
        families_used_their_view,
    ),
    Figure("consent-withdrawals", "Consent withdrawals", consent_withdrawals),
    Figure("case-review-findings", "Case review findings", case_review_findings),
)
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


def evidence_figures(period: Period) -> list[dict]:
    """Every figure for the period, as a version stores them (with their definitions, so an
    old version says how its own figures were computed)."""
    return [
        {"key": f.key, "title": f.title, "definition": f.definition, **f.compute(period)}
        for f in FIGURES
    ]


# --- Years and versions ------------------------------------------------------------------------


def current_areas() -> QuerySet[PartnershipArea]:
    return PartnershipArea.objects.filter(retired=False)


def years() -> QuerySet[SelfEvaluation]:
    """Every year, each with its latest version number and its agreed version (if any)."""
    agreed = SelfEvaluationVersion.objects.filter(
        self_evaluation=OuterRef("pk"), agreed_at__isnull=False
    )
    return SelfEvaluation.objects.annotate(
        latest=Count("versions"), agreed=Exists(agreed)
    ).order_by("-year")


def version_to_show(evaluation: SelfEvaluation) -> SelfEvaluationVersion | None:
    """The agreed version once there is one (the year is then final), else the latest."""
    return (
        evaluation.versions.select_related("saved_by", "agreed_by")
        .order_by(F("agreed_at").desc(nulls_last=True), "-number")
        .first()
    )


def latest_version(evaluation: SelfEvaluation) -> SelfEvaluationVersion | None:
    return evaluation.versions.order_by("-number").first()


def judgements(version: SelfEvaluationVersion) -> list[SelfEvaluationJudgement]:
    return list(version.judgements.order_by("position", "pk"))


def previous_year(evaluation: SelfEvaluation) -> SelfEvaluation | None:
    return SelfEvaluation.objects.filter(year__lt=evaluation.year).order_by("-year").first()


@dataclass(frozen=True)
class AreaComparison:
    name: str
    this_year: SelfEvaluationJudgement | None
    last_year: SelfEvaluationJudgement | None

    @property
    def movement(self) -> str:
        if self.this_year is None or self.last_year is None:
            return "Not judged in both years"
        now, then = self.this_year.level_number, self.last_year.level_number
        if not now or not then:
            return "Not judged in both years"
        if now > then:
            return "Moved on"
        if now < then:
            return "Moved back"
        return "No change"


@dataclass(frozen=True)
class FigureComparison:
    key: str
    title: str
    this_year: str
    last_year: str
    change: str


def compare(
    this: SelfEvaluationVersion, last: SelfEvaluationVersion | None
) -> tuple[list[AreaComparison], list[FigureComparison]]:
    """This year's version beside last year's: each area's level, and each figure's headline."""
    mine = judgements(this)
    theirs = {j.area_id: j for j in judgements(last)} if last else {}
    areas = [AreaComparison(j.area_name, j, theirs.pop(j.area_id, None)) for j in mine]
    areas += [AreaComparison(j.area_name, None, j) for j in theirs.values()]
    return areas, compare_figures(this.figures, last.figures if last else [])


def compare_figures(now: list[dict], then: list[dict]) -> list[FigureComparison]:
    """Each figure's headline share (the last row's) beside last year's, with its change in
    percentage points; none when either is suppressed (pure: from the stored figures)."""
    before = {f["key"]: f for f in then}
    figures = []
    for figure in now:
        old = before.get(figure["key"])
        now_value = figure["headline"]["value"]
        old_value = old["headline"]["value"] if old else None
        if now_value is None or old_value is None:
            change = "Cannot compare" if old else "New figure"
        else:
            points = round(now_value - old_value, 1)
            change = "No change" if points == 0 else f"{points:+g} percentage points"
        figures.append(
            FigureComparison(
                figure["key"],
                figure["title"],
                figure["headline"]["display"],
                old["headline"]["display"] if old else "Not measured",
                change,
            )
        )
    return figures
