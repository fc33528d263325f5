"""Two-factor authentication, the timeout warning and the Content-Security-Policy in a real
browser: set up an app from the key on the page, keep the recovery codes, sign out, sign in
again with a code and with a recovery code; axe on each page; no CSP violation anywhere."""

import json
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from earlyyears.models import Role

from ..factories import PASSWORD, ChildFactory, UserFactory, practitioner_at
from ..otp import code_from_secret, confirmed_device, sign_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)

CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});"""


@pytest.fixture
def assert_accessible(axe_source):
    """As conftest's, but axe goes in through page.evaluate: a <script> tag with inline content
    is just what the policy blocks."""

    def check(page) -> None:
        page.evaluate(axe_source)
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: [
                    'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'
                ]}
            })"""
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        assert violations == [], (
            f"axe violations on {page.url}:\n{json.dumps(violations, indent=2)}"
        )

    return check


@pytest.fixture
def csp_violations(page):
    """Every Content-Security-Policy violation in any page this test opens."""
    found = []

    def note(message) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.add_init_script(CSP_LISTENER)
    page.on("console", note)
    return found


def password_step(page, base_url, username, next_path=""):
    page.goto(f"{base_url}/sign-in/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def next_step_code(secret: str) -> str:
    """The app's code for the next 30 s step: the one just used to set up is spent."""
    text = secret.replace(" ", "")
    totp = TOTP(b32decode(text + "=" * (-len(text) % 8)))
    totp.time = time.time() + 30
    return f"{totp.token():06d}"


def test_set_up_sign_out_and_sign_in_again_with_a_code(
    page, live_server, assert_accessible, csp_violations
):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner_at(child.setting, username="sam")

    password_step(page, live_server.url, "sam", "/children/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    # nothing else opens until the code is entered
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")

    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the 6-digit code from your authenticator app"
    )
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)

    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code", exact=True).fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    # on to the page last asked for
    page.get_by_role("button", name="I have saved my recovery codes – continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Patel")

    page.get_by_role("button", name="Sign out").click()
    password_step(page, live_server.url, "sam")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(next_step_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam")

    page.get_by_role("button", name="Sign out").click()
    password_step(page, live_server.url, "sam")
    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You used a recovery code. You have 9 left."
    )
    assert_accessible(page)
    assert csp_violations == []


def test_a_wrong_code_is_a_clear_error(page, live_server, assert_accessible, csp_violations):
    user = practitioner_at(ChildFactory().setting, username="sam")
    confirmed_device(user)
    password_step(page, live_server.url, "sam")
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The code is not right or has expired")
    expect(summary).to_be_focused()
    expect(page).to_have_title(
        "Error: Enter the code from your authenticator app – Early years SEND pathway – "
        "Westmoor County Council"
    )
    assert_accessible(page)
    assert csp_violations == []


def test_five_wrong_passwords_show_the_lockout_page(
    page, live_server, assert_accessible, csp_violations
):
    UserFactory(username="sam")
    for _ in range(5):
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill("sam")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in for 15 minutes")
    assert_accessible(page)
    assert csp_violations == []


def test_the_timeout_warning_then_the_sign_out(
    page, live_server, settings, assert_accessible, csp_violations
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 9
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 6
    user = UserFactory(role=Role.SEND_OFFICER, username="officer")
    sign_in_with_code(page, live_server.url, "officer", PASSWORD, "/children/")
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=8000)
    expect(dialog).to_contain_text("we will sign you out in")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page)

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # the server counted it as activity: the warning comes back later, not at once
    expect(dialog).to_be_visible(timeout=8000)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=15000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You have been signed out because you had not done anything"
    )
    assert "next=" not in page.url or "/children/" in page.url
    page.goto(f"{live_server.url}/children/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert user.pk
    assert csp_violations == []


def test_main_pages_and_the_admin_keep_to_the_policy(
    page, live_server, csp_violations, assert_accessible
):
    child = ChildFactory(first_name="Maya", last_name="Patel")
    practitioner_at(child.setting, username="sam")
    UserFactory(role=Role.ADMIN, username="boss", is_staff=True, is_superuser=True)
    for path in ("/", "/sign-in/", "/local-offer/", "/privacy/", "/accessibility/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("body")).to_have_class("govuk-template__body govuk-frontend-supported")
    sign_in_with_code(page, live_server.url, "sam", PASSWORD)
    for path in ("/", "/children/", f"/children/{child.pk}/", "/account/two-factor/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("body")).to_have_class("govuk-template__body govuk-frontend-supported")
    assert csp_violations == []
    page.get_by_role("button", name="Sign out").click()

    # Wagtail's and Django's admin run under the relaxed policy
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in_with_code(page, live_server.url, "boss", PASSWORD, "/admin/documents/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Documents")
    page.goto(f"{live_server.url}/admin/users/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Users")
    page.goto(f"{live_server.url}/django-admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Site administration")
    assert csp_violations == []
