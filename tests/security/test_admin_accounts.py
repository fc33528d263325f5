"""Administrators cannot become someone else (issue 15 §2).

The service administrator sees no child records, so no admin (Django's or Wagtail's) may let
them take over an account that does: no authenticator secret on any page, no password set by
an administrator, changes to anyone who sees children held for a SEND manager (with the old
email address told at once), nobody granting themselves access, every account change in the
audit trail, and no 500 for a missing id in any admin URL."""

from __future__ import annotations

from base64 import b32encode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dataprotection.models import AccessEvent, AuditImmutable
from earlyyears.accounts import services as accounts
from earlyyears.models import (
    AccountChange,
    Invitation,
    OutboxMessage,
    Role,
    SettingMembership,
    User,
)
from earlyyears.security import second_step_url

from ..factories import PASSWORD, SettingFactory, UserFactory
from ..otp import confirmed_device

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new password chosen by an admin"
NO_INLINES = {
    "setting_memberships-TOTAL_FORMS": "0",
    "setting_memberships-INITIAL_FORMS": "0",
    "setting_memberships-MIN_NUM_FORMS": "0",
    "setting_memberships-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def service_admin(db):
    return UserFactory(
        role=Role.ADMIN,
        username="service.admin",
        email="admin@westmoor.example",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def manager(db):
    return UserFactory(
        role=Role.SEND_MANAGER, username="send.manager", email="manager@westmoor.example"
    )


@pytest.fixture
def other_manager(db):
    return UserFactory(
        role=Role.SEND_MANAGER, username="other.manager", email="other@westmoor.example"
    )


@pytest.fixture
def trainer(db):
    return UserFactory(role=Role.TRAINER, username="trainer", email="trainer@westmoor.example")


@pytest.fixture
def as_admin(client, service_admin):
    client.force_login(service_admin)
    return client


def django_admin_data(user: User, **changes) -> dict:
    """What the staff admin's change form posts for `user`, with `changes` made."""
    memberships = list(SettingMembership.objects.filter(user=user))
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "job_title": user.job_title,
        "organisation": user.organisation,
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "09:00:00",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [],
        "setting_memberships-TOTAL_FORMS": str(len(memberships)),
        "setting_memberships-INITIAL_FORMS": str(len(memberships)),
        "setting_memberships-MIN_NUM_FORMS": "0",
        "setting_memberships-MAX_NUM_FORMS": "1000",
    }
    for i, membership in enumerate(memberships):
        data.update(
            {
                f"setting_memberships-{i}-id": str(membership.pk),
                f"setting_memberships-{i}-user": str(user.pk),
                f"setting_memberships-{i}-setting": str(membership.setting_id),
            }
        )
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        elif value is True:
            data[key] = "on"
        else:
            data[key] = value
    return data


def add_membership(data: dict, user: User, setting, senco: bool = False) -> dict:
    i = int(data["setting_memberships-TOTAL_FORMS"])
    data[f"setting_memberships-{i}-user"] = str(user.pk)
    data[f"setting_memberships-{i}-setting"] = str(setting.pk)
    if senco:
        data[f"setting_memberships-{i}-is_senco"] = "on"
    data["setting_memberships-TOTAL_FORMS"] = str(i + 1)
    return data


def change_url(user: User) -> str:
    return reverse("admin:earlyyears_user_change", args=[user.pk])


def account_events(user: User) -> list[str]:
    return list(
        AccessEvent.objects.filter(
            action=AccessEvent.Action.ACCOUNT, object_type="earlyyears.user", object_id=str(user.pk)
        ).values_list("detail", flat=True)
    )


# Authenticator secrets ---------------------------------------------------------------------


def secrets_of(device: TOTPDevice) -> list[str]:
    return [
        device.key,
        b32encode(device.bin_key).decode("ascii").rstrip("="),
        "otpauth://",
    ]


def test_no_admin_page_shows_an_authenticator_secret(as_admin, manager):
    device = confirmed_device(manager)
    codes = StaticDevice.objects.create(user=manager, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=codes, token="abcd2345")
    pages = [
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        f"/django-admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/django-admin/otp_totp/totpdevice/{device.pk}/qrcode/",
        reverse("admin:otp_static_staticdevice_changelist"),
        reverse("admin:otp_static_staticdevice_change", args=[codes.pk]),
        change_url(manager),
        reverse("wagtailusers_users:edit", args=[manager.pk]),
    ]
    for page in pages:
        response = as_admin.get(page, follow=True)
        assert response.status_code in (200, 404), page
        body = response.content.decode()
        for secret in [*secrets_of(device), "abcd2345"]:
            assert secret not in body, f"{page} shows a secret"


def test_an_administrator_cannot_add_or_edit_a_device(as_admin, manager):
    device = confirmed_device(manager)
    response = as_admin.post(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        {"user": manager.pk, "name": "Mine", "key": "00" * 20, "confirmed": "on"},
    )
    assert response.status_code in (302, 403)
    device.refresh_from_db()
    assert device.name != "Mine" and device.key != "00" * 20
    assert as_admin.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403


def test_removing_the_device_makes_the_user_set_up_a_new_one(as_admin, manager):
    confirmed_device(manager)
    StaticDevice.objects.create(user=manager, name="Recovery codes", confirmed=True)
    response = as_admin.post(
        reverse("admin:earlyyears_user_changelist"),
        {"action": "remove_authenticators", "_selected_action": [manager.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    assert second_step_url(manager).startswith(reverse("two-factor-set-up"))
    assert any("Authenticator app removed" in line for line in account_events(manager))


# Passwords ---------------------------------------------------------------------------------


def test_no_administrator_sets_a_password_in_the_staff_admin(as_admin, manager):
    url = reverse("admin:auth_user_password_change", args=[manager.pk])
    response = as_admin.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code in (302, 403)
    manager.refresh_from_db()
    assert not manager.check_password(NEW_PASSWORD)
    assert manager.check_password(PASSWORD)


def test_a_new_account_in_the_staff_admin_has_no_password_an_admin_chose(as_admin, trainer):
    response = as_admin.post(
        reverse("admin:earlyyears_user_add"),
        {
            "username": "new.trainer",
            "first_name": "Nia",
            "last_name": "Hughes",
            "email": "nia@westmoor.example",
            "role": Role.TRAINER,
            "job_title": "Trainer",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **NO_INLINES,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new.trainer")
    assert not user.has_usable_password()
    assert user.is_active
    assert Invitation.objects.filter(user=user).exists()


def test_no_administrator_sets_a_password_in_wagtails_user_admin(as_admin, manager):
    url = reverse("wagtailusers_users:edit", args=[manager.pk])
    page = as_admin.get(url)
    assert page.status_code == 200
    assert 'name="password1"' not in page.content.decode()
    as_admin.post(
        url,
        {
            "username": manager.username,
            "email": manager.email,
            "first_name": manager.first_name,
            "last_name": manager.last_name,
            "is_active": "on",
            "role": manager.role,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    manager.refresh_from_db()
    assert not manager.check_password(NEW_PASSWORD)


def test_an_administrator_sends_a_reset_link_to_the_address_the_account_has(as_admin, manager):
    response = as_admin.post(
        reverse("admin:earlyyears_user_changelist"),
        {"action": "send_password_reset_links", "_selected_action": [manager.pk]},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(user=manager, used_at__isnull=True).count() == 1
    message = OutboxMessage.objects.get(template=accounts.RESET_TEMPLATE)
    assert message.to_email == "manager@westmoor.example"
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)
    assert "Link to set a password sent" in account_events(manager)


# Changes that wait for a SEND manager --------------------------------------------------------


def test_an_email_change_waits_for_approval_and_the_old_address_is_told(as_admin, manager):
    response = as_admin.post(
        change_url(manager), django_admin_data(manager, email="attacker@example.com")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    manager.refresh_from_db()
    assert manager.email == "manager@westmoor.example"
    change = AccountChange.objects.get(user=manager, status=AccountChange.Status.PENDING)
    assert change.proposed == {"email": "attacker@example.com"}
    told = OutboxMessage.objects.get(template=accounts.CHANGE_TEMPLATE)
    assert told.to_email == "manager@westmoor.example" and told.channel == "email"
    # A reset link sent now still goes to the address the account has.
    accounts.send_password_reset(manager, manager)
    reset = OutboxMessage.objects.get(template=accounts.RESET_TEMPLATE)
    assert reset.to_email == "manager@westmoor.example"


def test_a_role_that_sees_children_waits_for_approval(as_admin, trainer):
    as_admin.post(change_url(trainer), django_admin_data(trainer, role=Role.SEND_MANAGER))
    trainer.refresh_from_db()
    assert trainer.role == Role.TRAINER
    assert AccountChange.objects.get(user=trainer).proposed == {"role": Role.SEND_MANAGER}


def test_groups_and_settings_of_a_practitioner_wait_for_approval(as_admin, world):
    practitioner = world.practitioner_a
    group = Group.objects.create(name="Account test group")
    data = add_membership(
        django_admin_data(practitioner, groups=[group.pk]), practitioner, world.setting_b
    )
    response = as_admin.post(change_url(practitioner), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(practitioner.groups.all()) == []
    assert list(
        SettingMembership.objects.filter(user=practitioner).values_list("setting", flat=True)
    ) == [world.setting_a.pk]
    change = AccountChange.objects.get(user=practitioner)
    assert change.proposed["groups"] == [group.pk]
    assert sorted(s for s, _ in change.proposed["settings"]) == sorted(
        [world.setting_a.pk, world.setting_b.pk]
    )


def test_other_changes_to_a_trainer_take_effect_at_once(as_admin, trainer):
    as_admin.post(change_url(trainer), django_admin_data(trainer, email="t2@westmoor.example"))
    trainer.refresh_from_db()
    assert trainer.email == "t2@westmoor.example"
    assert not AccountChange.objects.exists()


def test_switching_an_account_off_is_never_held(as_admin, manager):
    as_admin.post(change_url(manager), django_admin_data(manager, is_active=False))
    manager.refresh_from_db()
    assert not manager.is_active
    assert not AccountChange.objects.exists()


def test_nobody_grants_themselves_a_role_in_the_staff_admin(as_admin, service_admin):
    data = django_admin_data(service_admin, role=Role.SEND_MANAGER)
    data = add_membership(data, service_admin, SettingFactory())
    as_admin.post(change_url(service_admin), data)
    service_admin.refresh_from_db()
    assert service_admin.role == Role.ADMIN
    assert not SettingMembership.objects.filter(user=service_admin).exists()
    assert not AccountChange.objects.filter(status=AccountChange.Status.PENDING).exists()


def test_nobody_grants_themselves_a_group_in_wagtails_user_admin(as_admin, service_admin):
    group = Group.objects.create(name="Data officers extra")
    as_admin.post(
        reverse("wagtailusers_users:edit", args=[service_admin.pk]),
        {
            "username": service_admin.username,
            "email": service_admin.email,
            "first_name": service_admin.first_name,
            "last_name": service_admin.last_name,
            "role": Role.SEND_MANAGER,
            "groups": [group.pk],
        },
    )
    service_admin.refresh_from_db()
    assert service_admin.role == Role.ADMIN
    assert not service_admin.groups.exists()


def test_an_email_change_in_wagtails_user_admin_waits_for_approval(as_admin, manager):
    as_admin.post(
        reverse("wagtailusers_users:edit", args=[manager.pk]),
        {
            "username": manager.username,
            "email": "attacker@example.com",
            "first_name": manager.first_name,
            "last_name": manager.last_name,
            "is_active": "on",
            "role": manager.role,
        },
    )
    manager.refresh_from_db()
    assert manager.email == "manager@westmoor.example"
    assert AccountChange.objects.get(user=manager).proposed == {"email": "attacker@example.com"}
    assert OutboxMessage.objects.filter(
        template=accounts.CHANGE_TEMPLATE, to_email="manager@westmoor.example"
    ).exists()


def test_wagtails_assign_role_bulk_action_follows_the_rules(as_admin, manager, trainer):
    group = Group.objects.create(name="Account test movers")
    url = (
        reverse("wagtail_bulk_action", args=["earlyyears", "user", "assign_role"])
        + f"?id={manager.pk}&id={trainer.pk}"
    )
    as_admin.post(url, {"role": group.pk})
    assert not manager.groups.exists()
    assert AccountChange.objects.get(user=manager).proposed == {"groups": [group.pk]}
    assert group in trainer.groups.all()
    assert any("added to groups: Account test movers" in line for line in account_events(trainer))


def test_a_new_account_that_sees_children_waits_for_approval(as_admin, other_manager):
    as_admin.post(
        reverse("admin:earlyyears_user_add"),
        {
            "username": "new.manager",
            "first_name": "Eve",
            "last_name": "Mallory",
            "email": "eve@example.com",
            "role": Role.SEND_MANAGER,
            "job_title": "Manager",
            **NO_INLINES,
        },
    )
    user = User.objects.get(username="new.manager")
    assert not user.is_active and not user.has_usable_password()
    assert not Invitation.objects.filter(user=user).exists()
    change = AccountChange.objects.get(user=user, kind=AccountChange.Kind.NEW)
    accounts.approve(other_manager, change)
    user.refresh_from_db()
    assert user.is_active
    assert Invitation.objects.filter(user=user).exists()


def test_a_new_account_in_wagtail_that_sees_children_waits_for_approval(as_admin):
    as_admin.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "wag.practitioner",
            "email": "wag@example.com",
            "first_name": "Wag",
            "last_name": "Tail",
            "role": Role.PRACTITIONER,
        },
    )
    user = User.objects.get(username="wag.practitioner")
    assert not user.is_active and not user.has_usable_password()
    assert AccountChange.objects.filter(user=user, kind=AccountChange.Kind.NEW).exists()


# The SEND manager's approval page --------------------------------------------------------------


@pytest.fixture
def email_change(service_admin, manager):
    return accounts.submit(service_admin, manager, {"email": "new@westmoor.example"})


def test_a_send_manager_approves_a_change(client, email_change, other_manager, manager):
    client.force_login(other_manager)
    listing = client.get(reverse("account-changes"))
    assert listing.status_code == 200
    assert "send.manager" in listing.content.decode()
    page = client.get(reverse("account-change", args=[email_change.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "manager@westmoor.example" in body and "new@westmoor.example" in body
    response = client.post(
        reverse("account-change", args=[email_change.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.email == "new@westmoor.example"
    email_change.refresh_from_db()
    assert email_change.status == AccountChange.Status.APPROVED
    assert email_change.decided_by == other_manager


def test_a_rejection_needs_a_reason_and_changes_nothing(client, email_change, other_manager):
    client.force_login(other_manager)
    url = reverse("account-change", args=[email_change.pk])
    assert client.post(url, {"decision": "reject"}).status_code == 400
    client.post(url, {"decision": "reject", "reason": "Not asked for by the manager"})
    email_change.refresh_from_db()
    assert email_change.status == AccountChange.Status.REJECTED
    assert User.objects.get(username="send.manager").email == "manager@westmoor.example"


def test_nobody_approves_a_change_to_their_own_account(client, email_change, manager):
    client.force_login(manager)
    response = client.post(
        reverse("account-change", args=[email_change.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.email == "manager@westmoor.example"


def test_nobody_approves_a_change_they_asked_for(other_manager, trainer):
    other_manager.is_staff = True
    other_manager.save()
    change = accounts.submit(other_manager, trainer, {"role": Role.SEND_OFFICER})
    with pytest.raises(accounts.AccountRuleBroken):
        accounts.approve(other_manager, change)
    trainer.refresh_from_db()
    assert trainer.role == Role.TRAINER


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SEND_OFFICER, Role.TRAINER])
def test_only_a_send_manager_reaches_the_approval_pages(client, email_change, role):
    client.force_login(UserFactory(role=role, is_staff=True, is_superuser=role == Role.ADMIN))
    assert client.get(reverse("account-changes")).status_code == 403
    assert client.get(reverse("account-change", args=[email_change.pk])).status_code == 403
    response = client.post(
        reverse("account-change", args=[email_change.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert User.objects.get(username="send.manager").email == "manager@westmoor.example"


def test_a_missing_change_is_not_found(client, other_manager):
    client.force_login(other_manager)
    assert client.get(reverse("account-change", args=[999999])).status_code == 404


# The audit trail -------------------------------------------------------------------------------


def test_every_account_change_is_in_the_audit_trail(client, as_admin, world, other_manager):
    practitioner = world.practitioner_a
    confirmed_device(practitioner)
    data = add_membership(django_admin_data(practitioner), practitioner, world.setting_b)
    as_admin.post(change_url(practitioner), data)
    as_admin.post(
        reverse("admin:earlyyears_user_changelist"),
        {"action": "remove_authenticators", "_selected_action": [practitioner.pk]},
    )
    change = AccountChange.objects.get(user=practitioner)
    client.force_login(other_manager)
    client.post(reverse("account-change", args=[change.pk]), {"decision": "approve"})
    lines = account_events(practitioner)
    assert any("waits for approval" in line for line in lines)
    assert any("approved" in line for line in lines)
    assert any(f"added to setting {world.setting_b}" in line for line in lines)
    assert any("Authenticator app removed" in line for line in lines)
    asked = AccessEvent.objects.filter(detail__contains="waits for approval").get()
    assert asked.username == "service.admin" and asked.role == Role.ADMIN
    added = AccessEvent.objects.filter(detail__contains="added to setting").get()
    assert added.username == "other.manager"

    search = client.get(reverse("audit-search"), {"username": practitioner.username})
    body = search.content.decode()
    assert search.status_code == 200
    assert "Authenticator app removed" in body and "waits for approval" in body
    download = client.get(reverse("audit-csv"), {"username": practitioner.username})
    assert b"Authenticator app removed" in b"".join(download.streaming_content)


def test_account_events_cannot_be_changed(as_admin, trainer):
    as_admin.post(
        reverse("admin:earlyyears_user_changelist"),
        {"action": "send_password_reset_links", "_selected_action": [trainer.pk]},
    )
    event = AccessEvent.objects.get(object_id=str(trainer.pk), action=AccessEvent.Action.ACCOUNT)
    with pytest.raises(AuditImmutable):
        AccessEvent.objects.filter(pk=event.pk).update(detail="nothing happened")


# Missing ids in admin URLs -------------------------------------------------------------------


def routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns))


def with_missing_ids(route: str, text: str) -> str:
    """The route with every parameter given an id nothing has (`text` where any text goes)."""
    path = route
    while "<" in path:
        start = path.index("<")
        end = path.index(">", start)
        value = "999999" if path[start:].startswith("<int:") else text
        if path[start:].startswith("<uuid:"):
            value = "00000000-0000-0000-0000-000000000000"
        path = path[:start] + value + path[end + 1 :]
    return "/" + path


def admin_urls_with_missing_ids(prefix: str) -> list[str]:
    """Every URL of an admin that takes an id, with ids nothing has."""
    found = set()
    for route in routes():
        if route.startswith(prefix) and "<" in route and "^" not in route and "(" not in route:
            for text in ("999999", "not-a-number"):
                found.add(with_missing_ids(route, text))
    return sorted(found)


def test_the_walk_covers_every_registered_model_of_the_staff_admin():
    urls = admin_urls_with_missing_ids("django-admin/")
    for model in admin.site._registry:
        opts = model._meta
        for view in ("change", "delete", "history"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=["999999"])
            assert url in urls


def test_missing_ids_in_the_staff_admin_are_not_found(as_admin):
    failures = []
    as_admin.raise_request_exception = False
    for url in admin_urls_with_missing_ids("django-admin/"):
        response = as_admin.get(url)
        if response.status_code == 302:
            if not response["Location"].startswith("/django-admin/"):
                failures.append((url, response["Location"]))
        elif response.status_code not in (403, 404):  # 403: the view is refused for the model
            failures.append((url, response.status_code))
    assert failures == [], failures


def test_missing_ids_in_wagtails_admin_are_not_found(as_admin):
    failures = []
    urls = admin_urls_with_missing_ids("admin/")
    assert len(urls) > 50
    as_admin.raise_request_exception = False
    for url in urls:
        response = as_admin.get(url)
        if response.status_code >= 500 or response.status_code == 200 and "edit" in url:
            failures.append((url, response.status_code))
    assert failures == [], failures


def test_a_pending_change_is_shown_with_gov_uk_dates(client, email_change, other_manager):
    client.force_login(other_manager)
    body = client.get(reverse("account-change", args=[email_change.pk])).content.decode()
    today = timezone.localtime(email_change.requested_at)
    assert f"{today.day} {today:%B %Y}" in body


def test_the_staff_import_follows_the_same_rules(db, manager):
    from earlyyears.bulk import services as imports

    officer = UserFactory(role=Role.PLANNER, username="officer")
    officer.groups.add(Group.objects.get(name="Data officers"))
    content = (
        b"Username,Email,Role\n"
        b"send.manager,attacker@example.com,SEND team manager\n"
        b"officer,officer@example.com,SEND team manager\n"
    )
    job = imports.start_import(officer, "staff", "staff.csv", content)
    problems = [row for row in job.report["rows"] if row["errors"]]
    assert [row["line"] for row in problems] == [3], "nobody grants themselves a role"
    imports.request_apply(job, "valid_rows")
    manager.refresh_from_db()
    officer.refresh_from_db()
    assert manager.email == "manager@westmoor.example"
    assert officer.role == Role.PLANNER
    assert AccountChange.objects.get(user=manager).proposed == {"email": "attacker@example.com"}
    assert OutboxMessage.objects.filter(
        template=accounts.CHANGE_TEMPLATE, to_email="manager@westmoor.example"
    ).exists()


def test_a_send_manager_approves_several_new_accounts_at_once(client, service_admin, other_manager):
    made = [
        UserFactory(role=Role.PRACTITIONER, username=f"new{i}", email=f"new{i}@example.com")
        for i in range(3)
    ]
    changes = [accounts.new_account_made(service_admin, user) for user in made]
    own = accounts.submit(service_admin, other_manager, {"email": "mine@example.com"})
    client.force_login(other_manager)
    assert client.post(reverse("account-changes"), {}).status_code == 400
    response = client.post(
        reverse("account-changes"), {"change": [c.pk for c in changes[:2]] + [own.pk]}
    )
    assert response.status_code == 302
    assert [User.objects.get(pk=u.pk).is_active for u in made] == [True, True, False]
    own.refresh_from_db()
    assert own.status == AccountChange.Status.PENDING, "not their own change"


def test_a_second_edit_adds_to_the_change_waiting(as_admin, other_manager, trainer):
    as_admin.post(change_url(trainer), django_admin_data(trainer, role=Role.PRACTITIONER))
    as_admin.post(change_url(trainer), django_admin_data(trainer, email="t2@westmoor.example"))
    change = AccountChange.objects.get(status=AccountChange.Status.PENDING)
    assert change.proposed == {"role": Role.PRACTITIONER, "email": "t2@westmoor.example"}
    accounts.approve(other_manager, change)
    trainer.refresh_from_db()
    assert (trainer.role, trainer.email) == (Role.PRACTITIONER, "t2@westmoor.example")
