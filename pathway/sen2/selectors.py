"""The early-years part of the SEN2 return, built from the EHC timeline: which cases are in
scope for a collection, each module's rows in SEN2's own items and codes, and every problem
the DfE's checks would raise that we can see, by child and item, with where to fix it.

The structure follows the COLLECT data-entry template (one table a module: Header, Person,
Requests, Assessment, NamedPlan, PlanDetail, ActivePlans, PlacementDetail, SENneed), each row
with its own id and its parent's, so the council's main SEN2 tool can merge it. What is not
certain about the specification is listed in docs/sen2.md."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from earlyyears.access import AnyUser
from earlyyears.dates import reception_intake_year
from pathway.access import is_send_team
from pathway.models import EhcDispute, EhcRequest, EhcReview, SchoolMove, Sen2Extract, SenNeed

SOFTWARE_CODE = "EYSEND"
YES, NO = "1", "0"
DATE = "%Y-%m-%d"
UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
LA_NUMBER = re.compile(r"^\d{3}$")
SIX_DIGITS = re.compile(r"^\d{6}$")
# Early years provider with no establishment number (a private nursery, a childminder).
EARLY_YEARS_PROVIDER = "EYP"
REVIEW_OUTCOMES = {"maintain": "M", "amend": "A", "cease": "C"}

MODULES: dict[str, tuple[str, ...]] = {
    "header": (
        "Collection",
        "Year",
        "ReferenceDate",
        "SourceLevel",
        "LEA",
        "SoftwareCode",
        "Release",
        "SerialNo",
        "DateTime",
    ),
    "person": (
        "PersonID",
        "Surname",
        "Forename",
        "PersonBirthDate",
        "Sex",
        "Ethnicity",
        "Postcode",
        "UPN",
        "UniqueLearnerNumber",
        "UPNunknown",
    ),
    "requests": (
        "RequestsID",
        "PersonID",
        "ReceivedDate",
        "RequestSource",
        "RYA",
        "RequestOutcomeDate",
        "RequestOutcome",
        "RequestMediation",
        "RequestTribunal",
        "Exported",
    ),
    "assessment": (
        "AssessmentID",
        "RequestsID",
        "AssessmentOutcome",
        "AssessmentOutcomeDate",
        "AssessmentMediation",
        "AssessmentTribunal",
        "OtherMediation",
        "OtherTribunal",
        "Week20",
    ),
    "namedplan": (
        "NamedPlanID",
        "AssessmentID",
        "StartDate",
        "PlanRes",
        "PlanWBP",
        "PB",
        "OA",
        "DP",
        "CeaseDate",
        "CeaseReason",
    ),
    "plandetail": (
        "PlanDetailID",
        "NamedPlanID",
        "URN",
        "UKPRN",
        "SENsetting",
        "SENsettingOther",
        "PlacementRank",
        "SENunitIndicator",
        "ResourcedProvisionIndicator",
    ),
    "activeplans": (
        "ActivePlansID",
        "RequestsID",
        "TransferLA",
        "ReviewMeeting",
        "ReviewOutcome",
        "LastReview",
        "ReviewDraft",
        "PhaseTransferDueDate",
        "PhaseTransferFinalDate",
    ),
    "placementdetail": (
        "PlacementDetailID",
        "ActivePlansID",
        "URN",
        "UKPRN",
        "SENsetting",
        "SENsettingOther",
        "PlacementRank",
        "EntryDate",
        "LeavingDate",
        "SENunitIndicator",
        "ResourcedProvisionIndicator",
        "Res",
        "WBP",
    ),
    "senneed": ("SENneedID", "ActivePlansID", "SENtype", "SENtypeRank"),
}
CODES = {
    "RequestSource": set(EhcRequest.Source.values),
    "Sex": set(EhcRequest.Sex.values),
    "Ethnicity": set(EhcRequest.Ethnicity.values),
    "UPNunknown": set(EhcRequest.UpnUnknown.values),
    "CeaseReason": set(EhcRequest.CeaseReason.values),
    "SENtype": set(SenNeed.Type.values),
}


def may_use(user: AnyUser) -> bool:
    return is_send_team(user)


def reference_date(collection_year: int) -> datetime.date:
    """Census day: the third Thursday of January of the collection year."""
    first = datetime.date(collection_year, 1, 1)
    return first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 14)


def next_collection(today: datetime.date) -> int:
    """The collection being prepared: this January's until its census day, then next year's."""
    return today.year if today <= reference_date(today.year) else today.year + 1


def period(collection_year: int) -> tuple[datetime.date, datetime.date]:
    """Activity is reported for the calendar year before the collection."""
    return datetime.date(collection_year - 1, 1, 1), datetime.date(collection_year - 1, 12, 31)


@dataclass(frozen=True)
class Problem:
    """Something the return cannot carry as it stands, said for the person who can fix it."""

    child_reference: str
    child_name: str
    item: str
    message: str
    fix_url: str


@dataclass
class Sen2Return:
    collection_year: int
    reference_date: datetime.date
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}

    @property
    def people(self) -> int:
        return len(self.tables.get("person", []))


def _day(value: datetime.date | None) -> str:
    return value.strftime(DATE) if value else ""


def _within(day: datetime.date | None, start: datetime.date, end: datetime.date) -> bool:
    return day is not None and start <= day <= end


def cases_in_scope(collection_year: int):
    """Requests received by census day whose work was not over before the period began:
    anything received, decided, issued, reviewed, withdrawn or ceased in the period, work still
    open on census day, and plans active at any time in the period."""
    start, _ = period(collection_year)
    census = reference_date(collection_year)
    finished_before = (
        Q(withdrawn_on__lt=start)
        | Q(ceased_on__lt=start)
        | Q(assess_decision="N", assess_decision_on__lt=start)
        | Q(issue_decision="N", issue_decision_on__lt=start)
    )
    return (
        EhcRequest.objects.filter(received_on__lte=census)
        .exclude(finished_before)
        .select_related("child", "child__setting")
        .prefetch_related(
            Prefetch("sen_needs", queryset=SenNeed.objects.order_by("rank")),
            Prefetch("disputes", queryset=EhcDispute.objects.order_by("started_on")),
            Prefetch("reviews", queryset=EhcReview.objects.order_by("due_by", "pk")),
            "exceptions",
        )
        .order_by("child_id", "received_on", "pk")
    )


def _request_outcome(ehc: EhcRequest, start: datetime.date) -> tuple[str, str]:
    if ehc.transferred_in:
        return "H", ""
    if ehc.assess_decision:
        if ehc.assess_decision_on and ehc.assess_decision_on < start:
            return "H", ""
        return ehc.assess_decision, _day(ehc.assess_decision_on)
    if ehc.withdrawn_on:
        return "W", ""
    return "A", ""


def _assessment_outcome(ehc: EhcRequest, start: datetime.date) -> tuple[str, str]:
    if ehc.issue_decision:
        if ehc.transferred_in or (ehc.issue_decision_on and ehc.issue_decision_on < start):
            return "H", ""
        return ehc.issue_decision, _day(ehc.issue_decision_on)
    if ehc.withdrawn_on or ehc.ceased_on:
        return "W", ""
    return "A", ""


def _disputed(ehc: EhcRequest, kind: str, about: str) -> str:
    return YES if any(d.kind == kind and d.about == about for d in ehc.disputes.all()) else NO


def _setting_codes(ehc: EhcRequest) -> dict[str, str]:
    """A school's URN where the child's setting has one; otherwise SEN2's code for an early
    years provider without an establishment number."""
    urn = (ehc.setting_school_urn or "").strip()
    if urn:
        return {"URN": urn, "UKPRN": "", "SENsetting": "", "SENsettingOther": ""}
    return {"URN": "", "UKPRN": "", "SENsetting": EARLY_YEARS_PROVIDER, "SENsettingOther": ""}


def build_return(collection_year: int, *, now: datetime.datetime | None = None) -> Sen2Return:
    start, end = period(collection_year)
    census = reference_date(collection_year)
    built = Sen2Return(collection_year, census)
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in MODULES}
    built.tables = tables
    problems = built.problems
    la = str(getattr(settings, "LA_NUMBER", "") or "")
    tables["header"].append(
        {
            "Collection": "SEN2",
            "Year": str(collection_year),
            "ReferenceDate": _day(census),
            "SourceLevel": "L",
            "LEA": la,
            "SoftwareCode": SOFTWARE_CODE,
            "Release": "1",
            "SerialNo": "",
            "DateTime": timezone.localtime(now or timezone.now()).strftime("%Y-%m-%dT%H:%M:%S"),
        }
    )
    if not LA_NUMBER.match(la):
        problems.append(
            Problem("", "", "LEA", "Set the council's 3-digit LA number (LA_NUMBER)", "")
        )

    cases = list(cases_in_scope(collection_year))
    moves = {
        move.child_id: move
        for move in SchoolMove.objects.filter(child_id__in={ehc.child_id for ehc in cases})
    }
    by_child: dict[int, list[EhcRequest]] = defaultdict(list)
    for ehc in cases:
        by_child[ehc.child_id].append(ehc)

    for requests in by_child.values():
        child = requests[0].child
        latest = requests[-1]  # the person's items, as last recorded
        person_id = child.reference
        fix = reverse("sen2-details", args=[latest.pk])

        def problem(item: str, message: str, url: str = fix, child=child) -> None:
            problems.append(Problem(child.reference, child.full_name, item, message, url))

        tables["person"].append(
            {
                "PersonID": person_id,
                "Surname": child.last_name,
                "Forename": child.first_name,
                "PersonBirthDate": _day(child.date_of_birth),
                "Sex": latest.sex,
                "Ethnicity": latest.ethnicity,
                "Postcode": child.postcode,
                "UPN": latest.upn,
                "UniqueLearnerNumber": "",
                "UPNunknown": "" if latest.upn else latest.upn_unknown,
            }
        )
        for item, value in (
            ("Sex", latest.sex),
            ("Ethnicity", latest.ethnicity),
            ("UPNunknown", "" if latest.upn else latest.upn_unknown),
        ):
            if value and value not in CODES[item]:
                problem(item, f"'{value}' is not a code SEN2 accepts")
        if not latest.sex:
            problem("Sex", "Record the child's sex")
        if not latest.ethnicity:
            problem(
                "Ethnicity", "Record the child's ethnicity, or that the family chose not to say"
            )
        if latest.upn and not UPN.match(latest.upn):
            problem("UPN", "A unique pupil number is a letter and 12 more characters")
        if not latest.upn and not latest.upn_unknown:
            problem("UPNunknown", "Record the unique pupil number, or why there is none")
        if not child.postcode:
            problem(
                "Postcode", "Record the child's postcode", reverse("child-detail", args=[child.pk])
            )

        for ehc in requests:
            request_id = f"R{ehc.pk}"
            outcome, outcome_date = _request_outcome(ehc, start)
            tables["requests"].append(
                {
                    "RequestsID": request_id,
                    "PersonID": person_id,
                    "ReceivedDate": _day(ehc.received_on),
                    "RequestSource": ehc.source,
                    "RYA": NO,
                    "RequestOutcomeDate": outcome_date,
                    "RequestOutcome": outcome,
                    "RequestMediation": _disputed(ehc, "mediation", "request"),
                    "RequestTribunal": _disputed(ehc, "tribunal", "request"),
                    "Exported": YES if ehc.transferred_to and not ehc.issue_decision else NO,
                }
            )
            for item, value in (("RequestSource", ehc.source), ("CeaseReason", ehc.cease_reason)):
                if value and value not in CODES[item]:
                    problem(item, f"'{value}' is not a code SEN2 accepts")
            if not ehc.source:
                problem("RequestSource", "Record who made the request")
            if ehc.assess_decision_on and ehc.assess_decision_on < ehc.received_on:
                problem("RequestOutcomeDate", "The decision to assess is dated before the request")
            if outcome not in ("Y", "H"):
                continue

            assessment_id = f"A{ehc.pk}"
            a_outcome, a_date = _assessment_outcome(ehc, start)
            tables["assessment"].append(
                {
                    "AssessmentID": assessment_id,
                    "RequestsID": request_id,
                    "AssessmentOutcome": a_outcome,
                    "AssessmentOutcomeDate": a_date,
                    "AssessmentMediation": _disputed(ehc, "mediation", "assessment"),
                    "AssessmentTribunal": _disputed(ehc, "tribunal", "assessment"),
                    "OtherMediation": _disputed(ehc, "mediation", "other"),
                    "OtherTribunal": _disputed(ehc, "tribunal", "other"),
                    "Week20": YES if ehc.exceptions.all() else NO,
                }
            )
            later = ehc.assess_decision_on or ehc.received_on
            if ehc.issue_decision_on and ehc.issue_decision_on < later:
                problem(
                    "AssessmentOutcomeDate",
                    "The plan decision is dated before the decision to assess",
                )
            if ehc.issue_decision != "Y":
                continue

            plan_id = f"P{ehc.pk}"
            plan_start = ehc.issue_decision_on or ehc.transferred_in_on
            tables["namedplan"].append(
                {
                    "NamedPlanID": plan_id,
                    "AssessmentID": assessment_id,
                    "StartDate": _day(plan_start),
                    "PlanRes": "",
                    "PlanWBP": "",
                    "PB": "",
                    "OA": "",
                    "DP": "",
                    "CeaseDate": _day(ehc.ceased_on),
                    "CeaseReason": ehc.cease_reason if ehc.ceased_on else "",
                }
            )
            tables["plandetail"].append(
                {
                    "PlanDetailID": f"PD{ehc.pk}",
                    "NamedPlanID": plan_id,
                    **_setting_codes(ehc),
                    "PlacementRank": "1",
                    "SENunitIndicator": NO,
                    "ResourcedProvisionIndicator": NO,
                }
            )
            if plan_start is None:
                problem("StartDate", "Record the date the plan was issued")
            if ehc.ceased_on and plan_start and ehc.ceased_on < plan_start:
                problem("CeaseDate", "The plan is recorded as ceasing before it started")
            if ehc.ceased_on and not ehc.cease_reason:
                problem("CeaseReason", "Record why the plan ceased")
            urn = (ehc.setting_school_urn or "").strip()
            if urn and not SIX_DIGITS.match(urn):
                problem(
                    "URN", "A school's URN is 6 digits; leave it blank for a nursery without one"
                )

            active = (
                plan_start is not None
                and plan_start <= census
                and (ehc.ceased_on is None or ehc.ceased_on >= start)
            )
            if not active:
                continue
            active_id = f"AP{ehc.pk}"
            reviews = [r for r in ehc.reviews.all() if r.meeting_on and r.meeting_on <= census]
            last = reviews[-1] if reviews else None
            move = moves.get(child.pk)
            intake = (move.intake_year if move and move.intake_year else None) or (
                reception_intake_year(child.date_of_birth)
            )
            due = datetime.date(intake, 2, 15)
            tables["activeplans"].append(
                {
                    "ActivePlansID": active_id,
                    "RequestsID": request_id,
                    "TransferLA": YES if _within(ehc.transferred_in_on, start, end) else NO,
                    "ReviewMeeting": _day(last.meeting_on) if last else "",
                    "ReviewOutcome": REVIEW_OUTCOMES.get(last.outcome, "") if last else "",
                    "LastReview": _day(last.decision_on) if last else "",
                    "ReviewDraft": "",
                    "PhaseTransferDueDate": _day(due) if due.year <= collection_year + 1 else "",
                    "PhaseTransferFinalDate": _day(move.ehc_review_finished_on)
                    if move and move.ehc_review_finished_on
                    else "",
                }
            )
            setting = child.setting
            tables["placementdetail"].append(
                {
                    "PlacementDetailID": f"PL{ehc.pk}",
                    "ActivePlansID": active_id,
                    **_setting_codes(ehc),
                    "SENsettingOther": "",
                    "PlacementRank": "1",
                    "EntryDate": _day(timezone.localtime(child.created_at).date())
                    if setting
                    else "",
                    "LeavingDate": _day(ehc.ceased_on),
                    "SENunitIndicator": NO,
                    "ResourcedProvisionIndicator": NO,
                    "Res": "",
                    "WBP": "",
                }
            )
            needs = list(ehc.sen_needs.all())
            for need in needs:
                tables["senneed"].append(
                    {
                        "SENneedID": f"N{need.pk}",
                        "ActivePlansID": active_id,
                        "SENtype": need.sen_type,
                        "SENtypeRank": str(need.rank),
                    }
                )
                if need.sen_type not in CODES["SENtype"]:
                    problem("SENtype", f"'{need.sen_type}' is not a code SEN2 accepts")
            if not any(need.rank == 1 for need in needs):
                problem("SENtype", "Record the child's primary need")
    return built


def extracts_for(user: AnyUser) -> QuerySet[Sen2Extract]:
    if not may_use(user):
        return Sen2Extract.objects.none()
    return Sen2Extract.objects.select_related("produced_by")
