"""The access layer and a family identity (issue 21): a family reaches exactly their own linked
children through `family_children_for`, and nothing through any other access function."""

from __future__ import annotations

import inspect

import pytest
from django.db.models import QuerySet
from django.http import Http404

import earlyyears.access as core_access
import pathway.access as pathway_access
import pathway.access.ehc
import pathway.access.funds
import pathway.access.plans
from earlyyears.access import FamilyIdentity, children_for, family_children_for
from earlyyears.models import Child, FamilyContact
from pathway.access import families as family_access
from pathway.families import services

ACCESS_MODULES = [
    core_access,
    pathway_access,
    pathway.access.ehc,
    pathway.access.funds,
    pathway.access.plans,
]
# Functions that answer for a family by design (their own children), or take no identity.
FAMILY_FUNCTIONS = {"family_children_for", "open_family_links", "family_may_see", "is_family"}


def _public_functions():
    for module in ACCESS_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if name in FAMILY_FUNCTIONS:
                continue
            yield module.__name__, name, function


def _call(function, identity, world):
    """Call with the family identity in the user's place; ids and records are child A's."""
    arguments = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.default is not inspect.Parameter.empty or parameter.kind in (
            parameter.VAR_KEYWORD,
            parameter.VAR_POSITIONAL,
        ):
            continue
        name = parameter.name
        if name == "user":
            arguments.append(identity)
        elif name == "child":
            arguments.append(world.child_a)
        elif name.endswith("_id"):
            arguments.append(world.child_a.pk)
        elif name in ("service",):
            arguments.append("portage")
        elif name == "requests":
            from pathway.models import AdviceRequest

            arguments.append(AdviceRequest.objects.all())
        else:
            pytest.skip(f"{function.__name__}: do not know how to call with {name}")
    return function(*arguments)


@pytest.fixture
def records_of_child_a(world):
    """A record of each common kind about child A, so a function that leaked would show it."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from earlyyears.models import OutboxMessage
    from pathway.models import Observation, PortageVisit, Referral, TacAction, TacMeeting
    from pathway.services import create_referral

    today = timezone.localdate()
    with transaction.atomic():
        create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_a,
            consent={"consent_given_by": "Grace", "share_with": ["send_team", "portage"]},
            notify=False,
        )
    Observation.objects.create(
        child=world.child_a,
        setting=world.setting_a,
        eyfs_area="communication_language",
        observed_on=today,
        what_was_seen="Pointed",
        observer=world.practitioner_a,
    )
    meeting = TacMeeting.objects.create(
        child=world.child_a, held_on=today, created_by=world.send_officer
    )
    TacAction.objects.create(
        meeting=meeting,
        child=world.child_a,
        description="Visual timetable",
        owner=world.practitioner_a,
        due_on=today + datetime.timedelta(days=7),
    )
    PortageVisit.objects.create(
        child=world.child_a, worker=world.portage_a, visited_on=today, goals="g", progress="p"
    )
    OutboxMessage.objects.create(
        idempotency_key="leak-check", channel="sms", template="x", child=world.child_a
    )


def test_every_public_access_function_gives_a_family_nothing(world, family_a, records_of_child_a):
    family = FamilyIdentity(member_id=family_a.member.pk)
    assert list(family_children_for(family)) == [world.child_a]
    checked = []
    for module, name, function in _public_functions():
        params = inspect.signature(function).parameters
        if "user" not in params:
            continue  # about a record, not a person (tac_team, shared_with)
        try:
            result = _call(function, family, world)
        except Http404:
            checked.append(name)
            continue
        if isinstance(result, QuerySet):
            assert not result.exists(), f"{module}.{name} gave a family {list(result)[:3]}"
        else:
            assert not result, f"{module}.{name} gave a family {result!r}"
        checked.append(name)
    assert {"children_for", "child_for", "referrals_for", "observations_for"} <= set(checked)
    assert {"tac_meetings_for", "messages_for", "settings_for", "can_see_child_records"} <= set(
        checked
    )


def test_staff_functions_are_untouched_by_a_family_identity(world, family_a):
    assert children_for(FamilyIdentity(member_id=family_a.member.pk)).count() == 0
    assert world.child_a in children_for(world.send_officer)


def test_one_person_several_children_and_two_people_one_child(world, make_family):
    mother = make_family()
    make_family(child=world.child_b, phone="+447700900001", member=mother.member)
    father = make_family(name="Obi Okafor", phone="+447700900002")
    assert set(family_children_for(FamilyIdentity(mother.member.pk))) == {
        world.child_a,
        world.child_b,
    }
    assert list(family_children_for(FamilyIdentity(father.member.pk))) == [world.child_a]


@pytest.mark.parametrize(
    "change",
    [
        {"do_not_contact": True},
        {"court_order": True},
        {"has_parental_responsibility": False},
        {"confirmation": FamilyContact.Confirmation.REJECTED},
        {"confirmation": FamilyContact.Confirmation.UNCONFIRMED},
    ],
)
def test_a_flagged_or_withdrawn_contact_ends_access_at_once(world, family_a, change):
    family = FamilyIdentity(family_a.member.pk)
    FamilyContact.objects.filter(pk=family_a.contact.pk).update(**change)
    assert family_children_for(family).count() == 0
    with pytest.raises(Http404):
        family_access.family_child_for(family, world.child_a.pk)


def test_a_removed_contact_an_ended_link_a_block_and_a_merge_end_access(world, make_family):
    removed, ended, blocked, merged = (
        make_family(phone=f"+44770090010{i}", name=f"Parent {i}") for i in range(4)
    )
    removed.contact.delete()
    assert family_children_for(FamilyIdentity(removed.member.pk)).count() == 0
    services.end_link(ended.link, by=world.send_officer, reason="Moved away")
    assert family_children_for(FamilyIdentity(ended.member.pk)).count() == 0
    # the last two share child A: block it, then lift the block
    services.block_family_access(world.child_a, by=world.send_officer, reason="Safeguarding")
    assert family_children_for(FamilyIdentity(blocked.member.pk)).count() == 0
    services.lift_block(world.child_a, by=world.send_officer)
    assert family_children_for(FamilyIdentity(blocked.member.pk)).count() == 1
    Child.objects.filter(pk=world.child_a.pk).update(record_status=Child.RecordStatus.MERGED)
    assert family_children_for(FamilyIdentity(merged.member.pk)).count() == 0


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"do_not_contact": True}, "do not contact"),
        ({"court_order": True}, "court order"),
        ({"has_parental_responsibility": False}, "parental responsibility"),
        ({"confirmation": FamilyContact.Confirmation.UNCONFIRMED}, "not been checked"),
        ({"sms_consent": False}, "agreed to text"),
    ],
)
def test_no_link_is_made_for_a_flagged_contact(world, extra, problem):
    from .conftest import make_contact

    contact = make_contact(world.child_a, "Dad", "+447700900003", **extra)
    with pytest.raises(services.FamilyError, match=problem):
        services.link_contact(contact, by=world.send_officer)


def test_a_matching_phone_never_joins_a_member_by_itself(world, make_family):
    mother = make_family()
    other = make_family(child=world.child_b, phone="+447700900001", name="Grace Okafor")
    assert other.member.pk != mother.member.pk  # the SEND team did not choose to join them
    assert list(family_children_for(FamilyIdentity(mother.member.pk))) == [world.child_a]
