"""The triage queue's setting filter in a real browser, with axe on every page: with JavaScript
the box suggests settings as it is typed (GOV.UK's accessible autocomplete) and a chosen one
filters the queue; without JavaScript the same box takes a typed name. Either way the filtered
queue pages forward by Next and back by Previous, keeping the filter."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import Referral
from pathway.services import create_referral

from ..factories import PASSWORD, ChildFactory, SettingFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue():
    """27 referrals from Acorns (two pages of the queue) and two from Acorn Cottage."""
    acorns = SettingFactory(name="Acorns Day Nursery")
    cottage = SettingFactory(name="Acorn Cottage Pre-School")
    made = {acorns.pk: [], cottage.pk: []}
    for setting, count in ((acorns, 27), (cottage, 2)):
        submitter = practitioner_at(setting)
        for number in range(count):
            child = ChildFactory(setting=setting, first_name=f"Child{number:02d}")
            with transaction.atomic():
                made[setting.pk].append(
                    create_referral(
                        child=child,
                        source=Referral.Source.SETTING_CONCERN,
                        submitted_by=submitter,
                        answers={"development": {"communication_language": {"level": "severe"}}},
                        setting=setting,
                        notify=False,
                    )
                )
    UserFactory(role=Role.SEND_OFFICER, username="officer")
    return acorns, made[acorns.pk], made[cottage.pk]


def _shown(page, referrals) -> set[str]:
    body = page.content()
    return {r.reference for r in referrals if f">{r.reference}</a>" in body}


def _page_forward_and_back(page, assert_accessible, acorns_referrals, cottage_referrals):
    """Page 1 of 2 of Acorns' referrals, Next to page 2, Previous back to page 1."""
    main = page.get_by_role("main")
    expect(main).to_contain_text("page 1 of 2")
    for referral in cottage_referrals:
        expect(page.get_by_role("link", name=referral.reference)).to_have_count(0)
    first_page = {
        r.reference for r in acorns_referrals if page.get_by_role("link", name=r.reference).count()
    }
    assert len(first_page) == 25
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**after=**")
    second_page = {
        r.reference for r in acorns_referrals if page.get_by_role("link", name=r.reference).count()
    }
    assert len(second_page) == 2 and not second_page & first_page
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    assert "setting=" in page.url and "after=" in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url("**before=**")
    expect(main).to_contain_text("page 1 of 2")
    assert "setting=" in page.url
    again = {
        r.reference for r in acorns_referrals if page.get_by_role("link", name=r.reference).count()
    }
    assert again == first_page
    assert_accessible(page)


def test_setting_filter_with_the_autocomplete(page, live_server, sign_in, assert_accessible, queue):
    acorns, acorns_referrals, cottage_referrals = queue
    sign_in(page, "officer", PASSWORD)
    page.goto(f"{live_server.url}/triage/")
    box = page.get_by_role("combobox", name="Setting")
    box.fill("acorn")
    options = page.locator("#id_setting__listbox").get_by_role("option")
    expect(options).to_have_count(2)  # both settings whose name starts with it
    assert_accessible(page)
    options.filter(has_text=f"Acorns Day Nursery ({acorns.urn})").click()
    expect(box).to_have_value(f"Acorns Day Nursery ({acorns.urn})")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("combobox", name="Setting")).to_have_value(
        f"Acorns Day Nursery ({acorns.urn})"
    )
    assert_accessible(page)
    _page_forward_and_back(page, assert_accessible, acorns_referrals, cottage_referrals)
    # Nothing that starts with what was typed: said so, and the typed text still filters.
    box = page.get_by_role("combobox", name="Setting")
    box.fill("zzz")
    expect(page.get_by_text("No setting starts with that name or URN")).to_be_visible()


def test_setting_filter_without_javascript(browser, live_server, assert_accessible, queue):
    from ..otp import sign_in_with_code

    _acorns, acorns_referrals, cottage_referrals = queue
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(8000)
    try:
        sign_in_with_code(page, live_server.url, "officer", PASSWORD, "")
        page.goto(f"{live_server.url}/triage/")
        box = page.get_by_role("textbox", name="Setting")
        box.fill("Acorns Day Nursery")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_role("textbox", name="Setting")).to_have_value("Acorns Day Nursery")
        without_script = _checked_without_script(live_server, assert_accessible)
        without_script(page)
        _page_forward_and_back(page, without_script, acorns_referrals, cottage_referrals)
    finally:
        context.close()


def _checked_without_script(live_server, assert_accessible):
    """axe is script, which this page cannot run: it checks the same HTML, its scripts taken
    out (so nothing is enhanced), in a page of its own that loads the same styles."""

    def check(page) -> None:
        html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S)
        html = html.replace("<head>", f'<head><base href="{live_server.url}/">', 1)
        checker = page.context.browser.new_page()
        try:
            checker.set_content(html)
            assert_accessible(checker)
        finally:
            checker.close()

    return check
