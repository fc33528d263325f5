"""Early help hand-off: the coordinator's list, the referral pack (page, JSON, PDF), acceptance
and outcome, and who may see any of it."""

from __future__ import annotations

import datetime
import json
import re
import zlib

import jsonschema
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import FamilyContact, Role
from pathway.early_help import services as early_help
from pathway.models import EarlyHelpHandoff, Referral, ReferralEvent, ShareWith
from pathway.services import create_referral
from pathway.views import REFERRAL_SECTIONS
from tests.factories import ChildFactory, UserFactory

Status = EarlyHelpHandoff.Status

FAMILY_ANSWERS = {
    "development": {"communication_language": {"level": "significant", "evidence": "Few words"}},
    "health_family": {
        "diagnoses": "Glue ear",
        "ehc_assessment_requested": False,
        "family_circumstances": True,
    },
    "early_help": {
        "needs": ["housing", "isolation"],
        "details": "Mum is moving between relatives' homes.",
        "family_agrees": True,
    },
    "family": {"family_views": "We want help with his talking and with somewhere to live."},
}


@pytest.fixture
def family_referral(world):
    """A referral from setting A routed to early help, with consent and two contacts."""

    def make(child=None, *, days_ago: int = 0, share_with=None) -> Referral:
        child = child or world.child_a
        with transaction.atomic():
            referral = create_referral(
                child=child,
                source=Referral.Source.SETTING_CONCERN,
                submitted_by=world.practitioner_a,
                answers=FAMILY_ANSWERS,
                setting=child.setting,
                submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
                consent={
                    "consent_given_by": "Grace Okafor",
                    "consent_given_on": datetime.date(2026, 3, 2),
                    "share_with": share_with
                    if share_with is not None
                    else [ShareWith.SEND_TEAM, ShareWith.EARLY_HELP],
                },
                notify=False,
            )
        return referral

    return make


@pytest.fixture
def referral(world, family_referral):
    referral = family_referral()
    FamilyContact.objects.create(
        child=world.child_a,
        name="Grace Okafor",
        relationship=FamilyContact.Relationship.MOTHER,
        mobile_phone="+447700900111",
        email="grace@example.org",
        sms_consent=True,
        is_primary=True,
    )
    FamilyContact.objects.create(
        child=world.child_a, name="Tunde Okafor", relationship=FamilyContact.Relationship.FATHER
    )
    return referral


def handoff_of(referral: Referral) -> EarlyHelpHandoff:
    return EarlyHelpHandoff.objects.get(referral=referral)


def early_help_events(referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.filter(kind=ReferralEvent.Kind.EARLY_HELP))


# Services -------------------------------------------------------------------------------------


def test_routing_to_early_help_creates_a_waiting_handoff(referral):
    assert handoff_of(referral).status == Status.AWAITING


def test_the_coordinator_accepts_with_an_event_on_the_timeline(world, referral):
    handoff = handoff_of(referral)
    early_help.respond(handoff, by=world.early_help, accept=True, reason="Known to the hub")
    handoff.refresh_from_db()
    assert handoff.status == Status.ACCEPTED
    assert handoff.coordinator == world.early_help
    assert handoff.responded_at is not None
    [event] = early_help_events(referral)
    assert event.actor == world.early_help
    assert event.summary.startswith("Accepted by early help")
    assert event.detail["reason"] == "Known to the hub"


def test_declining_needs_a_reason_and_saves_nothing_without_one(world, referral):
    handoff = handoff_of(referral)
    with pytest.raises(early_help.EarlyHelpError, match="Enter why"):
        early_help.respond(handoff, by=world.early_help, accept=False, reason="  ")
    handoff.refresh_from_db()
    assert handoff.status == Status.AWAITING
    assert early_help_events(referral) == []
    early_help.respond(handoff, by=world.early_help, accept=False, reason="Already open to CSC")
    handoff.refresh_from_db()
    assert handoff.status == Status.DECLINED
    assert handoff.response_reason == "Already open to CSC"


def test_deciding_twice_is_refused(world, referral):
    handoff = handoff_of(referral)
    early_help.respond(handoff, by=world.early_help, accept=True)
    stale = handoff_of(referral)
    stale.status = Status.AWAITING  # a second coordinator's page, loaded before the first acted
    with pytest.raises(early_help.EarlyHelpError, match="already been accepted"):
        early_help.respond(stale, by=world.early_help, accept=False, reason="No")
    assert handoff_of(referral).status == Status.ACCEPTED
    assert len(early_help_events(referral)) == 1


def test_an_outcome_needs_acceptance_first(world, referral):
    handoff = handoff_of(referral)
    with pytest.raises(early_help.EarlyHelpError, match="before recording an outcome"):
        early_help.record_outcome(
            handoff, by=world.early_help, outcome=EarlyHelpHandoff.Outcome.NO_FURTHER_ACTION
        )
    assert handoff_of(referral).status == Status.AWAITING
    assert early_help_events(referral) == []


def test_a_declined_handoff_has_no_outcome(world, referral):
    handoff = handoff_of(referral)
    early_help.respond(handoff, by=world.early_help, accept=False, reason="Not our area")
    with pytest.raises(early_help.EarlyHelpError, match="declined"):
        early_help.record_outcome(
            handoff, by=world.early_help, outcome=EarlyHelpHandoff.Outcome.FAMILY_SUPPORT
        )


def test_the_outcome_closes_the_handoff_once(world, referral):
    handoff = handoff_of(referral)
    early_help.respond(handoff, by=world.early_help, accept=True)
    early_help.record_outcome(
        handoff,
        by=world.early_help,
        outcome=EarlyHelpHandoff.Outcome.EHA_COMPLETED,
        notes="Team around the family meets monthly",
    )
    handoff.refresh_from_db()
    assert handoff.status == Status.CLOSED
    assert handoff.outcome == EarlyHelpHandoff.Outcome.EHA_COMPLETED
    assert handoff.outcome_notes == "Team around the family meets monthly"
    assert handoff.closed_at is not None
    events = early_help_events(referral)
    assert [e.summary for e in events][-1].startswith("Early help outcome: Early Help Assessment")
    # Free-text notes stay on the hand-off: the setting reads the timeline.
    assert "monthly" not in json.dumps([e.detail for e in events])
    with pytest.raises(early_help.EarlyHelpError, match="already been recorded"):
        early_help.record_outcome(
            handoff, by=world.early_help, outcome=EarlyHelpHandoff.Outcome.NO_FURTHER_ACTION
        )
    assert len(early_help_events(referral)) == 2


def test_an_unknown_outcome_is_refused(world, referral):
    handoff = handoff_of(referral)
    early_help.respond(handoff, by=world.early_help, accept=True)
    with pytest.raises(early_help.EarlyHelpError, match="Select the outcome"):
        early_help.record_outcome(handoff, by=world.early_help, outcome="made_up")
    assert handoff_of(referral).status == Status.ACCEPTED


@pytest.mark.parametrize("role", ["send_officer", "send_manager", "practitioner_a", "planner"])
def test_only_the_coordinator_responds(world, referral, role):
    handoff = handoff_of(referral)
    with pytest.raises(early_help.EarlyHelpError, match="Only the early help coordinator"):
        early_help.respond(handoff, by=getattr(world, role), accept=True)
    assert handoff_of(referral).status == Status.AWAITING


def test_response_and_event_are_one_transaction(world, referral, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(early_help, "_event", broken)
    with pytest.raises(RuntimeError):
        early_help.respond(handoff_of(referral), by=world.early_help, accept=True)
    assert handoff_of(referral).status == Status.AWAITING


# Selectors ----------------------------------------------------------------------------------


def test_the_list_groups_by_status_oldest_first_with_counts(world, family_referral):
    newer = family_referral(days_ago=1)
    older = family_referral(days_ago=9)
    accepted = family_referral(days_ago=5)
    declined = family_referral(days_ago=4)
    early_help.respond(handoff_of(accepted), by=world.early_help, accept=True)
    early_help.respond(handoff_of(declined), by=world.early_help, accept=False, reason="No")
    listing = early_help.handoff_list(world.early_help)
    assert listing.counts == {"waiting": 2, "accepted": 1, "closed": 0}
    assert [h.referral for h in listing.page.object_list] == [older, newer]
    # Declined, the referral is the SEND team's again: it leaves the coordinator's lists.
    assert not early_help.handoff_list(world.early_help, "closed").page.object_list
    closed = early_help.handoff_list(world.send_officer, "closed")
    assert [h.referral for h in closed.page.object_list] == [declined]
    assert early_help.handoff_list(world.early_help, "nonsense").status == "waiting"


def test_the_coordinator_sees_only_handoffs(world, referral, make_referral):
    not_early_help = make_referral()
    assert not EarlyHelpHandoff.objects.filter(referral=not_early_help).exists()
    listing = early_help.handoff_list(world.early_help)
    assert [h.referral for h in listing.page.object_list] == [referral]


def test_the_pack_holds_the_facts_consent_and_contacts(world, referral):
    pack = early_help.pack_for(world.early_help, referral.pk)
    assert [c.name for c in pack.contacts] == ["Grace Okafor", "Tunde Okafor"]
    assert [s["title"] for s in pack.sections] == ["Health and family", "The family's views"]
    assert pack.early_help["needs"] == [
        ("housing", "Housing"),
        ("isolation", "Isolation or lack of support"),
    ]
    assert pack.early_help["family_agrees"] is True
    assert pack.broad_areas == [("communication_interaction", "Communication and interaction")]
    assert ("early_help", ShareWith.EARLY_HELP.label) in pack.share_with
    assert pack.consents_to_early_help
    assert pack.age_in_months == world.child_a.age_in_months()


def test_the_pack_says_when_the_family_did_not_consent_to_early_help(world, family_referral):
    from django.http import Http404

    from pathway.casework import services as casework

    referral = family_referral(share_with=[ShareWith.SEND_TEAM])
    with pytest.raises(Http404):  # no consent: early help cannot see it
        early_help.pack_for(world.early_help, referral.pk)
    casework.share_without_consent(
        referral, ShareWith.EARLY_HELP, by=world.send_manager, reason="Risk to the child"
    )
    assert not early_help.pack_for(world.early_help, referral.pk).consents_to_early_help


def test_the_pack_reads_consent_as_it_is_now_not_as_the_form_said(world, family_referral):
    """The family agreed to early help later, on the consent page: the pack says consent, not a
    lawful basis; a withdrawal since the form takes the agency off the list."""
    from pathway.casework import services as casework
    from pathway.consents import record_consent
    from pathway.models import Agency, ConsentHow

    referral = family_referral(share_with=[ShareWith.SEND_TEAM, ShareWith.HEALTH])
    casework.share_without_consent(
        referral, ShareWith.EARLY_HELP, by=world.send_manager, reason="Risk to the child"
    )
    child = referral.child
    record_consent(
        child,
        Agency.EARLY_HELP,
        True,
        how=ConsentHow.PHONE,
        by_staff=world.send_officer,
        on_behalf_of="Grace",
    )
    record_consent(
        child,
        Agency.HEALTH,
        False,
        how=ConsentHow.PHONE,
        by_staff=world.send_officer,
        on_behalf_of="Grace",
    )
    pack = early_help.pack_for(world.early_help, referral.pk)
    assert pack.consents_to_early_help
    assert [code for code, _ in pack.share_with] == ["send_team", "early_help"]


def test_the_json_follows_its_schema(world, referral):
    data = early_help.pack_json(early_help.pack_for(world.early_help, referral.pk))
    jsonschema.validate(data, early_help.PACK_SCHEMA)
    assert data["schema"] == "early-help-referral-pack"
    assert data["schema_version"] == early_help.PACK_SCHEMA_VERSION
    assert data["referral"]["reference"] == referral.reference
    assert data["child"]["first_name"] == "Amara"
    assert data["child"]["date_of_birth"] == world.child_a.date_of_birth.isoformat()
    assert data["setting"]["name"] == "Acorns Day Nursery"
    assert data["consent"] == {
        "given_by": "Grace Okafor",
        "given_on": "2026-03-02",
        "share_with": [
            {"code": "send_team", "label": ShareWith.SEND_TEAM.label},
            {"code": "early_help", "label": ShareWith.EARLY_HELP.label},
        ],
        "early_help_included": True,
        "sms_consent": False,
    }
    assert data["family_contacts"][0]["mobile_phone"] == "+447700900111"
    assert data["early_help"]["needs"][0] == {"code": "housing", "label": "Housing"}
    assert data["referral"]["routing_matches"] == referral.routing_reasons != []
    assert data["referral"]["routing_reasons"] == [
        "Sent for an Early Help Assessment because the practitioner says the family's "
        "circumstances may need early help."
    ]
    assert data["handoff"]["status"]["code"] == "awaiting"


def test_a_pack_without_setting_contacts_or_early_help_answers_still_follows_the_schema(world):
    child = ChildFactory(setting=None, area=world.child_a.area)
    portage = world.portage_a
    with transaction.atomic():
        referral = create_referral(
            child=child,
            source=Referral.Source.PARENT_REQUEST,
            submitted_by=portage,
            answers={"health_family": {"family_circumstances": True}},
            consent={"share_with": ["early_help"]},
            notify=False,
        )
    data = early_help.pack_json(early_help.pack_for(world.early_help, referral.pk))
    jsonschema.validate(data, early_help.PACK_SCHEMA)
    assert data["setting"] is None
    assert data["early_help"] is None
    assert data["family_contacts"] == []


def _pdf_text(pdf: bytes) -> str:
    """The decompressed content streams of a PDF written with the core font."""
    text = []
    # Up to "endstream" with the line end: a compressed stream may itself end in a CR byte,
    # and decompressobj ignores what follows the end of the data.
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            text.append(zlib.decompressobj().decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            text.append(match.group(1).decode("latin-1"))
    return "\n".join(text)


def test_the_pdf_has_a_title_language_headings_and_real_text(world, referral, monkeypatch):
    pdf = early_help.pack_pdf(early_help.pack_for(world.early_help, referral.pk))
    assert pdf.startswith(b"%PDF")
    assert b"/Lang (en-GB)" in pdf
    assert b"/DisplayDocTitle true" in pdf
    assert b"/StructTreeRoot" in pdf
    assert b"/H1" in pdf and b"/H2" in pdf
    assert b"/Outlines" in pdf
    monkeypatch.setattr(early_help, "_unicode_font", lambda: None)
    text = _pdf_text(early_help.pack_pdf(early_help.pack_for(world.early_help, referral.pk)))
    for expected in (
        "Amara Okafor",
        "Family contacts",
        "Grace Okafor",
        "+447700900111",
        "Housing",
        "Acorns Day Nursery",
        referral.reference,
    ):
        assert expected in text


def test_the_referral_page_section_shows_the_handoff_to_those_who_may_see_it(world, referral):
    section = early_help.referral_section(world.early_help, referral)
    assert section["handoff"].referral_id == referral.pk
    assert section["can_respond"] is True
    assert early_help.referral_section(world.send_officer, referral)["can_respond"] is False
    assert early_help.referral_section(world.practitioner_a, referral) == {}
    assert early_help in REFERRAL_SECTIONS


def test_no_section_on_a_referral_not_handed_to_early_help(world, make_referral):
    assert early_help.referral_section(world.send_officer, make_referral()) == {}


# Views --------------------------------------------------------------------------------------


def test_the_coordinator_opens_the_list_and_the_pack(client, world, referral):
    client.force_login(world.early_help)
    page = client.get(reverse("early-help-list"))
    assert page.status_code == 200
    assert referral.reference in page.text
    pack = client.get(reverse("early-help-pack", args=[referral.pk]))
    assert pack.status_code == 200
    for expected in ("Amara Okafor", "Grace Okafor", "+447700900111", "Glue ear", "Housing"):
        assert expected in pack.text
    assert ShareWith.EARLY_HELP.label in pack.text
    assert "Accept or decline" in pack.text
    viewed = referral.events.filter(kind=ReferralEvent.Kind.VIEWED).last()
    assert viewed.summary == "Early help referral pack viewed by Sam Jones"


def test_the_send_team_views_but_does_not_respond(client, world, referral):
    client.force_login(world.send_officer)
    assert client.get(reverse("early-help-list")).status_code == 200
    pack = client.get(reverse("early-help-pack", args=[referral.pk]))
    assert pack.status_code == 200
    assert "Accept or decline" not in pack.text
    response = client.post(
        reverse("early-help-respond", args=[referral.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    assert handoff_of(referral).status == Status.AWAITING


def test_json_download(client, world, referral):
    client.force_login(world.early_help)
    response = client.get(reverse("early-help-pack-json", args=[referral.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="early-help-pack-{referral.reference}.json"'
    )
    data = json.loads(response.content)
    assert data["schema_version"] == early_help.PACK_SCHEMA_VERSION
    jsonschema.validate(data, early_help.PACK_SCHEMA)
    assert referral.events.filter(summary__contains="downloaded as JSON").exists()


def test_pdf_download(client, world, referral):
    client.force_login(world.early_help)
    response = client.get(reverse("early-help-pack-pdf", args=[referral.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="early-help-pack-{referral.reference}.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_the_schema_is_published(client, world):
    client.force_login(world.early_help)
    response = client.get(reverse("early-help-pack-schema"))
    assert response.json()["$id"] == "early-help-referral-pack"


def test_accept_then_outcome_through_the_pages(client, world, referral):
    client.force_login(world.early_help)
    respond = reverse("early-help-respond", args=[referral.pk])
    outcome = reverse("early-help-outcome", args=[referral.pk])
    early = client.get(outcome)
    assert "before recording an outcome" in early.text
    assert "Save outcome" not in early.text
    response = client.post(respond, {"decision": "accept", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("early-help-pack", args=[referral.pk])
    assert handoff_of(referral).status == Status.ACCEPTED
    again = client.post(respond, {"decision": "decline", "reason": "Changed my mind"})
    assert again.status_code == 200
    assert "already been accepted" in again.text
    response = client.post(outcome, {"outcome": "family_support", "notes": "Parenting course"})
    assert response.status_code == 302
    handoff = handoff_of(referral)
    assert handoff.status == Status.CLOSED
    assert handoff.outcome == "family_support"
    assert [e.summary.split(" (")[0] for e in early_help_events(referral)] == [
        "Accepted by early help",
        "Early help outcome: Family support without a full assessment",
    ]


def test_bad_input_gives_the_error_summary_and_saves_nothing(client, world, referral):
    client.force_login(world.early_help)
    respond = reverse("early-help-respond", args=[referral.pk])
    for data, message in (
        ({}, "Select whether early help accepts this referral"),
        ({"decision": "decline"}, "Enter why early help is declining this referral"),
        ({"decision": "maybe"}, "Select a valid choice"),
        ({"decision": "decline", "reason": "x" * 2001}, "2,000 characters or fewer"),
    ):
        response = client.post(respond, data)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert message in response.text
    assert handoff_of(referral).status == Status.AWAITING
    early_help.respond(handoff_of(referral), by=world.early_help, accept=True)
    response = client.post(reverse("early-help-outcome", args=[referral.pk]), {"outcome": "x"})
    assert "govuk-error-summary" in response.text
    assert handoff_of(referral).status == Status.ACCEPTED


def test_outcome_before_acceptance_through_the_page_is_a_clear_error(client, world, referral):
    client.force_login(world.early_help)
    response = client.post(
        reverse("early-help-outcome", args=[referral.pk]), {"outcome": "no_further_action"}
    )
    assert response.status_code == 200
    assert "Record whether early help accepts this referral before recording an outcome" in (
        response.text
    )
    assert handoff_of(referral).status == Status.AWAITING


def test_the_referral_page_shows_the_handoff(client, world, referral):
    early_help.respond(handoff_of(referral), by=world.early_help, accept=True, reason="Fine")
    client.force_login(world.early_help)
    page = client.get(reverse("referral-detail", args=[referral.pk]))
    assert page.status_code == 200
    assert "Accepted by early help" in page.text
    assert reverse("early-help-pack", args=[referral.pk]) in page.text


# Access -------------------------------------------------------------------------------------

OUTSIDERS = (
    "practitioner_a",
    "practitioner_b",
    "portage_a",
    "portage_b",
    "planner",
    "professional",
    "trainer",
    "admin",
)


def early_help_urls(referral_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("early-help-list")),
        ("get", reverse("early-help-pack-schema")),
        ("get", reverse("early-help-pack", args=[referral_id])),
        ("get", reverse("early-help-pack-json", args=[referral_id])),
        ("get", reverse("early-help-pack-pdf", args=[referral_id])),
        ("get", reverse("early-help-respond", args=[referral_id])),
        ("post", reverse("early-help-respond", args=[referral_id])),
        ("get", reverse("early-help-outcome", args=[referral_id])),
        ("post", reverse("early-help-outcome", args=[referral_id])),
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_other_roles_get_nothing_from_any_early_help_url(client, world, referral, role):
    client.force_login(getattr(world, role))
    for method, url in early_help_urls(referral.pk):
        data = {"decision": "accept", "outcome": "no_further_action"}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code in (403, 404), (role, url, response.status_code)
    assert handoff_of(referral).status == Status.AWAITING
    assert not referral.events.filter(summary__startswith="Early help referral pack").exists()


def test_signed_out_users_are_sent_to_sign_in(client, referral):
    for method, url in early_help_urls(referral.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "sign-in" in response["Location"]


def test_the_coordinator_gets_404_for_a_referral_not_handed_to_early_help(
    client, world, make_referral
):
    other = make_referral()
    client.force_login(world.early_help)
    for method, url in early_help_urls(other.pk)[2:]:
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    assert client.get(reverse("referral-detail", args=[other.pk])).status_code == 404


def test_an_inactive_coordinator_sees_nothing(client, world, referral):
    world.early_help.is_active = False
    world.early_help.save()
    assert early_help.handoff_list(world.early_help).counts["waiting"] == 0


# Constant queries ---------------------------------------------------------------------------


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("early-help-list")).status_code == 200
    return len(captured)


def test_the_list_takes_the_same_queries_for_one_or_many(client, world, family_referral):
    client.force_login(world.early_help)
    family_referral()
    one = _list_queries(client)
    for n in range(8):
        family_referral(ChildFactory(setting=world.setting_b), days_ago=n)
    many = _list_queries(client)
    assert one == many
    assert many <= 9  # three of them write the audit trail


def test_the_pack_takes_the_same_queries_with_more_contacts(client, world, referral):
    client.force_login(world.early_help)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("early-help-pack", args=[referral.pk])).status_code == 200
        return len(captured)

    before = count()
    for n in range(5):
        FamilyContact.objects.create(
            child=world.child_a, name=f"Aunt {n}", relationship=FamilyContact.Relationship.OTHER
        )
    assert count() == before


def test_a_new_user_role_is_refused(client, world, referral):
    """A role added later sees nothing until someone decides it should."""
    user = UserFactory(role=Role.TRAINER)
    client.force_login(user)
    assert client.get(reverse("early-help-pack", args=[referral.pk])).status_code == 404


def test_a_referral_re_routed_away_from_early_help_leaves_the_coordinators_list(world, referral):
    from pathway.casework import services as casework

    casework.decide(
        referral,
        "reroute",
        by=world.send_officer,
        reason="Needs are developmental only",
        routes=["send_team"],
        notify=False,
    )
    assert early_help.handoff_list(world.early_help).counts["waiting"] == 0
