"""Undoing a mistaken claim or allocation: whoever made it, or a SEND manager, with a reason on
the timeline; anyone else is refused, and nothing changes when it is refused."""

import pytest
from django.urls import reverse

from earlyyears.models import Role
from pathway import timeline
from pathway.casework import services as casework
from pathway.casework.selectors import undoable_allocation
from pathway.models import Referral, ReferralEvent
from tests.factories import UserFactory


def _undo_url(referral):
    return reverse("undo-allocation", args=[referral.pk])


def test_the_officer_undoes_their_own_claim_with_a_reason(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    client.force_login(world.send_officer)
    detail = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "Undo this claim" in detail

    page = client.get(_undo_url(referral))
    assert page.status_code == 200
    response = client.post(_undo_url(referral), {"reason": "Claimed the wrong child"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.allocated_to is None
    assert referral.allocated_at is None
    assert referral.status == Referral.Status.SUBMITTED
    undo = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert undo.actor == world.send_officer
    assert undo.detail["undo"] == timeline.CLAIM_UNDONE
    assert undo.detail["reason"] == "Claimed the wrong child"
    assert undo.summary.startswith("Claim by ")
    detail = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "Reason: Claimed the wrong child" in detail
    assert "Undo this claim" not in detail  # an undo is not undone
    # and the referral can be claimed again
    casework.claim(referral, world.send_manager)


def test_a_reason_is_required_and_nothing_changes_without_one(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    client.force_login(world.send_officer)
    response = client.post(_undo_url(referral), {"reason": "   "})
    assert response.status_code == 200
    assert "Enter why it was a mistake" in response.content.decode()
    referral.refresh_from_db()
    assert referral.allocated_to == world.send_officer


def test_another_officer_may_not_undo_a_claim(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    other = UserFactory(role=Role.SEND_OFFICER, username="other.officer")
    client.force_login(other)
    assert (
        "Undo this claim"
        not in client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    )
    assert client.get(_undo_url(referral)).status_code == 403
    assert client.post(_undo_url(referral), {"reason": "Mine now"}).status_code == 403
    with pytest.raises(casework.CaseworkError):
        casework.undo_allocation(referral, by=other, reason="Mine now")
    referral.refresh_from_db()
    assert referral.allocated_to == world.send_officer


@pytest.mark.parametrize("who", ["practitioner_a", "practitioner_b", "planner", "portage_a"])
def test_outside_the_send_team_undo_is_refused(client, world, make_referral, who):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    client.force_login(getattr(world, who))
    assert client.post(_undo_url(referral), {"reason": "x"}).status_code in (403, 404)
    referral.refresh_from_db()
    assert referral.allocated_to == world.send_officer


def test_a_manager_undoes_an_officers_claim(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    client.force_login(world.send_manager)
    response = client.post(_undo_url(referral), {"reason": "Officer is on leave"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.allocated_to is None


def test_undoing_a_reallocation_gives_the_referral_back(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    other = UserFactory(role=Role.SEND_OFFICER, username="other.officer", first_name="Omar")
    casework.allocate(referral, other, by=world.send_manager, reason="Balance")
    claimed_at = ReferralEvent.objects.get(referral=referral, kind="claimed").at
    client.force_login(world.send_manager)
    assert (
        "Undo this allocation"
        in client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    )
    response = client.post(_undo_url(referral), {"reason": "Wrong officer"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.allocated_to == world.send_officer
    assert referral.allocated_at == claimed_at
    undo = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert undo.detail["undo"] == timeline.ALLOCATION_UNDONE
    assert undo.detail["officer"] == world.send_officer.pk
    assert undo.detail["previous"] == other.pk
    assert "back to" in undo.summary


def test_the_officer_given_a_referral_may_not_undo_the_managers_allocation(
    client, world, make_referral
):
    referral = make_referral()
    casework.allocate(referral, world.send_officer, by=world.send_manager)
    client.force_login(world.send_officer)
    assert client.post(_undo_url(referral), {"reason": "Not mine"}).status_code == 403


def test_nothing_to_undo_once_decided_or_never_claimed(client, world, make_referral):
    never = make_referral()
    decided = make_referral(world.child_b)
    casework.claim(decided, world.send_officer)
    casework.decide(decided, "close", by=world.send_officer, reason="Already known")
    client.force_login(world.send_officer)
    assert undoable_allocation(never) is None
    assert client.get(_undo_url(never)).status_code == 404
    decided.refresh_from_db()
    assert undoable_allocation(decided) is None
    assert client.post(_undo_url(decided), {"reason": "x"}).status_code == 404


def test_a_claim_superseded_by_an_allocation_is_not_undone(world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    other = UserFactory(role=Role.SEND_OFFICER, username="other.officer")
    casework.allocate(referral, other, by=world.send_manager)
    with pytest.raises(casework.CaseworkError):
        casework.undo_allocation(referral, by=world.send_officer, reason="Oops")
