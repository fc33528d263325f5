"""The content model: blocks, tags kept on save, and the pathway's link from an EYFS area to
the lesson on its signs."""

import pytest
from wagtail.blocks import StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError

from earlyyears.needs import PRIME_AREAS, EYFSArea
from training.blocks import QuestionBlock
from training.models import LessonPage
from training.selectors import lesson_for_eyfs_area
from training.starter import LESSONS

from .conftest import make_module

pytestmark = pytest.mark.django_db


def answers(*flags):
    return {
        "question": "Which?",
        "answers": [{"text": f"A{n}", "correct": f, "feedback": ""} for n, f in enumerate(flags)],
        "explanation": "",
    }


@pytest.mark.parametrize("flags", [(False, False), (True, True, False)])
def test_a_question_needs_exactly_one_right_answer(flags):
    block = QuestionBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python(answers(*flags)))


def test_a_question_with_one_right_answer_is_valid():
    block = QuestionBlock()
    assert block.clean(block.to_python(answers(False, True)))


def test_image_block_requires_alt_text():
    from training.blocks import ImageBlock

    assert ImageBlock().child_blocks["alt"].required


def test_video_block_requires_a_transcript():
    from training.blocks import VideoBlock

    assert VideoBlock().child_blocks["transcript"].required


def test_lesson_keeps_its_tagged_areas_on_save(section):
    module = make_module(section, lessons=1, areas=("physical", "communication_language"))
    lesson = LessonPage.objects.child_of(module).get()
    assert lesson.eyfs_area_codes == "|physical|communication_language|"
    lesson.body = StreamValue(lesson.body.stream_block, [], is_lazy=True)
    lesson.save()
    lesson.refresh_from_db()
    assert lesson.eyfs_area_codes == ""


def test_lesson_for_eyfs_area_finds_the_published_lesson_by_tag(section):
    module = make_module(section, "Signs", lessons=1, areas=("physical",))
    lesson = LessonPage.objects.child_of(module).get()
    title, url = lesson_for_eyfs_area("physical")
    assert title == lesson.title
    assert url == f"{lesson.url}#signs-physical"
    assert lesson_for_eyfs_area("communication_language") is None
    assert lesson_for_eyfs_area("not-an-area") is None

    # renamed and moved: still found by its tag
    lesson.title, lesson.slug = "Renamed", "renamed"
    lesson.save_revision().publish()
    assert lesson_for_eyfs_area("physical") == (
        "Renamed",
        "/training/signs/renamed/#signs-physical",
    )


def test_lesson_for_eyfs_area_ignores_unpublished_lessons_and_modules(section):
    hidden_module = make_module(section, "Draft module", lessons=1, areas=("physical",))
    hidden_module.unpublish()
    assert lesson_for_eyfs_area("physical") is None
    module = make_module(section, "Live", lessons=1, areas=("physical",))
    lesson = LessonPage.objects.child_of(module).get()
    lesson.unpublish()
    assert lesson_for_eyfs_area("physical") is None


def test_lesson_for_eyfs_area_ignores_an_unpublished_training_section(section):
    make_module(section, "Signs", lessons=1, areas=("physical",))
    section.unpublish()
    assert lesson_for_eyfs_area("physical") is None


def test_lesson_for_eyfs_area_runs_few_queries(section, django_assert_max_num_queries):
    for n in range(4):
        make_module(section, f"Signs {n}", lessons=2, areas=("physical",))
    lesson_for_eyfs_area("physical")  # warm Wagtail's cached site root paths
    with django_assert_max_num_queries(4):
        assert lesson_for_eyfs_area("physical")
    with django_assert_max_num_queries(1):
        assert lesson_for_eyfs_area("literacy") is None


def test_a_trainer_previews_a_lesson_in_the_admin(rf, world, starter):
    lesson = LessonPage.objects.child_of(starter).order_by("path").first()
    request = rf.get("/")
    request.user = world.trainer
    response = lesson.serve_preview(request, lesson.default_preview_mode)
    response.render()
    html = response.content.decode()
    assert lesson.title in html
    assert "Staff who take training answer them here" in html


def test_the_signs_anchor_is_on_the_lesson_page(client, world, starter):
    client.force_login(world.practitioner_a)
    for area in PRIME_AREAS:
        title, url = lesson_for_eyfs_area(area.value)
        assert title == "Signs to look out for in the prime areas"
        path, anchor = url.split("#")
        html = client.get(path).content.decode()
        assert f'id="{anchor}"' in html
        assert area.label in html


def test_starter_module_content(starter):
    lessons = list(LessonPage.objects.child_of(starter).live().order_by("path"))
    assert [lesson.title for lesson in lessons] == [lesson["title"] for lesson in LESSONS]
    assert len(lessons) == 5
    for lesson in lessons:
        questions = lesson.questions()
        assert len(questions) >= 2, lesson.title
        for _, question in questions:
            assert sum(1 for a in question["answers"] if a["correct"]) == 1
            assert all(a["feedback"] for a in question["answers"])
        lesson.body.stream_block.clean(lesson.body)  # valid as a trainer would save it
    concern = next(lesson for lesson in lessons if "raise a concern" in lesson.title.lower())
    assert 'href="/concerns/new/"' in str(concern.body)
    assert lessons[0].eyfs_area_codes == "|" + "|".join(a.value for a in PRIME_AREAS) + "|"
    assert EYFSArea.LITERACY.value not in lessons[0].eyfs_area_codes


def test_rich_text_gets_govuk_classes(client, world, starter):
    client.force_login(world.practitioner_a)
    lesson = LessonPage.objects.child_of(starter).order_by("path").first()
    html = client.get(lesson.url).content.decode()
    assert '<p class="govuk-body">' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


def test_every_block_renders_on_the_lesson_page(client, world, section, settings, tmp_path):
    """Rich text, headings, a callout, a resource and a video with its transcript (the video
    link matches no oEmbed provider, so no network is needed)."""
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = tmp_path  # the upload never lands in the checkout
    document = Document.objects.create(title="Observation checklist")
    document.file.save("checklist.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    module = make_module(section, "Blocks", lessons=1, questions=0)
    lesson = LessonPage.objects.child_of(module).get()
    lesson.body = [
        ("heading", {"text": "A heading", "level": "h3"}),
        ("resource", {"document": document, "description": "Print it"}),
        (
            "video",
            {
                "title": "Sharing a worry",
                "video": None,
                "transcript": "Practitioner: Hello.\nParent: Hi.",
            },
        ),
    ]
    lesson.body[2].value["video"] = (
        lesson.body.stream_block.child_blocks["video"]
        .child_blocks["video"]
        .to_python("https://example.com/not-a-provider")
    )
    lesson.save_revision().publish()
    client.force_login(world.practitioner_a)
    html = client.get(lesson.url).content.decode()
    # a subheading with no section heading before it is shown as one (no skipped level)
    assert '<h2 class="govuk-heading-m">A heading</h2>' in html
    assert "Observation checklist" in html and "PDF" in html
    assert "Read the transcript" in html and "Parent: Hi." in html
    assert "https://example.com/not-a-provider" in html
