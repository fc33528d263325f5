"""Reads for case reviews: which cases a rule matches, the chronology of one case from the
service's own records, and the findings rolled up."""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from earlyyears.dates import age_words, plural
from earlyyears.models import Child, FamilyContact
from pathway.clocks import working_days_between
from pathway.models import (
    AdviceRequest,
    Agency,
    AllAboutMe,
    CaseReview,
    ConsentChange,
    Decision,
    EhcRequest,
    FamilyQuestion,
    FundApplication,
    FundingAward,
    HomeObservation,
    Observation,
    PlanCycle,
    PortageVisit,
    Referral,
    ReviewCase,
    ReviewCause,
    ReviewFinding,
    Route,
    SupportPlan,
    TacMeeting,
)

Stage = ReviewFinding.Stage
Method = CaseReview.Method

# "Referred late for their age": the child was 3 or older when first referred, past the
# 2-year check and most of the early years in which support changes most.
LATE_FOR_AGE_MONTHS = 36
# The agencies as a panel's papers name them (their labels speak to the family: "your child's").
AGENCY_NAMES = {
    Agency.SETTING: "the child's setting",
    Agency.SEND_TEAM: "the Early Years SEND team",
    Agency.PORTAGE: "the portage service",
    Agency.EARLY_HELP: "early help services",
    Agency.HEALTH: "health professionals",
}
EXCERPT_LENGTH = 240


# Sampling -------------------------------------------------------------------------------------


def first_referrals(referred_from: datetime.date, referred_to: datetime.date) -> QuerySet[Referral]:
    """One case per child: each child's first referral received in the period (a merged
    record's referrals moved to the child kept, so none are counted twice)."""
    start = timezone.make_aware(datetime.datetime.combine(referred_from, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(referred_to + datetime.timedelta(days=1), datetime.time.min)
    )
    in_period = Referral.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(
        child__record_status=Child.RecordStatus.MERGED
    )
    earlier = in_period.filter(child_id=OuterRef("child_id")).filter(
        Q(submitted_at__lt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__lt=OuterRef("pk"))
    )
    return in_period.exclude(Exists(earlier))


def candidates(method: str, referred_from: datetime.date, referred_to: datetime.date) -> list[int]:
    """The ids of the cases the rule matches, in a fixed order, so that a seed draws the same
    sample from the same records every time."""
    cases = first_referrals(referred_from, referred_to)
    if method == Method.EHC_ASSESSMENT:
        reached = EhcRequest.objects.filter(child_id=OuterRef("child_id"), assess_decision="Y")
        decided = Decision.objects.filter(
            referral__child_id=OuterRef("child_id"), kind=Decision.Kind.EHC_ASSESS
        )
        cases = cases.filter(Exists(reached) | Exists(decided))
    elif method == Method.LATE_FOR_AGE:
        cases = cases.annotate(dob=F("child__date_of_birth"))
        ids = []
        for pk, submitted, dob in cases.values_list("pk", "submitted_at", "dob"):
            months = (submitted.year - dob.year) * 12 + submitted.month - dob.month
            if submitted.day < dob.day:
                months -= 1
            if months >= LATE_FOR_AGE_MONTHS:
                ids.append(pk)
        return sorted(ids)
    elif method == Method.CLOSED_WITHOUT_SUPPORT:
        support = (
            Q(Exists(SupportPlan.objects.filter(child_id=OuterRef("child_id"))))
            | Q(Exists(FundingAward.objects.filter(referral__child_id=OuterRef("child_id"))))
            | Q(Exists(PortageVisit.objects.filter(child_id=OuterRef("child_id"))))
        )
        cases = cases.filter(status=Referral.Status.CLOSED).exclude(support)
    elif method == Method.LONGEST_WAIT:
        # Longest first: the time from the concern to its first decision (or to today).
        waits = []
        today = timezone.localdate()
        rows = cases.annotate(first_decision=Min("decisions__decided_at")).values_list(
            "pk", "submitted_at", "first_decision"
        )
        for pk, submitted, decided in rows:
            until = timezone.localdate(decided) if decided else today
            waits.append(((until - timezone.localdate(submitted)).days, pk))
        waits.sort(key=lambda row: (-row[0], row[1]))
        return [pk for _, pk in waits]
    return sorted(cases.values_list("pk", flat=True))


# The chronology -----------------------------------------------------------------------------


@dataclass
class Entry:
    day: datetime.date
    stage: str
    what: str
    detail: str = ""
    # What the family told us themselves, so a panel sees the family's voice beside the
    # professionals' (and when it went unheard).
    from_family: bool = False

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


def initials(name: str) -> str:
    return "".join(f"{part[0].upper()}." for part in name.split() if part)


class Pseudonymiser:
    """Replaces the child's and their family's names in free text with initials, as panel
    minutes do; staff appear by role, never by name."""

    def __init__(self, child: Child, family_names: list[str]):
        names = {child.first_name, child.last_name}
        for full in family_names:
            names.update(full.split())
        words = sorted((n for n in names if len(n) > 1), key=len, reverse=True)
        self.pattern = (
            re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
            if words
            else None
        )

    def __call__(self, text: str) -> str:
        text = " ".join((text or "").split())
        if len(text) > EXCERPT_LENGTH:
            text = text[: EXCERPT_LENGTH - 1].rstrip() + "…"
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: f"{match.group(0)[0].upper()}.", text)


def case_label(referral: Referral) -> str:
    child = referral.child
    return f"{initials(child.first_name)}{initials(child.last_name)} ({referral.reference})"


def chronology(referral: Referral) -> list[Entry]:
    """Everything the service holds about the child's way through the pathway, in date order:
    observations, concerns and their routing, waits and decisions, advice and its turnaround,
    support cycles, meetings, visits, funding and EHC steps. A fixed number of queries."""
    child = referral.child
    hide = Pseudonymiser(
        child, list(FamilyContact.objects.filter(child=child).values_list("name", flat=True))
    )
    entries: list[Entry] = []
    first_observation = None
    for obs in Observation.objects.filter(child=child).order_by("observed_on", "pk"):
        first_observation = first_observation or obs.observed_on
        entries.append(
            Entry(
                obs.observed_on,
                Stage.NOTICING,
                f"Observation by the setting ({obs.get_eyfs_area_display()})",
                hide(obs.what_was_seen),
            )
        )
    referrals = list(
        Referral.objects.filter(child=child)
        .order_by("submitted_at", "pk")
        .prefetch_related("decisions", "advice_requests")
    )
    for each in referrals:
        submitted = timezone.localdate(each.submitted_at)
        months = child.age_in_months(submitted)
        since = ""
        if first_observation and first_observation <= submitted:
            gap = plural((submitted - first_observation).days, "day")
            since = f"; {gap} after the first observation"
        entries.append(
            Entry(
                submitted,
                Stage.RAISING,
                f"Concern {each.reference} raised ({each.get_source_display().lower()})",
                f"The child was {age_words(months)} old{since}.",
            )
        )
        routes = ", ".join(Route(r).label for r in each.routes if r in Route.values) or "no route"
        entries.append(Entry(submitted, Stage.ROUTING, f"Routed by the rules to: {routes}"))
        for decision in sorted(each.decisions.all(), key=lambda d: (d.decided_at, d.pk)):
            day = timezone.localdate(decision.decided_at)
            wait = working_days_between(submitted, day)
            entries.append(
                Entry(
                    day,
                    Stage.DECIDING,
                    f"Decision: {decision.get_kind_display()} "
                    f"({plural(wait, 'working day')} after the concern)",
                    hide(decision.reason),
                )
            )
        for advice in each.advice_requests.all():
            asked = timezone.localdate(advice.requested_at)
            if advice.submitted_at:
                given = timezone.localdate(advice.submitted_at)
                late = (given - advice.due_on).days
                timing = f"{plural(late, 'day')} late" if late > 0 else "on time"
                detail = f"Asked {asked:%-d %B %Y}, given {given:%-d %B %Y} ({timing})."
            elif advice.status == AdviceRequest.Status.WITHDRAWN:
                detail = f"Asked {asked:%-d %B %Y}, withdrawn."
            else:
                detail = f"Asked {asked:%-d %B %Y}, due {advice.due_on:%-d %B %Y}, not yet given."
            entries.append(
                Entry(asked, Stage.DECIDING, f"{advice.get_discipline_display()} advice", detail)
            )
    for ehc in EhcRequest.objects.filter(child=child):
        entries.append(
            Entry(ehc.received_on, Stage.DECIDING, "Request for an EHC needs assessment received")
        )
        if ehc.assess_decision_on:
            said = "to assess" if ehc.assess_decision == "Y" else "not to assess"
            weeks = (ehc.assess_decision_on - ehc.received_on).days // 7
            entries.append(
                Entry(
                    ehc.assess_decision_on,
                    Stage.DECIDING,
                    f"Decided {said} ({plural(weeks, 'week')} after the request)",
                )
            )
        if ehc.issue_decision_on and ehc.issue_decision == "Y":
            weeks = (ehc.issue_decision_on - ehc.received_on).days // 7
            entries.append(
                Entry(
                    ehc.issue_decision_on,
                    Stage.PROVIDING,
                    f"Final EHC plan issued ({plural(weeks, 'week')} after the request)",
                )
            )
    for cycle in PlanCycle.objects.filter(plan__child=child).order_by("number"):
        if cycle.started_on:
            entries.append(
                Entry(
                    cycle.started_on,
                    Stage.PROVIDING,
                    f"Support cycle {cycle.number} started",
                    hide(cycle.planned),
                )
            )
        if cycle.reviewed_on:
            entries.append(
                Entry(
                    cycle.reviewed_on,
                    Stage.PROVIDING,
                    f"Support cycle {cycle.number} reviewed: "
                    f"{cycle.get_overall_display() or 'no judgement recorded'}",
                )
            )
    for held_on in TacMeeting.objects.filter(child=child).values_list("held_on", flat=True):
        entries.append(Entry(held_on, Stage.PROVIDING, "Team Around the Child meeting"))
    visits = list(PortageVisit.objects.filter(child=child).values_list("visited_on", flat=True))
    if visits:
        entries.append(
            Entry(
                min(visits),
                Stage.PROVIDING,
                f"First portage home visit ({plural(len(visits), 'visit')} in all)",
            )
        )
    for award in FundingAward.objects.filter(referral__child=child):
        entries.append(Entry(award.starts_on, Stage.PROVIDING, "Inclusion funding starts"))
    for application in FundApplication.objects.filter(child=child).select_related("fund_type"):
        entries.append(
            Entry(
                timezone.localdate(application.submitted_at),
                Stage.PROVIDING,
                f"Applied to the {application.fund_type.name}: "
                f"{application.get_status_display().lower()}",
            )
        )
    entries.extend(family_contributions(child, hide))
    entries.sort(key=lambda entry: (entry.day, list(Stage.values).index(entry.stage)))
    return entries


def family_contributions(child: Child, hide: Pseudonymiser) -> list[Entry]:
    """What the family added themselves: what they saw at home (and whether it joined the
    record), All about me, answers to the SEND team's questions and changes to what they agreed
    to share. Four queries, however much there is."""
    entries: list[Entry] = []
    for seen in HomeObservation.objects.filter(child=child).order_by("added_at", "pk"):
        outcome = {
            HomeObservation.Status.ACCEPTED: "added to the record",
            HomeObservation.Status.DECLINED: "not added to the record",
        }.get(seen.status, "not yet looked at")
        entries.append(
            Entry(
                timezone.localdate(seen.added_at),
                Stage.NOTICING,
                f"The family shared what they saw at home ({seen.get_eyfs_area_display()}): "
                f"{outcome}",
                hide(seen.note),
                from_family=True,
            )
        )
    versions = list(
        AllAboutMe.objects.filter(child=child)
        .order_by("version")
        .values_list("written_at", "assisted_by_id")
    )
    if versions:
        first, assisted = versions[0]
        helped = " with a portage worker" if assisted else ""
        later = f"; updated {plural(len(versions) - 1, 'time')} since" if len(versions) > 1 else ""
        entries.append(
            Entry(
                timezone.localdate(first),
                Stage.RAISING,
                f"The family wrote All about me and what matters to them{helped}{later}",
                from_family=True,
            )
        )
    questions = FamilyQuestion.objects.filter(referral__child=child).order_by("asked_at", "pk")
    for question in questions:
        asked = timezone.localdate(question.asked_at)
        if question.answered_at:
            answered = timezone.localdate(question.answered_at)
            days = plural((answered - asked).days, "day")
            what = f"The family answered a question from the SEND team ({days} after it was asked)"
            detail = hide(question.answer)
        elif question.closed_at:
            what, detail = "A question to the family was closed without an answer", ""
        else:
            what, detail = "A question to the family is waiting for an answer", ""
        entries.append(Entry(asked, Stage.DECIDING, what, detail, from_family=True))
    changes = ConsentChange.objects.filter(record__child=child).select_related("record")
    for change in changes.order_by("at", "pk"):
        said = "agreed to share with" if change.given else "withdrew consent to share with"
        agency = AGENCY_NAMES.get(change.record.agency, change.record.get_agency_display())
        entries.append(
            Entry(
                timezone.localdate(change.at),
                Stage.ROUTING,
                f"The family {said} {agency}",
                f"{change.get_how_display()}.",
                from_family=True,
            )
        )
    return entries


# Findings -------------------------------------------------------------------------------------


@dataclass
class StageView:
    stage: str
    label: str
    findings: list[ReviewFinding] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return verdict([f.earlier for f in self.findings])


def verdict(answers: list[str]) -> str:
    """What the reviewers said together about one stage, without averaging: 'agreed earlier',
    'agreed not', 'disagree' (some said yes and some did not), 'unsure' or 'not reviewed'."""
    said = set(answers)
    if not said:
        return "not reviewed"
    if said == {ReviewFinding.Earlier.YES}:
        return "agreed earlier"
    if ReviewFinding.Earlier.YES in said:
        return "disagree"
    if said == {ReviewFinding.Earlier.NO}:
        return "agreed not"
    return "unsure"


VERDICT_WORDS = {
    "agreed earlier": "Reviewers agree it could have been earlier",
    "agreed not": "Reviewers agree it could not have been earlier",
    "disagree": "Reviewers disagree",
    "unsure": "Reviewers are not sure",
    "not reviewed": "Not reviewed yet",
}


def findings_by_stage(case: ReviewCase) -> list[StageView]:
    views = {stage: StageView(stage, label) for stage, label in Stage.choices}
    for finding in (
        ReviewFinding.objects.filter(case=case)
        .select_related("reviewer")
        .prefetch_related("causes")
        .order_by("stage", "pk")
    ):
        views[finding.stage].findings.append(finding)
    return list(views.values())


def my_findings(case: ReviewCase, reviewer) -> dict[str, ReviewFinding]:
    return {
        finding.stage: finding
        for finding in ReviewFinding.objects.filter(case=case, reviewer=reviewer).prefetch_related(
            "causes"
        )
    }


def active_causes() -> QuerySet[ReviewCause]:
    return ReviewCause.objects.filter(active=True)


@dataclass
class Rollup:
    cases: int = 0
    reviewed: int = 0
    earlier: int = 0
    disputed: int = 0
    by_stage: list[dict] = field(default_factory=list)
    by_cause: list[dict] = field(default_factory=list)
    by_area: list[dict] = field(default_factory=list)
    by_year: list[dict] = field(default_factory=list)
    disagreements: list[dict] = field(default_factory=list)

    @property
    def earlier_share(self) -> int | None:
        return round(100 * self.earlier / self.reviewed) if self.reviewed else None


def rollup(reviews: QuerySet[CaseReview]) -> Rollup:
    """The share of reviewed cases where reviewers agreed something could have been done earlier,
    by stage, cause, area and year. A case counts as reviewed once any reviewer has recorded a
    finding; disagreement is counted on its own, never folded into either side."""
    cases = list(
        ReviewCase.objects.filter(review__in=reviews).select_related(
            "review", "referral__child", "referral__area__parent"
        )
    )
    answers: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    causes: dict[str, Counter] = defaultdict(Counter)
    for case_id, stage, earlier, cause in ReviewFinding.objects.filter(
        case__review__in=reviews
    ).values_list("case_id", "stage", "earlier", "causes__label"):
        answers[case_id][stage].append(earlier)
        if earlier == ReviewFinding.Earlier.YES and cause:
            causes[stage][(case_id, cause)] += 1
    result = Rollup(cases=len(cases))
    stage_counts: dict[str, Counter] = defaultdict(Counter)
    by_area: dict[str, Counter] = defaultdict(Counter)
    by_year: dict[int, Counter] = defaultdict(Counter)
    for case in cases:
        stages = answers.get(case.pk)
        if not stages:
            continue
        result.reviewed += 1
        verdicts = {stage: verdict(list(set_)) for stage, set_ in stages.items()}
        for stage, said in verdicts.items():
            stage_counts[stage][said] += 1
        earlier = "agreed earlier" in verdicts.values()
        disputed = not earlier and "disagree" in verdicts.values()
        result.earlier += earlier
        result.disputed += disputed
        area = case.referral.area
        area_name = (area.parent or area).name if area else "No area"
        by_area[area_name]["reviewed"] += 1
        by_area[area_name]["earlier"] += earlier
        year = case.review.opens_on.year
        by_year[year]["reviewed"] += 1
        by_year[year]["earlier"] += earlier
        for stage, said in verdicts.items():
            if said == "disagree":
                result.disagreements.append(
                    {"case": case, "label": case_label(case.referral), "stage": Stage(stage).label}
                )
    for stage, label in Stage.choices:
        counts = stage_counts[stage]
        result.by_stage.append(
            {
                "label": label,
                "agreed_earlier": counts["agreed earlier"],
                "disagree": counts["disagree"],
                "agreed_not": counts["agreed not"],
                "unsure": counts["unsure"],
            }
        )
        named = Counter()
        for (_case_id, cause), _count in causes[stage].items():
            named[cause] += 1
        for cause, count in named.most_common():
            result.by_cause.append({"stage": label, "cause": cause, "cases": count})
    result.by_area = [
        {"area": name, **counts, "share": round(100 * counts["earlier"] / counts["reviewed"])}
        for name, counts in sorted(by_area.items())
    ]
    result.by_year = [
        {"year": year, **counts, "share": round(100 * counts["earlier"] / counts["reviewed"])}
        for year, counts in sorted(by_year.items())
    ]
    return result


def review_cases(review: CaseReview) -> list[dict]:
    """The sample, pseudonymised, with how far the panel has got on each case."""
    members = review.members.count()
    done = Counter(
        ReviewFinding.objects.filter(case__review=review).values_list("case_id", flat=True)
    )
    rows = []
    for case in review.cases.select_related("referral__child"):
        rows.append(
            {
                "case": case,
                "label": case_label(case.referral),
                "findings": done[case.pk],
                "expected": members * len(Stage.values),
            }
        )
    return rows


def case_reviews_subject_access(child_ids: list[int]) -> list[dict]:
    """For subject access: each review that looked at the child's records, with what each
    reviewer found (reviewers by the perspective they brought, as the panel's own papers show
    them)."""
    perspectives = {}
    cases = (
        ReviewCase.objects.filter(referral__child_id__in=child_ids)
        .select_related("review", "referral")
        .prefetch_related("findings__causes", "review__members")
    )
    rows = []
    for case in cases:
        if case.review_id not in perspectives:
            perspectives[case.review_id] = {
                m.user_id: m.get_perspective_display() for m in case.review.members.all()
            }
        seen_by = perspectives[case.review_id]
        rows.append(
            {
                "review": case.review.title,
                "concern": case.referral.reference,
                "open_to_reviewers": f"{case.review.opens_on:%-d %B %Y} to "
                f"{case.review.closes_on:%-d %B %Y}",
                "findings": [
                    {
                        "stage": finding.get_stage_display(),
                        "reviewer": seen_by.get(
                            finding.reviewer_id, "A reviewer no longer on the panel"
                        ),
                        "could_have_been_earlier": finding.get_earlier_display(),
                        "why": [cause.label for cause in finding.causes.all()],
                        "notes": finding.notes,
                    }
                    for finding in case.findings.all()
                ],
            }
        )
    return rows
