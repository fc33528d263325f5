"""Pages of the foundation: who gets what, and that no page leaks another setting's child."""

import pytest
from django.urls import reverse

from earlyyears.models import Role

from .factories import PASSWORD, ChildFactory, FamilyContactFactory
from .otp import code_for, confirmed_device

pytestmark = pytest.mark.django_db


def test_start_page_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign in" in response.content
    assert b"GDS Transport" not in response.content


def test_sign_in_and_landing_page(client, world):
    device = confirmed_device(world.practitioner_a)
    response = client.post(reverse("sign-in"), {"username": "prac.a", "password": PASSWORD})
    assert response["Location"] == "/sign-in/code/?next=%2F"
    response = client.post(response["Location"], {"code": code_for(device)}, follow=True)
    assert response.status_code == 200
    assert response.context["user"] == world.practitioner_a
    assert b"Raise a concern about a child" in response.content


def test_sign_in_errors_use_the_error_summary(client, db):
    response = client.post(reverse("sign-in"), {"username": "", "password": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_username">Enter your username' in html
    assert "<title>Error: Sign in" in html


def test_wrong_password_is_a_clear_error(client, world):
    response = client.post(reverse("sign-in"), {"username": "prac.a", "password": "nope"})
    assert "Enter a correct username and password" in response.content.decode()


def test_sign_out_needs_post(client, world):
    client.force_login(world.practitioner_a)
    response = client.post(reverse("sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_landing_page(client, world, role):
    user = (
        getattr(world, role.value, None)
        or {
            Role.PRACTITIONER: world.practitioner_a,
            Role.PORTAGE_WORKER: world.portage_a,
        }[role]
    )
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert role.label in response.content.decode()


def test_children_list_is_scoped_to_the_setting(client, world):
    client.force_login(world.practitioner_a)
    html = client.get(reverse("children")).content.decode()
    assert "Amara Okafor" in html
    assert "Bartek Nowak" not in html


def test_children_search(client, world):
    client.force_login(world.send_officer)
    html = client.get(reverse("children"), {"q": "nowak"}).content.decode()
    assert "Bartek Nowak" in html
    assert "Amara Okafor" not in html


def test_child_page_for_own_setting(client, world):
    FamilyContactFactory(child=world.child_a, name="Grace Okafor")
    client.force_login(world.practitioner_a)
    response = client.get(reverse("child-detail", args=[world.child_a.pk]))
    assert response.status_code == 200
    assert "Grace Okafor" in response.content.decode()


def test_child_page_refused_to_everyone_else(client, world):
    url = reverse("child-detail", args=[world.child_a.pk])
    for user in [
        world.practitioner_b,
        world.portage_b,
        world.planner,
        world.trainer,
        world.admin,
        world.early_help,
        world.professional,
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404, user.username
        assert "Amara" not in response.content.decode()


def test_children_list_forbidden_for_roles_without_children(client, world):
    for user in [world.planner, world.trainer, world.admin]:
        client.force_login(user)
        assert client.get(reverse("children")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in [reverse("children"), reverse("child-detail", args=[world.child_a.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("sign-in"))


def test_children_list_queries_are_constant(client, world, django_assert_max_num_queries):
    client.force_login(world.send_officer)
    client.get(reverse("children"))
    ChildFactory.create_batch(30, setting=world.setting_a)
    with django_assert_max_num_queries(8):  # audit trail 1, OTP device 1
        response = client.get(reverse("children"))
    assert response.status_code == 200


def test_health_endpoint(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_wagtail_admin_and_django_admin_need_sign_in(client, db):
    assert client.get("/admin/").status_code == 302
    assert client.get("/django-admin/").status_code == 302


def test_unknown_page_is_a_govuk_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
