"""What a family sees (issue 21): where things stand, in words for families, about their own
children only; never staff notes; every look in the audit trail; texts when things change."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.models import FamilyLink, FamilyMember, OutboxMessage
from pathway.casework import services as casework
from pathway.families import services
from pathway.models import Referral, TacMeeting
from pathway.services import create_referral

from .conftest import sign_in

SECRET_REASON = "Mum seemed stressed at pick-up; check with health visitor"
SAFEGUARDING_NOTE = "Father must not be told the address"


def _referral(world, child=None):
    with transaction.atomic():
        return create_referral(
            child=child or world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "significant"}}},
            setting=world.setting_a,
            consent={"consent_given_by": "Grace Okafor", "share_with": ["send_team"]},
            notify=False,
        )


def test_where_things_stand_in_words_for_families(signed_in, world, family_a):
    referral = _referral(world)
    world.child_a.safeguarding_note = SAFEGUARDING_NOTE
    world.child_a.save()
    casework.claim(referral, world.send_officer)
    casework.decide(
        referral, "accept", by=world.send_officer, reason=SECRET_REASON, routes=["send_team"]
    )
    TacMeeting.objects.create(
        child=world.child_a,
        held_on=timezone.localdate() + datetime.timedelta(days=10),
        notes="Private meeting notes",
        created_by=world.send_officer,
    )
    response = signed_in.get(reverse("family-child", kwargs={"child_id": world.child_a.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Acorns Day Nursery told us about your child." in page
    assert "The SEND team has said yes" in page
    assert "Call" in page and "ask for them" in page
    assert "Team Around the Child meeting on" in page
    for secret in (SECRET_REASON, SAFEGUARDING_NOTE, "Private meeting notes", "Bartek"):
        assert secret not in page
    assert response["Cache-Control"] == "no-store"


def test_another_childs_page_is_not_found(signed_in, world, make_family):
    url = reverse("family-child", kwargs={"child_id": world.child_b.pk})
    assert signed_in.get(url).status_code == 404
    make_family(child=world.child_b, name="Ola Nowak", phone="+447700900055")
    assert signed_in.get(url).status_code == 404  # another family's child


def test_a_parent_with_two_children_sees_both_and_nothing_else(client, world, make_family):
    from tests.factories import ChildFactory

    mother = make_family()
    # giving the mother a second child texts her a new link, which replaces the first
    newest = make_family(child=world.child_b, phone="+447700900001", member=mother.member)
    stranger = ChildFactory(setting=world.setting_a, first_name="Zainab", last_name="Ali")
    sign_in(client, newest.token)
    page = client.get(reverse("family-home")).content.decode()
    assert "Amara Okafor" in page and "Bartek Nowak" in page and "Zainab" not in page
    for child in (world.child_a, world.child_b):
        url = reverse("family-child", kwargs={"child_id": child.pk})
        assert client.get(url).status_code == 200
    assert client.get(reverse("family-child", kwargs={"child_id": stranger.pk})).status_code == 404


def test_every_family_read_is_in_the_audit_trail_and_the_team_sees_the_last_look(
    signed_in, world, family_a, client
):
    signed_in.get(reverse("family-child", kwargs={"child_id": world.child_a.pk}))
    signed_in.get(reverse("family-child", kwargs={"child_id": world.child_b.pk}))
    events = AccessEvent.objects.filter(role="family").order_by("pk")
    assert [(e.child_id, e.status_code) for e in events if e.url_name == "family-child"] == [
        (world.child_a.pk, 200),
        (world.child_b.pk, 404),
    ]
    assert all(e.username == f"family member {family_a.member.pk}" for e in events)
    assert FamilyLink.objects.get(pk=family_a.link.pk).last_viewed_at is not None
    from django.template import Context, Template

    line = Template("{% load family_access %}{% family_access_line child %}").render(
        Context({"child": world.child_a})
    )
    assert "The family last looked on" in line and "1 family member can follow" in line


def test_a_polish_family_sees_polish_and_an_urdu_family_an_interpreter_line(
    client, world, make_family
):
    family = make_family(preferred_language="pl")
    sign_in(client, family.token)
    page = client.get(reverse("family-child", kwargs={"child_id": world.child_a.pk}))
    assert page["Content-Language"] == "pl"
    assert 'lang="pl"' in page.content.decode()
    client.post(reverse("family-sign-out"))
    other = make_family(
        child=world.child_b, name="Asha Khan", phone="+447700900077", preferred_language="ur"
    )
    sign_in(client, other.token)
    page = client.get(
        reverse("family-child", kwargs={"child_id": world.child_b.pk})
    ).content.decode()
    assert 'lang="en"' in page and 'lang="ur" dir="rtl"' in page and "0300" in page


def test_families_are_told_of_changes_by_text_without_details(world, family_a, make_family):
    father = make_family(name="Obi Okafor", phone="+447700900002")
    FamilyMember.objects.filter(pk=father.member.pk).update(fewer_texts=True)
    referral = _referral(world)
    casework.claim(referral, world.send_officer)
    casework.decide(
        referral, "more_information", by=world.send_officer, reason=SECRET_REASON, question="What?"
    )
    TacMeeting.objects.create(
        child=world.child_a,
        held_on=timezone.localdate() + datetime.timedelta(days=3),
        created_by=world.send_officer,
    )
    mother = OutboxMessage.objects.filter(to_contact=family_a.contact).exclude(
        template="family_sign_in_link"
    )
    assert sorted(m.template for m in mother) == ["family_update_meeting", "family_update_question"]
    dad = OutboxMessage.objects.filter(
        to_contact=father.contact, template__startswith="family_update"
    )
    assert dad.count() == 0  # fewer texts: decisions only
    casework.decide(
        referral, "accept", by=world.send_officer, reason=SECRET_REASON, routes=["send_team"]
    )
    assert OutboxMessage.objects.filter(
        to_contact=father.contact, template="family_update_decision"
    ).exists()
    for message in OutboxMessage.objects.filter(template__startswith="family_update"):
        assert SECRET_REASON not in str(message.context)


def test_preferences_and_bad_input(signed_in, world, family_a):
    url = reverse("family-preferences")
    response = signed_in.post(url, {"texts": "nonsense", "language": "xx"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    member = FamilyMember.objects.get(pk=family_a.member.pk)
    assert member.fewer_texts is False and member.preferred_language == "en"
    signed_in.post(url, {"texts": "fewer", "language": "cy"})
    member.refresh_from_db()
    assert member.fewer_texts is True and member.preferred_language == "cy"


def test_the_privacy_notice_is_open_to_everyone(client):
    response = client.get(reverse("family-privacy"))
    assert response.status_code == 200
    assert "Get a copy" in response.content.decode()


def test_the_send_team_gives_access_blocks_and_sends_a_new_link(client, world):
    from .conftest import make_contact

    contact = make_contact(world.child_a, "Grace Okafor", "+447700900001")
    client.force_login(world.send_officer)
    url = reverse("family-access", kwargs={"child_id": world.child_a.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Unblock family access" not in page.content.decode()  # nothing blocked yet
    client.post(url, {"action": "link", "contact_id": contact.pk})
    link = FamilyLink.objects.get(contact=contact)
    assert link.confirmed_by == world.send_officer
    assert OutboxMessage.objects.filter(template="family_sign_in_link").count() == 1
    client.post(url, {"action": "send", "link_id": link.pk})
    assert OutboxMessage.objects.filter(template="family_sign_in_link").count() == 2
    response = client.post(url, {"action": "block", "reason": ""})
    assert response.status_code == 400
    assert not world.child_a.family_blocks.exists()
    client.post(url, {"action": "block", "reason": "Court proceedings"})
    assert world.child_a.family_blocks.filter(lifted_at__isnull=True).exists()
    client.force_login(world.practitioner_a)
    assert client.get(url).status_code == 403
    assert services.why_not_linkable(contact) == ""


def test_the_status_page_reads_the_same_number_of_queries_for_one_or_three_referrals(
    signed_in, world
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("family-child", kwargs={"child_id": world.child_a.pk})
    _referral(world)
    signed_in.get(url)  # warm
    with CaptureQueriesContext(connection) as one:
        signed_in.get(url)
    for _ in range(2):
        referral = _referral(world)
        casework.claim(referral, world.send_officer)
        casework.decide(referral, "accept", by=world.send_officer, reason="x", routes=["send_team"])
    with CaptureQueriesContext(connection) as three:
        signed_in.get(url)
    assert len(three) == len(one), [q["sql"][:80] for q in three.captured_queries]
