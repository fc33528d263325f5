"""Bulk data in the browser: a data officer imports settings in the staff admin (preview with
errors, fix, apply); a SEND manager downloads a pseudonymised export; the GOV.UK pages pass axe."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from earlyyears.accounts import services as accounts
from earlyyears.models import Role, Setting
from tests.factories import AreaFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEAD = "URN,Provider name,Provider type,Address line 1,Town,Postcode,Area code\n"


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which a strict Content-Security-Policy blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(autouse=True)
def _feature(settings):

    module = importlib.import_module("earlyyears.migrations.0006_data_officers_and_invitations")
    module.seed(django_apps, None)


def signed_in(page, live_server, user) -> None:
    """A session as the sign-in pages (both steps) leave it, put in the browser."""
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        pass
    else:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session["_two_factor_enrolled"] = True
    session.save()
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def test_data_officer_imports_settings(page, live_server, tmp_path):
    ward = AreaFactory(code="W01", name="Abbey")
    officer = UserFactory(role=Role.ADMIN, username="data.officer", is_staff=True)
    officer.groups.add(Group.objects.get(name="Data officers"))
    bad = tmp_path / "settings.csv"
    bad.write_text(
        HEAD
        + "EY123456,Acorns,Day nursery,1 Way,Westmoor,WM1 1AA,W01\n"
        + "EY123457,Beeches,Day nursery,1 Way,Westmoor,WM1 1AZZ,W01\n"
    )
    signed_in(page, live_server, officer)
    page.goto(f"{live_server.url}/django-admin/earlyyears/setting/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Row 3: Postcode: Enter a real postcode")).to_be_visible()
    assert Setting.objects.count() == 0

    fixed = tmp_path / "settings-fixed.csv"
    fixed.write_text(bad.read_text().replace("WM1 1AZZ", "WM1 1AZ"))
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("File").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Checked 2 rows")).to_be_visible()
    page.get_by_label("Apply only if every row is valid").check()
    page.get_by_role("button", name="Apply the file").click()
    expect(
        page.get_by_text("Imported settings.csv")
        .or_(page.get_by_text("Imported settings-fixed.csv"))
        .first
    ).to_be_visible()
    assert set(Setting.objects.values_list("urn", flat=True)) == {"EY123456", "EY123457"}
    assert Setting.objects.get(urn="EY123457").area == ward


def test_send_manager_downloads_a_pseudonymised_export(page, live_server, assert_accessible, world):
    from django.db import transaction

    from pathway.models import Referral
    from pathway.services import create_referral

    with transaction.atomic():
        create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_a,
            notify=False,
        )
    signed_in(page, live_server, world.send_manager)
    page.goto(f"{live_server.url}/exports/referrals/")
    expect(page.get_by_role("heading", name="Download referrals")).to_be_visible()
    assert_accessible(page)
    for field, value in (("from_day", "2"), ("from_month", "1"), ("from_year", "2025")):
        page.locator(f'[name="date_{field}"]').fill(value)
    for field, value in (("to_day", "1"), ("to_month", "1"), ("to_year", "2025")):
        page.locator(f'[name="date_{field}"]').fill(value)
    page.get_by_role("button", name="Download").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("same as or after")
    assert_accessible(page)
    for field in ("from_day", "from_month", "from_year", "to_day", "to_month", "to_year"):
        page.locator(f'[name="date_{field}"]').fill("")
    page.get_by_label("CSV (opens in Excel and other spreadsheets)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Referral key,Child key")
    for secret in (world.child_a.first_name, world.child_a.last_name, world.child_a.postcode):
        assert secret not in text


def test_invitation_page(page, live_server, assert_accessible):
    user = UserFactory(username="new.starter", email="new@example.com")
    user.set_unusable_password()
    user.save()
    _, token = accounts.invite(user)
    page.goto(f"{live_server.url}/invitations/{token}/")
    assert_accessible(page)
    page.get_by_label("Create a password").fill("too short")
    page.get_by_label("Type the password again").fill("too short")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("12 characters or more")
    assert_accessible(page)
    page.get_by_label("Create a password").fill("violet tractor harbour")
    page.get_by_label("Type the password again").fill("violet tractor harbour")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()
    user.refresh_from_db()
    assert user.check_password("violet tractor harbour")
    page.goto(f"{live_server.url}/invitations/{token}/")
    expect(
        page.get_by_role("heading", name="This link has expired or has already been used")
    ).to_be_visible()
    assert_accessible(page)
