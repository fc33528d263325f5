"""The panel's and casework's top-up decision, joined to the funds: each new `FundingAward`
settles the setting's open inclusion fund application for the child, or becomes one. A
receiver, so casework and the panel keep their one decision function unchanged."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from pathway.models import FundingAward

from .services import link_award


@receiver(post_save, sender=FundingAward, dispatch_uid="funds-link-award")
def award_made(sender: type, instance: FundingAward, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        link_award(instance)
