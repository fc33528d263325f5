"""Writes: placing and lifting legal holds."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from earlyyears.models import Child, User

from .models import LegalHold


class HoldAlreadyInPlace(Exception):
    pass


def place_hold(user: User, child: Child, reason: str) -> LegalHold:
    """One active hold per child (a database constraint decides a race)."""
    try:
        with transaction.atomic():
            return LegalHold.objects.create(child=child, reason=reason, placed_by=user)
    except IntegrityError as error:
        raise HoldAlreadyInPlace from error


def lift_hold(user: User, child: Child, reason: str) -> int:
    """Lifts the child's active hold; returns 1 if one was lifted, 0 if there was none."""
    return LegalHold.objects.filter(child=child, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=user, lift_reason=reason
    )
