"""Advice requests: the SEND team asks a professional in their discipline's template, the
professional answers (draft, then send), the answers attach to the case; access for every
role; constant queries."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import OutboxMessage, Role, User
from pathway.advice import services as advice
from pathway.models import AdviceRequest, AdviceTemplate, Referral, ReferralEvent
from tests.factories import ChildFactory, UserFactory


@pytest.fixture
def make_referral(make_referral):
    """Referrals the family agreed to share with health: advice is asked only on those."""

    def make(*args, share_with=("send_team", "health"), **kwargs):
        return make_referral(*args, share_with=list(share_with), **kwargs)

    return make


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def slt_template(db):
    return AdviceTemplate.objects.get(discipline="slt")


@pytest.fixture
def therapist(db):
    return UserFactory(
        role=Role.PROFESSIONAL,
        username="priya",
        first_name="Priya",
        last_name="Shah",
        job_title="Speech and language therapist",
        organisation="Westmoor Community NHS Trust",
        email="priya@example.org",
        mobile_phone="+447700900456",
    )


@pytest.fixture
def ask(world, make_referral, slt_template, therapist, today):
    """Ask for SLT advice on a fresh referral (or a given one)."""

    def do(referral=None, *, professional=None, due_in_days: int = 42, **extra):
        return advice.request_advice(
            referral or make_referral(),
            by=world.send_officer,
            template=slt_template,
            professional=professional or therapist,
            due_on=today + datetime.timedelta(days=due_in_days),
            message=extra.get("message", "Is her language delay specific or general?"),
            today=today,
        )

    return do


def full_answers(item: AdviceRequest) -> dict[str, str]:
    return {q["key"]: f"Advice on {q['label']}" for q in item.questions}


def answer_post(item: AdviceRequest, action: str, answers: dict[str, str]) -> dict[str, str]:
    data = {f"answer_{key}": value for key, value in answers.items()}
    data["action"] = action
    return data


def new_request_post(kind, asked, due: datetime.date, **extra) -> dict[str, str]:
    data = {
        "template": str(kind.pk),
        "professional": str(asked.pk),
        "due_on_day": str(due.day),
        "due_on_month": str(due.month),
        "due_on_year": str(due.year),
        "message": "Please assess her understanding of language.",
    }
    data.update(extra)
    return data


# Asking -------------------------------------------------------------------------------------


def test_every_discipline_has_a_template(db):
    disciplines = set(AdviceTemplate.objects.values_list("discipline", flat=True))
    assert {
        "slt",
        "ot",
        "physiotherapy",
        "educational_psychology",
        "paediatrics",
        "social_care",
        "health_visiting",
    } <= disciplines


def test_asking_snapshots_the_questions_records_an_event_and_emails_the_professional(
    ask, slt_template, therapist, world
):
    item = ask()
    assert item.status == AdviceRequest.Status.REQUESTED
    assert item.discipline == "slt"
    assert item.questions == slt_template.questions
    event = ReferralEvent.objects.get(referral=item.referral, kind=ReferralEvent.Kind.ADVICE)
    assert event.actor == world.send_officer
    assert "Priya Shah" in event.summary and "speech and language therapy" in event.summary
    message = OutboxMessage.objects.get(to_user=therapist)
    assert message.idempotency_key == f"advice:{item.pk}:requested:email"
    assert message.channel == "email"
    assert message.template == "advice_requested_staff"
    assert message.context["discipline"] == "speech and language therapy"
    assert message.context["due"] == f"{item.due_on:%-d %B %Y}"


def test_later_changes_to_the_template_do_not_change_what_was_asked(ask, slt_template):
    item = ask()
    asked = list(item.questions)
    slt_template.questions = [{"key": "new", "label": "A new question", "hint": ""}]
    slt_template.save()
    item.refresh_from_db()
    assert item.questions == asked


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("email", ["email"]), ("sms", ["sms"]), ("both", ["email", "sms"])],
)
def test_the_professional_is_told_by_their_chosen_channels(ask, therapist, channel, expected):
    therapist.reminder_channel = channel
    therapist.save()
    item = ask()
    messages = OutboxMessage.objects.filter(to_user=therapist).order_by("channel")
    assert [m.channel for m in messages] == expected
    assert {m.idempotency_key for m in messages} == {
        f"advice:{item.pk}:requested:{c}" for c in expected
    }
    for message in messages:
        assert message.status == OutboxMessage.Status.PENDING
        assert "Okafor" not in str(message.context) and "Amara" not in str(message.context)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"by": "practitioner_a"}, "Only the Early Years SEND team"),
        ({"professional": "practitioner_b"}, "health or care professional"),
        ({"due_in_days": 0}, "in the future"),
        ({"due_in_days": -3}, "in the future"),
        ({"due_in_days": 400}, "within a year"),
        ({"message": "   "}, "Enter a message"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_saved(
    world, make_referral, slt_template, therapist, today, change, error
):
    referral = make_referral()
    events = ReferralEvent.objects.count()
    kwargs = {
        "by": world.send_officer,
        "template": slt_template,
        "professional": therapist,
        "due_on": today + datetime.timedelta(days=change.get("due_in_days", 42)),
        "message": change.get("message", "Please advise"),
    }
    if "by" in change:
        kwargs["by"] = getattr(world, change["by"])
    if "professional" in change:
        kwargs["professional"] = getattr(world, change["professional"])
    with pytest.raises(advice.AdviceError, match=error):
        advice.request_advice(referral, today=today, **kwargs)
    assert not AdviceRequest.objects.exists()
    assert ReferralEvent.objects.count() == events
    assert not OutboxMessage.objects.filter(template="advice_requested_staff").exists()


def test_no_advice_is_asked_on_a_closed_referral(ask, make_referral):
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.CLOSED)
    with pytest.raises(advice.AdviceError, match="closed"):
        ask(referral)
    assert not AdviceRequest.objects.exists()


def test_a_switched_off_professional_cannot_be_asked(ask, therapist):
    therapist.is_active = False
    therapist.save()
    with pytest.raises(advice.AdviceError):
        ask()
    assert therapist not in advice.professionals()


# Answering ----------------------------------------------------------------------------------


def test_a_draft_keeps_the_answers_and_the_request_stays_open(ask, therapist):
    item = ask()
    advice.save_draft(
        item, by=therapist, answers={"attention": "  Fleeting  ", "not_asked": "ignored"}
    )
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED
    assert item.submitted_at is None
    assert item.answers["attention"] == "Fleeting"
    assert "not_asked" not in item.answers


def test_sending_needs_every_answer_and_changes_nothing_until_then(ask, therapist):
    item = ask()
    answers = full_answers(item)
    answers["social"] = " "
    with pytest.raises(advice.AdviceError, match="Social communication and interaction"):
        advice.send_advice(item, by=therapist, answers=answers)
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED
    assert item.answers == {}
    assert not ReferralEvent.objects.filter(summary__contains="advice given").exists()


def test_sending_marks_the_request_answered_with_an_event(ask, therapist):
    item = ask()
    advice.send_advice(item, by=therapist, answers=full_answers(item))
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.SUBMITTED
    assert item.submitted_at is not None
    assert item.answers == full_answers(item)
    event = ReferralEvent.objects.filter(referral=item.referral, kind="advice").last()
    assert event.summary.startswith("Speech and language therapy advice given by Priya Shah")
    assert event.actor == therapist


def test_sent_advice_is_read_only(ask, therapist):
    item = ask()
    advice.send_advice(item, by=therapist, answers=full_answers(item))
    for service in (advice.save_draft, advice.send_advice):
        with pytest.raises(advice.AdviceError, match="already sent"):
            service(item, by=therapist, answers={"attention": "changed"})
    item.refresh_from_db()
    assert item.answers["attention"] == "Advice on Attention and listening"


def test_only_the_professional_asked_can_answer(ask, world):
    item = ask()
    with pytest.raises(advice.AdviceError, match="Only the professional"):
        advice.send_advice(item, by=world.professional, answers=full_answers(item))
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED


def test_an_optional_question_may_be_left_blank(ask, therapist):
    item = ask()
    item.questions[0]["optional"] = True
    item.save()
    answers = full_answers(item)
    answers[item.questions[0]["key"]] = ""
    advice.send_advice(item, by=therapist, answers=answers)
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.SUBMITTED


# Withdrawing --------------------------------------------------------------------------------


def test_the_send_team_withdraws_an_open_request_with_a_reason(ask, world, therapist):
    item = ask()
    with pytest.raises(advice.AdviceError, match="Enter the reason"):
        advice.withdraw(item, by=world.send_officer, reason=" ")
    with pytest.raises(advice.AdviceError, match="Only the Early Years SEND team"):
        advice.withdraw(item, by=therapist, reason="Not needed")
    advice.withdraw(item, by=world.send_manager, reason="The family moved away")
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.WITHDRAWN
    event = ReferralEvent.objects.filter(referral=item.referral, kind="advice").last()
    assert event.detail["reason"] == "The family moved away"
    assert event.actor == world.send_manager
    with pytest.raises(advice.AdviceError, match="withdrawn"):
        advice.send_advice(item, by=therapist, answers=full_answers(item))


def test_sent_advice_cannot_be_withdrawn(ask, world, therapist):
    item = ask()
    advice.send_advice(item, by=therapist, answers=full_answers(item))
    with pytest.raises(advice.AdviceError, match="cannot be withdrawn"):
        advice.withdraw(item, by=world.send_officer, reason="Changed our minds")
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.SUBMITTED


# Pages: the SEND team asks ------------------------------------------------------------------


def test_the_request_page_offers_templates_professionals_and_the_six_week_hint(
    client, world, make_referral, therapist, today
):
    referral = make_referral()
    client.force_login(world.send_officer)
    response = client.get(reverse("advice-new", args=[referral.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Speech and language therapy advice" in page
    assert "Social care advice" in page
    assert "Priya Shah, Speech and language therapist, Westmoor Community NHS Trust" in page
    assert "Within 6 weeks" in page
    suggested = today + datetime.timedelta(weeks=6)
    assert f'value="{suggested.year}"' in page


def test_asking_through_the_page_redirects_to_the_referral(
    client, world, make_referral, slt_template, therapist, today
):
    referral = make_referral()
    client.force_login(world.send_officer)
    due = today + datetime.timedelta(days=30)
    response = client.post(
        reverse("advice-new", args=[referral.pk]),
        new_request_post(slt_template, therapist, due),
    )
    assert response.status_code == 302
    assert response.url == reverse("referral-detail", args=[referral.pk]) + "#advice"
    item = AdviceRequest.objects.get()
    assert (item.referral, item.professional, item.due_on) == (referral, therapist, due)
    assert item.requested_by == world.send_officer
    assert item.message == "Please assess her understanding of language."


def test_bad_input_on_the_request_page_gets_an_error_for_each_field(
    client, world, make_referral, therapist
):
    referral = make_referral()
    client.force_login(world.send_officer)
    response = client.post(reverse("advice-new", args=[referral.pk]), {})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    for error in (
        "Select the kind of advice you need",
        "Select the professional to ask",
        "Enter the due date",
        "Enter a message for the professional",
    ):
        assert error in page
    assert not AdviceRequest.objects.exists()


@pytest.mark.parametrize(
    ("due_fields", "error"),
    [
        ({"due_on_day": "1", "due_on_month": "1", "due_on_year": "2020"}, "in the future"),
        ({"due_on_day": "31", "due_on_month": "2", "due_on_year": "2030"}, "real date"),
        ({"due_on_day": "1", "due_on_month": "1", "due_on_year": "2099"}, "within a year"),
        ({"due_on_day": "x" * 5000, "due_on_month": "1", "due_on_year": "2030"}, "real date"),
    ],
)
def test_bad_due_dates_are_explained(
    client, world, make_referral, slt_template, therapist, today, due_fields, error
):
    referral = make_referral()
    client.force_login(world.send_officer)
    data = new_request_post(slt_template, therapist, today + datetime.timedelta(days=10))
    data.update(due_fields)
    response = client.post(reverse("advice-new", args=[referral.pk]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not AdviceRequest.objects.exists()


def test_a_foreign_professional_id_or_template_is_refused(
    client, world, make_referral, slt_template, therapist, today
):
    referral = make_referral()
    client.force_login(world.send_officer)
    due = today + datetime.timedelta(days=10)
    for data in (
        new_request_post(slt_template, world.practitioner_a, due),
        new_request_post(slt_template, therapist, due, template="99999"),
        new_request_post(slt_template, therapist, due, professional="not-a-number"),
    ):
        response = client.post(reverse("advice-new", args=[referral.pk]), data)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert not AdviceRequest.objects.exists()


# Pages: the professional answers ------------------------------------------------------------


def test_the_professionals_list_shows_their_requests_by_due_date_with_overdue_tagged(
    client, ask, therapist, world, today, make_referral
):
    later = ask(due_in_days=30)
    sooner = ask(make_referral(world.child_b), due_in_days=5)
    AdviceRequest.objects.filter(pk=sooner.pk).update(due_on=today - datetime.timedelta(days=1))
    answered = ask(due_in_days=10)
    advice.send_advice(answered, by=therapist, answers=full_answers(answered))
    someone_elses = ask(professional=world.professional)
    client.force_login(therapist)
    response = client.get(reverse("advice-list"))
    assert response.status_code == 200
    open_rows = [row.request for row in response.context["open"]]
    assert open_rows == [sooner, later]
    assert [row.overdue for row in response.context["open"]] == [True, False]
    assert [row.request for row in response.context["answered"]] == [answered]
    page = response.content.decode()
    assert "Overdue" in page
    assert reverse("advice-detail", args=[someone_elses.pk]) not in page


def test_the_list_takes_the_same_queries_for_one_request_or_many(
    client, ask, therapist, world, make_referral
):
    ask()
    client.force_login(therapist)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("advice-list")).status_code == 200
        return len(captured)

    few = queries()
    for index in range(8):
        child = ChildFactory(setting=world.setting_a if index % 2 else world.setting_b)
        item = ask(make_referral(child))
        if index % 3 == 0:
            advice.send_advice(item, by=therapist, answers=full_answers(item))
    assert queries() == few


def test_the_answer_page_shows_the_child_the_concern_the_message_and_the_questions(
    client, ask, therapist, world
):
    item = ask(message="Is her language delay specific or general?")
    client.force_login(therapist)
    response = client.get(reverse("advice-detail", args=[item.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    child = world.child_a
    assert "Amara Okafor" in page
    assert f"{child.date_of_birth:%-d %B %Y}" in page
    assert child.age_description in page
    assert "Acorns Day Nursery" in page
    assert "Is her language delay specific or general?" in page
    assert "Development" in page  # the concern's answers
    for question in item.questions:
        assert question["label"] in page
        assert f'name="answer_{question["key"]}"' in page
    assert "What you saw, and in which situations." in page  # a hint
    assert ReferralEvent.objects.filter(
        referral=item.referral, kind=ReferralEvent.Kind.VIEWED, actor=therapist
    ).exists()


def test_save_draft_then_send_through_the_page(client, ask, therapist):
    item = ask()
    client.force_login(therapist)
    url = reverse("advice-detail", args=[item.pk])
    response = client.post(url, answer_post(item, "save", {"attention": "Fleeting attention"}))
    assert response.status_code == 302 and response.url == url
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED
    assert item.answers["attention"] == "Fleeting attention"
    page = client.get(url).content.decode()
    assert "Fleeting attention" in page  # the draft comes back
    response = client.post(url, answer_post(item, "send", full_answers(item)))
    assert response.status_code == 302 and response.url == reverse("advice-list")
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.SUBMITTED
    assert item.submitted_at is not None


def test_sending_with_blanks_shows_an_error_for_each_blank_and_saves_nothing(
    client, ask, therapist
):
    item = ask()
    client.force_login(therapist)
    answers = full_answers(item)
    answers["understanding"] = ""
    answers["social"] = "   "
    response = client.post(
        reverse("advice-detail", args=[item.pk]), answer_post(item, "send", answers)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter your advice on understanding of language" in page
    assert "Enter your advice on social communication and interaction" in page
    assert 'href="#id_answer_understanding"' in page
    assert "Enter your advice on attention and listening" not in page
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED
    assert item.answers == {}


def test_an_answer_too_long_is_an_error_not_a_500(client, ask, therapist):
    item = ask()
    client.force_login(therapist)
    response = client.post(
        reverse("advice-detail", args=[item.pk]),
        answer_post(item, "save", {"attention": "x" * 9000}),
    )
    assert response.status_code == 200
    assert "8,000 characters or fewer" in response.content.decode()
    item.refresh_from_db()
    assert item.answers == {}


def test_after_sending_the_answers_are_read_only(client, ask, therapist):
    item = ask()
    advice.send_advice(item, by=therapist, answers=full_answers(item))
    client.force_login(therapist)
    url = reverse("advice-detail", args=[item.pk])
    page = client.get(url).content.decode()
    assert "<textarea" not in page
    assert "Advice on Attention and listening" in page
    response = client.post(url, answer_post(item, "send", {"attention": "changed"}))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.answers["attention"] == "Advice on Attention and listening"


def test_the_send_team_sees_the_request_but_not_a_draft(client, ask, therapist, world):
    item = ask()
    advice.save_draft(item, by=therapist, answers={"attention": "Private working note"})
    client.force_login(world.send_officer)
    url = reverse("advice-detail", args=[item.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Private working note" not in page
    assert "<textarea" not in page
    assert reverse("advice-withdraw", args=[item.pk]) in page
    assert client.post(url, answer_post(item, "send", full_answers(item))).status_code == 403
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED


def test_withdrawing_through_the_page(client, ask, world, therapist):
    item = ask()
    client.force_login(world.send_officer)
    url = reverse("advice-withdraw", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Enter the reason for withdrawing the request" in response.content.decode()
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED
    response = client.post(url, {"reason": "Advice already on file"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.WITHDRAWN
    client.force_login(therapist)
    assert client.get(reverse("advice-list")).context["open"] == []
    # Withdrawn, the request and the child it names are no longer the professional's to read.
    assert client.get(reverse("advice-detail", args=[item.pk])).status_code == 404


# The referral page --------------------------------------------------------------------------


def test_the_referral_section_shows_requests_and_the_send_team_sees_the_answers(
    ask, therapist, world
):
    item = ask()
    open_one = ask(item.referral, professional=world.professional)
    advice.send_advice(item, by=therapist, answers=full_answers(item))
    section = advice.referral_section(world.send_officer, item.referral)
    rows = {row.request: row for row in section["advice_rows"]}
    assert rows[item].answers[0] == ("Attention and listening", "Advice on Attention and listening")
    assert rows[open_one].answers == []
    assert section["can_request"]
    html = render_to_string("pathway/advice/_referral_section.html", section)
    assert "Advice given" in html and "Waiting for advice" in html
    assert "Advice on Eating, drinking and swallowing" in html
    assert reverse("advice-withdraw", args=[open_one.pk]) in html
    assert reverse("advice-withdraw", args=[item.pk]) not in html
    assert reverse("advice-new", args=[item.referral.pk]) in html


def test_the_referral_section_for_other_roles(ask, therapist, world):
    item = ask()
    advice.send_advice(item, by=therapist, answers=full_answers(item))
    for user in (world.practitioner_a, world.portage_a, world.planner, world.early_help):
        assert advice.referral_section(user, item.referral) == {}
    assert advice.referral_section(world.professional, item.referral) == {}
    own = advice.referral_section(therapist, item.referral)
    assert [row.request for row in own["advice_rows"]] == [item]
    assert own["advice_rows"][0].answers == []
    assert not own["can_request"]


def test_the_referral_section_takes_constant_queries(ask, world, make_referral):
    referral = make_referral()
    ask(referral)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            section = advice.referral_section(world.send_officer, referral)
            render_to_string("pathway/advice/_referral_section.html", section)
        return len(captured)

    few = queries()
    for _ in range(6):
        ask(referral, professional=UserFactory(role=Role.PROFESSIONAL))
    assert queries() == few


def test_the_officer_sees_the_answers_on_the_referral_page(client, ask, therapist, world):
    item = ask()
    advice.send_advice(item, by=therapist, answers=full_answers(item))
    client.force_login(world.send_officer)
    page = client.get(reverse("referral-detail", args=[item.referral.pk])).content.decode()
    assert "Advice on Understanding of language" in page
    assert "Speech and language therapy advice given by Priya Shah" in page  # timeline


# Access -------------------------------------------------------------------------------------

OUTSIDERS = (
    "practitioner_a",
    "practitioner_b",
    "portage_a",
    "portage_b",
    "planner",
    "early_help",
    "trainer",
    "admin",
)


def _urls(item: AdviceRequest) -> list[str]:
    return [
        reverse("advice-new", args=[item.referral.pk]),
        reverse("advice-list"),
        reverse("advice-detail", args=[item.pk]),
        reverse("advice-withdraw", args=[item.pk]),
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_other_roles_are_refused_every_advice_url(client, ask, world, role):
    item = ask()
    client.force_login(getattr(world, role))
    for url in _urls(item):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"reason": "x", "action": "send"}).status_code in (403, 404), url
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED


def test_another_professional_gets_404_on_someone_elses_request(client, ask, world):
    item = ask()
    client.force_login(world.professional)
    url = reverse("advice-detail", args=[item.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, answer_post(item, "send", full_answers(item))).status_code == 404
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED


def test_only_the_send_team_asks_or_withdraws(client, ask, therapist):
    item = ask()
    client.force_login(therapist)
    assert client.get(reverse("advice-new", args=[item.referral.pk])).status_code == 403
    assert (
        client.post(reverse("advice-withdraw", args=[item.pk]), {"reason": "x"}).status_code == 403
    )
    item.refresh_from_db()
    assert item.status == AdviceRequest.Status.REQUESTED


def test_signed_out_visitors_are_sent_to_sign_in(client, ask):
    item = ask()
    for url in _urls(item):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response.url


def test_a_foreign_referral_or_request_id_is_404_for_the_send_team(client, world):
    client.force_login(world.send_officer)
    assert client.get(reverse("advice-new", args=[999999])).status_code == 404
    assert client.get(reverse("advice-detail", args=[999999])).status_code == 404
    assert client.get(reverse("advice-withdraw", args=[999999])).status_code == 404


def test_a_switched_off_professional_is_refused(client, ask, therapist):
    item = ask()
    User.objects.filter(pk=therapist.pk).update(is_active=False)
    client.force_login(therapist)
    assert client.get(reverse("advice-detail", args=[item.pk])).status_code in (302, 403, 404)


def test_advice_is_asked_only_where_the_family_shares_with_health(
    world, make_referral, slt_template, therapist, today
):
    referral = make_referral(share_with=["send_team"])
    with pytest.raises(advice.AdviceError, match="not agreed to share"):
        advice.request_advice(
            referral,
            by=world.send_officer,
            template=slt_template,
            professional=therapist,
            due_on=today + datetime.timedelta(days=42),
            message="Please advise",
        )
    assert not AdviceRequest.objects.exists()
