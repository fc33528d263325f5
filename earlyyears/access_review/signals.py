"""An account switched off anywhere (either admin, an import, the review, the dormant job)
has its sessions ended at once, not at their next expiry."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_init, post_save


def _remember_active(sender, instance, **kwargs) -> None:
    """Whether the account was active as loaded: no query (a deferred field stays unknown)."""
    instance._was_active = instance.__dict__.get("is_active")


def _switched_off(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    if update_fields is not None and "is_active" not in update_fields:
        return
    was = instance.__dict__.get("_was_active")
    instance._was_active = instance.__dict__.get("is_active")
    if not created and was and not instance.is_active:
        from .services import end_sessions

        transaction.on_commit(lambda: end_sessions(instance))


def connect() -> None:
    user = get_user_model()
    uid = "earlyyears.access_review."
    post_init.connect(_remember_active, sender=user, dispatch_uid=uid + "init")
    post_save.connect(_switched_off, sender=user, dispatch_uid=uid + "post")
