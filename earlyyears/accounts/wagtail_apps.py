"""Wagtail's user admin with the service's account rules (see `wagtail_users` beside this).
Listed in INSTALLED_APPS in place of "wagtail.users", the way Wagtail documents for a custom
user viewset."""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersConfig(WagtailUsersAppConfig):
    user_viewset = "earlyyears.accounts.wagtail_users.AccountUserViewSet"
