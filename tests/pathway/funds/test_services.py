"""Applying, deciding and paying, through the services: every rule refuses with a clear
reason and leaves nothing behind; the panel's top-up decision settles an application."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from earlyyears.models import OutboxMessage, Role
from pathway.casework import services as casework
from pathway.funds import services
from pathway.funds.services import Evidence, FundError, Outcome
from pathway.models import (
    FundApplication,
    FundEvidence,
    FundingAward,
    FundPayment,
    FundType,
    PanelMeeting,
    Referral,
)
from pathway.services import create_referral
from tests.factories import ChildFactory, SettingFactory, UserFactory, practitioner_at

from .conftest import evidence


def apply_daf(world, child=None, by=None, **extra):
    return services.apply(
        by or world.practitioner_a,
        child or world.child_a,
        FundType.objects.get(kind=FundType.Kind.DISABILITY_ACCESS),
        what_for="Sensory equipment and a quiet space",
        evidence=evidence(),
        gets_disability_living_allowance=extra.pop("dla", True),
        family_nominated_setting=extra.pop("nominated", True),
        **extra,
    )


def apply_inclusion(world, inclusion, band_name="Band 2", **extra):
    return services.apply(
        world.practitioner_a,
        world.child_a,
        inclusion,
        what_for="An extra adult for group times",
        evidence=evidence("Support plan"),
        band=inclusion.bands.get(name=band_name),
        **extra,
    )


def test_a_daf_application_asks_the_yearly_amount_with_its_evidence(world, daf, today):
    application = apply_daf(world)
    assert application.amount_requested == Decimal("938.00")
    assert application.status == FundApplication.Status.SUBMITTED
    assert application.setting == world.setting_a
    assert application.financial_year == (today.year if today.month >= 4 else today.year - 1)
    stored = application.evidence.get()
    assert stored.description == "DLA award letter" and stored.name == "dla-letter.pdf"
    assert stored.file.name.endswith(".pdf") and "dla" not in stored.file.name


def test_daf_needs_disability_living_allowance_and_the_familys_choice(world, daf):
    with pytest.raises(FundError, match="children who get Disability Living Allowance") as error:
        apply_daf(world, dla=False)
    assert error.value.field == "gets_disability_living_allowance"
    with pytest.raises(FundError, match="family must choose your setting"):
        apply_daf(world, nominated=False)
    assert not FundApplication.objects.exists() and not FundEvidence.objects.exists()


def test_daf_is_once_a_year_per_child_and_to_one_setting(world, daf):
    apply_daf(world)
    with pytest.raises(FundError, match="already has a Disability Access Fund application"):
        apply_daf(world)
    # The child also attends another setting, whose practitioner applies: refused, naming the
    # setting the family nominated.
    other = SettingFactory(name="Conker Pre-School")
    world.child_a.setting = other
    world.child_a.save(update_fields=["setting"])
    with pytest.raises(FundError, match="family nominated Acorns Day Nursery") as error:
        apply_daf(world, by=practitioner_at(other, username="prac.conker"))
    assert "once a year, to one setting the family chooses" in error.value.message
    assert FundApplication.objects.count() == 1


def test_a_refused_daf_application_does_not_use_up_the_year(world, daf):
    first = apply_daf(world)
    services.decide(first, by=world.send_officer, outcome=Outcome.REFUSE, reason="No letter")
    assert apply_daf(world).pk != first.pk


def test_the_inclusion_fund_needs_an_open_window(world, inclusion, today):
    inclusion.windows.update(
        opens_on=today + datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=30)
    )
    with pytest.raises(FundError, match="are closed. The next window, This term, opens on"):
        apply_inclusion(world, inclusion)
    assert not FundApplication.objects.exists()


def test_band_amounts_and_the_window_are_kept(world, inclusion):
    application = apply_inclusion(world, inclusion, "Band 3")
    assert application.amount_requested == Decimal("4000.00")
    assert application.window.name == "This term"
    with pytest.raises(FundError, match="already has a SEN inclusion fund application waiting"):
        apply_inclusion(world, inclusion, "Band 1")


def test_a_band_is_needed_where_the_fund_has_bands(world, inclusion):
    with pytest.raises(FundError, match="Select the band") as error:
        services.apply(
            world.practitioner_a,
            world.child_a,
            inclusion,
            what_for="Help",
            evidence=evidence(),
            amount_requested=Decimal("99"),
        )
    assert error.value.field == "band"


def test_a_new_fund_takes_the_amount_the_setting_asks_for(world, iey):
    application = services.apply(
        world.practitioner_a,
        world.child_a,
        iey,
        what_for="A ramp into the garden",
        evidence=evidence("Quote"),
        amount_requested=Decimal("640.50"),
    )
    assert application.amount_requested == Decimal("640.50")
    with pytest.raises(FundError, match="Enter the amount"):
        services.apply(
            world.practitioner_a,
            ChildFactory(setting=world.setting_a),
            iey,
            what_for="x",
            evidence=evidence(),
        )


def test_evidence_is_typed_from_its_content(world, daf):
    fake = SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(ValidationError):
        services.apply(
            world.practitioner_a,
            world.child_a,
            daf,
            what_for="x",
            evidence=Evidence(fake, "Letter"),
            gets_disability_living_allowance=True,
            family_nominated_setting=True,
        )
    assert not FundApplication.objects.exists()


def test_only_the_childs_setting_applies(world, daf):
    for who in (world.practitioner_b, world.send_officer, world.planner, world.portage_a):
        with pytest.raises(FundError, match="Only a practitioner at the child's setting"):
            apply_daf(world, by=who)


def test_approval_sets_the_review_six_months_on_records_a_payment_and_tells_the_setting(
    world, inclusion, budgets, today, django_capture_on_commit_callbacks
):
    world.practitioner_a.email = "prac.a@example.org"
    world.practitioner_a.save(update_fields=["email"])
    application = apply_inclusion(world, inclusion)
    services.decide(
        application, by=world.send_officer, outcome=Outcome.APPROVE, reason="Clear need"
    )
    application.refresh_from_db()
    assert application.status == FundApplication.Status.APPROVED
    assert application.amount_awarded == Decimal("2500.00")
    from pathway.funds.rules import add_months

    assert application.review_on == add_months(today, 6)
    payment = application.payments.get()
    assert (payment.amount, payment.status, payment.due_on) == (
        Decimal("2500.00"),
        FundPayment.Status.DUE,
        today,
    )
    message = OutboxMessage.objects.get(template="fund_decision_staff")
    assert message.to_email == "prac.a@example.org" and message.channel == "email"
    assert world.child_a.first_name not in str(message.context)


def test_reapplication_after_the_review(world, inclusion, budgets, today):
    first = apply_inclusion(world, inclusion)
    services.decide(first, by=world.send_officer, outcome=Outcome.APPROVE, reason="Need")
    first.refresh_from_db()
    with pytest.raises(FundError, match="You can apply again from that date"):
        apply_inclusion(world, inclusion)
    FundApplication.objects.filter(pk=first.pk).update(review_on=today)
    second = apply_inclusion(world, inclusion, "Band 3")
    assert second.previous == first


def test_a_decision_that_would_overspend_needs_confirming(world, inclusion, budgets):
    budgets["inclusion"].amount = Decimal("3000.00")
    budgets["inclusion"].save()
    application = apply_inclusion(world, inclusion, "Band 3")
    with pytest.raises(FundError, match=r"would go £1,000.00 over .* which has £3,000.00 left"):
        services.decide(application, by=world.send_officer, outcome=Outcome.APPROVE, reason="Need")
    application.refresh_from_db()
    assert application.status == FundApplication.Status.SUBMITTED
    assert not FundPayment.objects.exists()
    services.decide(
        application,
        by=world.send_officer,
        outcome=Outcome.APPROVE,
        reason="Need",
        confirm_overspend=True,
    )
    application.refresh_from_db()
    assert application.status == FundApplication.Status.APPROVED


def test_refusal_needs_reasons_and_a_decided_application_stays_decided(world, daf):
    application = apply_daf(world)
    with pytest.raises(FundError, match="Enter the reasons"):
        services.decide(application, by=world.send_officer, outcome=Outcome.REFUSE, reason=" ")
    services.decide(application, by=world.send_officer, outcome=Outcome.REFUSE, reason="No DLA")
    with pytest.raises(FundError, match="already been decided"):
        services.decide(
            application, by=world.send_officer, outcome=Outcome.APPROVE, reason="Changed mind"
        )
    with pytest.raises(FundError, match="Only the Early Years SEND team"):
        services.decide(application, by=world.practitioner_a, outcome="refuse", reason="x")


def test_the_panels_top_up_award_settles_the_application_sent_to_panel(world, inclusion, today):
    application = apply_inclusion(world, inclusion)
    services.decide(
        application, by=world.send_officer, outcome=Outcome.PANEL, reason="Complex needs"
    )
    application.refresh_from_db()
    assert application.status == FundApplication.Status.AT_PANEL
    with transaction.atomic():
        referral = create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_a,
            notify=False,
        )
    panel = PanelMeeting.objects.create(held_on=today, created_by=world.send_officer)
    casework.decide(
        referral,
        "funding",
        by=world.send_officer,
        reason="Agreed at panel",
        panel=panel,
        notify=False,
        funding=casework.FundingTerms(
            Decimal("1800.00"),
            Decimal("5"),
            today,
            today + datetime.timedelta(days=200),
            today + datetime.timedelta(days=90),
        ),
    )
    application.refresh_from_db()
    award = FundingAward.objects.get()
    assert application.award == award
    assert application.status == FundApplication.Status.APPROVED
    assert application.amount_awarded == Decimal("1800.00")
    assert application.decided_at_panel == panel
    assert application.review_on == award.review_on
    assert application.payments.get().due_on == today
    assert FundApplication.objects.count() == 1


def test_a_top_up_award_without_an_application_becomes_one(world, inclusion, today):
    with transaction.atomic():
        referral = create_referral(
            child=world.child_b,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_b,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_b,
            notify=False,
        )
    casework.decide(
        referral,
        "funding",
        by=world.send_officer,
        reason="Top-up",
        notify=False,
        funding=casework.FundingTerms(
            Decimal("700"), Decimal("3"), today, today + datetime.timedelta(days=100), today
        ),
    )
    application = FundApplication.objects.get()
    assert (application.child, application.setting, application.fund_type) == (
        world.child_b,
        world.setting_b,
        inclusion,
    )
    assert application.status == FundApplication.Status.APPROVED
    assert referral.reference in application.what_for


def test_payments_go_due_approved_paid_in_order(world, daf, today):
    application = apply_daf(world)
    services.decide(application, by=world.send_officer, outcome=Outcome.APPROVE, reason="DLA")
    payment = application.payments.get()
    with pytest.raises(FundError, match="Approve the payment before"):
        services.record_paid(payment, by=world.send_officer, paid_on=today)
    services.approve_payment(payment, by=world.send_officer)
    with pytest.raises(FundError, match="already been approved"):
        services.approve_payment(payment, by=world.send_officer)
    with pytest.raises(FundError, match="today or in the past"):
        services.record_paid(
            payment, by=world.send_officer, paid_on=today + datetime.timedelta(days=1)
        )
    services.record_paid(payment, by=world.send_officer, paid_on=today)
    payment.refresh_from_db()
    assert payment.status == FundPayment.Status.PAID and payment.paid_on == today
    with pytest.raises(FundError, match="Only the Early Years SEND team"):
        services.approve_payment(payment, by=world.practitioner_a)


def test_budget_lines_show_committed_paid_and_remaining_by_area(world, daf, budgets, today):
    from pathway.funds import selectors
    from pathway.models import FundBudget

    year = budgets["daf"].financial_year
    FundBudget.objects.create(
        fund_type=daf, financial_year=year, area=world.setting_b.area, amount=Decimal("2000")
    )
    a = apply_daf(world)
    b = apply_daf(world, child=world.child_b, by=world.practitioner_b)
    for application in (a, b):
        services.decide(application, by=world.send_officer, outcome=Outcome.APPROVE, reason="x")
    paid = b.payments.get()
    services.approve_payment(paid, by=world.send_officer)
    services.record_paid(paid, by=world.send_officer, paid_on=today)
    lines = {line.area: line for line in selectors.budget_lines(year) if line.fund == daf.name}
    area_b = lines[world.setting_b.area.name]
    assert (area_b.amount, area_b.committed, area_b.paid, area_b.remaining) == (
        Decimal("2000"),
        Decimal("938.00"),
        Decimal("938.00"),
        Decimal("1062.00"),
    )
    county = lines["Whole county"]
    if world.setting_a.area_id != world.setting_b.area_id:
        assert (county.committed, county.paid, county.remaining) == (
            Decimal("938.00"),
            Decimal("0"),
            Decimal("9062.00"),
        )


def test_the_childs_page_section_is_the_users_own_view(world, daf):
    apply_daf(world)
    assert services.child_section(world.practitioner_a, world.child_a)["can_apply"]
    assert len(services.child_section(world.send_officer, world.child_a)["fund_applications"]) == 1
    assert services.child_section(world.practitioner_b, world.child_a) == {}
    assert services.child_section(world.planner, world.child_a) == {}
    unused = UserFactory(role=Role.PRACTITIONER)
    assert services.child_section(unused, ChildFactory()) == {}
    assert timezone.localdate()
