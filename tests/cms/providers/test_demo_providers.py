"""The demo's provider: `manage.py demo_providers` links the first setting to a local offer
entry by URN and gives its manager an account that can change only that entry."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cms import providers
from cms.models import ServicePage
from earlyyears.management.commands.demo_data import DEFAULT_PASSWORD
from earlyyears.models import Role, Setting, User

from .test_provider_access import make_page

pytestmark = pytest.mark.django_db


def test_the_demo_provider_keeps_its_nurserys_entry(places):
    make_page(places.index, "Some other service", None)
    out = io.StringIO()
    call_command("demo_providers", stdout=out)
    call_command("demo_providers", stdout=out)  # again: nothing doubles
    setting = Setting.objects.order_by("urn").first()
    entry = ServicePage.objects.get(ofsted_urn=setting.urn)
    user = User.objects.get(username="provider")
    assert user.role == Role.PROVIDER and user.check_password(DEFAULT_PASSWORD)
    assert user.first_name and user.last_name and user.job_title
    assert list(providers.owners_of(entry)) == [user]
    assert entry.live and entry.permissions_for_user(user).can_edit()
    assert not entry.permissions_for_user(user).can_publish()
    assert "'provider' keeps" in out.getvalue()
