"""The lesson editor: labelled inputs, a new question with its two answers, headings that never
skip a level, the dashboard's name and a sign-in page without a reset the service lacks."""

import re

import pytest
from django.conf import settings

from training.blocks import LessonStreamBlock, QuestionBlock, SignsCalloutBlock
from training.models import LessonPage

from ..otp import VerifiedClient
from .conftest import make_module, question, signs

pytestmark = pytest.mark.django_db


def test_a_new_question_starts_with_the_two_answers_it_needs():
    answers = QuestionBlock().get_default()["answers"]
    assert len(answers) == 2
    assert [a["correct"] for a in answers] == [False, False]
    stream_default = LessonStreamBlock().child_blocks["question"].get_default()
    assert len(stream_default["answers"]) == 2


def test_each_sign_input_is_named_though_wagtail_shows_list_items_without_labels():
    sign = SignsCalloutBlock().child_blocks["signs"].child_block
    html = sign.field.widget.render("body-0-value-signs-0-value", "")
    assert 'aria-label="Sign to look out for"' in html


def heading_levels(html: str) -> list[int]:
    main = html[html.index("<h1") : html.index("Check what you have learned")]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def test_lesson_headings_never_skip_a_level(client, world, section):
    module = make_module(section, lessons=1, questions=0)
    lesson = LessonPage.objects.child_of(module).get()
    video = {
        "type": "video",
        "value": {
            "title": "A video",
            "video": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "transcript": "Words",
        },
    }
    lesson.body = [
        signs("communication_language"),  # before any heading: a section of its own (h2)
        {"type": "heading", "value": {"text": "Sub first", "level": "h3"}},  # shown as h2
        signs("physical"),  # inside that section: h3
        {"type": "heading", "value": {"text": "Section", "level": "h2"}},
        {"type": "heading", "value": {"text": "Sub", "level": "h3"}},
        video,  # h3, beside the subheading
        question("Anything?"),
    ]
    lesson.save_revision().publish()

    client.force_login(world.practitioner_a)
    html = client.get(lesson.url).content.decode()
    levels = heading_levels(html)
    assert levels[:7] == [1, 2, 2, 3, 2, 3, 3]  # then the page's own sections
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1


def test_the_dashboard_names_the_service(section, world):
    client = VerifiedClient()
    client.force_login(world.trainer)
    html = client.get("/admin/").content.decode()
    assert settings.WAGTAIL_SITE_NAME in html
    assert "localhost" not in html


def test_wagtail_sign_in_has_no_forgotten_password_link(client):
    html = client.get("/admin/login/").content.decode()
    assert "Forgotten password?" not in html
    assert client.get("/admin/password_reset/").status_code == 404
