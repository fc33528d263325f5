"""The person-level list an area SEND inspection asks for (issue 27): the children in the early
years with SEN support or an EHC plan, one row each, built from the service's records.

The inspection framework's annex (its data request) is not available offline: the columns are
those such lists commonly hold and this service records; docs/inspection-evidence.md lists each
with what is uncertain."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from earlyyears.dates import age_in_months, age_words
from earlyyears.models import Child
from pathway.models import EhcRequest, EhcReview, FundingAward, PortageVisit, SenNeed, SupportPlan
from pathway.models.plans import SupportTier

HEADINGS = (
    "Child reference",
    "First name",
    "Last name",
    "Date of birth",
    "Age",
    "Sex",
    "Ethnicity",
    "SEN status",
    "Tier of support",
    "Support plan since",
    "Primary need",
    "Secondary need",
    "EHC plan issued",
    "Last EHC plan review",
    "Setting",
    "Setting URN",
    "Ward",
    "District",
    "Looked after",
    "Portage",
    "Inclusion funding in the last 12 months",
)
SEN_SUPPORT_TIERS = (SupportTier.TARGETED, SupportTier.TARGETED_PLUS, SupportTier.SPECIALIST)
EHC_PLAN = "EHC plan"
SEN_SUPPORT = "SEN support"


def first_early_years_intake(today: datetime.date) -> int:
    """The Reception intake of the youngest age group already at school (September's, once it
    has come): children of later intakes are still in the early years."""
    return today.year if today.month >= 9 else today.year - 1


def in_the_list(today: datetime.date) -> QuerySet[Child]:
    """Children not yet at school with an EHC plan in place, or a support plan above the
    universal tier."""
    plan = EhcRequest.objects.filter(child=OuterRef("pk"), stage=EhcRequest.Stage.PLAN)
    support = SupportPlan.objects.filter(child=OuterRef("pk"), tier__in=SEN_SUPPORT_TIERS)
    # The youngest at school were born by 31 August, four years before they started: anyone born
    # from the next day on is still in the early years.
    youngest_at_school = datetime.date(first_early_years_intake(today) - 4, 9, 1)
    return (
        Child.objects.exclude(record_status=Child.RecordStatus.MERGED)
        .filter(date_of_birth__gte=youngest_at_school)
        .filter(Q(Exists(plan)) | Q(Exists(support)))
    )


def rows(today: datetime.date | None = None) -> Iterator[list[str]]:
    """The list, a fixed number of queries however many children (one per related table)."""
    today = today or timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    children = (
        in_the_list(today)
        .select_related("setting", "area__parent", "support_plan")
        .prefetch_related(
            Prefetch(
                "ehc",
                queryset=EhcRequest.objects.order_by("-received_on").prefetch_related(
                    Prefetch("sen_needs", queryset=SenNeed.objects.order_by("rank")),
                    Prefetch("reviews", queryset=EhcReview.objects.order_by("-meeting_on")),
                ),
            ),
        )
        .annotate(
            has_portage=Exists(PortageVisit.objects.filter(child=OuterRef("pk"))),
            funded=Exists(
                FundingAward.objects.filter(referral__child=OuterRef("pk"), ends_on__gte=year_ago)
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    yield list(HEADINGS)
    for child in children:
        requests = list(child.ehc.all())
        plan = next((r for r in requests if r.stage == EhcRequest.Stage.PLAN), None)
        latest = plan or (requests[0] if requests else None)
        try:
            support = child.support_plan
        except SupportPlan.DoesNotExist:
            support = None
        needs = {n.rank: n.get_sen_type_display() for n in (plan.sen_needs.all() if plan else [])}
        reviews = [r for r in (plan.reviews.all() if plan else []) if r.meeting_on]
        area = child.area
        yield [
            child.reference,
            child.first_name,
            child.last_name,
            child.date_of_birth.isoformat(),
            age_words(age_in_months(child.date_of_birth, today)),
            latest.get_sex_display() if latest and latest.sex else "",
            latest.get_ethnicity_display() if latest and latest.ethnicity else "",
            EHC_PLAN if plan else SEN_SUPPORT,
            SupportTier(support.tier).label if support else "",
            timezone.localdate(support.created_at).isoformat() if support else "",
            needs.get(1, ""),
            needs.get(2, ""),
            plan.issue_decision_on.isoformat() if plan and plan.issue_decision_on else "",
            reviews[0].meeting_on.isoformat() if reviews else "",
            child.setting.name if child.setting else "",
            child.setting.urn if child.setting else "",
            area.name if area else "",
            (area.parent.name if area and area.parent else ""),
            "Yes" if child.looked_after else "No",
            "Yes" if child.has_portage else "No",
            "Yes" if child.funded else "No",
        ]
