"""Learners: the catalogue, enrolling, knowledge checks scored on the server, completion,
certificates and renewal."""

import datetime

import pytest
from django.urls import reverse

from earlyyears.models import Role
from training import services
from training.models import (
    Completion,
    Enrolment,
    KnowledgeCheckAttempt,
    LessonProgress,
    add_months,
)

from ..factories import UserFactory
from .conftest import make_module, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


def lessons_of(module):
    return list(module.get_children().specific().order_by("path"))


def start_url(module) -> str:
    """Where the module page's "Start this module" and "Take the module again" forms post."""
    return reverse("training-module-start", args=[module.pk])


def submit_url(lesson) -> str:
    """Where the lesson page's answers, or "Mark as done", are posted."""
    return reverse("training-lesson-submit", args=[lesson.pk])


def test_training_pages_need_sign_in(client, section):
    module = make_module(section)
    for url in (section.url, module.url, lessons_of(module)[0].url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")


def test_pages_take_no_posts_their_forms_post_to_the_learning_views(client, world, section):
    module = make_module(section, lessons=1, questions=1)
    (lesson,) = lessons_of(module)
    hidden = make_module(section, "Hidden", live=False)
    client.force_login(world.practitioner_a)
    assert f'action="{start_url(module)}"' in client.get(module.url).content.decode()
    assert f'action="{submit_url(lesson)}"' in client.get(lesson.url).content.decode()
    for url in (section.url, module.url, lesson.url):
        assert client.post(url).status_code == 405
    assert client.get(start_url(module)).status_code == 405
    assert client.post(start_url(hidden), {"action": "enrol"}).status_code == 404
    client.logout()
    for url, page in ((start_url(module), module), (submit_url(lesson), lesson)):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == f"/sign-in/?next={page.url}"
    assert not Enrolment.objects.exists()


def test_catalogue_lists_published_modules_with_progress(client, world, section):
    make_module(section, "Published one")
    make_module(section, "Draft one", live=False)
    client.force_login(world.practitioner_a)
    response = client.get("/training/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Published one" in html
    assert "Draft one" not in html
    assert "Not started" in html


def test_unpublished_module_is_not_served(client, world, section):
    module = make_module(section, "Hidden", live=False)
    client.force_login(world.practitioner_a)
    assert client.get("/training/hidden/").status_code == 404
    assert module.pk


def test_enrol_then_pass_every_lesson_completes_the_module(client, world, section):
    module = make_module(section, "Basics", lessons=2, questions=2, validity_months=18)
    first, second = lessons_of(module)
    client.force_login(world.practitioner_a)

    response = client.post(start_url(module), {"action": "enrol"})
    assert response.status_code == 302
    assert response["Location"] == first.url
    assert Enrolment.objects.filter(user=world.practitioner_a, module=module).exists()

    response = client.post(submit_url(first), right_answers(first))
    attempt = KnowledgeCheckAttempt.objects.get(lesson=first)
    assert attempt.passed and (attempt.score, attempt.total) == (2, 2)
    assert response["Location"] == f"{first.url}?attempt={attempt.pk}#result"
    page = client.get(response["Location"]).content.decode()
    assert "You passed this lesson" in page
    assert "Right is right" in page  # the trainer's feedback on the chosen answer
    assert not Completion.objects.exists()

    response = client.post(submit_url(second), right_answers(second))
    completion = Completion.objects.get(user=world.practitioner_a)
    assert response["Location"] == reverse("training-certificate", args=[completion.pk])
    today = datetime.date.today()
    assert completion.completed_at == today
    assert completion.renew_by == add_months(today, 18)
    assert completion.source == Completion.Source.ONLINE
    certificate = client.get(response["Location"]).content.decode()
    assert "Certificate of completion" in certificate
    assert "Basics" in certificate

    catalogue = client.get("/training/").content.decode()
    assert "Completed" in catalogue


def test_wrong_answers_are_scored_and_do_not_pass(client, world, section):
    module = make_module(section, lessons=1, questions=2)
    (lesson,) = lessons_of(module)
    client.force_login(world.practitioner_a)
    response = client.post(submit_url(lesson), wrong_answers(lesson))
    attempt = KnowledgeCheckAttempt.objects.get()
    assert (attempt.score, attempt.passed) == (0, False)
    assert not LessonProgress.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Not passed yet" in page
    assert "Wrong is not right" in page
    assert "Check my answers" in page  # the questions are there to try again


def test_pass_mark_is_a_share_of_the_questions(world, section):
    module = make_module(section, lessons=1, questions=5, pass_mark=60)
    (lesson,) = lessons_of(module)
    ids = [block_id for block_id, _ in lesson.questions()]
    three_right = {block_id: (0 if n < 3 else 1) for n, block_id in enumerate(ids)}
    attempt, _ = services.submit_knowledge_check(world.practitioner_a, lesson, three_right)
    assert (attempt.score, attempt.total, attempt.passed) == (3, 5, True)
    two_right = {block_id: (0 if n < 2 else 1) for n, block_id in enumerate(ids)}
    attempt, _ = services.submit_knowledge_check(world.practitioner_a, lesson, two_right)
    assert (attempt.score, attempt.passed) == (2, False)


def test_unanswered_questions_show_an_error_summary_and_save_nothing(client, world, section):
    module = make_module(section, lessons=1, questions=2)
    (lesson,) = lessons_of(module)
    answers = right_answers(lesson)
    first_key = next(iter(answers))
    client.force_login(world.practitioner_a)
    response = client.post(submit_url(lesson), {first_key: answers[first_key]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select an answer to: Question 1.2?" in html
    assert "<title>Error:" in html
    assert 'value="0" checked' in html  # the answer given is kept
    assert not KnowledgeCheckAttempt.objects.exists()


@pytest.mark.parametrize("bad", ["", "x", "-1", "9", "1.5"])
def test_tampered_answers_are_errors_not_crashes(client, world, section, bad):
    module = make_module(section, lessons=1, questions=1)
    (lesson,) = lessons_of(module)
    client.force_login(world.practitioner_a)
    key = next(iter(right_answers(lesson)))
    response = client.post(submit_url(lesson), {key: bad})
    assert response.status_code == 200
    assert not KnowledgeCheckAttempt.objects.exists()


def test_a_lesson_without_questions_is_marked_done(client, world, section):
    module = make_module(section, lessons=2, questions=0)
    first, second = lessons_of(module)
    client.force_login(world.practitioner_a)
    response = client.post(submit_url(first))
    assert response["Location"] == second.url
    response = client.post(submit_url(second))
    completion = Completion.objects.get()
    assert response["Location"] == reverse("training-certificate", args=[completion.pk])


def test_passing_a_lesson_again_does_not_complete_twice(world, section):
    module = make_module(section, lessons=1, questions=1)
    (lesson,) = lessons_of(module)
    answers = {block_id: 0 for block_id, _ in lesson.questions()}
    services.submit_knowledge_check(world.practitioner_a, lesson, answers)
    _, again = services.submit_knowledge_check(world.practitioner_a, lesson, answers)
    assert again is None
    assert Completion.objects.count() == 1


def test_start_again_renews_with_a_new_completion(world, section):
    module = make_module(section, lessons=1, questions=0, validity_months=12)
    (lesson,) = lessons_of(module)
    earlier = datetime.date(2024, 1, 31)
    first = services.complete_lesson(world.practitioner_a, lesson, today=earlier)
    assert first.renew_by == datetime.date(2025, 1, 31)
    services.start_again(world.practitioner_a, module)
    second = services.complete_lesson(world.practitioner_a, lesson)
    assert second.pk != first.pk
    assert Completion.objects.filter(user=world.practitioner_a).count() == 2


def test_renewal_due_is_shown_when_the_completion_has_expired(client, world, section):
    module = make_module(section, lessons=1, questions=0)
    services.record_completion(world.practitioner_a, module, datetime.date(2020, 1, 1))
    client.force_login(world.practitioner_a)
    assert "Renewal due" in client.get("/training/").content.decode()
    assert "needed renewing" in client.get(module.url).content.decode()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PLANNER, Role.ADMIN, Role.PROFESSIONAL])
def test_roles_that_do_not_take_training_can_read_but_not_enrol(client, section, role):
    module = make_module(section, lessons=1, questions=1)
    (lesson,) = lessons_of(module)
    user = UserFactory(role=role)
    client.force_login(user)
    assert client.get(module.url).status_code == 200
    page = client.get(lesson.url).content.decode()
    assert "Check my answers" not in page
    assert client.post(start_url(module), {"action": "enrol"}).status_code == 403
    assert client.post(submit_url(lesson), right_answers(lesson)).status_code == 403
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", [Role.PORTAGE_WORKER, Role.SEND_OFFICER, Role.SEND_MANAGER])
def test_portage_and_send_staff_take_training(section, role):
    module = make_module(section, lessons=1, questions=0)
    user = UserFactory(role=role)
    assert services.complete_lesson(user, lessons_of(module)[0]) is not None


def test_certificate_is_for_its_owner_and_trainers_only(client, world, section):
    module = make_module(section, lessons=1, questions=0)
    completion = services.record_completion(world.practitioner_a, module, datetime.date.today())
    url = reverse("training-certificate", args=[completion.pk])
    pdf = reverse("training-certificate-pdf", args=[completion.pk])
    client.force_login(world.practitioner_b)
    assert client.get(url).status_code == 404
    assert client.get(pdf).status_code == 404
    client.force_login(world.trainer)
    assert client.get(url).status_code == 200
    client.force_login(world.practitioner_a)
    assert client.get(url).status_code == 200


def test_certificate_pdf_has_title_and_language(client, world, section):
    module = make_module(section, "Łukasz's module", slug="unicode", lessons=1, questions=0)
    world.practitioner_a.first_name = "Zoë"
    world.practitioner_a.save()
    completion = services.record_completion(world.practitioner_a, module, datetime.date.today())
    client.force_login(world.practitioner_a)
    response = client.get(reverse("training-certificate-pdf", args=[completion.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    assert b"/Lang (en-GB)" in body
    assert b"/Title" in body
    assert b"/DisplayDocTitle true" in body or b"/Title" in body


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2023, 1, 31), 1, datetime.date(2023, 2, 28)),
        (datetime.date(2024, 11, 15), 2, datetime.date(2025, 1, 15)),
        (datetime.date(2024, 2, 29), 24, datetime.date(2026, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
