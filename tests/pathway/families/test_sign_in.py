"""Getting in (issue 21): a link by text, a code by text to the confirmed mobile, ten minutes,
single use, rate-limited, five wrong codes lock the link; idle 30 minutes ends the session; a
family is never request.user and reaches no staff page."""

from __future__ import annotations

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import FamilyContact, OutboxMessage
from pathway.access.families import FAMILY_ACTIVITY_KEY, FAMILY_MEMBER_KEY
from pathway.families import services
from pathway.models import FamilySignInCode, FamilySignInLink

from .conftest import last_code, sign_in


def test_the_link_text_goes_to_the_confirmed_mobile_with_no_health_details(world, family_a):
    message = OutboxMessage.objects.get(template="family_sign_in_link")
    assert message.to_phone == "+447700900001"
    assert message.to_contact == family_a.contact
    assert family_a.token in message.context["link"]
    text = services.hash_token(family_a.token)
    link = FamilySignInLink.objects.get(member=family_a.member)
    assert link.token_hash == text and family_a.token not in link.token_hash


def test_a_parent_signs_in_with_the_link_and_the_code(client, world, family_a):
    page = client.get(reverse("family-link", kwargs={"token": family_a.token}))
    assert page.status_code == 200
    assert "ends in 001" in page.content.decode()
    assert "Amara" not in page.content.decode()  # nothing about the child before the code
    response = client.post(reverse("family-link", kwargs={"token": family_a.token}))
    assert response.status_code == 302 and response["Location"] == reverse("family-code")
    code_row = FamilySignInCode.objects.get()
    code = last_code()
    assert code not in code_row.code_hash and len(code) == 6
    response = client.post(reverse("family-code"), {"code": code})
    assert response.status_code == 302
    assert client.session[FAMILY_MEMBER_KEY] == family_a.member.pk
    page = client.get(reverse("family-home"), follow=True)
    assert "Where things stand for Amara" in page.content.decode()
    # the used code is gone from the outbox's copy of the words
    assert code not in OutboxMessage.objects.get(template="family_sign_in_code").body


def test_a_family_session_is_never_a_staff_user(client, world, signed_in):
    response = signed_in.get(reverse("home"))
    assert response.wsgi_request.user.is_authenticated is False
    for name, kwargs in [
        ("child-detail", {"child_id": world.child_a.pk}),
        ("children", {}),
        ("triage-queue", {}),
        ("message-log", {}),
    ]:
        response = signed_in.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and reverse("sign-in") in response["Location"], name
    assert signed_in.get("/django-admin/").status_code == 302
    assert signed_in.get("/admin/").status_code == 302


def test_staff_signed_in_are_refused_family_pages(client, world, family_a):
    client.force_login(world.send_officer)
    assert (
        client.get(reverse("family-child", kwargs={"child_id": world.child_a.pk})).status_code
        == 404
    )
    assert client.get(reverse("family-link", kwargs={"token": family_a.token})).status_code == 404


def test_a_wrong_code_five_times_locks_the_link(client, world, family_a):
    client.post(reverse("family-link", kwargs={"token": family_a.token}))
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for tries_left in (4, 3, 2, 1):
        response = client.post(reverse("family-code"), {"code": wrong})
        assert response.status_code == 400
        assert f"Tries left: {tries_left}." in response.content.decode()
    response = client.post(reverse("family-code"), {"code": wrong})
    assert response.status_code == 410
    page = response.content.decode()
    assert "Too many wrong codes" in page and "Call the SEND team" in page
    # locked: even the right code and a new code are refused, nothing signed in
    assert client.post(reverse("family-link", kwargs={"token": family_a.token})).status_code == 410
    sign_in(client, family_a.token)
    assert FAMILY_MEMBER_KEY not in client.session
    link = FamilySignInLink.objects.get(member=family_a.member)
    FamilySignInLink.objects.filter(pk=link.pk).update(
        locked_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    sign_in(client, family_a.token)
    assert client.session[FAMILY_MEMBER_KEY] == family_a.member.pk


def test_a_code_is_single_use_and_lasts_ten_minutes(client, world, family_a):
    sign_in(client, family_a.token)
    code = last_code()
    client.post(reverse("family-sign-out"))
    assert FAMILY_MEMBER_KEY not in client.session
    client.get(reverse("family-link", kwargs={"token": family_a.token}))
    session = client.session
    session["family_pending_link_id"] = FamilySignInLink.objects.get().pk
    session.save()
    response = client.post(reverse("family-code"), {"code": code})
    assert "already been used" in response.content.decode()
    assert FAMILY_MEMBER_KEY not in client.session
    client.post(reverse("family-link", kwargs={"token": family_a.token}))
    FamilySignInCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(reverse("family-code"), {"code": last_code()})
    assert "run out" in response.content.decode()
    assert FAMILY_MEMBER_KEY not in client.session


def test_codes_are_rate_limited(client, world, family_a):
    url = reverse("family-link", kwargs={"token": family_a.token})
    for _ in range(services.CODES_PER_WINDOW):
        assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 429
    assert "Wait 15 minutes" in response.content.decode()
    assert FamilySignInCode.objects.count() == services.CODES_PER_WINDOW


@pytest.mark.parametrize(
    "change",
    [
        "expired",
        "replaced",
        "removed",
        "blocked",
        "do_not_contact",
        "number_changed",
        "garbage",
    ],
)
def test_a_link_that_no_longer_works_says_what_to_do(client, world, family_a, change):
    token = family_a.token
    if change == "expired":
        FamilySignInLink.objects.update(expires_at=timezone.now())
    elif change == "replaced":
        services.send_sign_in_link(family_a.link, by=world.send_officer)
    elif change == "removed":
        family_a.contact.delete()
    elif change == "blocked":
        services.block_family_access(world.child_a, by=world.send_officer, reason="Safety")
    elif change == "do_not_contact":
        FamilyContact.objects.filter(pk=family_a.contact.pk).update(do_not_contact=True)
    elif change == "number_changed":
        FamilyContact.objects.filter(pk=family_a.contact.pk).update(mobile_phone="+447700900999")
    else:
        token = "not-a-real-token"
    codes_before = FamilySignInCode.objects.count()
    response = client.get(reverse("family-link", kwargs={"token": token}))
    assert response.status_code in (404, 410)
    assert "Call the SEND team" in response.content.decode()
    response = client.post(reverse("family-link", kwargs={"token": token}))
    assert response.status_code in (404, 410)
    assert FamilySignInCode.objects.count() == codes_before  # nothing half-saved
    assert FAMILY_MEMBER_KEY not in client.session


def test_idle_for_30_minutes_ends_the_session(signed_in, world):
    url = reverse("family-child", kwargs={"child_id": world.child_a.pk})
    assert signed_in.get(url).status_code == 200
    session = signed_in.session
    session[FAMILY_ACTIVITY_KEY] = int(time.time()) - 30 * 60
    session.save()
    response = signed_in.get(url)
    assert response.status_code == 404
    assert "did nothing for 30 minutes" in response.content.decode()
    assert "Amara" not in response.content.decode()
    assert signed_in.get(url).status_code == 404


def test_access_ended_mid_session_takes_effect_on_the_next_request(signed_in, world, family_a):
    url = reverse("family-child", kwargs={"child_id": world.child_a.pk})
    assert signed_in.get(url).status_code == 200
    services.block_family_access(world.child_a, by=world.send_officer, reason="Safeguarding")
    assert signed_in.get(url).status_code == 404
    services.lift_block(world.child_a, by=world.send_officer)
    assert signed_in.get(url).status_code == 404  # signed out: a new sign-in is needed


def test_sign_out(signed_in, world):
    response = signed_in.post(reverse("family-sign-out"))
    assert "You have signed out" in response.content.decode()
    assert (
        signed_in.get(reverse("family-child", kwargs={"child_id": world.child_a.pk})).status_code
        == 404
    )


def test_the_message_log_and_subject_access_never_show_a_link_or_code(client, world, family_a):
    """Whoever reads the words could sign in as the family: staff see only what was sent."""
    client.post(reverse("family-link", kwargs={"token": family_a.token}))
    code = last_code()
    client.force_login(world.send_manager)
    for url in (reverse("message-log"), reverse("subject-access", args=[world.child_a.pk])):
        page = client.get(url).content.decode()
        assert family_a.token not in page and code not in page, url
        assert "A sign-in link for the family (not shown" in page
        assert "A one-time sign-in code for the family (not shown)" in page


def test_the_link_also_goes_by_email_where_there_is_one(world, make_family, mailoutbox):
    family = make_family(email="grace@example.com")
    email = OutboxMessage.objects.get(template="family_sign_in_link", channel="email")
    assert email.to_email == "grace@example.com" and email.to_contact == family.contact
    assert family.token in email.context["link"]
    assert OutboxMessage.objects.filter(template="family_sign_in_link", channel="sms").exists()
    # a replaced link's words are taken out of both copies once sent
    OutboxMessage.objects.filter(template="family_sign_in_link").update(status="sent")
    services.send_sign_in_link(family.link, by=world.send_officer)
    email.refresh_from_db()
    assert email.context == {} and family.token not in email.body


def test_no_email_copy_to_a_contact_who_must_not_be_contacted(world, make_family):
    family = make_family(email="grace@example.com")
    from earlyyears.messaging.services import queue_message

    FamilyContact.objects.filter(pk=family.contact.pk).update(do_not_contact=True)
    family.contact.refresh_from_db()
    message = queue_message(
        key="x",
        template="family_sign_in_link",
        channel=OutboxMessage.Channel.EMAIL,
        context={},
        contact=family.contact,
    )
    assert message.status == OutboxMessage.Status.SUPPRESSED and message.to_email == ""


def test_a_failed_sign_in_text_is_never_sent_again_from_the_log(client, world, family_a):
    message = OutboxMessage.objects.get(template="family_sign_in_link")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED)
    client.force_login(world.send_manager)
    response = client.post(reverse("retry-message", args=[message.pk]), follow=True)
    assert "send the family a new link from the child" in response.content.decode()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
