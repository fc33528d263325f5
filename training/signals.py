"""Keep the trainer groups in step with users' roles, whoever changes the role and where; and
take a module's lessons through approval with the module.

Only a new trainer or a changed role costs a query: every other save of a user costs none."""

from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import workflow_approved, workflow_submitted

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


@receiver(workflow_submitted, dispatch_uid="training-submit-lessons-with-module")
def submit_lessons_with_module(sender, instance, user=None, **kwargs):
    """A module submitted for approval takes its changed lessons with it."""
    from .models import TrainingModulePage
    from .services import submit_lessons_with_module as submit

    module = instance.content_object
    if isinstance(module, Page) and isinstance(module.specific, TrainingModulePage):
        submit(module.specific, user)


@receiver(workflow_approved, dispatch_uid="training-approve-lessons-with-module")
def approve_lessons_with_module(sender, instance, user=None, **kwargs):
    """An approved module's lessons waiting for the same approval are approved with it."""
    from .models import TrainingModulePage
    from .services import approve_lessons_with_module as approve

    module = instance.content_object
    if isinstance(module, Page) and isinstance(module.specific, TrainingModulePage):
        approve(module.specific, user)
