"""Demo funding (run after `demo_casework`): budgets for this financial year, and applications
to each fund from the demo practitioner's setting: the Disability Access Fund (one paid, one
approved and due, one waiting), the SEN inclusion fund (one waiting, one taken to panel), and
the Inclusive Early Years Fund (one waiting, one refused). Top-up awards that demo_casework
made are already inclusion fund applications (pathway.funds.receivers).

Made by the real services, as the practitioner and the SEND officer, so the messages and
payments are the real ones. Idempotent: skipped when any application has evidence."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from earlyyears.accounts import demo
from earlyyears.models import Child, SettingMembership, User
from pathway.funds import rules, services
from pathway.funds.services import Evidence, FundError, Outcome
from pathway.models import FundBudget, FundEvidence, FundType

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BUDGETS = {
    FundType.Kind.INCLUSION: Decimal("150000.00"),
    FundType.Kind.DISABILITY_ACCESS: Decimal("20000.00"),
    FundType.Kind.OTHER: Decimal("50000.00"),
}


def _evidence(name: str, description: str) -> Evidence:
    return Evidence(ContentFile(PDF, name=name), description)


class Command(BaseCommand):
    help = "Demo budgets and funding applications to each fund (after demo_casework)."

    def handle(self, *args, **options):
        demo.check_demo_command()
        if FundEvidence.objects.exists():
            self.stdout.write("Demo funding is already there.")
            return
        users = {u.username: u for u in User.objects.filter(is_active=True)}
        practitioner, officer = users.get("practitioner"), users.get("send.officer")
        if practitioner is None or officer is None:
            raise CommandError("Run `manage.py demo_data` and `manage.py demo_pathway` first.")
        settings = SettingMembership.objects.filter(user=practitioner).values("setting")
        children = list(Child.objects.filter(setting__in=settings).order_by("pk")[:7])
        if len(children) < 7:
            raise CommandError("The demo practitioner's setting needs at least 7 children.")
        today = timezone.localdate()
        year = rules.financial_year_of(today)
        funds = {f.kind: f for f in FundType.objects.filter(active=True).order_by("-pk")}
        made = 0
        with transaction.atomic():
            for fund in FundType.objects.filter(active=True):
                FundBudget.objects.get_or_create(
                    fund_type=fund,
                    financial_year=year,
                    area=None,
                    defaults={"amount": BUDGETS[fund.kind]},
                )
            daf = funds[FundType.Kind.DISABILITY_ACCESS]
            for index, child in enumerate(children[:3]):
                application = services.apply(
                    practitioner,
                    child,
                    daf,
                    what_for="Sensory equipment and staff training in using it",
                    evidence=_evidence("dla-letter.pdf", "Disability Living Allowance letter"),
                    gets_disability_living_allowance=True,
                    family_nominated_setting=True,
                )
                made += 1
                if index < 2:
                    services.decide(
                        application, by=officer, outcome=Outcome.APPROVE, reason="Gets DLA"
                    )
                    payment = application.payments.get()
                    if index == 0:
                        services.approve_payment(payment, by=officer)
                        services.record_paid(payment, by=officer, paid_on=today)
            inclusion = funds[FundType.Kind.INCLUSION]
            windows = list(inclusion.windows.all())
            # Outside a window, the applications are dated on the last day of the latest
            # window that has closed (as if sent then); with none, they are not made.
            past = [w.closes_on for w in windows if w.closes_on < today]
            on = today if rules.open_window(windows, today) else max(past, default=None)
            for child, band, to_panel in (
                (children[3], "Band 2", False),
                (children[4], "Band 3", True),
            ):
                if on is None:
                    break
                try:
                    application = services.apply(
                        practitioner,
                        child,
                        inclusion,
                        what_for="An extra adult at group times and transitions",
                        evidence=_evidence("support-plan.pdf", "Support plan and review"),
                        band=inclusion.bands.get(name=band),
                        today=on,
                    )
                except FundError as error:
                    self.stdout.write(f"Inclusion fund application not made: {error.message}")
                    continue
                made += 1
                if to_panel:
                    services.decide(
                        application,
                        by=officer,
                        outcome=Outcome.PANEL,
                        reason="Band 3 requests go to the Early Years panel",
                    )
            iey = funds[FundType.Kind.OTHER]
            for child, refuse in ((children[5], False), (children[6], True)):
                application = services.apply(
                    practitioner,
                    child,
                    iey,
                    what_for="A ramp and a quiet den so the child can join in outdoors",
                    evidence=_evidence("quote.pdf", "Builder's quote"),
                    amount_requested=Decimal("1850.00"),
                )
                made += 1
                if refuse:
                    services.decide(
                        application,
                        by=officer,
                        outcome=Outcome.REFUSE,
                        reason="The setting's own accessibility budget covers this",
                    )
        self.stdout.write(f"Demo funding: {made} applications, budgets for {year} to {year + 1}.")
