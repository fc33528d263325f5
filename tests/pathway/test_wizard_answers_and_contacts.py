"""The wizard in plain English (issue 20): check your answers shows every answer with GOV.UK
dates, pages name their section instead of a changing "step N of M", and the family step
offers the child's existing contacts. And what the submission leaves until after the response
or keeps in the cache (issue 18)."""

import re

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyyears.forms import GovukBoundField
from earlyyears.models import FamilyContact, OutboxMessage
from pathway import guidance, wizard
from pathway.after_response import after_response
from pathway.forms import _EMPTY_FIELDS, PrimeAreasForm
from pathway.models import NeedFigure, Referral
from pathway.services import start_draft
from tests.cms.helpers import Places, make_service

from ..factories import ChildFactory, FamilyContactFactory
from .wizard_helpers import (
    CHECKS,
    CHILD_NEW,
    DEVELOPMENT,
    EARLY_HELP,
    FAMILY,
    HEALTH_FAMILY,
    SUPPORT,
    post_step,
    step_url,
    walk_to_check,
)

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def draft(world):
    return start_draft(world.practitioner_a, setting=world.setting_a)


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.practitioner_a)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- check your answers -----------------------------------------------------------------------


def test_check_your_answers_shows_every_support_answer_with_govuk_dates(signed_in, draft):
    walk_to_check(signed_in, draft)
    page = _text(signed_in.get(step_url(draft, "check")))
    assert "Cycle 1: plan started 6 January 2026" in page
    assert "Cycle 1: plan reviewed 6 March 2026" in page  # the review date, left out before
    assert "Cycle 1: outcome at review Some progress" in page
    assert "Cycle 1: what was tried Small group language sessions twice a week" in page
    assert "Date consent was given 20 March 2026" in page
    assert "Date of the progress check 3 February 2026" in page
    assert not ISO_DATE.search(page), ISO_DATE.search(page)


def _summary(response) -> str:
    content = response.content.decode()
    start = content.find('<h2 class="govuk-heading-m">')
    return content[start : content.find("Now send the concern", start)]


def test_check_your_answers_from_remembered_answers_is_the_page_built_afresh(signed_in, draft):
    walk_to_check(signed_in, draft, health={**HEALTH_FAMILY, "family_circumstances": "yes"})
    draft.refresh_from_db()
    remembered = draft.data["extra_data"][wizard.SHOWN_ANSWERS]
    assert set(remembered) == {
        "child",
        "development",
        "support",
        "checks",
        "health_family",
        "early_help",
        "family",
    }
    with CaptureQueriesContext(connection) as fewer:
        shown = _summary(signed_in.get(step_url(draft, "check")))
    draft.data["extra_data"].pop(wizard.SHOWN_ANSWERS)
    draft.save(update_fields=["data"])
    with CaptureQueriesContext(connection) as more:
        built = _summary(signed_in.get(step_url(draft, "check")))
    assert "Temporary accommodation" in shown and "Zara" in shown
    assert shown == built
    assert len(fewer) < len(more)


def test_a_changed_answer_is_shown_changed(signed_in, draft):
    walk_to_check(signed_in, draft)
    response = post_step(
        signed_in, draft, "support", {**SUPPORT, "0-tried": "Makaton signing"}, "?change=1"
    )
    assert response.status_code == 302
    page = _text(signed_in.get(step_url(draft, "check")))
    assert "Cycle 1: what was tried Makaton signing" in page
    assert "Small group language sessions" not in page


def test_a_known_childs_name_is_read_afresh_on_check_your_answers(signed_in, draft, world):
    walk_to_check(signed_in, draft, child={"child": str(world.child_a.pk)})
    world.child_a.first_name = "Amarachi"
    world.child_a.save()
    page = _text(signed_in.get(step_url(draft, "check")))
    assert "Amarachi Okafor" in page


def test_check_your_answers_shows_a_cycle_not_reviewed_yet(signed_in, draft):
    support = {
        key: value
        for key, value in SUPPORT.items()
        if not key.startswith(("0-reviewed_on", "0-outcome"))
    }
    for step, fields in [
        ("child", CHILD_NEW),
        ("development", DEVELOPMENT),
        ("support", support),
        ("checks", CHECKS),
        ("health_family", HEALTH_FAMILY),
        ("family", FAMILY),
    ]:
        assert post_step(signed_in, draft, step, fields).status_code == 302, step
    page = _text(signed_in.get(step_url(draft, "check")))
    assert "Cycle 1: plan reviewed Not given" in page
    assert "Cycle 1: outcome at review Not reviewed yet" in page


# --- sections, not "step N of M" --------------------------------------------------------------


def _caption(response) -> str:
    page = response.content.decode()
    match = re.search(r'<span class="govuk-caption-l">(.*?)</span>\s*<h1', page)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_pages_name_their_section_and_never_count_steps(signed_in, draft, world):
    post_step(signed_in, draft, "child", CHILD_NEW)
    assert _caption(signed_in.get(step_url(draft, "development"))).startswith("Development")
    walk_to_check(signed_in, draft, health={**HEALTH_FAMILY, "family_circumstances": "yes"})
    # Early help added a step: the family page reads the same as it would without it.
    family = signed_in.get(step_url(draft, "family"))
    assert _caption(family).startswith("The family")
    assert "concern about Zara Ahmed" in _caption(family)
    for step in ("child", "development", "support", "checks", "health_family", "early_help"):
        text = _text(signed_in.get(step_url(draft, step)))
        assert not re.search(r"step \d+ of \d+", text, re.IGNORECASE), step
    assert _caption(signed_in.get(step_url(draft, "early_help"))).startswith("Health and family")
    assert post_step(signed_in, draft, "early_help", EARLY_HELP).status_code == 302


# --- the family step offers the child's contacts ----------------------------------------------


@pytest.fixture
def child_with_contacts(world):
    child = world.child_a
    mother = FamilyContactFactory(child=child, name="Grace Okafor", mobile_phone="+447700900111")
    FamilyContactFactory(
        child=child,
        name="Not The Family",
        is_primary=False,
        confirmation=FamilyContact.Confirmation.REJECTED,
    )
    return child, mother


def _family_with(contact: str, **extra) -> dict:
    fields = {k: v for k, v in FAMILY.items() if k not in ("consent_given_by", "relationship")}
    return {**fields, "contact": contact, **extra}


def test_family_step_offers_the_childs_contacts_but_not_a_rejected_one(
    signed_in, draft, child_with_contacts
):
    child, _ = child_with_contacts
    walk_to_family = [
        ("child", {"child": str(child.pk)}),
        ("development", DEVELOPMENT),
        ("support", SUPPORT),
        ("checks", CHECKS),
        ("health_family", HEALTH_FAMILY),
    ]
    for step, fields in walk_to_family:
        assert post_step(signed_in, draft, step, fields).status_code == 302, step
    page = _text(signed_in.get(step_url(draft, "family")))
    assert "Who gave consent?" in page
    assert "Grace Okafor (mother)" in page and "Someone else" in page
    assert "Not The Family" not in page


def _walk_existing(client, draft, child, family) -> None:
    walk_to_check(client, draft, child={"child": str(child.pk)}, family=family)


def test_choosing_an_existing_contact_adds_no_new_one(signed_in, draft, child_with_contacts):
    child, mother = child_with_contacts
    before = FamilyContact.objects.count()
    _walk_existing(signed_in, draft, child, _family_with(str(mother.pk)))
    page = _text(signed_in.get(step_url(draft, "check")))
    assert "Who gave consent? Grace Okafor (mother)" in page
    post_step(signed_in, draft, "check", {})
    referral = Referral.objects.get()
    assert FamilyContact.objects.count() == before
    assert referral.consent_given_by == "Grace Okafor"
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.to_contact_id == mother.pk


def test_someone_else_adds_a_new_contact(signed_in, draft, child_with_contacts):
    child, _ = child_with_contacts
    before = FamilyContact.objects.count()
    family = _family_with("new", consent_given_by="Ifeoma Okafor", relationship="grandparent")
    _walk_existing(signed_in, draft, child, family)
    post_step(signed_in, draft, "check", {})
    assert FamilyContact.objects.count() == before + 1
    added = FamilyContact.objects.get(name="Ifeoma Okafor")
    assert added.child == child and added.relationship == "grandparent"


def test_someone_else_needs_a_name_and_relationship(signed_in, draft, child_with_contacts):
    child, _ = child_with_contacts
    for step, fields in [
        ("child", {"child": str(child.pk)}),
        ("development", DEVELOPMENT),
        ("support", SUPPORT),
        ("checks", CHECKS),
        ("health_family", HEALTH_FAMILY),
    ]:
        post_step(signed_in, draft, step, fields)
    response = post_step(signed_in, draft, "family", _family_with("new"))
    assert response.status_code == 200
    page = _text(response)
    assert "There is a problem" in page
    assert "Enter the name of the parent or carer who gave consent" in page
    assert "Select their relationship to the child" in page
    response = post_step(signed_in, draft, "family", _family_with(""))
    assert "Select who gave consent, or someone else" in _text(response)


def test_another_childs_contact_cannot_be_posted(signed_in, draft, world, child_with_contacts):
    child, _ = child_with_contacts
    other = FamilyContactFactory(child=world.child_b, name="Someone Elsewhere")
    for step, fields in [
        ("child", {"child": str(child.pk)}),
        ("development", DEVELOPMENT),
        ("support", SUPPORT),
        ("checks", CHECKS),
        ("health_family", HEALTH_FAMILY),
    ]:
        post_step(signed_in, draft, step, fields)
    response = post_step(signed_in, draft, "family", _family_with(str(other.pk)))
    assert response.status_code == 200 and "There is a problem" in _text(response)
    assert not Referral.objects.exists()


def test_a_new_child_has_no_contact_question(signed_in, draft):
    walk_to_check(signed_in, draft)
    assert "Who gave consent?" not in _text(signed_in.get(step_url(draft, "family")))


# --- after the response, and the cache (issue 18) ---------------------------------------------


def test_work_left_until_after_the_response_runs_when_it_has_been_sent():
    done = []
    request_started.send(sender=None)
    try:
        after_response(lambda: done.append("refreshed"))
        assert done == []  # the response has not gone yet
    finally:
        request_finished.send(sender=None)
    assert done == ["refreshed"]
    after_response(lambda: done.append("now"))  # no request: at once
    assert done == ["refreshed", "now"]


def test_planning_figures_are_ready_when_the_submission_has_been_answered(
    signed_in, draft, django_capture_on_commit_callbacks, celery_eager
):
    walk_to_check(signed_in, draft)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(signed_in, draft, "check", {})
    assert NeedFigure.objects.exists()


def test_signposting_is_cached_until_a_page_changes(db):
    places = Places()
    ward = places.wards[0]
    make_service(places, "Chatter group", area=ward, needs=("communication_interaction",))
    first = guidance.signposting(30, ["communication_interaction"], ward)
    assert [s.title for s in first] == ["Chatter group"]
    with CaptureQueriesContext(connection) as cached:
        again = guidance.signposting(30, ["communication_interaction"], ward)
    assert [s.title for s in again] == ["Chatter group"]
    assert len(cached) == 0  # the list as shown was remembered
    make_service(places, "Another chatter group", area=ward, needs=("communication_interaction",))
    titles = {s.title for s in guidance.signposting(30, ["communication_interaction"], ward)}
    assert titles == {"Chatter group", "Another chatter group"}


def test_a_new_child_with_siblings_contacts_is_not_offered_them(signed_in, draft, world):
    sibling = ChildFactory(setting=world.setting_a, first_name="Sibling", last_name="Okafor")
    FamilyContactFactory(child=sibling, name="Grace Okafor")
    walk_to_check(signed_in, draft)
    assert "Grace Okafor" not in _text(signed_in.get(step_url(draft, "family")))


def test_an_empty_question_is_rendered_once_and_the_same_as_before():
    _EMPTY_FIELDS.clear()
    form = PrimeAreasForm(prefix="development")
    first = str(form)
    assert _EMPTY_FIELDS  # kept for the next request
    assert str(PrimeAreasForm(prefix="development")) == first
    # Each question reads exactly as Django's own rendering of it would.
    assert all(GovukBoundField.as_field_group(form[name]) in first for name in form.fields)


def test_answers_and_errors_are_never_served_from_the_empty_questions():
    str(PrimeAreasForm(prefix="development"))
    bound = PrimeAreasForm(
        prefix="development", data={"development-communication_language_evidence": "Says 5 words"}
    )
    bound.is_valid()
    html = str(bound)
    assert "Says 5 words" in html
    assert "Select whether there is a concern about communication and language" in html
