"""A demo 'could we have acted earlier?' review (run after `demo_pathway`): ten cases drawn at
random from the last year's concerns, open for eight weeks, with a panel from education, health,
early help and a family's perspective, and findings on three cases (one where the panel
disagrees), made by the real services. Idempotent: skipped when any review exists."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.models import User
from pathway.case_reviews import services
from pathway.models import CaseReview, ReviewCause, ReviewFinding

PANEL = (
    ("send.officer", "education"),
    ("professional", "health"),
    ("early.help", "care"),
    ("forum.member", "family"),
)
# (case, stage, what each panel member found, the reason for a yes)
FINDINGS = (
    (0, "noticing", ("yes", "yes", "yes", "yes"), "Noticed but not raised"),
    (1, "deciding", ("yes", "no", "unsure", "yes"), "Waited for a threshold"),
    (2, "providing", ("no", "no", "no", "no"), ""),
)


class Command(BaseCommand):
    help = "A demo case review with its panel and some findings."

    def handle(self, *args, **options):
        demo.check_demo_command()
        if CaseReview.objects.exists():
            self.stdout.write("A case review exists already: nothing to do.")
            return
        people = {u.username: u for u in User.objects.filter(username__in=[p for p, _ in PANEL])}
        manager = User.objects.filter(username="send.manager").first()
        if manager is None or len(people) < len(PANEL):
            self.stdout.write("Run `manage.py demo_data` first.")
            return
        today = timezone.localdate()
        try:
            review = services.create_review(
                services.SampleRequest(
                    title=f"Could we have acted earlier? {today:%B %Y}",
                    method=CaseReview.Method.RANDOM,
                    referred_from=today - datetime.timedelta(days=365),
                    referred_to=today,
                    sample_size=10,
                    opens_on=today,
                    closes_on=today + datetime.timedelta(weeks=8),
                    seed=2026,
                ),
                manager,
            )
        except services.NothingToSample:
            self.stdout.write("No concerns in the last year: run `manage.py demo_pathway` first.")
            return
        for username, perspective in PANEL:
            services.add_member(review, people[username], perspective, manager)
        cases = list(review.cases.all())
        for index, stage, answers, reason in FINDINGS:
            if index >= len(cases):
                continue
            causes = list(ReviewCause.objects.filter(label=reason))
            for (username, _), earlier in zip(PANEL, answers, strict=True):
                services.record_findings(
                    cases[index],
                    people[username],
                    [
                        services.StageFinding(
                            stage,
                            earlier,
                            causes if earlier == ReviewFinding.Earlier.YES else [],
                            "",
                        )
                    ],
                )
        self.stdout.write(f"Case review: {review.title}, {len(cases)} cases.")
