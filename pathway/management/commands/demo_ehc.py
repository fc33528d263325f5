"""Demo EHC timelines (run after `demo_pathway`): one case at each stage, from a request
waiting for the decision whether to assess to a plan reviewed and one stopped, with an
exception to the 20 weeks, a mediation and the letters, dated back from today.

Every step goes through the real services as a SEND officer, so the timeline, letters and
clocks are the real ones. Idempotent: skipped when any EHC case exists."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.utils import timezone

from earlyyears.models import Child, Role, User
from pathway.ehc import services
from pathway.models import EhcException, EhcRequest, EhcReview, Referral

# (stage to reach, days since the request was received)
SHAPES = [
    ("requested", 12),
    ("assessing", 60),
    ("assessing_exception", 110),
    ("draft_issued", 125),
    ("not_assessing", 50),
    ("no_plan", 150),
    ("plan", 200),
    ("plan_review_meeting", 330),
    ("plan_reviewed", 420),
    ("ceased", 400),
    ("transferred_out", 380),
    ("withdrawn", 70),
]


def ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


class Command(BaseCommand):
    help = "Add demo EHC timelines at every stage (skipped if any EHC case exists)."

    def handle(self, *args, **options):
        if EhcRequest.objects.exists():
            self.stdout.write("EHC timelines: already there.")
            return
        officer = User.objects.filter(role=Role.SEND_OFFICER, is_active=True).order_by("pk").first()
        if officer is None:
            self.stdout.write("EHC timelines: no SEND officer to record them; run demo_data.")
            return
        children = list(
            Child.objects.filter(Exists(Referral.objects.filter(child=OuterRef("pk"))))
            .order_by("-referrals__ehc_assessment_requested", "pk")
            .distinct()[: len(SHAPES)]
        )
        today = timezone.localdate()
        made = 0
        for (shape, days), child in zip(SHAPES, children, strict=False):
            referral = Referral.objects.filter(child=child).order_by("-submitted_at").first()
            received = max(ago(today, days), child.date_of_birth)
            self.build(shape, child, referral, officer, received, today)
            made += 1
        self.stdout.write(f"EHC timelines: {made} cases.")

    def build(self, shape, child, referral, officer, received, today) -> None:
        by = {"by": officer, "today": today}
        ehc = services.open_request(
            child,
            referral,
            source="2" if shape != "withdrawn" else "1",
            received_on=received,
            sex="F" if child.pk % 2 else "M",
            ethnicity="NOBT",
            upn_unknown="UN1",
            **by,
        )
        if shape == "requested":
            return
        if shape == "withdrawn":
            services.withdraw(
                ehc,
                withdrawn_on=received + datetime.timedelta(days=20),
                reason="The family moved out of the area before a decision",
                **by,
            )
            return
        assess = shape != "not_assessing"
        services.decide_assessment(
            ehc,
            assess=assess,
            decided_on=received + datetime.timedelta(days=38),
            reason="The setting's evidence shows needs across the prime areas"
            if assess
            else "Needs can be met with SEN support and inclusion funding",
            **by,
        )
        if shape == "not_assessing":
            services.add_dispute(
                ehc,
                kind="mediation",
                about="request",
                started_on=received + datetime.timedelta(days=45),
                **by,
            )
            return
        if shape in ("assessing_exception", "plan_review_meeting"):
            start = received + datetime.timedelta(days=60)
            services.add_exception(
                ehc,
                kind=EhcException.Kind.HOLIDAY,
                reason="Advice was asked for while the nursery was closed for the holidays",
                starts_on=start,
                ends_on=start + datetime.timedelta(days=13),
                **by,
            )
        if shape in ("assessing", "assessing_exception"):
            return
        if shape == "no_plan":
            decided = received + datetime.timedelta(days=100)
            services.decide_plan(
                ehc,
                issue=False,
                decided_on=decided,
                reason="The assessment found needs can be met with SEN support at the setting",
                **by,
            )
            services.add_dispute(
                ehc,
                kind="tribunal",
                about="assessment",
                started_on=decided + datetime.timedelta(days=30),
                **by,
            )
            return
        services.issue_draft(ehc, issued_on=received + datetime.timedelta(days=110), **by)
        if shape == "draft_issued":
            return
        issued = received + datetime.timedelta(days=135)
        services.decide_plan(
            ehc,
            issue=True,
            decided_on=issued,
            reason="The plan sets out weekly speech and language therapy and a key person "
            "trained in Makaton",
            **by,
        )
        if shape == "plan":
            return
        if shape in ("ceased", "transferred_out"):
            services.cease_plan(
                ehc,
                ceased_on=min(issued + datetime.timedelta(days=200), today),
                reason="5" if shape == "transferred_out" else "2",
                detail=""
                if shape == "transferred_out"
                else "Needs are now met with SEN support at the setting",
                transferred_to="Somerset Council" if shape == "transferred_out" else "",
                **by,
            )
            return
        review = EhcReview.objects.get(ehc=ehc, decision_on__isnull=True)
        meeting = min(issued + datetime.timedelta(days=120), today)
        services.record_review_meeting(
            review,
            advice_requested_on=meeting - datetime.timedelta(days=28),
            advice_summary="Speech and language therapy: good progress with two-word phrases",
            meeting_on=meeting,
            meeting_notes="The family and setting agree the plan works",
            **by,
        )
        if shape == "plan_review_meeting":
            return
        services.decide_review(
            review,
            outcome="maintain",
            decided_on=meeting + datetime.timedelta(days=14),
            reason="The plan is working",
            **by,
        )
