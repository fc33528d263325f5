"""Claiming, allocation, decisions with reasons, questions to settings and inclusion funding."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import OutboxMessage, Role
from pathway.casework import services as casework
from pathway.casework.selectors import caseloads, funding_totals
from pathway.models import (
    Decision,
    EarlyHelpHandoff,
    FundingAward,
    FundingBudget,
    InformationRequest,
    Referral,
    ReferralEvent,
    ReferralRoute,
)
from tests.factories import UserFactory

TODAY = datetime.date(2026, 11, 23)


def funding_post(**extra):
    data = {
        "kind": "funding",
        "reason": "Needs a key person for small-group work",
        "amount": "1200.00",
        "hours_per_week": "5",
        "starts_on_day": "1",
        "starts_on_month": "12",
        "starts_on_year": "2026",
        "ends_on_day": "31",
        "ends_on_month": "3",
        "ends_on_year": "2027",
        "review_on_day": "1",
        "review_on_month": "2",
        "review_on_year": "2027",
    }
    data.update(extra)
    return data


# Claiming and allocation ----------------------------------------------------------------------


def test_an_officer_claims_and_a_second_is_told_who_has_it(client, world, make_referral):
    referral = make_referral()
    other = UserFactory(role=Role.SEND_OFFICER, first_name="Priya", last_name="Shah")
    client.force_login(other)
    client.post(reverse("claim-referral", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.allocated_to == other
    assert referral.status == Referral.Status.IN_TRIAGE
    assert referral.events.filter(kind=ReferralEvent.Kind.CLAIMED, actor=other).exists()
    client.force_login(world.send_officer)
    response = client.post(reverse("claim-referral", args=[referral.pk]), follow=True)
    assert "already been claimed by Priya Shah" in response.content.decode()
    referral.refresh_from_db()
    assert referral.allocated_to == other


def test_claiming_is_refused_outside_the_send_team(client, world, make_referral):
    referral = make_referral()
    for name in ("practitioner_a", "portage_a", "planner", "early_help", "professional"):
        client.force_login(getattr(world, name))
        assert client.post(reverse("claim-referral", args=[referral.pk])).status_code in (403, 404)
    referral.refresh_from_db()
    assert referral.allocated_to is None


def test_a_decided_referral_cannot_be_claimed(world, make_referral):
    referral = make_referral()
    casework.decide(referral, "close", by=world.send_officer, reason="Duplicate")
    with pytest.raises(casework.CaseworkError, match="already been decided"):
        casework.claim(referral, world.send_manager)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("postgresql" not in connection.vendor, reason="row-level races need PostgreSQL")
def test_simultaneous_claims_give_exactly_one_owner(world, make_referral):
    referral = make_referral()
    officers = [UserFactory(role=Role.SEND_OFFICER) for _ in range(12)]
    barrier = threading.Barrier(len(officers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(officer):
        try:
            barrier.wait()
            try:
                casework.claim(Referral.objects.get(pk=referral.pk), officer)
                result = "won"
            except casework.AlreadyClaimed:
                result = "told"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["told"] * 11 + ["won"]
    referral.refresh_from_db()
    assert referral.allocated_to in officers
    assert referral.events.filter(kind=ReferralEvent.Kind.CLAIMED).count() == 1


def test_a_manager_allocates_and_reallocates(client, world, make_referral):
    referral = make_referral()
    first = world.send_officer
    second = UserFactory(role=Role.SEND_OFFICER)
    client.force_login(world.send_manager)
    url = reverse("allocate-referral", args=[referral.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"officer": first.pk, "reason": "Knows the setting"})
    client.post(url, {"officer": second.pk, "reason": "Balancing caseloads"})
    referral.refresh_from_db()
    assert referral.allocated_to == second
    events = list(referral.events.filter(kind=ReferralEvent.Kind.ALLOCATED))
    assert events[-1].summary.startswith("Re-allocated from")
    assert events[-1].detail["reason"] == "Balancing caseloads"
    response = client.post(url, {"officer": second.pk})
    assert "already allocated" in response.content.decode()
    assert client.post(url, {"officer": world.practitioner_a.pk}).status_code == 200
    referral.refresh_from_db()
    assert referral.allocated_to == second
    rows = {row["officer"]: row for row in caseloads(world.send_manager, TODAY)}
    assert rows[second]["total"] == 1


def test_only_managers_allocate(client, world, make_referral):
    referral = make_referral()
    client.force_login(world.send_officer)
    assert client.get(reverse("allocate-referral", args=[referral.pk])).status_code == 403
    with pytest.raises(casework.CaseworkError):
        casework.allocate(referral, world.send_officer, by=world.send_officer)


# Decisions ------------------------------------------------------------------------------------


def test_accepting_records_who_when_what_why_and_tells_the_family(client, world, make_referral):
    referral = make_referral(sms_consent=True)
    client.force_login(world.send_officer)
    url = reverse("decide-referral", args=[referral.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kind": "accept", "routes": ["send_team"], "reason": "Severe delay in talking"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    decision = Decision.objects.get(referral=referral)
    assert (decision.kind, decision.decided_by, decision.reason) == (
        "accept",
        world.send_officer,
        "Severe delay in talking",
    )
    event = referral.events.get(kind=ReferralEvent.Kind.DECISION)
    assert event.actor == world.send_officer and event.detail["reason"] == decision.reason
    assert referral.clocks.get(policy__key="triage").stopped_by == decision
    message = OutboxMessage.objects.get(template="referral_decided_family")
    assert referral.reference in message.context["reference"]
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "Severe delay in talking" in page


def test_rerouting_overrides_the_rules_with_a_reason(world, make_referral):
    referral = make_referral()
    assert referral.routes == ["send_team"]
    with pytest.raises(casework.CaseworkError, match="must change the route"):
        casework.decide(
            referral, "reroute", by=world.send_officer, reason="x", routes=["send_team"]
        )
    casework.decide(
        referral,
        "reroute",
        by=world.send_officer,
        reason="The family's needs are wider than the child's",
        routes=["early_help"],
    )
    referral.refresh_from_db()
    assert referral.routes == ["early_help"]
    route = ReferralRoute.objects.get(referral=referral)
    assert (route.route, route.decided_by_rules) == ("early_help", False)
    assert EarlyHelpHandoff.objects.filter(referral=referral).exists()


def test_asking_the_setting_and_the_setting_answering(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    client.force_login(world.send_officer)
    client.post(
        reverse("decide-referral", args=[referral.pk]),
        {
            "kind": "more_information",
            "reason": "Need the review",
            "question": "What did the last review of the support plan show?",
        },
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MORE_INFORMATION
    question = InformationRequest.objects.get(referral=referral)
    # the setting sees and answers it
    client.force_login(world.practitioner_a)
    listing = client.get(reverse("information-requests")).content.decode()
    assert "last review of the support plan" in listing
    answer_url = reverse("answer-information-request", args=[question.pk])
    response = client.post(answer_url, {"answer": ""})
    assert "Enter your answer" in response.content.decode()
    client.post(answer_url, {"answer": "Some progress with Makaton signs"})
    referral.refresh_from_db()
    question.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE
    assert question.answered_by == world.practitioner_a
    assert referral.events.filter(kind=ReferralEvent.Kind.INFORMATION_GIVEN).exists()
    # another setting cannot see or answer it
    client.force_login(world.practitioner_b)
    assert client.get(answer_url).status_code == 404
    assert "support plan" not in client.get(reverse("information-requests")).content.decode()
    for name in ("portage_a", "planner", "early_help", "professional"):
        client.force_login(getattr(world, name))
        assert client.get(answer_url).status_code in (403, 404), name
        assert client.get(reverse("information-requests")).status_code in (403, 404), name


def test_funding_award_and_running_totals_against_budget(client, world, make_referral):
    FundingBudget.objects.create(financial_year=2026, amount=Decimal("2000"))
    FundingBudget.objects.create(
        financial_year=2026, area=world.setting_a.area, amount=Decimal("1000")
    )
    referral = make_referral()
    client.force_login(world.send_officer)
    response = client.post(reverse("decide-referral", args=[referral.pk]), funding_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    award = FundingAward.objects.get()
    assert (award.amount, award.financial_year, award.setting) == (
        Decimal("1200.00"),
        2026,
        world.setting_a,
    )
    second = make_referral(world.child_b)
    casework.decide(
        second,
        "funding",
        by=world.send_officer,
        reason="Sensory support",
        funding=casework.FundingTerms(
            Decimal("300"),
            Decimal("2"),
            datetime.date(2027, 1, 4),
            datetime.date(2027, 3, 26),
            datetime.date(2027, 2, 1),
        ),
    )
    totals = funding_totals(world.send_officer, 2026)
    assert totals["county"].awarded == Decimal("1500")
    assert totals["county"].remaining == Decimal("500")
    area_a = next(line for line in totals["areas"] if line.label == world.setting_a.area.name)
    assert area_a.over_budget and area_a.remaining == Decimal("-200")
    page = client.get(reverse("funding"), {"year": "2026"}).content.decode()
    assert "Over by £200.00" in page
    assert "£1,500.00" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": ""}, "Enter the funding amount"),
        ({"amount": "lots"}, "Enter the amount as a number of pounds"),
        ({"review_on_month": "6"}, "The review date must fall within the funded period"),
        ({"ends_on_year": "2025"}, "The end date must be on or after the start date"),
        ({"hours_per_week": "100"}, "Ensure this value is less than or equal to 60"),
        ({"reason": ""}, "Enter the reason for the decision"),
    ],
)
def test_bad_funding_is_reported_and_nothing_saved(client, world, make_referral, changes, message):
    referral = make_referral()
    client.force_login(world.send_officer)
    response = client.post(reverse("decide-referral", args=[referral.pk]), funding_post(**changes))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body
    assert not Decision.objects.exists() and not FundingAward.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_signpost_and_close_end_the_referral(world, make_referral):
    signposted = make_referral()
    casework.decide(signposted, "signpost", by=world.send_officer, reason="Stay and play first")
    signposted.refresh_from_db()
    assert signposted.status == Referral.Status.CLOSED
    assert signposted.routes == ["local_offer"]
    closed = make_referral(world.child_b)
    casework.decide(closed, "close", by=world.send_officer, reason="Moved out of the county")
    closed.refresh_from_db()
    assert closed.outcome == "Closed with no further action"
    with pytest.raises(casework.CaseworkError, match="cannot"):
        casework.decide(closed, "accept", by=world.send_officer, reason="x", routes=["send_team"])


def test_ehc_decisions_stop_the_statutory_clocks(world, make_referral):
    referral = make_referral(ehc=True)
    assert "ehc_assess" in casework.decisions_open_to(referral)
    casework.decide(referral, "ehc_assess", by=world.send_manager, reason="Evidence of need")
    clocks = {c.policy.key: c for c in referral.clocks.select_related("policy")}
    assert clocks["ehc-assessment-decision"].stopped_at is not None
    assert clocks["ehc-final-plan"].stopped_at is None
    assert clocks["triage"].stopped_at is None
    referral.refresh_from_db()
    assert casework.decisions_open_to(referral)[-1] == "ehc_plan_issued"
    casework.decide(referral, "ehc_plan_issued", by=world.send_manager, reason="Plan agreed")
    assert referral.clocks.get(policy__key="ehc-final-plan").stopped_at is not None


def test_decisions_are_for_the_send_team_only(client, world, make_referral):
    referral = make_referral()
    url = reverse("decide-referral", args=[referral.pk])
    for name in (
        "practitioner_a",
        "practitioner_b",
        "portage_a",
        "portage_b",
        "planner",
        "early_help",
        "professional",
        "trainer",
    ):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code in (403, 404), name
        assert client.post(url, {"kind": "close", "reason": "x"}).status_code in (403, 404)
    with pytest.raises(casework.CaseworkError):
        casework.decide(referral, "close", by=world.practitioner_a, reason="x")
    assert not Decision.objects.exists()


def test_case_notes_go_on_the_timeline(client, world, make_referral):
    referral = make_referral()
    client.force_login(world.send_officer)
    client.post(reverse("add-case-note", args=[referral.pk]), {"text": "Rang the SENCO"})
    assert referral.events.filter(kind=ReferralEvent.Kind.NOTE, summary="Rang the SENCO").exists()
    client.force_login(world.practitioner_a)
    assert (
        client.post(reverse("add-case-note", args=[referral.pk]), {"text": "x"}).status_code == 403
    )


def test_the_child_page_shows_the_decision_history(client, world, make_referral):
    referral = make_referral()
    casework.decide(referral, "close", by=world.send_officer, reason="Needs met in the setting")
    client.force_login(world.practitioner_a)
    page = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert "Close with no further action" in page


def test_pages_render_for_the_team(client, world, make_referral):
    make_referral()
    client.force_login(world.send_manager)
    for name in ("caseloads", "funding", "triage-queue"):
        assert client.get(reverse(name)).status_code == 200
    client.force_login(world.planner)
    for name in ("caseloads", "funding"):
        assert client.get(reverse(name)).status_code == 403
    assert timezone.localdate()


def test_the_referral_page_shows_the_early_help_answers(client, world):
    from django.db import transaction

    from pathway.services import create_referral

    with transaction.atomic():
        referral = create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={
                "health_family": {"family_circumstances": True},
                "early_help": {
                    "needs": ["housing"],
                    "details": "Temporary flat",
                    "family_agrees": True,
                },
            },
            setting=world.setting_a,
            notify=False,
        )
    client.force_login(world.practitioner_a)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "What the family might need help with" in page and "Housing" in page


def test_the_routing_result_signposts_matching_local_offer_services(client, world, make_referral):
    from cms import services as local_offer
    from tests.cms.helpers import service_data

    index = local_offer.ensure_local_offer_index()
    area = world.child_a.area
    local_offer.save_service(service_data("Chatter group", area=area), index)
    local_offer.save_service(
        service_data("Wheels club", area=area, needs=("sensory_physical",)), index
    )
    referral = make_referral()  # a severe communication concern
    client.force_login(world.practitioner_a)
    for name in ("referral-confirmation", "referral-detail"):
        page = client.get(reverse(name, args=[referral.pk])).content.decode()
        assert "Services in the local offer that may help now" in page
        assert "Chatter group" in page
        assert "Wheels club" not in page


def test_sharing_page_withdraws_consent_and_records_a_lawful_basis(client, world):
    from django.db import transaction

    from pathway.models import SharingOverride
    from pathway.services import create_referral

    with transaction.atomic():
        referral = create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=world.setting_a,
            consent={"share_with": ["send_team", "portage"]},
            notify=False,
        )
    url = reverse("referral-sharing", args=[referral.pk])
    client.force_login(world.portage_a)
    detail = reverse("referral-detail", args=[referral.pk])
    assert client.get(detail).status_code == 200
    # the setting records the family's withdrawal; an empty reason is explained first
    client.force_login(world.practitioner_a)
    response = client.post(url, {"action": "withdraw", "withdraw-service": "portage"})
    assert "Enter the reason" in response.content.decode()
    client.post(
        url,
        {"action": "withdraw", "withdraw-service": "portage", "withdraw-reason": "Dad phoned"},
    )
    from pathway.access.consent import consent_given

    assert not consent_given(referral.child, "portage")  # the child's consent, in one place
    assert consent_given(referral.child, "send_team")
    assert referral.events.filter(kind=ReferralEvent.Kind.CONSENT).exists()
    client.force_login(world.portage_a)
    assert client.get(detail).status_code == 404
    # an officer cannot share without consent; a manager can, with a reason
    client.force_login(world.send_officer)
    assert "Share on a lawful basis" not in client.get(url).content.decode()
    assert (
        client.post(url, {"action": "override", "override-service": "portage"}).status_code == 403
    )
    client.force_login(world.send_manager)
    client.post(
        url,
        {
            "action": "override",
            "override-service": "portage",
            "override-reason": "Section 47 enquiry",
        },
    )
    assert SharingOverride.objects.filter(referral=referral, service="portage").exists()
    client.force_login(world.portage_a)
    assert client.get(detail).status_code == 200
    for name in ("practitioner_b", "portage_a", "planner", "early_help", "professional"):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code in (403, 404), name


def test_a_portage_worker_sees_the_request_they_sent_whatever_was_shared(client, world):
    from django.db import transaction

    from pathway.services import create_referral

    with transaction.atomic():
        referral = create_referral(
            child=world.child_a,
            source=Referral.Source.PARENT_REQUEST,
            submitted_by=world.portage_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            consent={"share_with": ["send_team"]},
            notify=False,
        )
    client.force_login(world.portage_a)
    assert client.get(reverse("referral-confirmation", args=[referral.pk])).status_code == 200
    client.force_login(world.portage_b)
    assert client.get(reverse("referral-confirmation", args=[referral.pk])).status_code == 404
