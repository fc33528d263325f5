"""Families' comments and stale services in a real browser (issue 26): a family comments on a
service without an account, a moderator redacts, responds and publishes the year's "You said,
we did" page, which shows only the redacted words; a service nobody has reviewed is flagged to
its owner and then reaches the council's list. axe on every page."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from cms import providers, review, services
from cms.comment_models import LocalOfferComment
from cms.models import Organisation, ServicePage
from earlyyears.models import OutboxMessage, Role
from tests.browser.test_imports import signed_in
from tests.cms.helpers import Places, make_service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which a strict Content-Security-Policy blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def offer():
    for name in ("django_tasks", "wagtail"):
        logging.getLogger(name).setLevel(logging.WARNING)
    cache.clear()
    places = Places()
    service = make_service(places, "Chatter group", area=places.wards[0])
    ServicePage.objects.filter(pk=service.pk).update(
        wheelchair_accessible=True,
        visit_before_start=True,
        visit_arrangements="Ring us to arrange a visit.",
    )
    _, moderators = services.ensure_local_offer_groups(places.index)
    moderator = UserFactory(role=Role.PROFESSIONAL, username="moderator")
    moderator.groups.add(moderators)
    return places, service, moderator


def test_a_family_comments_and_a_moderator_publishes_the_years_page(
    page, live_server, assert_accessible, offer
):
    places, service, moderator = offer
    page.goto(f"{live_server.url}/local-offer/?access=wheelchair")
    expect(page.get_by_role("link", name="Chatter group")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Chatter group").click()
    expect(page.get_by_text("You can visit before your first session.")).to_be_visible()
    page.get_by_role("link", name="Comment on this service").click()
    expect(page.get_by_role("heading", name="Comment on Chatter group")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Your comment").fill(
        "Maya Smith loved it. Ring me on 07700 900123. Please run it on Saturdays too."
    )
    page.wait_for_timeout(3200)  # a person takes longer than the robots' check allows
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_role("heading", name="Comment sent")).to_be_visible()
    assert_accessible(page)
    comment = LocalOfferComment.objects.get()
    expect(page.get_by_text(comment.reference)).to_be_visible()

    # Sent again at once by a robot: refused with the error summary, nothing saved.
    page.goto(f"{live_server.url}/local-offer/have-your-say/")
    page.get_by_role("textbox", name="Your comment").fill("Quick")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    assert LocalOfferComment.objects.count() == 1

    signed_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/admin/local-offer/comments/")
    assert_accessible(page)
    page.get_by_role("link", name=comment.reference).click()
    expect(page.locator("#original")).to_contain_text("Maya Smith loved it.")
    assert_accessible(page)
    redacted = page.get_by_role("textbox", name="Comment to publish")
    expect(redacted).to_have_value(
        "Maya Smith loved it. Ring me on [removed]. Please run it on Saturdays too."
    )
    redacted.fill("My child loved it. Please run it on Saturdays too.")
    page.get_by_role("textbox", name="Our response").fill(
        "From September there is a Saturday session."
    )
    page.get_by_role("radio", name="Publish the redacted comment with our response").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{comment.reference} saved.")).to_be_visible()

    year = timezone.localdate().year
    page.get_by_role("link", name=f"Preview and publish the {year} page").click()
    expect(page.get_by_text("My child loved it.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Introduction").fill("Thank you for telling us.")
    page.get_by_role("button", name=f"Publish the {year} page").click()
    expect(page.get_by_text(f"You said, we did {year} is published.")).to_be_visible()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/local-offer/you-said-we-did/")
    assert_accessible(page)
    page.get_by_role("link", name=f"You said, we did: {year}").click()
    expect(page.get_by_text("My child loved it.")).to_be_visible()
    expect(page.get_by_text("From September there is a Saturday session.")).to_be_visible()
    assert "Maya" not in page.content() and "07700" not in page.content()
    assert_accessible(page)


def test_a_stale_service_is_flagged_to_its_owner_then_the_council(
    page, live_server, assert_accessible, offer
):
    places, service, moderator = offer
    organisation = Organisation.objects.create(name="Little Steps")
    ServicePage.objects.filter(pk=service.pk).update(organisation=organisation)
    owner = UserFactory(role=Role.PROVIDER, username="owner", email="owner@example.org")
    owner.groups.add(providers.ensure_provider_group(organisation))
    ServicePage.objects.filter(pk=service.pk).update(
        last_published_at=timezone.now() - datetime.timedelta(days=400), assured_date=None
    )
    now = timezone.now()
    review.flag_stale_services(now)
    assert OutboxMessage.objects.get(template="local_offer_review_due").to_user == owner

    signed_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/admin/local-offer/not-reviewed/")
    with_owners = page.get_by_role("table", name="Services whose owners have been asked")
    expect(with_owners).to_contain_text("Chatter group")
    assert_accessible(page)

    review.flag_stale_services(now + datetime.timedelta(days=29))
    page.reload()
    council = page.get_by_role("table", name="Services the council should review")
    expect(council).to_contain_text("Chatter group")
    expect(council).to_contain_text("Little Steps")
    assert_accessible(page)
