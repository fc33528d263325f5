"""The SEND team's safeguarding flags, each through every page, export, PDF and message that could
reveal the flagged detail (issue 14): a withheld address is shown only to the SEND team and
never leaves the service; a person who must not be contacted gets no text and carries a tag
wherever they are listed; a pack for another agency gives no way to reach them."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zlib

import jsonschema
import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from earlyyears.messaging import services as outbox
from earlyyears.models import ContactDetail, FamilyContact, OutboxMessage, Provenance
from pathway.casework import services as casework
from pathway.contacts.services import set_child_flags, set_contact_flags
from pathway.early_help import services as early_help
from pathway.exports import services as exports
from pathway.models import Referral, ShareWith
from pathway.portage import services as portage
from pathway.services import create_referral
from tests.factories import FamilyContactFactory

pytestmark = pytest.mark.django_db

POSTCODE = "WM7 3QX"
REFUGE = "Flat 2, 14 Linden Road, Westmoor"
MUM_MOBILE = "+447700900111"
MUM_EMAIL = "grace@example.org"
DAD_MOBILE = "+447700900222"
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)
LAST_WEEK = timezone.localdate() - datetime.timedelta(days=7)
CONTACT_FLAGS_THAT_STOP_MESSAGES = ["do_not_contact", "court_order", "no_parental_responsibility"]
PAPERWORK = {
    "completed_by": "Grace Okafor",
    "relationship": "Mother",
    "what_people_like_about_me": "My big laugh",
    "what_is_important_to_me": "My brother and bath time",
    "how_best_to_support_me": "Show me pictures",
    "how_i_communicate": "Pointing and some words",
    "family_hopes": "Talking to other children",
    "family_worries": "Starting school",
}


@pytest.fixture
def family(world):
    """Amara, referred by her nursery and routed to early help, with her mother (the main
    contact, with an address) and her father, both agreeing to texts."""
    child = world.child_a
    world.practitioner_a.email = "prac.a@example.org"
    world.practitioner_a.save(update_fields=["email"])
    child.postcode = POSTCODE
    child.save(update_fields=["postcode"])
    mum = FamilyContact.objects.create(
        child=child,
        name="Grace Okafor",
        relationship=FamilyContact.Relationship.MOTHER,
        mobile_phone=MUM_MOBILE,
        email=MUM_EMAIL,
        address=REFUGE,
        sms_consent=True,
        is_primary=True,
    )
    dad = FamilyContact.objects.create(
        child=child,
        name="Tunde Okafor",
        relationship=FamilyContact.Relationship.FATHER,
        mobile_phone=DAD_MOBILE,
        sms_consent=True,
    )
    with transaction.atomic():
        referral = create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={
                "development": {"communication_language": {"level": "severe"}},
                "health_family": {"family_circumstances": True},
                "early_help": {"needs": ["housing"], "details": "", "family_agrees": True},
            },
            setting=child.setting,
            consent={
                "consent_given_by": "Grace Okafor",
                "share_with": [ShareWith.SEND_TEAM, ShareWith.EARLY_HELP],
                "sms_consent": True,
            },
            notify=False,
        )

    class Family:
        pass

    f = Family()
    f.child, f.mum, f.dad, f.referral = child, mum, dad, referral
    return f


def flag_child(world, child, **flags) -> None:
    set_child_flags(child, world.send_officer, flags, "")
    child.refresh_from_db()


def flag_contact(world, contact, *names: str) -> None:
    set_contact_flags(contact, world.send_officer, dict.fromkeys(names, True))
    contact.refresh_from_db()


def about_me(worker, child):
    """The family's All about me (issue 22), completed with their portage worker, shared with
    portage."""
    from pathway.family_story.services import save_all_about_me
    from pathway.models import ConsentRecord

    ConsentRecord.objects.update_or_create(child=child, agency="portage", defaults={"given": True})
    return save_all_about_me(
        child,
        {"what_people_like_about_me": "My big laugh", "what_works": "Pictures"},
        assisted_by=worker,
        completed_with="Ngozi Okafor",
    )


def page(client, user, name: str, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def pdf_text(pdf: bytes) -> str:
    """The words of a PDF written with the core fonts (the tests switch the font)."""
    text = []
    # Up to "endstream" with the line end: a compressed stream may itself end in a CR byte,
    # and decompressobj ignores what follows the end of the data.
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            text.append(zlib.decompressobj().decompress(raw).decode("latin-1"))
        except zlib.error:
            text.append(raw.decode("latin-1"))
    return "\n".join(text)


@pytest.fixture
def core_fonts(monkeypatch):
    monkeypatch.setattr(early_help, "_unicode_font", lambda: None)
    monkeypatch.setattr(portage, "_unicode_font", lambda: None)


def pack_downloads(client, user, referral) -> tuple[str, dict, str]:
    """The pack page, JSON and PDF text, as `user` opens or downloads them."""
    html = page(client, user, "early-help-pack", referral.pk)
    data = json.loads(client.get(reverse("early-help-pack-json", args=[referral.pk])).content)
    jsonschema.validate(data, early_help.PACK_SCHEMA)
    pdf = client.get(reverse("early-help-pack-pdf", args=[referral.pk])).content
    return html, data, pdf_text(pdf)


def full_export(world) -> str:
    content, _, _ = exports.export_referrals(world.send_manager, kind=exports.FULL)
    return content.decode("utf-8-sig")


def texts_to(contact: FamilyContact) -> list[OutboxMessage]:
    """Messages that were, or will be, sent to this person."""
    return list(
        OutboxMessage.objects.filter(
            Q(to_contact=contact) | Q(to_phone=contact.mobile_phone)
        ).exclude(status=OutboxMessage.Status.SUPPRESSED)
    )


def accept(world, referral) -> None:
    casework.decide(
        referral,
        "accept",
        by=world.send_officer,
        reason="Severe delay in talking",
        routes=["send_team"],
    )


def visit_with_next_date(world, child) -> None:
    portage.record_visit(
        world.portage_a,
        child,
        visited_on=LAST_WEEK,
        goals="Stacking bricks",
        progress="Four bricks",
        next_steps="Cups",
        next_visit_on=NEXT_WEEK,
    )


# The child's address must not be disclosed ---------------------------------------------------


def test_a_withheld_postcode_is_shown_only_to_the_send_team_on_the_childs_page(
    client, world, family
):
    flag_child(world, family.child, address_withheld=True)
    for user in (world.practitioner_a, world.portage_a):
        html = page(client, user, "child-detail", family.child.pk)
        assert POSTCODE not in html and REFUGE not in html
        assert "Withheld" in html
    html = page(client, world.send_officer, "child-detail", family.child.pk)
    assert POSTCODE in html and "Do not disclose" in html


def test_a_withheld_postcode_is_on_no_other_page(client, world, family):
    flag_child(world, family.child, address_withheld=True)
    visit_with_next_date(world, family.child)
    about_me(world.portage_a, family.child)
    pages = [
        (world.practitioner_a, "referral-detail", family.referral.pk),
        (world.practitioner_a, "my-concerns"),
        (world.portage_a, "portage-caseload"),
        (world.portage_a, "portage-visits", family.child.pk),
        (world.portage_a, "story-all-about-me", family.child.pk),
        (world.early_help, "early-help-list"),
        (world.early_help, "early-help-pack", family.referral.pk),
        (world.send_officer, "early-help-pack", family.referral.pk),
        (world.send_officer, "referral-detail", family.referral.pk),
        (world.send_officer, "triage-queue"),
        (world.send_officer, "notification-register"),
        (world.send_officer, "message-log"),
    ]
    for user, name, *args in pages:
        html = page(client, user, name, *args)
        assert POSTCODE not in html, name
        assert REFUGE not in html, name


@pytest.mark.parametrize("who", ["early_help", "send_officer"])
def test_a_withheld_postcode_never_goes_in_the_early_help_pack(
    client, world, family, core_fonts, who
):
    """The pack goes to another agency: withheld for the SEND team's downloads too."""
    flag_child(world, family.child, address_withheld=True)
    html, data, pdf = pack_downloads(client, getattr(world, who), family.referral)
    for where in (html, json.dumps(data), pdf):
        assert POSTCODE not in where
        assert REFUGE not in where
        assert "Address must not be disclosed" in where
    assert "Withheld" in html and "Withheld" in pdf
    assert data["child"]["postcode"] == ""
    assert {"code": "address_withheld", "label": "Address must not be disclosed"} in data["child"][
        "safeguarding_flags"
    ]


def test_an_unflagged_pack_still_carries_the_postcode(client, world, family, core_fonts):
    html, data, pdf = pack_downloads(client, world.early_help, family.referral)
    assert POSTCODE in html and POSTCODE in pdf
    assert data["child"]["postcode"] == POSTCODE
    assert data["child"]["safeguarding_flags"] == []


def test_a_withheld_postcode_is_not_in_the_full_export(world, family):
    flag_child(world, family.child, address_withheld=True)
    rows = list(csv.DictReader(io.StringIO(full_export(world))))
    [row] = [r for r in rows if r["Child reference"] == family.child.reference]
    assert row["Postcode"] == "Withheld"
    assert row["Safeguarding flags"] == "Address must not be disclosed"
    assert POSTCODE not in full_export(world)
    pseudonymised, _, _ = exports.export_referrals(world.send_manager)
    assert POSTCODE.encode() not in pseudonymised


def test_a_withheld_address_is_not_in_the_subject_access_record(client, world, family):
    flag_child(world, family.child, address_withheld=True)
    html = page(client, world.send_manager, "subject-access", family.child.pk)
    data = client.get(reverse("subject-access-json", args=[family.child.pk])).content.decode()
    for where in (html, data):
        assert POSTCODE not in where
        assert REFUGE not in where


def test_all_about_me_warns_not_to_write_a_withheld_address(client, world, family, core_fonts):
    flag_child(world, family.child, address_withheld=True)
    about_me(world.portage_a, family.child)
    html = page(client, world.portage_a, "story-all-about-me", family.child.pk)
    pdf = pdf_text(client.get(reverse("portage-paperwork-pdf", args=[family.child.pk])).content)
    for where in (html, pdf):
        assert "address must not be disclosed" in where
        assert POSTCODE not in where and REFUGE not in where


def test_no_message_carries_a_withheld_address(world, family, django_capture_on_commit_callbacks):
    """Texts to the family and emails to staff, from every flow that queues them: neither
    the context nor the words sent name the postcode or the address."""
    flag_child(world, family.child, address_withheld=True)
    with django_capture_on_commit_callbacks():
        with transaction.atomic():
            create_referral(
                child=family.child,
                source=Referral.Source.SETTING_CONCERN,
                submitted_by=world.practitioner_a,
                answers={"development": {"communication_language": {"level": "severe"}}},
                setting=family.child.setting,
                contact=family.mum,
                consent={"sms_consent": True},
            )
        accept(world, family.referral)
        visit_with_next_date(world, family.child)
    messages = list(OutboxMessage.objects.all())
    assert {m.template for m in messages} >= {
        "concern_received_family",
        "concern_submitted_staff",
        "referral_decided_family",
        "portage_visit_family",
    }
    for message in messages:
        words, _ = outbox.render(message.template, message.language, message.context)
        for where in (json.dumps(message.context), words):
            assert POSTCODE not in where and REFUGE not in where


# The child is looked after; a court order restricts information about the child --------------


@pytest.mark.parametrize(
    "flag, label",
    [
        ("looked_after", "Looked after by the local authority"),
        ("court_order", "A court order restricts information about this child"),
    ],
)
def test_the_pack_and_the_full_export_carry_the_childs_flags(
    client, world, family, core_fonts, flag, label
):
    flag_child(world, family.child, **{flag: True})
    html, data, pdf = pack_downloads(client, world.early_help, family.referral)
    assert label in html and label in pdf
    assert {"code": flag, "label": label} in data["child"]["safeguarding_flags"]
    [row] = list(csv.DictReader(io.StringIO(full_export(world))))
    assert row["Safeguarding flags"] == label


def test_the_safeguarding_note_stays_with_the_send_team(client, world, family, core_fonts):
    set_child_flags(family.child, world.send_officer, {"court_order": True}, "Father: no contact")
    html, data, pdf = pack_downloads(client, world.early_help, family.referral)
    for where in (html, json.dumps(data), pdf, full_export(world)):
        assert "Father: no contact" not in where
    for user in (world.practitioner_a, world.portage_a):
        assert "Father: no contact" not in page(client, user, "child-detail", family.child.pk)
    assert "Father: no contact" in page(client, world.send_officer, "child-detail", family.child.pk)


def test_all_about_me_warns_of_a_court_order_before_it_is_shared(client, world, family, core_fonts):
    about_me(world.portage_a, family.child)
    html = page(client, world.portage_a, "story-all-about-me", family.child.pk)
    assert "court order" not in html
    flag_child(world, family.child, court_order=True)
    html = page(client, world.portage_a, "story-all-about-me", family.child.pk)
    pdf = pdf_text(client.get(reverse("portage-paperwork-pdf", args=[family.child.pk])).content)
    for where in (html, pdf):
        assert "A court order restricts information about this child" in where
        assert "Ask the SEND team before" in where


def test_a_looked_after_child_is_not_announced_on_the_family_paperwork(
    client, world, family, core_fonts
):
    flag_child(world, family.child, looked_after=True)
    about_me(world.portage_a, family.child)
    html = page(client, world.portage_a, "story-all-about-me", family.child.pk)
    pdf = pdf_text(client.get(reverse("portage-paperwork-pdf", args=[family.child.pk])).content)
    for where in (html, pdf):
        assert "Looked after" not in where and "looked after" not in where


# A contact who must not be texted -------------------------------------------------------------


@pytest.mark.parametrize("flag", CONTACT_FLAGS_THAT_STOP_MESSAGES)
def test_a_decision_texts_the_other_parent_not_the_flagged_one(
    world, family, django_capture_on_commit_callbacks, celery_eager, flag
):
    flag_contact(world, family.mum, flag)
    with django_capture_on_commit_callbacks(execute=True):
        accept(world, family.referral)
    assert texts_to(family.mum) == []
    [message] = OutboxMessage.objects.filter(template="referral_decided_family")
    assert message.to_contact == family.dad and message.to_phone == DAD_MOBILE
    assert message.status != OutboxMessage.Status.SUPPRESSED


@pytest.mark.parametrize("flag", CONTACT_FLAGS_THAT_STOP_MESSAGES)
def test_no_decision_text_when_every_contact_is_flagged(
    world, family, django_capture_on_commit_callbacks, celery_eager, flag
):
    flag_contact(world, family.mum, flag)
    flag_contact(world, family.dad, flag)
    with django_capture_on_commit_callbacks(execute=True):
        accept(world, family.referral)
    assert texts_to(family.mum) == [] and texts_to(family.dad) == []


@pytest.mark.parametrize("flag", CONTACT_FLAGS_THAT_STOP_MESSAGES)
def test_a_portage_visit_texts_nobody_flagged(
    world, family, django_capture_on_commit_callbacks, celery_eager, flag
):
    flag_contact(world, family.mum, flag)
    with django_capture_on_commit_callbacks(execute=True):
        visit_with_next_date(world, family.child)
    assert texts_to(family.mum) == []
    [message] = OutboxMessage.objects.filter(template="portage_visit_family")
    assert message.to_contact == family.dad
    flag_contact(world, family.dad, flag)
    with django_capture_on_commit_callbacks(execute=True):
        portage.record_visit(
            world.portage_a,
            family.child,
            visited_on=timezone.localdate(),
            goals="Cups",
            progress="",
            next_steps="",
            next_visit_on=NEXT_WEEK + datetime.timedelta(days=7),
        )
    assert OutboxMessage.objects.filter(template="portage_visit_family").count() == 1


@pytest.mark.parametrize("flag", CONTACT_FLAGS_THAT_STOP_MESSAGES)
def test_the_concern_received_text_is_refused_for_a_flagged_contact(
    world, family, django_capture_on_commit_callbacks, celery_eager, flag
):
    flag_contact(world, family.mum, flag)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        create_referral(
            child=family.child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=family.child.setting,
            contact=family.mum,
            consent={"sms_consent": True},
        )
    message = OutboxMessage.objects.get(template="concern_received_family")
    assert message.status == OutboxMessage.Status.SUPPRESSED
    assert message.to_phone == ""  # never sent, so the flagged person's number is not kept
    outbox.send_now(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SUPPRESSED and message.provider_id == ""


@pytest.mark.parametrize("flag", CONTACT_FLAGS_THAT_STOP_MESSAGES)
def test_a_text_queued_before_the_flag_is_never_sent(
    world, family, django_capture_on_commit_callbacks, flag
):
    with django_capture_on_commit_callbacks(execute=False):
        accept(world, family.referral)
    message = OutboxMessage.objects.get(template="referral_decided_family")
    assert message.to_contact == family.mum and message.status == OutboxMessage.Status.PENDING
    flag_contact(world, family.mum, flag)
    outbox.send_now(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SUPPRESSED
    assert message.to_phone == ""


@pytest.mark.parametrize("flag", CONTACT_FLAGS_THAT_STOP_MESSAGES)
def test_the_sender_refuses_a_contact_flagged_after_the_text_was_queued(
    world, family, django_capture_on_commit_callbacks, flag
):
    """However the flag got there (an import, the admin), the sender checks it again."""
    with django_capture_on_commit_callbacks(execute=False):
        accept(world, family.referral)
    message = OutboxMessage.objects.get(template="referral_decided_family")
    values = {"has_parental_responsibility": False}
    if flag != "no_parental_responsibility":
        values = {flag: True}
    FamilyContact.objects.filter(pk=family.mum.pk).update(**values)
    outbox.send_now(message.pk)
    message.refresh_from_db()
    assert (message.status, message.to_phone, message.provider_id) == (
        OutboxMessage.Status.SUPPRESSED,
        "",
        "",
    )


def test_staff_emails_never_go_to_a_family_contact(
    world, family, django_capture_on_commit_callbacks
):
    flag_contact(world, family.mum, "do_not_contact")
    with django_capture_on_commit_callbacks():
        with transaction.atomic():
            create_referral(
                child=family.child,
                source=Referral.Source.SETTING_CONCERN,
                submitted_by=world.practitioner_a,
                answers={"development": {"communication_language": {"level": "severe"}}},
                setting=family.child.setting,
                contact=family.mum,
            )
        accept(world, family.referral)
    emails = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.EMAIL)
    assert emails.exists()
    assert not emails.filter(to_email=MUM_EMAIL).exists()
    assert not emails.filter(to_contact__isnull=False).exists()


# A flagged contact on pages and in the pack -----------------------------------------------------


@pytest.mark.parametrize(
    "flag, tag",
    [
        ("do_not_contact", "Do not contact"),
        ("court_order", "Court order"),
        ("no_parental_responsibility", "No parental responsibility"),
        ("address_withheld", "Address withheld"),
    ],
)
def test_the_childs_page_tags_a_flagged_contact_for_everyone(client, world, family, flag, tag):
    flag_contact(world, family.mum, flag)
    for user in (world.practitioner_a, world.portage_a, world.send_officer):
        assert tag in page(client, user, "child-detail", family.child.pk)


@pytest.mark.parametrize("flag", ["do_not_contact", "court_order"])
def test_the_pack_lists_an_unreachable_contact_without_their_details(
    client, world, family, core_fonts, flag
):
    flag_contact(world, family.mum, flag)
    label = {
        "do_not_contact": "Do not contact",
        "court_order": "Court order: restricts what they may be told",
    }[flag]
    for user in (world.early_help, world.send_officer):
        html, data, pdf = pack_downloads(client, user, family.referral)
        for where in (html, json.dumps(data), pdf):
            assert "Grace Okafor" in where and label in where
            assert MUM_MOBILE not in where and MUM_EMAIL not in where and REFUGE not in where
            assert DAD_MOBILE in where
        assert "Withheld" in html and "Withheld" in pdf
        [mum] = [c for c in data["family_contacts"] if c["name"] == "Grace Okafor"]
        assert (mum["mobile_phone"], mum["email"], mum["details_withheld"]) == ("", "", True)
        assert mum["sms_consent"] is False
        assert {"code": flag, "label": label} in mum["safeguarding_flags"]


def test_the_pack_lists_a_contact_without_parental_responsibility_with_the_flag(
    client, world, family, core_fonts
):
    """They may be the carer the child lives with: early help may reach them, but must not take
    their consent as a parent's."""
    flag_contact(world, family.mum, "no_parental_responsibility")
    html, data, pdf = pack_downloads(client, world.early_help, family.referral)
    for where in (html, json.dumps(data), pdf):
        assert "No parental responsibility" in where and MUM_MOBILE in where
    [mum] = [c for c in data["family_contacts"] if c["name"] == "Grace Okafor"]
    assert mum["details_withheld"] is False


def test_the_pack_never_carries_a_contacts_withheld_address(client, world, family, core_fonts):
    flag_contact(world, family.mum, "address_withheld")
    html, data, pdf = pack_downloads(client, world.early_help, family.referral)
    for where in (html, json.dumps(data), pdf):
        assert REFUGE not in where and "Address must not be disclosed" in where


def test_a_contacts_withheld_address_is_shown_only_to_the_send_team(client, world, family):
    flag_contact(world, family.mum, "address_withheld")
    for user in (world.practitioner_a, world.portage_a):
        html = page(client, user, "child-detail", family.child.pk)
        assert REFUGE not in html and "Withheld" in html
    html = page(client, world.send_officer, "child-detail", family.child.pk)
    assert REFUGE in html and "Do not disclose" in html
    html = page(client, world.send_manager, "subject-access", family.child.pk)
    assert REFUGE not in html


def test_a_contact_rejected_as_not_the_familys_is_left_out_of_the_pack(client, world, family):
    stranger = FamilyContactFactory(
        child=family.child,
        name="Not Family",
        mobile_phone="+447700900999",
        is_primary=False,
        confirmation=FamilyContact.Confirmation.REJECTED,
    )
    html, data, _ = pack_downloads(client, world.early_help, family.referral)
    assert stranger.name not in html and stranger.mobile_phone not in json.dumps(data)


@pytest.mark.parametrize(
    "flag, tag",
    [
        ("do_not_contact", "Do not contact"),
        ("court_order", "Court order: restricts what they may be told"),
        ("no_parental_responsibility", "No parental responsibility"),
    ],
)
def test_the_message_log_tags_the_flagged_person_and_never_shows_their_number(
    client, world, family, django_capture_on_commit_callbacks, flag, tag
):
    with django_capture_on_commit_callbacks(execute=False):
        accept(world, family.referral)
    flag_contact(world, family.mum, flag)
    for name, args in (("message-log", ()), ("referral-detail", (family.referral.pk,))):
        html = page(client, world.send_officer, name, *args)
        assert "Grace Okafor" in html and tag in html
        assert MUM_MOBILE not in html


@pytest.mark.parametrize("whose", ["child", "contact"])
def test_a_withheld_address_waiting_to_be_checked_is_shown_only_to_the_send_team(
    client, world, family, whose
):
    mum = FamilyContact.objects.get(pk=family.mum.pk)
    mum.details.create(
        kind=ContactDetail.Kind.ADDRESS,
        value="3 Hidden Close",
        source=Provenance.HEALTH,
        status=ContactDetail.Status.UNCONFIRMED,
    )
    if whose == "child":
        flag_child(world, family.child, address_withheld=True)
    else:
        flag_contact(world, family.mum, "address_withheld")
    html = page(client, world.practitioner_a, "child-detail", family.child.pk)
    assert "3 Hidden Close" not in html and "Withheld" in html
    assert "3 Hidden Close" in page(client, world.send_officer, "child-detail", family.child.pk)


@pytest.mark.parametrize("whose", ["child", "contact"])
def test_only_the_send_team_checks_a_withheld_address(client, world, family, whose):
    mum = FamilyContact.objects.get(pk=family.mum.pk)
    mum.details.create(
        kind=ContactDetail.Kind.ADDRESS,
        value="3 Hidden Close",
        source=Provenance.HEALTH,
        status=ContactDetail.Status.UNCONFIRMED,
    )
    mum.details.create(
        kind=ContactDetail.Kind.MOBILE,
        value="+447700900333",
        source=Provenance.HEALTH,
        status=ContactDetail.Status.UNCONFIRMED,
    )
    if whose == "child":
        flag_child(world, family.child, address_withheld=True)
    else:
        flag_contact(world, family.mum, "address_withheld")
    args = (family.child.pk, family.mum.pk)
    html = page(client, world.practitioner_a, "check-contact", *args)
    assert "3 Hidden Close" not in html and "+447700900333" in html
    assert "3 Hidden Close" in page(client, world.send_officer, "check-contact", *args)
