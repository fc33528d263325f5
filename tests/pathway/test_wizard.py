"""The concern wizard through HTTP: steps, drafts, resume, change, submit once, refusals."""

import pytest
from django.urls import reverse

from earlyyears.models import Child, OutboxMessage
from pathway.models import ConcernDraft, Referral
from pathway.services import start_draft
from training.services import ensure_training_section
from training.starter import load_starter_module

from ..factories import ChildFactory, portage_worker_for, practitioner_at
from .wizard_helpers import (
    CHILD_NEW,
    DEVELOPMENT,
    HEALTH_FAMILY,
    post_step,
    step_url,
    walk_to_check,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return start_draft(world.practitioner_a, setting=world.setting_a)


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.practitioner_a)
    return client


def test_start_creates_a_draft_and_opens_the_first_step(signed_in, world):
    response = signed_in.post(reverse("start-concern"))
    draft = ConcernDraft.objects.get(owner=world.practitioner_a)
    assert response.url == step_url(draft, "child")
    page = signed_in.get(response.url).content.decode()
    assert "Amara Okafor" in page  # the setting's child is offered
    assert "Bartek Nowak" not in page  # another setting's child is not


def test_whole_wizard_submits_one_referral_with_route_reasons_and_messages(signed_in, draft):
    walk_to_check(signed_in, draft)
    check = signed_in.get(step_url(draft, "check")).content.decode()
    assert "Check your answers" in check
    assert "Zara" in check and "Small group language sessions" in check
    response = post_step(signed_in, draft, "check", {})
    referral = Referral.objects.get()
    assert response.url == reverse("referral-confirmation", args=[referral.pk])
    assert referral.child.first_name == "Zara" and referral.child.postcode == "WM3 7QT"
    assert referral.routes == ["portage"]  # under 3 with delay in 2 prime areas
    assert referral.routing_reasons[0]["rule"] == "Under 3 with a delay in two or more prime areas"
    assert referral.rule_set.version == 1
    assert referral.facts["support_cycles_completed"] == 1
    assert referral.facts["max_delay_months"] > 0
    assert set(referral.events.values_list("kind", flat=True)) == {"submitted", "routed"}
    family_sms = OutboxMessage.objects.get(channel="sms")
    assert family_sms.to_phone == "+447700900456"
    assert referral.reference in family_sms.context["reference"]
    confirmation = signed_in.get(response.url).content.decode()
    assert referral.reference in confirmation and "Portage" in confirmation
    assert "Sent to the portage service because the child is 2 years" in confirmation
    assert "{&#x27;" not in confirmation and "{'" not in confirmation  # a sentence, not the data


def test_double_submission_creates_one_referral(signed_in, draft):
    walk_to_check(signed_in, draft)
    first = post_step(signed_in, draft, "check", {})
    second = post_step(signed_in, draft, "check", {})
    assert Referral.objects.count() == 1
    assert second.status_code == 302 and second.url == first.url


def test_get_of_done_never_submits(signed_in, draft):
    walk_to_check(signed_in, draft)
    response = signed_in.get(step_url(draft, "done"))
    assert response.url == step_url(draft, "check")
    assert not Referral.objects.exists()


def test_cannot_jump_ahead_by_url(signed_in, draft):
    post_step(signed_in, draft, "child", CHILD_NEW)
    response = signed_in.get(step_url(draft, "family"))
    assert response.status_code == 302
    assert response.url == step_url(draft, "development")


def test_leave_and_resume_on_another_device(client, world, draft):
    client.force_login(world.practitioner_a)
    post_step(client, draft, "child", CHILD_NEW)
    response = post_step(
        client, draft, "development", {"communication_language_level": "severe"}
    ).content
    assert b"There is a problem" in response
    saved = client.post(
        step_url(draft, "development"),
        {
            f"concern_{draft.pk}-current_step": "development",
            "development-communication_language_level": "severe",
            "save_and_exit": "1",
        },
    )
    assert saved.url == reverse("my-concerns")
    other_device = type(client)()
    other_device.force_login(world.practitioner_a)
    listing = other_device.get(reverse("my-concerns")).content.decode()
    assert "Zara Ahmed" in listing
    resumed = other_device.get(step_url(draft, "development")).content.decode()
    assert 'value="severe" id="id_development-communication_language_level_3" checked' in resumed
    assert "Select whether there is a concern about physical development" in resumed


def test_change_from_check_answers_returns_to_check(signed_in, draft):
    walk_to_check(signed_in, draft)
    changed = dict(HEALTH_FAMILY, ehc_assessment_requested="yes")
    response = post_step(signed_in, draft, "health_family", changed, query="?change=1")
    assert response.url == step_url(draft, "check")
    post_step(signed_in, draft, "check", {})
    assert "send_team" in Referral.objects.get().routes


def test_early_help_step_only_when_family_circumstances_flagged(signed_in, draft):
    walk_to_check(signed_in, draft, health=dict(HEALTH_FAMILY, family_circumstances="yes"))
    post_step(signed_in, draft, "check", {})
    referral = Referral.objects.get()
    assert "early_help" in referral.routes
    assert referral.answers["early_help"]["needs"] == ["housing"]


def test_back_link_goes_to_previous_step(signed_in, draft):
    post_step(signed_in, draft, "child", CHILD_NEW)
    page = signed_in.get(step_url(draft, "development")).content.decode()
    assert f'href="{step_url(draft, "child")}" class="govuk-back-link"' in page


def test_each_step_shows_the_error_summary_on_empty_input(signed_in, draft):
    walk_to_check(signed_in, draft)
    for step in ["child", "development", "checks", "health_family", "family"]:
        response = post_step(signed_in, draft, step, {})
        html = response.content.decode()
        assert response.status_code == 200, step
        assert "govuk-error-summary" in html and "<title>Error:" in html, step


def test_duplicate_child_is_detected(signed_in, draft, world):
    duplicate = dict(
        CHILD_NEW,
        first_name="amara",
        last_name="OKAFOR",
        date_of_birth_day=str(world.child_a.date_of_birth.day),
        date_of_birth_month=str(world.child_a.date_of_birth.month),
        date_of_birth_year=str(world.child_a.date_of_birth.year),
    )
    html = post_step(signed_in, draft, "child", duplicate).content.decode()
    assert "is already at this setting" in html


def test_forged_post_for_another_settings_child_is_refused(signed_in, draft, world):
    response = post_step(signed_in, draft, "child", {"child": str(world.child_b.pk)})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ConcernDraft.objects.get(pk=draft.pk).child is None


def test_another_users_draft_is_not_found(client, world, draft):
    client.force_login(world.practitioner_b)
    assert client.get(step_url(draft, "child")).status_code == 404
    for user in (world.portage_a, world.planner, world.send_officer):
        client.force_login(user)
        assert client.get(step_url(draft, "child")).status_code == 404


def test_expired_draft_cannot_be_resumed(signed_in, draft):
    from django.utils import timezone

    ConcernDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now())
    response = signed_in.get(step_url(draft, "child"))
    assert response.status_code == 410
    assert b"This draft has expired" in response.content


def test_existing_child_keeps_their_record(signed_in, draft, world):
    walk_to_check(signed_in, draft, child={"child": str(world.child_a.pk)})
    post_step(signed_in, draft, "check", {})
    assert Referral.objects.get().child == world.child_a
    assert Child.objects.count() == 2


def test_portage_worker_completes_a_concern_with_the_family(client, world):
    child = ChildFactory(setting=world.setting_a)
    worker = portage_worker_for(child, username="portage.family")
    client.force_login(worker)
    response = client.post(reverse("start-concern"), {"child": str(child.pk)})
    draft = ConcernDraft.objects.get(owner=worker)
    assert draft.mode == ConcernDraft.Mode.WITH_FAMILY
    assert response.url == step_url(draft, "child")
    page = client.get(response.url).content.decode()
    assert "A child who is not listed here" not in page
    walk_to_check(client, draft, child={"child": str(child.pk)})
    post_step(client, draft, "check", {})
    assert Referral.objects.get().setting == world.setting_a


def test_queries_per_step_do_not_grow_with_data(
    signed_in, draft, world, django_assert_max_num_queries
):
    post_step(signed_in, draft, "child", CHILD_NEW)
    post_step(signed_in, draft, "development", DEVELOPMENT)
    signed_in.get(step_url(draft, "support"))
    ChildFactory.create_batch(40, setting=world.setting_a)
    practitioner_at(world.setting_a)
    with django_assert_max_num_queries(14):
        assert signed_in.get(step_url(draft, "support")).status_code == 200


def test_expired_drafts_are_purged_by_the_periodic_task(world, draft):
    from django.conf import settings
    from django.utils import timezone

    from pathway.tasks import purge_expired_concern_drafts

    assert "purge-expired-concern-drafts" in settings.CELERY_BEAT_SCHEDULE
    kept = start_draft(world.practitioner_a, setting=world.setting_a)
    ConcernDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now())
    assert purge_expired_concern_drafts.apply().get() == 1
    assert list(ConcernDraft.objects.all()) == [kept]


def test_development_guidance_links_to_the_training_lesson_by_tag(signed_in, draft, world):
    load_starter_module(ensure_training_section())
    assert post_step(signed_in, draft, "child", CHILD_NEW).status_code == 302
    page = signed_in.get(step_url(draft, "development")).content.decode()
    assert "Training: " in page
    assert "#signs-communication_language" in page


def _validations(monkeypatch) -> list[str]:
    """Records each step form the wizard builds for a step other than the page's own."""
    from pathway.wizard import ConcernWizard

    checked: list[str] = []
    original = ConcernWizard.get_form

    def get_form(self, step=None, data=None, files=None):
        form = original(self, step=step, data=data, files=files)
        if step is not None:  # formtools' own get() and post() name no step
            checked.append(step)
        return form

    monkeypatch.setattr(ConcernWizard, "get_form", get_form)
    return checked


def test_earlier_steps_are_not_validated_again_on_every_request(signed_in, draft, monkeypatch):
    walk_to_check(signed_in, draft)
    checked = _validations(monkeypatch)
    assert signed_in.get(step_url(draft, "family")).status_code == 200
    post_step(signed_in, draft, "family", {})  # an invalid answer shows its errors, as before
    # Remembered as valid in the draft, with the answers they were checked with.
    assert checked == []
    assert set(ConcernDraft.objects.get(pk=draft.pk).data["extra_data"]["valid_steps"]) >= {
        "child",
        "development",
        "support",
        "checks",
        "health_family",
    }


def test_a_step_whose_answers_changed_is_validated_again(signed_in, draft):
    walk_to_check(signed_in, draft)
    # An answer changed since it was checked (another tab, an older draft): the remembered
    # validity no longer matches the answers, so the step is checked again and sends us back.
    stored = ConcernDraft.objects.get(pk=draft.pk)
    stored.data["step_data"]["development"]["development-physical_level"] = [""]
    stored.save(update_fields=["data"])
    response = signed_in.get(step_url(draft, "check"))
    assert response.status_code == 302
    assert response.url == step_url(draft, "development")


def test_a_remembered_step_is_checked_again_when_the_child_changes(
    signed_in, draft, world, monkeypatch
):
    walk_to_check(signed_in, draft)
    post_step(signed_in, draft, "child", {"child": str(world.child_a.pk)})
    checked = _validations(monkeypatch)
    assert signed_in.get(step_url(draft, "family")).status_code == 200
    # The development step depends on the child (which observations may be cited as evidence).
    assert checked == ["development"]
