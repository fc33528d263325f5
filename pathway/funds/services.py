"""Writes for funding: a setting applies with evidence, the SEND team decides (here or at the
panel), payments move from due to approved to paid. Each write is one transaction: a refusal
leaves nothing behind, and the setting's message is queued in the same transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from earlyyears import uploads
from earlyyears.messaging.services import queue_message
from earlyyears.models import Child, SettingMembership, User
from pathway.access.funds import can_apply_for_funding, can_decide_funding
from pathway.models import (
    FundApplication,
    FundBand,
    FundEvidence,
    FundingAward,
    FundPayment,
    FundType,
)

from . import rules, selectors


class FundError(Exception):
    """A rule refused: `field` is the form field the message belongs to."""

    def __init__(self, message: str, field: str = "__all__") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Evidence:
    file: File
    description: str


# Checks ---------------------------------------------------------------------------------------


def latest_of_fund(child: Child, fund: FundType) -> FundApplication | None:
    return (
        FundApplication.objects.filter(child=child, fund_type=fund)
        .exclude(status=FundApplication.Status.WITHDRAWN)
        .select_related("setting")
        .order_by("-submitted_at", "-pk")
        .first()
    )


def refusal_to_apply(
    fund: FundType, child: Child, today: datetime.date
) -> tuple[str, FundApplication | None]:
    """Why a setting may not apply to `fund` for `child` today ("" if it may), and the earlier
    application a new one follows (a re-application)."""
    if not fund.active:
        return f"The {fund.name} is not taking applications", None
    if fund.uses_windows:
        windows = list(fund.windows.all())
        if rules.open_window(windows, today) is None:
            return rules.window_refusal(fund.name, windows, today), None
    year = rules.financial_year_of(today)
    if fund.once_a_year_per_child:
        this_year = list(
            FundApplication.objects.filter(
                child=child,
                fund_type=fund,
                financial_year=year,
                status__in=(*FundApplication.OPEN, FundApplication.Status.APPROVED),
            ).select_related("setting")
        )
        same = any(a.setting_id == child.setting_id for a in this_year)
        others = [a.setting.name for a in this_year if a.setting_id != child.setting_id]
        refusal = rules.once_a_year_refusal(fund.name, year, others, same)
        if refusal:
            return refusal, None
    previous = latest_of_fund(child, fund)
    if previous is not None and previous.status in FundApplication.OPEN:
        return (
            f"This child already has a {fund.name} application waiting for a decision "
            f"({previous.reference})",
            previous,
        )
    if previous is not None and previous.status == FundApplication.Status.APPROVED:
        refusal = rules.reapplication_refusal(previous.review_on, today)
        if refusal:
            return refusal, previous
    return "", previous


def apply(
    user: User,
    child: Child,
    fund: FundType,
    *,
    what_for: str,
    evidence: Evidence,
    band: FundBand | None = None,
    amount_requested: Decimal | None = None,
    gets_disability_living_allowance: bool = False,
    family_nominated_setting: bool = False,
    today: datetime.date | None = None,
) -> FundApplication:
    """A setting's application for one child, with its evidence, checked against every rule."""
    today = today or timezone.localdate()
    if not can_apply_for_funding(user, child):
        raise FundError("Only a practitioner at the child's setting can apply")
    if band is not None and band.fund_type_id != fund.pk:
        raise FundError("Select a band of this fund", "band")
    if fund.bands.exists() and band is None and fund.yearly_amount is None:
        raise FundError("Select the band you are applying for", "band")
    if fund.needs_disability_living_allowance and not gets_disability_living_allowance:
        raise FundError(
            f"The {fund.name} is for children who get Disability Living Allowance",
            "gets_disability_living_allowance",
        )
    if fund.once_a_year_per_child and not family_nominated_setting:
        raise FundError(
            f"The family must choose your setting to receive the {fund.name}",
            "family_nominated_setting",
        )
    amount = rules.amount_for(
        yearly_amount=fund.yearly_amount,
        band_amount=band.amount if band else None,
        requested=amount_requested,
    )
    if amount is None or amount <= 0:
        raise FundError("Enter the amount you are applying for, more than £0", "amount_requested")
    file_type = uploads.check_upload(evidence.file, max_bytes=django_settings.UPLOAD_MAX_BYTES)
    with transaction.atomic():
        # One application at a time for a child: the child's row is the lock, so two settings
        # applying to the Disability Access Fund at once cannot both get through.
        Child.objects.select_for_update().filter(pk=child.pk).first()
        refusal, previous = refusal_to_apply(fund, child, today)
        if refusal:
            raise FundError(refusal)
        window = rules.open_window(list(fund.windows.all()), today) if fund.uses_windows else None
        application = FundApplication.objects.create(
            fund_type=fund,
            child=child,
            setting=child.setting,
            area=child.setting.area,
            financial_year=rules.financial_year_of(today),
            window=window,
            band=band,
            amount_requested=amount,
            what_for=what_for,
            gets_disability_living_allowance=gets_disability_living_allowance,
            family_nominated_setting=family_nominated_setting,
            previous=previous,
            submitted_by=user,
        )
        stored = FundEvidence(
            application=application,
            name=evidence.file.name or "evidence",
            description=evidence.description,
            uploaded_by=user,
        )
        stored.file.save(uploads.stored_name(file_type), evidence.file, save=False)
        stored.save()
    return application


# Decisions ------------------------------------------------------------------------------------


class Outcome:
    APPROVE = "approve"
    REFUSE = "refuse"
    PANEL = "panel"


def decide(
    application: FundApplication,
    *,
    by: User,
    outcome: str,
    reason: str,
    amount: Decimal | None = None,
    confirm_overspend: bool = False,
    today: datetime.date | None = None,
) -> FundApplication:
    """The SEND team's decision outside panel: approve (with the amount), refuse, or send to
    the Early Years panel (which then awards through its top-up decision)."""
    today = today or timezone.localdate()
    if not can_decide_funding(by):
        raise FundError("Only the Early Years SEND team can decide")
    if not reason.strip():
        raise FundError("Enter the reasons for the decision", "reason")
    with transaction.atomic():
        application = FundApplication.objects.select_for_update().get(pk=application.pk)
        if application.status not in FundApplication.OPEN:
            raise FundError(
                f"This application has already been decided: "
                f"{application.get_status_display().lower()}"
            )
        if outcome == Outcome.PANEL:
            if application.status == FundApplication.Status.AT_PANEL:
                raise FundError("This application is already waiting for the panel")
            application.status = FundApplication.Status.AT_PANEL
            application.decision_reason = reason
            application.save(update_fields=["status", "decision_reason"])
            return application
        if outcome == Outcome.APPROVE:
            amount = amount if amount is not None else application.amount_requested
            if amount <= 0:
                raise FundError("The amount must be more than £0", "amount")
            budget = selectors.budget_for(
                application.fund_type, application.financial_year, application.area
            )
            over = rules.overspend(budget.remaining if budget else None, amount)
            if over and not confirm_overspend:
                raise FundError(
                    f"This award of {rules.money(amount)} would go {rules.money(over)} over the "
                    f"{budget.fund} budget for {budget.area}, which has "
                    f"{rules.money(budget.remaining)} left. Confirm that you want to go over it",
                    "confirm_overspend",
                )
            _approve(application, by=by, amount=amount, reason=reason, today=today)
        elif outcome == Outcome.REFUSE:
            application.status = FundApplication.Status.REFUSED
            application.decision_reason = reason
            application.decided_by = by
            application.decided_at = timezone.now()
            application.save(
                update_fields=["status", "decision_reason", "decided_by", "decided_at"]
            )
        else:
            raise FundError("Select a decision", "outcome")
        _tell_setting(application)
    return application


def _approve(
    application: FundApplication,
    *,
    by: User,
    amount: Decimal,
    reason: str,
    today: datetime.date,
    due_on: datetime.date | None = None,
    panel_id: int | None = None,
) -> None:
    application.status = FundApplication.Status.APPROVED
    application.amount_awarded = amount
    application.decision_reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.decided_at_panel_id = panel_id
    application.review_on = rules.review_date(today, application.fund_type.review_months)
    application.save()
    FundPayment.objects.create(application=application, amount=amount, due_on=due_on or today)


def _tell_setting(application: FundApplication) -> None:
    """Each practitioner at the setting with an email address gets a message; it says where to
    look, never the child's name or needs."""
    staff = User.objects.filter(
        pk__in=SettingMembership.objects.filter(setting_id=application.setting_id).values("user"),
        is_active=True,
    ).exclude(email="")
    for member in staff:
        queue_message(
            key=f"fund-decision:{application.pk}:{application.status}:{member.pk}",
            template="fund_decision_staff",
            context={
                "authority": django_settings.AUTHORITY_NAME,
                "reference": application.reference,
                "fund": application.fund_type.name,
                "setting": application.setting.name,
            },
            channel="email",
            user=member,
            child=application.child,
        )


def link_award(award: FundingAward) -> FundApplication | None:
    """A top-up award made at panel or in casework becomes (or settles) an application to the
    SEN inclusion fund: the setting's open application for the child if there is one, otherwise
    a new approved one, so budgets, payments and the setting's view include it."""
    fund = FundType.objects.filter(kind=FundType.Kind.INCLUSION, active=True).order_by("pk").first()
    if fund is None or hasattr(award, "fund_application"):
        return None
    child = award.referral.child
    decision = award.decision
    with transaction.atomic():
        application = (
            FundApplication.objects.select_for_update()
            .filter(
                child=child,
                setting_id=award.setting_id,
                fund_type=fund,
                status__in=FundApplication.OPEN,
            )
            .order_by("submitted_at", "pk")
            .first()
        )
        if application is None:
            application = FundApplication(
                fund_type=fund,
                child=child,
                setting_id=award.setting_id,
                area_id=award.area_id,
                financial_year=award.financial_year,
                amount_requested=award.amount,
                what_for="Top-up funding decided on referral " + award.referral.reference,
                submitted_by=award.awarded_by,
                submitted_at=award.awarded_at,
            )
        application.award = award
        application.financial_year = award.financial_year
        _approve(
            application,
            by=award.awarded_by,
            amount=award.amount,
            reason=decision.reason,
            today=award.awarded_at.date(),
            due_on=award.starts_on,
            panel_id=decision.at_panel_id,
        )
        application.review_on = award.review_on
        application.save(update_fields=["review_on"])
        _tell_setting(application)
    return application


# Payments -------------------------------------------------------------------------------------


def approve_payment(payment: FundPayment, *, by: User) -> FundPayment:
    if not can_decide_funding(by):
        raise FundError("Only the Early Years SEND team can approve payments")
    with transaction.atomic():
        payment = FundPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != FundPayment.Status.DUE:
            raise FundError("This payment has already been approved")
        payment.status = FundPayment.Status.APPROVED
        payment.approved_by = by
        payment.approved_at = timezone.now()
        payment.save(update_fields=["status", "approved_by", "approved_at"])
    return payment


def record_paid(payment: FundPayment, *, by: User, paid_on: datetime.date) -> FundPayment:
    if not can_decide_funding(by):
        raise FundError("Only the Early Years SEND team can record payments")
    if paid_on > timezone.localdate():
        raise FundError("The date it was paid must be today or in the past", "paid_on")
    with transaction.atomic():
        payment = FundPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != FundPayment.Status.APPROVED:
            raise FundError("Approve the payment before recording it as paid")
        payment.status = FundPayment.Status.PAID
        payment.paid_on = paid_on
        payment.paid_recorded_by = by
        payment.save(update_fields=["status", "paid_on", "paid_recorded_by"])
    return payment


# The child's page -----------------------------------------------------------------------------


def child_section(user: Any, child: Child) -> dict[str, Any]:
    """The funding part of a child's page: this user's view of the child's applications, and
    a link to apply for a practitioner at the child's setting."""
    applying = can_apply_for_funding(user, child)
    applications = selectors.applications_of_child(user, child.pk)
    if not applications and not applying:
        return {}
    return {"child": child, "fund_applications": applications, "can_apply": applying}
