"""Providers keep their own entries: a provider account reaches only its organisation's services
in Wagtail's admin, cannot publish, and every change waits for a moderator's approval; the
approved change is published with its history kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms import providers, services
from cms.models import Organisation, ServicePage
from earlyyears.models import OutboxMessage, Role, User
from earlyyears.security import two_factor_required
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_page(index, title: str, organisation: Organisation | None) -> ServicePage:
    page = ServicePage(
        title=title, description="Play and stay for families.", organisation=organisation
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return ServicePage.objects.get(pk=page.pk)


@pytest.fixture
def offer(places):
    index = places.index
    _, moderators = services.ensure_local_offer_groups(index)
    ours = Organisation.objects.create(name="Little Acorns Trust")
    theirs = Organisation.objects.create(name="Bluebell Family Charity")
    ours_service = make_page(index, "Acorns stay and play", ours)
    ours_second = make_page(index, "Acorns sign and sing", ours)
    theirs_service = make_page(index, "Bluebell sensory room", theirs)
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    provider = providers.invite_provider(
        admin, ours, username="acorns.manager", email="manager@acorns.example", first_name="Ada"
    )
    moderator = UserFactory(role=Role.PLANNER, username="moderator")
    moderator.groups.add(moderators)

    class Offer:
        pass

    o = Offer()
    o.index, o.ours, o.theirs = index, ours, theirs
    o.ours_service, o.ours_second, o.theirs_service = ours_service, ours_second, theirs_service
    o.provider, o.moderator, o.admin = provider, moderator, admin
    return o


def edit_data(page: ServicePage, **changes) -> dict:
    values = {
        "title": page.title,
        "slug": page.slug,
        "organisation": page.organisation_id or "",
        "description": page.description,
        "status": page.status,
        "is_free": "on",
        "contacts": inline_formset([]),
        "locations": inline_formset([]),
        "schedules": inline_formset([]),
        "languages": inline_formset([]),
        **changes,
    }
    return nested_form_data(values)


def test_an_invited_provider_gets_a_link_and_needs_two_step_sign_in(offer):
    provider = offer.provider
    assert provider.role == Role.PROVIDER and not provider.has_usable_password()
    assert provider.invitations.filter(used_at__isnull=True).exists()
    assert OutboxMessage.objects.filter(to_email="manager@acorns.example").exists()
    assert two_factor_required(provider)
    assert providers.organisation_of(provider) == offer.ours
    assert providers.organisation_of(offer.moderator) is None


def test_owners_of_a_service_are_its_organisations_active_providers(
    offer, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert list(providers.owners_of(offer.ours_service)) == [offer.provider]
    assert list(providers.owners_of(offer.theirs_service)) == []
    offer.provider.is_active = False
    offer.provider.save()
    assert list(providers.owners_of(offer.ours_service)) == []


def test_a_provider_reaches_only_its_organisations_services(client, offer):
    client.force_login(offer.provider)
    listing = client.get(reverse("wagtailadmin_explore", args=[offer.index.pk]))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Acorns stay and play" in body and "Acorns sign and sing" in body
    assert "Bluebell sensory room" not in body
    assert client.get(f"/admin/pages/{offer.ours_service.pk}/edit/").status_code == 200
    for url in (
        f"/admin/pages/{offer.theirs_service.pk}/edit/",
        f"/admin/pages/{offer.theirs_service.pk}/delete/",
        f"/admin/pages/{offer.index.pk}/edit/",
        f"/admin/pages/add/cms/servicepage/{offer.index.pk}/",
        f"/admin/pages/{offer.ours_service.pk}/delete/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/snippets/cms/organisation/",
        reverse("cms_import"),
        reverse("cms_feeds"),
        reverse("cms_register"),
    ):
        assert client.get(url).status_code in (302, 403, 404), url
    search = client.get("/admin/pages/search/", {"q": "Bluebell"})
    assert "Bluebell sensory room" not in search.content.decode()
    for report in ("/admin/reports/site-history/", "/admin/reports/workflow/"):
        response = client.get(report)
        assert response.status_code in (200, 302, 403), report
        assert "Bluebell sensory room" not in response.content.decode(), report


def test_a_provider_sees_no_child_data(client, world):
    """The whole matrix runs as `provider` too (tests/test_access_matrix.py); here the pages
    a provider might try first."""
    ChildFactory(setting=world.setting_a, first_name="Zebedee")
    client.force_login(world.provider)
    child = world.child_a
    for url in (
        reverse("children"),
        reverse("child-detail", args=[child.pk]),
        reverse("triage-queue"),
        reverse("referrals-export"),
    ):
        assert client.get(url).status_code in (403, 404), url
    home = client.get("/")
    assert home.status_code == 200 and "Zebedee" not in home.content.decode()


def test_a_provider_can_only_keep_its_own_organisation(offer):
    from cms.page_forms import ServicePageForm  # noqa: F401 - the form Wagtail builds from

    form_class = ServicePage.get_edit_handler().get_form_class()
    form = form_class(instance=offer.ours_service, for_user=offer.provider)
    assert list(form.fields["organisation"].queryset) == [offer.ours]
    form = form_class(instance=offer.ours_service, for_user=offer.moderator)
    assert offer.theirs in form.fields["organisation"].queryset


def test_a_providers_change_waits_for_approval_then_publishes_with_history(client, offer):
    service = offer.ours_service
    client.force_login(offer.provider)
    url = f"/admin/pages/{service.pk}/edit/"
    # Publishing directly is refused: the page stays as it was.
    client.post(url, edit_data(service, description="Sneaky change", **{"action-publish": "1"}))
    assert ServicePage.objects.get(pk=service.pk).description == "Play and stay for families."
    response = client.post(
        url, edit_data(service, description="Now on Saturdays too.", **{"action-submit": "1"})
    )
    assert response.status_code == 302
    service = ServicePage.objects.get(pk=service.pk)
    assert service.description == "Play and stay for families."  # live page unchanged
    state = WorkflowState.objects.get(object_id=str(service.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == services.WORKFLOW

    # The moderator sees it against the last approved version, then approves it.
    client.force_login(offer.moderator)
    revisions = list(service.revisions.order_by("created_at", "pk"))
    compare = client.get(
        f"/admin/pages/{service.pk}/revisions/compare/{revisions[-2].pk}...{revisions[-1].pk}/"
    )
    assert compare.status_code == 200 and "Now on Saturdays too." in compare.content.decode()
    task_state = state.current_task_state
    approve = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[service.pk, "approve", task_state.pk],
        ),
        {"comment": "Thanks"},
    )
    assert approve.status_code in (200, 302)
    service = ServicePage.objects.get(pk=service.pk)
    assert service.description == "Now on Saturdays too."
    assert service.live and not service.has_unpublished_changes
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert service.revisions.count() == len(revisions)  # every version kept
    first = service.revisions.order_by("created_at", "pk").first()
    assert first.as_object().description == "Play and stay for families."


def test_a_moderator_can_reject_and_the_live_page_stays(client, offer):
    service = offer.ours_service
    client.force_login(offer.provider)
    client.post(
        f"/admin/pages/{service.pk}/edit/",
        edit_data(service, description="Wrong times", **{"action-submit": "1"}),
    )
    state = WorkflowState.objects.get(object_id=str(service.pk))
    client.force_login(offer.moderator)
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[service.pk, "reject", state.current_task_state.pk],
        ),
        {"comment": "The times are wrong"},
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert ServicePage.objects.get(pk=service.pk).description == "Play and stay for families."


def test_the_groups_permissions_follow_a_service_to_another_organisation(offer):
    def provider() -> User:  # Wagtail caches permissions on the user object: a fresh one
        return User.objects.get(pk=offer.provider.pk)

    service = offer.theirs_service
    assert not service.permissions_for_user(provider()).can_edit()
    service.organisation = offer.ours
    service.save_revision().publish()
    service = ServicePage.objects.get(pk=service.pk)
    assert service.permissions_for_user(provider()).can_edit()
    assert not service.permissions_for_user(provider()).can_publish()
    # A draft moving it elsewhere does not move it; publishing does.
    service.organisation = offer.theirs
    service.save_revision()
    assert Page.objects.get(pk=service.pk).permissions_for_user(provider()).can_edit()
    service.save_revision().publish()
    assert not Page.objects.get(pk=service.pk).permissions_for_user(provider()).can_edit()


def test_a_moderator_invites_someone_from_an_organisation(client, offer):
    client.force_login(offer.moderator)
    url = reverse("cms_providers")
    page = client.get(url)
    assert page.status_code == 200 and "acorns.manager" in page.content.decode()
    refused = client.post(url, {"organisation": offer.theirs.pk, "username": "acorns.manager"})
    body = refused.content.decode()
    assert "Enter their email address" in body and "already has this username" in body
    done = client.post(
        url,
        {
            "organisation": offer.theirs.pk,
            "first_name": "Bea",
            "last_name": "Lee",
            "email": "bea@bluebell.example",
            "username": "bluebell.lead",
        },
    )
    assert done.status_code == 302
    bea = User.objects.get(username="bluebell.lead")
    assert bea.role == Role.PROVIDER and bea.invitations.exists()
    assert list(providers.owners_of(offer.theirs_service)) == [bea]
    assert OutboxMessage.objects.filter(to_email="bea@bluebell.example").exists()
    client.force_login(offer.provider)
    assert client.get(url).status_code in (302, 403)  # Wagtail sends refusals to /admin/
