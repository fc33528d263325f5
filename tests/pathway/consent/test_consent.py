"""Who sees what (issue 22): consent to share lives in one ConsentRecord per child and agency;
the family and staff change it; the access rules read it on every request."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.models import Role
from pathway.access.consent import consent_exists, consent_given, consent_q, consent_talks_for
from pathway.advice import services as advice
from pathway.casework import services as casework
from pathway.casework.selectors import my_work
from pathway.consents import ConsentError, record_consent
from pathway.models import (
    AdviceTemplate,
    Agency,
    ConsentChange,
    ConsentHow,
    ConsentRecord,
    Referral,
    ReferralEvent,
)
from tests.factories import UserFactory
from tests.pathway.families.conftest import sign_in

migration = importlib.import_module("pathway.migrations.0027_consent_from_referrals")


@pytest.fixture
def therapist(db):
    return UserFactory(role=Role.PROFESSIONAL, username="priya", first_name="Priya")


@pytest.fixture
def asked(world, make_referral, therapist):
    """A referral the family shares with health, and a therapist asked for advice on it."""
    referral = make_referral(share_with=["send_team", "health", "portage", "early_help"])
    today = timezone.localdate()
    advice.request_advice(
        referral,
        by=world.send_officer,
        template=AdviceTemplate.objects.get(discipline="slt"),
        professional=therapist,
        due_on=today + datetime.timedelta(days=42),
        message="How is her speech?",
        today=today,
    )
    return referral


def withdraw_as_family(client, child, agency):
    return client.post(
        reverse("family-consent", args=[child.pk]), {"agency": agency, "decision": "withdraw"}
    )


def give_as_family(client, child, agency):
    return client.post(
        reverse("family-consent", args=[child.pk]), {"agency": agency, "decision": "give"}
    )


# The rules read consent on the next request --------------------------------------------------


def test_the_referral_form_records_consent_in_one_place(world, asked):
    child = asked.child
    assert consent_given(child, Agency.HEALTH) and consent_given(child.pk, Agency.SEND_TEAM)
    assert not consent_given(child, Agency.SETTING)  # never asked: not agreed
    change = ConsentChange.objects.get(record__child=child, record__agency=Agency.HEALTH)
    assert change.given and change.how == ConsentHow.REFERRAL_FORM
    assert change.by_staff == world.practitioner_a and change.on_behalf_of == "A parent"
    assert Referral.objects.filter(consent_q(Agency.HEALTH)).count() == 1
    assert Referral.objects.annotate(health=consent_exists(Agency.HEALTH)).get().health


def test_a_health_professional_loses_access_on_the_next_request(
    client, world, asked, family_a, therapist
):
    page = reverse("referral-detail", args=[asked.pk])
    client.force_login(therapist)
    assert client.get(page).status_code == 200
    client.logout()
    sign_in(client, family_a.token)
    response = withdraw_as_family(client, world.child_a, Agency.HEALTH)
    assert response.status_code == 302
    client.logout()
    client.force_login(therapist)
    assert client.get(page).status_code == 404
    assert client.get(reverse("advice-list")).content.decode().count(asked.reference) == 0
    # giving consent again restores it
    client.logout()
    sign_in(client, family_a.token)
    give_as_family(client, world.child_a, Agency.HEALTH)
    client.logout()
    client.force_login(therapist)
    assert client.get(page).status_code == 200


def test_portage_and_early_help_lose_access_when_staff_record_a_withdrawal(client, world, asked):
    from pathway.models import EarlyHelpHandoff

    EarlyHelpHandoff.objects.create(referral=asked)
    page = reverse("referral-detail", args=[asked.pk])
    for user, agency in ((world.portage_a, "portage"), (world.early_help, "early_help")):
        client.force_login(user)
        assert client.get(page).status_code == 200, user
        client.force_login(world.practitioner_a)
        response = client.post(
            reverse("child-consent", args=[world.child_a.pk]),
            {
                "agency": agency,
                "decision": "withdraw",
                "on_behalf_of": "Grace Okafor (mother)",
                "how": "phone",
            },
        )
        assert response.status_code == 302
        client.force_login(user)
        assert client.get(page).status_code == 404, user
    change = ConsentChange.objects.filter(record__agency="portage").latest("at")
    assert change.who.endswith("for Grace Okafor (mother)") and change.how == "phone"


def test_the_setting_sees_all_about_me_only_while_the_family_agrees(world, family_a):
    story = pytest.importorskip("pathway.access.story")
    from pathway.family_story import services as family_story

    family_story.save_all_about_me(
        world.child_a, {"what_people_like_about_me": "Her laugh"}, member=family_a.member
    )
    seen = story.all_about_me_for(world.practitioner_a)
    assert not seen.exists()  # never asked
    record_consent(world.child_a, "setting", True, how="family_online", by_member=family_a.member)
    assert seen.exists()
    record_consent(world.child_a, "setting", False, how="family_online", by_member=family_a.member)
    assert not seen.exists()


def test_a_lawful_basis_still_works_and_the_family_is_told_it_is_not_their_consent(
    client, world, make_referral, family_a, therapist
):
    referral = make_referral(share_with=["send_team"])
    casework.share_without_consent(referral, "health", by=world.send_manager, reason="S47")
    sign_in(client, family_a.token)
    body = client.get(reverse("family-consent", args=[world.child_a.pk])).content.decode()
    assert "on a lawful basis" in body and "This is not your consent" in body
    assert "S47" not in body  # the reason may be about safeguarding: the family is told to call
    assert referral.reference in body


def test_withdrawing_keeps_what_was_recorded_and_says_so(client, world, asked, family_a):
    events = ReferralEvent.objects.count()
    sign_in(client, family_a.token)
    page = client.get(reverse("family-consent", args=[world.child_a.pk])).content.decode()
    assert "Withdrawing consent does not delete anything" in page
    withdraw_as_family(client, world.child_a, "health")
    assert ReferralEvent.objects.count() == events + 1  # on the timeline, nothing deleted
    event = ReferralEvent.objects.latest("pk")
    assert event.kind == ReferralEvent.Kind.CONSENT and "Grace Okafor withdrew" in event.summary
    assert asked.advice_requests.count() == 1


def test_two_parents_disagree_the_withdrawal_applies_and_the_send_team_is_told(
    client, world, make_referral, make_family
):
    make_referral(share_with=["send_team"])
    mum = make_family()
    dad = make_family(name="Tunde Okafor", phone="+447700900002")
    record_consent(world.child_a, "health", True, how="family_online", by_member=mum.member)
    outcome = record_consent(
        world.child_a, "health", False, how="family_online", by_member=dad.member
    )
    assert outcome.changed and outcome.disagreement
    assert not consent_given(world.child_a, "health")
    # mum's agreement does not undo dad's withdrawal: it waits for the conversation
    outcome = record_consent(
        world.child_a, "health", True, how="family_online", by_member=mum.member
    )
    assert not outcome.changed and outcome.disagreement
    assert not consent_given(world.child_a, "health")
    talks = my_work(world.send_officer, timezone.localdate()).consent_talks
    assert [t.child for t in talks] == [world.child_a]
    assert not consent_talks_for(world.practitioner_a).exists()
    client.force_login(world.send_officer)
    assert "Talk to the family about consent" in client.get(reverse("my-work")).content.decode()
    # the officer records what the family decided: settled
    record_consent(
        world.child_a, "health", True, how="phone", by_staff=world.send_officer, on_behalf_of="Both"
    )
    assert consent_given(world.child_a, "health")
    assert not consent_talks_for(world.send_officer).exists()


def test_staff_page_errors_and_who_may_use_it(client, world, asked):
    url = reverse("child-consent", args=[world.child_a.pk])
    client.force_login(world.practitioner_a)
    response = client.post(url, {"agency": "health", "decision": "withdraw"})
    body = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in body
    assert "Enter the name of the family member who told you" in body
    assert consent_given(world.child_a, "health")  # nothing half-saved
    for user, status in (
        (world.practitioner_b, 404),  # another setting
        (world.portage_b, 404),  # another caseload
        (world.planner, 403),
        (world.early_help, 403),
        (world.portage_a, 200),
        (world.send_officer, 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_a_family_sees_only_their_own_child(client, world, family_a):
    sign_in(client, family_a.token)
    assert client.get(reverse("family-consent", args=[world.child_b.pk])).status_code == 404
    response = client.post(
        reverse("family-consent", args=[world.child_a.pk]), {"agency": "x", "decision": "give"}
    )
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()


def test_record_consent_refuses_bad_input(world):
    with pytest.raises(ConsentError):
        record_consent(world.child_a, "everyone", True, how="phone", by_staff=world.send_officer)
    with pytest.raises(ConsentError):
        record_consent(world.child_a, "health", True, how="phone", by_staff=world.send_officer)
    assert not ConsentRecord.objects.exists()


def test_pages_stay_at_constant_queries(client, world, make_referral, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_referral(share_with=["send_team", "health"])
    client.force_login(world.send_officer)
    url = reverse("child-consent", args=[world.child_a.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        make_referral(share_with=["send_team"] + (["portage"] if n % 2 else []))
        record_consent(
            world.child_a,
            "health",
            n % 2 == 0,
            how="phone",
            by_staff=world.send_officer,
            on_behalf_of="Grace",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# Audit -------------------------------------------------------------------------------------


def test_the_consent_pages_are_on_the_childs_audit_trail(client, world, family_a):
    client.force_login(world.send_officer)
    client.get(reverse("child-consent", args=[world.child_a.pk]))
    assert AccessEvent.objects.filter(child_id=world.child_a.pk, url_name="child-consent").exists()
    client.logout()
    sign_in(client, family_a.token)
    withdraw_as_family(client, world.child_a, "send_team")
    event = AccessEvent.objects.filter(url_name="family-consent").latest("pk")
    assert event.child_id == world.child_a.pk and event.action == AccessEvent.Action.CHANGE


# The data migration -------------------------------------------------------------------------


def test_the_data_migration_moves_referral_and_paperwork_consent(world):
    t = timezone.now()
    day = datetime.timedelta(days=1)
    referrals = [
        {
            "child_id": world.child_a.pk,
            "share_with": ["send_team", "health", "portage"],
            "at": t - 10 * day,
            "by_id": world.practitioner_a.pk,
            "given_by": "Grace Okafor",
        },
        {
            "child_id": world.child_b.pk,
            "share_with": ["send_team"],
            "at": t - 5 * day,
            "by_id": world.practitioner_b.pk,
            "given_by": "Ola Nowak",
        },
    ]
    paperwork = [
        {  # later than the referral, without health: the careful reading is not agreed
            "child_id": world.child_a.pk,
            "consent_to_share": ["send_team", "portage", "early_help"],
            "at": t - 2 * day,
            "by_id": world.portage_a.pk,
            "given_by": "Grace Okafor",
        }
    ]
    plan = migration.plan_consent(referrals, paperwork)
    written = migration.write_consent(plan, ConsentRecord, ConsentChange, t)
    assert written == 8
    a = {r.agency: r.given for r in ConsentRecord.objects.filter(child=world.child_a)}
    assert a == {"send_team": True, "portage": True, "early_help": True, "health": False}
    health = ConsentChange.objects.filter(record__child=world.child_a, record__agency="health")
    assert [(c.given, c.how) for c in health] == [
        (True, "referral_form"),
        (False, "portage_paperwork"),
    ]
    b = {r.agency: r.given for r in ConsentRecord.objects.filter(child=world.child_b)}
    assert b == {"send_team": True, "portage": False, "early_help": False, "health": False}
    # run again: nothing recorded in the new way is overwritten
    assert migration.write_consent(plan, ConsentRecord, ConsentChange, t) == 0


# Retention and subject access ---------------------------------------------------------------


def test_consent_goes_with_the_child_under_the_retention_rules(
    world, django_capture_on_commit_callbacks
):
    from dataprotection import retention
    from tests.dataprotection.conftest import years_ago
    from tests.factories import ChildFactory

    old = ChildFactory(date_of_birth=years_ago(7, 1), setting=world.setting_a)
    young = ChildFactory(date_of_birth=years_ago(6, 1), setting=world.setting_a)
    for child in (old, young):
        record_consent(
            child, "health", True, how="phone", by_staff=world.send_officer, on_behalf_of="Mum"
        )
    with django_capture_on_commit_callbacks(execute=True):
        result = retention.apply_retention()
    assert not ConsentRecord.objects.filter(child_id=old.pk).exists()
    assert not ConsentChange.objects.filter(record__child_id=old.pk).exists()
    assert ConsentRecord.objects.filter(child=young).exists()
    types = {line["record_type"] for line in result.lines}
    assert "pathway.ConsentChange" in types
    rule = next(r for r in retention.describe_rules() if r["rule"] == "children_without_referrals")
    assert "consent to share" in str(rule)


def test_the_subject_access_record_gives_consent_in_words(client, world, make_referral):
    from dataprotection.selectors import subject_access_record

    referral = make_referral(share_with=["send_team"])
    casework.share_without_consent(referral, "health", by=world.send_manager, reason="S47 enquiry")
    record_consent(
        world.child_a,
        "portage",
        True,
        how="phone",
        by_staff=world.send_officer,
        on_behalf_of="Grace Okafor",
    )
    _, record = subject_access_record(world.send_officer, world.child_a.pk)
    now = {row["agency"]: row["now"] for row in record["consent_to_share"]}
    assert now["The portage service"] == "Agreed"
    assert now["Early help services"] == "Not agreed"
    health = next(r for r in record["consent_to_share"] if r["agency"].startswith("Health"))
    assert "S47 enquiry" in health["shared_on_a_lawful_basis"][0]
    changes = {(c["agency"], c["change"], c["how"]) for c in record["consent_history"]}
    assert ("The portage service", "Agreed", "Told to a member of staff by phone") in changes
    assert all(c["agency"] != "portage" for c in record["consent_history"])  # no codes
