"""Texts to families when something changes about their child (issue 21): a decision, a
question asked, a Team Around the Child meeting booked. Written in the same transaction as the
change (the outbox), sent after it commits; a change rolled back texts nobody."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from pathway.models import Decision, TacMeeting

from .services import tell_families


@receiver(post_save, sender=Decision, dispatch_uid="families-decision")
def decision_made(sender, instance: Decision, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    kind = "question" if instance.kind == Decision.Kind.MORE_INFORMATION else "decision"
    tell_families(instance.referral.child, kind, key=str(instance.pk))


@receiver(post_save, sender=TacMeeting, dispatch_uid="families-meeting")
def meeting_booked(
    sender, instance: TacMeeting, created: bool, raw: bool = False, **kwargs
) -> None:
    if not created or raw or instance.held_on < timezone.localdate():
        return
    tell_families(instance.child, "meeting", key=str(instance.pk), date=instance.held_on)
