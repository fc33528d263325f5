"""Providers keep their own entries: an organisation's staff edit its services in Wagtail's
admin, and every change waits for the council (the "Local offer review" workflow).

Wagtail decides who may edit a page by group page permissions, so each organisation with staff
on the service gets a group of its own ("Provider: <name>", `Organisation.provider_group`) that
may change exactly that organisation's service pages: not add, not publish, nothing else. A
provider's account (role `provider`) belongs to one such group. The group's permissions follow
the services: a service that changes organisation (published) moves to the other group.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import GroupPagePermission

from earlyyears.accounts import services as accounts
from earlyyears.models import User
from earlyyears.roles import Role

from .models import Organisation, ServicePage

GROUP_PREFIX = "Provider: "


# --- Reads ------------------------------------------------------------------------------------


def owners_of(service: ServicePage) -> QuerySet[User]:
    """The active provider accounts of the service's organisation (empty when it has none:
    then the council keeps the service)."""
    if not service.organisation_id:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        role=Role.PROVIDER,
        groups__provider_organisation__pk=service.organisation_id,
    ).order_by("username")


def organisation_of(user: User) -> Organisation | None:
    """The organisation a provider account belongs to (None for anyone else)."""
    if getattr(user, "role", None) != Role.PROVIDER:
        return None
    return Organisation.objects.filter(provider_group__user=user).first()


def provider_groups() -> QuerySet[Group]:
    return Group.objects.filter(provider_organisation__isnull=False)


def organisations_with_staff() -> QuerySet[Organisation]:
    """Organisations that have a provider group, for the moderators' list."""
    return (
        Organisation.objects.filter(provider_group__isnull=False)
        .select_related("provider_group")
        .prefetch_related("provider_group__user_set")
        .order_by("name")
    )


# --- Writes -----------------------------------------------------------------------------------


def _change_page() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")


def ensure_provider_group(organisation: Organisation) -> Group:
    """The organisation's group: Wagtail's admin, and change (never publish) on its services."""
    with transaction.atomic():
        group = organisation.provider_group
        if group is None:
            name = f"{GROUP_PREFIX}{organisation.name}"[:140]
            if Group.objects.filter(name=name).exists():
                name = f"{name[:130]} ({organisation.pk})"
            group = Group.objects.create(name=name)
            organisation.provider_group = group
            Organisation.objects.filter(pk=organisation.pk).update(provider_group=group)
        admin = Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        group.permissions.set(admin)
        sync_service_permissions(organisation)
    return group


def sync_service_permissions(organisation: Organisation) -> None:
    """The group may change exactly the organisation's service pages."""
    group = organisation.provider_group
    if group is None:
        return
    change = _change_page()
    wanted = set(ServicePage.objects.filter(organisation=organisation).values_list("pk", flat=True))
    held = GroupPagePermission.objects.filter(group=group)
    held.exclude(page_id__in=wanted, permission=change).delete()
    have = set(held.values_list("page_id", flat=True))
    GroupPagePermission.objects.bulk_create(
        [GroupPagePermission(group=group, page_id=pk, permission=change) for pk in wanted - have]
    )


@receiver(post_save, sender=ServicePage)
def _follow_the_organisation(sender, instance: ServicePage, update_fields=None, **kwargs):
    """A service saved whole (created, published, imported) is editable by its organisation's
    staff only. Saves of a few fields (a draft's revision pointer) do not move it."""
    if update_fields is not None and "organisation" not in update_fields:
        return
    groups = provider_groups()
    if not groups.exists():
        return
    owner = (
        Organisation.objects.filter(pk=instance.organisation_id)
        .values_list("provider_group", flat=True)
        .first()
    )
    GroupPagePermission.objects.filter(page_id=instance.pk, group__in=groups).exclude(
        group_id=owner
    ).delete()
    if owner:
        GroupPagePermission.objects.get_or_create(
            group_id=owner, page_id=instance.pk, permission=_change_page()
        )


def invite_provider(
    actor: User,
    organisation: Organisation,
    *,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
) -> User:
    """A new account for someone from the organisation, sent the usual single-use link to set a
    password (`earlyyears.accounts.services.invite`); two-step sign-in is set up at first
    sign-in. The account sees only the organisation's services."""
    with transaction.atomic():
        group = ensure_provider_group(organisation)
        user = User.objects.create(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            organisation=organisation.name[:200],
            role=Role.PROVIDER,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(group)
        accounts.new_account_made(actor, user)
    return user
