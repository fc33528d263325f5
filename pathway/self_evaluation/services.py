"""Writes for the partnership self-evaluation: start a year, save a new version, mark one agreed.
A saved version is never changed: a new one copies the last, with the figures taken again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from earlyyears.models import User
from pathway.models import (
    SelfEvaluation,
    SelfEvaluationJudgement,
    SelfEvaluationVersion,
)

from . import selectors


class SelfEvaluationError(ValueError):
    """A change that cannot be made, in words for the person making it."""


@dataclass(frozen=True)
class Judgement:
    area_id: int
    level: str
    evidence: str
    next_steps: str


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _save_version(
    evaluation: SelfEvaluation,
    user: User,
    *,
    summary: str,
    change_note: str,
    judgements: list[Judgement],
    today: datetime.date,
) -> SelfEvaluationVersion:
    period = selectors.period_for(evaluation, today)
    figures = selectors.evidence_figures(period)
    number = (evaluation.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = SelfEvaluationVersion.objects.create(
        self_evaluation=evaluation,
        number=number,
        summary=summary,
        change_note=change_note,
        saved_by=user,
        saved_by_name=_name(user),
        figures=figures,
        figures_from=period.starts_on,
        figures_to=period.ends_on,
    )
    areas = {a.pk: a for a in selectors.current_areas()}
    SelfEvaluationJudgement.objects.bulk_create(
        SelfEvaluationJudgement(
            version=version,
            area=areas[j.area_id],
            area_name=areas[j.area_id].name,
            position=areas[j.area_id].position,
            level=j.level,
            evidence=j.evidence,
            next_steps=j.next_steps,
        )
        for j in judgements
        if j.area_id in areas
    )
    return version


def start_year(year: int, user: User, today: datetime.date | None = None) -> SelfEvaluation:
    """A new year's first version: each current area with last year's judgement copied as the
    starting point (the SEND manager then changes what has changed), and this year's figures."""
    today = today or timezone.localdate()
    if year > today.year + 1:
        raise SelfEvaluationError("You can only start this year's or next year's self-evaluation")
    try:
        with transaction.atomic():
            evaluation = SelfEvaluation.objects.create(year=year, created_by=user)
            before = selectors.previous_year(evaluation)
            shown = selectors.version_to_show(before) if before else None
            last = {j.area_id: j for j in selectors.judgements(shown)} if shown else {}
            judgements = [
                Judgement(
                    area.pk,
                    last[area.pk].level if area.pk in last else "",
                    last[area.pk].evidence if area.pk in last else "",
                    last[area.pk].next_steps if area.pk in last else "",
                )
                for area in selectors.current_areas()
            ]
            note = (
                f"Started from version {shown.number} of {shown.self_evaluation.label}"
                if shown
                else "Started"
            )
            _save_version(
                evaluation,
                user,
                summary=shown.summary if shown else "",
                change_note=note,
                judgements=judgements,
                today=today,
            )
    except IntegrityError as problem:
        raise SelfEvaluationError(
            f"There is already a self-evaluation for April {year} to March {year + 1}"
        ) from problem
    return evaluation


def save_version(
    evaluation: SelfEvaluation,
    user: User,
    *,
    summary: str,
    change_note: str,
    judgements: list[Judgement],
    based_on: int,
    today: datetime.date | None = None,
) -> SelfEvaluationVersion:
    """A new version with these judgements and the figures taken again, all or nothing.
    `based_on` is the version the form was opened from: if someone saved since, or the year
    was agreed, nothing is saved and the error says so."""
    today = today or timezone.localdate()
    with transaction.atomic():
        SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        latest = selectors.latest_version(evaluation)
        if evaluation.versions.filter(agreed_at__isnull=False).exists():
            raise SelfEvaluationError(
                "This year's self-evaluation has been agreed, so it cannot change. Start next "
                "year's instead."
            )
        if latest is not None and latest.number != based_on:
            raise SelfEvaluationError(
                f"Someone saved version {latest.number} while you were editing. Open it and "
                "make your changes again."
            )
        return _save_version(
            evaluation,
            user,
            summary=summary,
            change_note=change_note,
            judgements=judgements,
            today=today,
        )


def mark_agreed(
    version: SelfEvaluationVersion, user: User, note: str = ""
) -> SelfEvaluationVersion:
    """Record that this version was agreed (by whom, when, where). Only the latest version can
    be agreed, and only once a year; every area must have a level."""
    with transaction.atomic():
        evaluation = SelfEvaluation.objects.select_for_update().get(pk=version.self_evaluation_id)
        if evaluation.versions.filter(agreed_at__isnull=False).exists():
            raise SelfEvaluationError("A version of this year's self-evaluation is already agreed")
        latest = selectors.latest_version(evaluation)
        if latest is None or latest.pk != version.pk:
            raise SelfEvaluationError("Only the latest version can be agreed")
        if version.judgements.filter(level="").exists():
            raise SelfEvaluationError(
                "Every area needs a level before the self-evaluation can be agreed"
            )
        version.agreed_by = user
        version.agreed_by_name = _name(user)
        version.agreed_at = timezone.now()
        version.agreed_note = note
        version.save(update_fields=["agreed_by", "agreed_by_name", "agreed_at", "agreed_note"])
    return version
