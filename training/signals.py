"""Keep the trainer groups in step with users' roles, whoever changes the role and where.

Only a new trainer or a changed role costs a query: every other save of a user costs none."""

from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from .services import sync_trainer_groups


@receiver(post_init, sender=settings.AUTH_USER_MODEL, dispatch_uid="training-role-at-load")
def remember_role(sender, instance, **kwargs):
    instance._role_at_load = instance.__dict__.get("role")


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="training-trainer-groups")
def trainer_groups_follow_role(sender, instance, created, raw=False, update_fields=None, **kw):
    if raw or (update_fields is not None and "role" not in update_fields):
        return
    from earlyyears.models import Role

    changed = instance.role != getattr(instance, "_role_at_load", None)
    if (created and instance.role == Role.TRAINER) or (not created and changed):
        sync_trainer_groups(instance)
    instance._role_at_load = instance.role
