"""An account switched off anywhere (either admin, an import, the review, the dormant job)
has its sessions ended at once, not at their next expiry."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save


def _remember_active(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and "is_active" not in update_fields:
        return
    if instance.pk is not None:
        instance._was_active = (
            sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


def _switched_off(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    was = instance.__dict__.pop("_was_active", None)
    if not created and was and not instance.is_active:
        from .services import end_sessions

        transaction.on_commit(lambda: end_sessions(instance))


def connect() -> None:
    user = get_user_model()
    uid = "earlyyears.access_review."
    pre_save.connect(_remember_active, sender=user, dispatch_uid=uid + "pre")
    post_save.connect(_switched_off, sender=user, dispatch_uid=uid + "post")
