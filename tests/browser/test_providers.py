"""A provider edits their service and the council approves it, in a real browser with axe: the
provider signs in with both steps, finds only their organisation's service, submits a change
(the live page keeps the old words), and the moderator compares and approves it (published)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cms import providers, services
from cms.models import Organisation, ServicePage
from earlyyears.models import Area, Role, User

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# axe's rules about names and labels, run on Wagtail's edit form (Wagtail's own chrome is
# Wagtail's to fix; our fields and panels are ours).
LABEL_RULES = ["label", "aria-input-field-name", "select-name", "button-name", "input-button-name"]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which the strict CSP (rightly) blocks."""
    return {**browser_context_args, "bypass_csp": True}


def label_violations(page, axe_source, selector: str = "form") -> list:
    page.evaluate(axe_source)
    result = page.evaluate(
        """async ([selector, rules]) => await axe.run(document.querySelector(selector), {
            runOnly: {type: 'rule', values: rules}
        })""",
        [selector, LABEL_RULES],
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def make_page(index, title: str, organisation: Organisation) -> ServicePage:
    page = ServicePage(
        title=title, description="Play and stay on Tuesday mornings.", organisation=organisation
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return ServicePage.objects.get(pk=page.pk)


def test_a_provider_edits_their_service_and_the_council_approves_it(
    page, live_server, sign_in, assert_accessible, axe_source
):
    Area.objects.create(code="WM", name="Westmoor", kind=Area.Kind.COUNTY)
    index = services.ensure_local_offer_index()
    _, moderators = services.ensure_local_offer_groups(index)
    ours = Organisation.objects.create(name="Little Acorns Trust")
    theirs = Organisation.objects.create(name="Bluebell Family Charity")
    service = make_page(index, "Acorns stay and play", ours)
    make_page(index, "Acorns sign and sing", ours)
    make_page(index, "Bluebell sensory room", theirs)
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    provider = providers.invite_provider(
        admin, ours, username="acorns", email="acorns@example.com", first_name="Ada"
    )
    provider.set_password(PASSWORD)  # as the invitation link would let them
    provider.save()
    moderator = UserFactory(role=Role.PLANNER, username="moderator")
    moderator.groups.add(moderators)

    # The provider: both steps, then their one task.
    sign_in(page, "acorns", PASSWORD)
    expect(page.get_by_role("link", name="Keep your services up to date")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep your services up to date").click()
    page.goto(f"{live_server.url}/admin/pages/{index.pk}/")
    expect(page.get_by_role("link", name="Acorns stay and play").first).to_be_visible()
    expect(page.get_by_text("Bluebell sensory room")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/pages/{service.pk}/edit/")
    assert label_violations(page, axe_source, "form[data-edit-form]") == []
    page.locator("#id_description").fill("Play and stay on Tuesday and Saturday mornings.")
    page.get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Submit to Local offer review").click()
    expect(page.get_by_text("has been submitted for moderation")).to_be_visible()
    assert ServicePage.objects.get(pk=service.pk).description == (
        "Play and stay on Tuesday mornings."
    )

    # The council: compares the change with the published version, then approves it.
    page.context.clear_cookies()
    sign_in(page, "moderator", PASSWORD, "/admin/")
    expect(page.get_by_text("Acorns stay and play").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/pages/{service.pk}/revisions/compare/live...latest/")
    expect(page.get_by_text("Saturday").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/pages/{service.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    page.wait_for_url(lambda url: "/edit/" not in url)

    # Families see the approved words, and the history keeps both versions.
    page.goto(f"{live_server.url}{service.url}")
    expect(page.get_by_text("Tuesday and Saturday mornings")).to_be_visible()
    assert_accessible(page)
    published = ServicePage.objects.get(pk=service.pk)
    assert published.description == "Play and stay on Tuesday and Saturday mornings."
    assert published.revisions.count() >= 2
    assert User.objects.get(username="acorns").role == Role.PROVIDER
