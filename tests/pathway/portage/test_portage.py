"""Portage: the caseload, home visits, "All about me" with its print view and PDF, and who may
see the family's records (their portage worker and the SEND team, never the child's setting)."""

import datetime
import re
import zlib

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import MessageTemplate, OutboxMessage, Role
from pathway.models import FamilyPaperwork, PortageVisit, Referral, ReferralEvent
from pathway.portage import services as portage
from pathway.services import create_referral
from tests.factories import ChildFactory, FamilyContactFactory, UserFactory, portage_worker_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def LAST_WEEK() -> datetime.date:
    return TODAY() - datetime.timedelta(days=7)


def NEXT_WEEK() -> datetime.date:
    return TODAY() + datetime.timedelta(days=7)


NOTES = "Stacking bricks: managed four with help"


def make_referral(child, by, *, days_ago=0):
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=by,
            answers={"development": {"communication_language": {"level": "severe"}}},
            setting=child.setting,
            submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
            notify=False,
        )


def visit(worker, child, **extra):
    values = {
        "visited_on": LAST_WEEK(),
        "goals": "Stacking bricks",
        "progress": NOTES,
        "next_steps": "Practise with cups",
        "next_visit_on": None,
        **extra,
    }
    return portage.record_visit(worker, child, **values)


PAPERWORK = {
    "completed_by": "Ngozi Okafor",
    "relationship": "Mother",
    "what_people_like_about_me": "My big laugh",
    "what_is_important_to_me": "My brother and bath time",
    "how_best_to_support_me": "Show me pictures and give me time",
    "how_i_communicate": "Pointing and some words",
    "family_hopes": "Talking to other children",
    "family_worries": "Starting school",
    "consent_to_share": ["send_team", "health"],
    "consent_given_on": LAST_WEEK(),
}


def about_me(worker, child):
    """The family's All about me (issue 22), completed with their portage worker, and the
    family's agreement to share with portage and the SEND team."""
    from pathway.family_story.services import save_all_about_me
    from pathway.models import ConsentRecord

    for agency in ("portage", "send_team"):
        ConsentRecord.objects.update_or_create(child=child, agency=agency, defaults={"given": True})
    return save_all_about_me(
        child,
        {
            "what_people_like_about_me": "My big laugh",
            "what_is_important_to_me": "My brother and bath time",
            "what_works": "Show me pictures and give me time",
            "what_is_hard": "Starting school",
        },
        assisted_by=worker,
        completed_with="Ngozi Okafor",
        relationship="Mother",
    )


def date_fields(name, day):
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def visit_post(**extra):
    data = {
        **date_fields("visited_on", LAST_WEEK()),
        "goals": "Stacking bricks",
        "progress": NOTES,
        "next_steps": "",
        **date_fields("next_visit_on", None),
    }
    data.update(extra)
    return data


def paperwork_post(**extra):
    data = {key: value for key, value in PAPERWORK.items() if key != "consent_given_on"}
    data.update(date_fields("consent_given_on", LAST_WEEK()))
    data.update(extra)
    return data


# Recording visits -----------------------------------------------------------------------------


def test_a_visit_is_saved_with_a_note_free_event_on_the_latest_referral(world):
    make_referral(world.child_a, world.practitioner_a, days_ago=30)
    latest = make_referral(world.child_a, world.practitioner_a, days_ago=2)
    saved = visit(world.portage_a, world.child_a)
    assert saved.worker == world.portage_a
    event = ReferralEvent.objects.get(kind=ReferralEvent.Kind.PORTAGE)
    assert event.referral == latest
    assert event.actor == world.portage_a
    assert event.detail["visit"] == saved.pk
    assert "Stacking" not in event.summary and "home visit" in event.summary


def test_a_visit_without_a_referral_still_saves(world):
    visit(world.portage_a, world.child_a)
    assert PortageVisit.objects.count() == 1
    assert not ReferralEvent.objects.exists()


@pytest.mark.parametrize("who", ["portage_b", "practitioner_a", "send_officer", "planner"])
def test_only_the_childs_portage_worker_records_a_visit(world, who):
    with pytest.raises(portage.PortageError):
        visit(getattr(world, who), world.child_a)
    assert not PortageVisit.objects.exists()


@pytest.mark.parametrize(
    ("visited_on", "next_visit_on", "message"),
    [
        (TODAY() + datetime.timedelta(days=1), None, "today or in the past"),
        (LAST_WEEK(), LAST_WEEK(), "after the date of the visit"),
        (LAST_WEEK(), LAST_WEEK() - datetime.timedelta(days=1), "after the date of the visit"),
        (datetime.date(2000, 1, 1), None, "after the child's date of birth"),
    ],
)
def test_visit_dates_are_checked_by_the_service(world, visited_on, next_visit_on, message):
    with pytest.raises(portage.PortageError, match=message):
        visit(world.portage_a, world.child_a, visited_on=visited_on, next_visit_on=next_visit_on)
    assert not PortageVisit.objects.exists()


def test_next_visit_texts_a_consenting_family_once_per_date(
    world, django_capture_on_commit_callbacks
):
    contact = FamilyContactFactory(child=world.child_a, preferred_language="pl")
    with django_capture_on_commit_callbacks():
        saved = visit(world.portage_a, world.child_a, next_visit_on=NEXT_WEEK())
    message = OutboxMessage.objects.get()
    assert message.template == "portage_visit_family"
    assert message.to_contact == contact
    assert message.child == world.child_a
    assert message.language == "pl"
    assert message.idempotency_key == f"portage-visit:{world.child_a.pk}:{NEXT_WEEK().isoformat()}"
    assert message.context["date"] == NEXT_WEEK().strftime("%d/%m/%Y")
    assert NOTES not in str(message.context)
    portage.update_visit(saved, by=world.portage_a, goals="Stacking cups")
    visit(world.portage_a, world.child_a, next_visit_on=NEXT_WEEK())  # same date, another visit
    assert OutboxMessage.objects.count() == 1
    later = NEXT_WEEK() + datetime.timedelta(days=7)
    portage.update_visit(saved, by=world.portage_a, next_visit_on=later)
    assert OutboxMessage.objects.count() == 2


def test_english_text_gives_the_day_in_words(world):
    FamilyContactFactory(child=world.child_a)
    visit(world.portage_a, world.child_a, next_visit_on=NEXT_WEEK())
    assert OutboxMessage.objects.get().context["date"] == (
        f"{NEXT_WEEK():%A} {NEXT_WEEK().day} {NEXT_WEEK():%B %Y}"
    )


def test_no_text_without_consent_or_without_a_next_visit(world):
    FamilyContactFactory(child=world.child_a, sms_consent=False)
    visit(world.portage_a, world.child_a, next_visit_on=NEXT_WEEK())
    assert not OutboxMessage.objects.exists()
    FamilyContactFactory(child=world.child_a, sms_consent=True, is_primary=False)
    visit(world.portage_a, world.child_a, next_visit_on=None)
    assert not OutboxMessage.objects.exists()


def test_a_visit_and_its_text_are_one_transaction(world):
    make_referral(world.child_a, world.practitioner_a)
    FamilyContactFactory(child=world.child_a)
    MessageTemplate.objects.filter(key="portage_visit_family").delete()
    events_before = ReferralEvent.objects.count()
    with pytest.raises(ValueError):
        visit(world.portage_a, world.child_a, next_visit_on=NEXT_WEEK())
    assert not PortageVisit.objects.exists()
    assert ReferralEvent.objects.count() == events_before


def test_only_the_worker_who_recorded_a_visit_changes_it(world):
    saved = visit(world.portage_a, world.child_a)
    colleague = portage_worker_for(world.child_a, username="colleague")
    with pytest.raises(portage.PortageError):
        portage.update_visit(saved, by=colleague, goals="Something else")
    saved.refresh_from_db()
    assert saved.goals == "Stacking bricks"
    with pytest.raises(TypeError):
        portage.update_visit(saved, by=world.portage_a, worker=colleague)


def test_changing_a_visit_is_an_event(world):
    make_referral(world.child_a, world.practitioner_a)
    saved = visit(world.portage_a, world.child_a)
    portage.update_visit(saved, by=world.portage_a, progress="Managed five")
    saved.refresh_from_db()
    assert saved.progress == "Managed five"
    summaries = list(
        ReferralEvent.objects.filter(kind=ReferralEvent.Kind.PORTAGE).values_list(
            "summary", flat=True
        )
    )
    assert len(summaries) == 2 and "updated" in summaries[1]


# All about me ---------------------------------------------------------------------------------


def test_paperwork_is_one_record_per_child_and_each_save_is_an_event(world):
    make_referral(world.child_a, world.practitioner_a)
    first = portage.save_paperwork(world.portage_a, world.child_a, **PAPERWORK)
    assert first.consent_to_share == ["send_team", "health"]
    assert first.recorded_by == world.portage_a
    second = portage.save_paperwork(
        world.portage_a, world.child_a, **{**PAPERWORK, "family_worries": ""}
    )
    assert second.pk == first.pk and FamilyPaperwork.objects.count() == 1
    assert second.family_worries == ""
    summaries = list(
        ReferralEvent.objects.filter(kind=ReferralEvent.Kind.PORTAGE).values_list(
            "summary", flat=True
        )
    )
    assert ["completed" in summaries[0], "updated" in summaries[1]] == [True, True]
    assert all("laugh" not in summary for summary in summaries)


def test_paperwork_rules_in_the_service(world):
    with pytest.raises(portage.PortageError, match="date the family gave consent"):
        portage.save_paperwork(
            world.portage_a, world.child_a, **{**PAPERWORK, "consent_given_on": None}
        )
    with pytest.raises(portage.PortageError, match="how best to support"):
        portage.save_paperwork(
            world.portage_a, world.child_a, **{**PAPERWORK, "how_best_to_support_me": "  "}
        )
    with pytest.raises(portage.PortageError):
        portage.save_paperwork(world.portage_b, world.child_a, **PAPERWORK)
    assert not FamilyPaperwork.objects.exists()


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    # Up to "endstream" with the line end: a compressed stream may itself end in a CR byte,
    # and decompressobj ignores what follows the end of the data.
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def test_the_pdf_is_tagged_text_with_title_language_and_author(world, settings):
    settings.AUTHORITY_NAME = "Westmoor County Council"
    paperwork = portage.save_paperwork(world.portage_a, world.child_a, **PAPERWORK)
    pdf = portage.paperwork_pdf(paperwork)
    assert pdf.startswith(b"%PDF")
    assert b"/Lang (en-GB)" in pdf
    assert f"/Title (All about me: {world.child_a.reference})".encode() in pdf
    assert b"/Author (Westmoor County Council portage service)" in pdf
    assert b"/DisplayDocTitle true" in pdf
    assert b"/MarkInfo" in pdf and b"/StructTreeRoot" in pdf
    assert pdf.count(b"/S /H1") == 1 and pdf.count(b"/S /H2") == 7
    assert b"/Title (What people like about me)" in pdf  # the outline, for navigation
    assert b"/ToUnicode" in pdf  # text can be read aloud and copied
    assert b"/Subtype /Image" not in pdf


def test_the_pdf_text_is_real_text(world, monkeypatch):
    """With the core fonts the words are in the content stream as they are written."""
    monkeypatch.setattr(portage, "_unicode_font", lambda: None)
    paperwork = portage.save_paperwork(world.portage_a, world.child_a, **PAPERWORK)
    content = b"".join(_streams(portage.paperwork_pdf(paperwork)))
    for words in (b"What people like about me", b"My big laugh", b"health visitor"):
        assert words in content


def test_a_long_paperwork_pdf_runs_over_pages(world):
    long_text = "\n\n".join(["Enjoys water play and splashing in puddles."] * 150)
    paperwork = portage.save_paperwork(
        world.portage_a, world.child_a, **{**PAPERWORK, "what_people_like_about_me": long_text}
    )
    pdf = portage.paperwork_pdf(paperwork)
    assert len(re.findall(rb"/Type /Page\b", pdf)) > 1


# Pages: the caseload ---------------------------------------------------------------------------


def test_caseload_lists_the_workers_families_with_visits_and_paperwork(client, world):
    second = ChildFactory(first_name="Zola", last_name="Adams")
    world.portage_a.caseload_memberships.create(child=second)
    visit(world.portage_a, world.child_a, visited_on=LAST_WEEK() - datetime.timedelta(days=14))
    visit(world.portage_a, world.child_a, visited_on=LAST_WEEK(), next_visit_on=NEXT_WEEK())
    about_me(world.portage_a, world.child_a)
    client.force_login(world.portage_a)
    response = client.get(reverse("portage-caseload"))
    assert response.status_code == 200
    rows = {child.pk: child for child in response.context["families"]}
    assert set(rows) == {world.child_a.pk, second.pk}
    assert rows[world.child_a.pk].last_visit_on == LAST_WEEK()
    assert rows[world.child_a.pk].next_visit_on == NEXT_WEEK()
    assert rows[world.child_a.pk].has_paperwork is True
    assert rows[second.pk].last_visit_on is None and rows[second.pk].has_paperwork is False
    page = response.content.decode()
    assert "Zola Adams" in page and "Bartek" not in page
    assert "1 still needs “All about me” completing" in page


def test_caseload_queries_do_not_grow_with_families(client, world, django_assert_num_queries):
    client.force_login(world.portage_a)
    visit(world.portage_a, world.child_a, next_visit_on=NEXT_WEEK())
    client.get(reverse("portage-caseload"))
    with django_assert_num_queries(7) as one:  # three write the audit trail (+1 OTP device)
        client.get(reverse("portage-caseload"))
    for _ in range(15):
        child = ChildFactory()
        world.portage_a.caseload_memberships.create(child=child)
        visit(world.portage_a, child, next_visit_on=NEXT_WEEK())
        portage.save_paperwork(world.portage_a, child, **PAPERWORK)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("portage-caseload"))
    assert len(response.context["families"]) == 16


@pytest.mark.parametrize(
    "who",
    ["practitioner_a", "send_officer", "send_manager", "planner", "early_help", "professional"],
)
def test_the_caseload_page_is_for_portage_workers(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("portage-caseload")).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, world):
    response = client.get(reverse("portage-visits", args=[world.child_a.pk]))
    assert response.status_code == 302 and "sign-in" in response["Location"]


# Pages: access to each child's portage records -----------------------------------------------

READ_VIEWS = ["portage-visits", "portage-paperwork", "portage-paperwork-pdf"]
WRITE_VIEWS = ["portage-visit-new", "portage-paperwork-edit", "portage-paperwork-saved"]
OUTSIDERS = [
    "portage_b",
    "practitioner_a",  # the child's own setting: visit notes are the family's
    "practitioner_b",
    "planner",
    "early_help",
    "professional",
    "trainer",
    "admin",
]


@pytest.fixture
def records(world):
    make_referral(world.child_a, world.practitioner_a)
    saved = visit(world.portage_a, world.child_a)
    about_me(world.portage_a, world.child_a)
    return saved


@pytest.mark.parametrize("name", READ_VIEWS + WRITE_VIEWS)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_every_portage_page(client, world, records, name, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse(name, args=[world.child_a.pk])).status_code == 404
    assert client.post(reverse(name, args=[world.child_a.pk]), {}).status_code in (404, 405)


@pytest.mark.parametrize("who", OUTSIDERS + ["send_officer", "send_manager"])
def test_only_the_recorder_opens_a_visit_to_change_it(client, world, records, who):
    client.force_login(getattr(world, who))
    expected = 403 if who.startswith("send_") else 404
    url = reverse("portage-visit-edit", args=[records.pk])
    assert client.get(url).status_code == expected
    assert client.post(url, visit_post(goals="Changed")).status_code == expected
    records.refresh_from_db()
    assert records.goals == "Stacking bricks"


@pytest.mark.parametrize("who", ["send_officer", "send_manager"])
def test_the_send_team_reads_but_does_not_write(client, world, records, who):
    client.force_login(getattr(world, who))
    for name in READ_VIEWS:  # All about me leads to the family's record (issue 22)
        assert client.get(reverse(name, args=[world.child_a.pk])).status_code in (200, 302)
    for name in WRITE_VIEWS:
        assert client.get(reverse(name, args=[world.child_a.pk])).status_code == 403
    response = client.post(reverse("portage-visit-new", args=[world.child_a.pk]), visit_post())
    assert response.status_code == 403
    assert PortageVisit.objects.count() == 1
    page = client.get(reverse("portage-visits", args=[world.child_a.pk])).content.decode()
    assert NOTES in page and "Record a home visit" not in page and ">Change<" not in page


def test_another_portage_worker_of_the_same_child_cannot_change_a_visit(client, world, records):
    colleague = portage_worker_for(world.child_a, username="colleague")
    client.force_login(colleague)
    assert client.get(reverse("portage-visits", args=[world.child_a.pk])).status_code == 200
    assert client.get(reverse("portage-visit-edit", args=[records.pk])).status_code == 403


# Pages: recording and changing a visit --------------------------------------------------------


def test_worker_records_a_visit(client, world):
    referral = make_referral(world.child_a, world.practitioner_a)
    FamilyContactFactory(child=world.child_a)
    client.force_login(world.portage_a)
    url = reverse("portage-visit-new", args=[world.child_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, visit_post(**date_fields("next_visit_on", NEXT_WEEK())))
    assert response.status_code == 302
    assert response["Location"] == reverse("portage-visits", args=[world.child_a.pk])
    saved = PortageVisit.objects.get()
    assert (saved.worker, saved.visited_on, saved.next_visit_on) == (
        world.portage_a,
        LAST_WEEK(),
        NEXT_WEEK(),
    )
    assert referral.events.filter(kind=ReferralEvent.Kind.PORTAGE).count() == 1
    assert OutboxMessage.objects.filter(template="portage_visit_family").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Home visit saved." in page and NOTES in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"goals": "", "progress": ""}, "Enter the goals you and the family are working towards"),
        (date_fields("visited_on", None), "Enter the date of the visit"),
        (
            date_fields("visited_on", TODAY() + datetime.timedelta(days=2)),
            "The date of the visit must be today or in the past",
        ),
        (
            {"visited_on_day": "31", "visited_on_month": "2", "visited_on_year": "2026"},
            "The date of the visit must be a real date",
        ),
        (
            date_fields("next_visit_on", LAST_WEEK()),
            "The date of the next visit must be after the date of the visit",
        ),
        (
            {"next_visit_on_day": "1", "next_visit_on_month": "", "next_visit_on_year": ""},
            "The date of the next visit must include a month and a year",
        ),
        (
            date_fields("visited_on", datetime.date(2001, 1, 1)),
            "after the child&#x27;s date of birth",
        ),
        ({"progress": "x" * 4001}, "4,000 characters or fewer"),
    ],
)
def test_bad_visits_are_refused_with_the_error_summary(client, world, data, error):
    client.force_login(world.portage_a)
    response = client.post(
        reverse("portage-visit-new", args=[world.child_a.pk]), visit_post(**data)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and error in page
    assert page.count("<title>Error: ") == 1
    assert not PortageVisit.objects.exists()


def test_worker_changes_their_visit(client, world, records):
    client.force_login(world.portage_a)
    url = reverse("portage-visit-edit", args=[records.pk])
    page = client.get(url).content.decode()
    assert "Stacking bricks</textarea>" in page
    response = client.post(url, visit_post(goals="Stacking cups"))
    assert response.status_code == 302
    records.refresh_from_db()
    assert records.goals == "Stacking cups"
    bad = client.post(url, visit_post(goals=""))
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    records.refresh_from_db()
    assert records.goals == "Stacking cups"


def test_visit_history_lists_visits_newest_first_with_change_links(client, world):
    older = visit(world.portage_a, world.child_a, visited_on=LAST_WEEK() - datetime.timedelta(7))
    newer = visit(world.portage_a, world.child_a, visited_on=LAST_WEEK())
    client.force_login(world.portage_a)
    response = client.get(reverse("portage-visits", args=[world.child_a.pk]))
    assert [v.pk for v in response.context["visits"]] == [newer.pk, older.pk]
    page = response.content.decode()
    assert reverse("portage-visit-edit", args=[older.pk]) in page


def test_visit_history_queries_are_constant(client, world, django_assert_num_queries):
    client.force_login(world.portage_a)
    visit(world.portage_a, world.child_a)
    url = reverse("portage-visits", args=[world.child_a.pk])
    client.get(url)
    with django_assert_num_queries(10) as one:  # three write the audit trail (+1 OTP device)
        client.get(url)
    for n in range(10):
        visit(world.portage_a, world.child_a, visited_on=LAST_WEEK() - datetime.timedelta(n + 1))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


# Pages: All about me --------------------------------------------------------------------------


def test_the_portage_all_about_me_pages_lead_to_the_familys_record(client, world):
    """All about me is the family's own record now (issue 22): the portage links lead to it."""
    make_referral(world.child_a, world.practitioner_a)
    client.force_login(world.portage_a)
    edit = client.get(reverse("portage-paperwork-edit", args=[world.child_a.pk]))
    assert edit["Location"] == reverse("story-all-about-me-with-family", args=[world.child_a.pk])
    for name in ("portage-paperwork", "portage-paperwork-saved"):
        response = client.get(reverse(name, args=[world.child_a.pk]))
        assert response["Location"] == reverse("story-all-about-me", args=[world.child_a.pk])
    assert client.get(reverse("portage-paperwork-pdf", args=[world.child_a.pk])).status_code == 404


def test_the_family_record_shows_the_familys_words(client, world, records):
    client.force_login(world.portage_a)
    page = client.get(reverse("story-all-about-me", args=[world.child_a.pk])).content.decode()
    for text in ("What people like about me", "My big laugh", "Starting school"):
        assert text in page
    assert "Completed with the family (Ngozi Okafor (Mother)), assisted by" in page
    assert reverse("portage-paperwork-pdf", args=[world.child_a.pk]) in page


def test_pdf_download_is_named_by_reference_and_not_cached(client, world, records):
    client.force_login(world.send_officer)
    response = client.get(reverse("portage-paperwork-pdf", args=[world.child_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="all-about-me-{world.child_a.reference}.pdf"'
    assert "Amara" not in disposition and "Okafor" not in disposition
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    event = ReferralEvent.objects.get(kind=ReferralEvent.Kind.VIEWED)
    assert event.actor == world.send_officer and "PDF" in event.summary


def test_pdf_filename_never_carries_odd_characters():
    child = ChildFactory.build(reference='AB/12 "x"', pk=5)
    assert portage.pdf_filename(child) == "all-about-me-AB-12-x.pdf"


# The child page -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_child_section_is_empty_for_people_who_may_not_see_it(world, records, who):
    assert portage.child_section(getattr(world, who), world.child_a) == {}


def test_child_section_for_the_worker_and_the_send_team(world, records):
    mine = portage.child_section(world.portage_a, world.child_a)
    assert mine["can_record"] is True and mine["visit_count"] == 1
    assert mine["latest_visits"] == [records]
    assert mine["paperwork"].completed_with == "Ngozi Okafor"
    theirs = portage.child_section(world.send_officer, world.child_a)
    assert theirs["can_record"] is False and theirs["latest_visits"] == [records]
    # a child the SEND team sees with no portage involvement gets no section
    assert portage.child_section(world.send_officer, world.child_b) == {}
    # a new family on the caseload gets the section, to start recording
    assert portage.child_section(world.portage_b, world.child_b)["visit_count"] == 0


def test_child_section_queries_are_constant(world, records, django_assert_num_queries):
    with django_assert_num_queries(3):
        portage.child_section(world.portage_a, world.child_a)
    for n in range(6):
        visit(world.portage_a, world.child_a, visited_on=LAST_WEEK() - datetime.timedelta(n + 1))
    with django_assert_num_queries(4):
        context = portage.child_section(world.portage_a, world.child_a)
    assert len(context["latest_visits"]) == 3 and context["visit_count"] == 7


def test_child_page_shows_portage_to_the_worker_but_not_to_the_setting(client, world, records):
    client.force_login(world.portage_a)
    page = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert "Portage" in page and "Stacking bricks" in page
    assert reverse("portage-visit-new", args=[world.child_a.pk]) in page
    client.force_login(world.practitioner_a)
    page = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert "Stacking bricks" not in page and NOTES not in page and "My big laugh" not in page
    assert reverse("portage-visits", args=[world.child_a.pk]) not in page
    referral = Referral.objects.get()
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "Stacking bricks" not in page and NOTES not in page


def test_send_team_child_page_is_read_only(client, world, records):
    client.force_login(world.send_manager)
    page = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert "Stacking bricks" in page
    assert reverse("portage-visit-new", args=[world.child_a.pk]) not in page
    assert reverse("story-all-about-me", args=[world.child_a.pk]) in page


def test_roles_named_in_the_portage_rules(world):
    assert set(portage.PORTAGE_ROLES) == {
        Role.PORTAGE_WORKER,
        Role.SEND_OFFICER,
        Role.SEND_MANAGER,
    }
    inactive = UserFactory(role=Role.PORTAGE_WORKER, is_active=False)
    assert portage.may_see_portage(inactive) is False
