import datetime

import pytest

from training.models import LessonPage, TrainingModulePage
from training.services import ensure_training_section
from training.starter import load_starter_module


@pytest.fixture
def section(db):
    """The training index at /training/, with its groups, permissions and workflow."""
    return ensure_training_section()


@pytest.fixture
def starter(section):
    module, _ = load_starter_module(section)
    return module


def question(text: str, right: str = "Right", wrong: str = "Wrong") -> dict:
    return {
        "type": "question",
        "value": {
            "question": text,
            "answers": [
                {"text": right, "correct": True, "feedback": f"{right} is right"},
                {"text": wrong, "correct": False, "feedback": f"{wrong} is not right"},
            ],
            "explanation": "",
        },
    }


def signs(area: str, need: str = "communication_interaction") -> dict:
    return {
        "type": "signs",
        "value": {
            "title": "Signs to look out for",
            "eyfs_area": area,
            "broad_area_of_need": need,
            "signs": ["A sign"],
            "note": "",
        },
    }


def make_module(
    index,
    title: str = "A module",
    slug: str | None = None,
    lessons: int = 2,
    questions: int = 1,
    validity_months: int = 24,
    pass_mark: int = 80,
    live: bool = True,
    areas: tuple[str, ...] = (),
) -> TrainingModulePage:
    module = index.add_child(
        instance=TrainingModulePage(
            title=title,
            slug=slug or title.lower().replace(" ", "-"),
            summary="A summary",
            audience="Nursery staff",
            duration_minutes=30,
            learning_outcomes="Know things\nDo things",
            review_date=datetime.date(2030, 1, 1),
            validity_months=validity_months,
            pass_mark_percent=pass_mark,
            live=live,
        )
    )
    for n in range(lessons):
        body = [{"type": "paragraph", "value": f"<p>Lesson {n + 1} text</p>"}]
        body += [signs(area) for area in (areas if n == 0 else ())]
        body += [question(f"Question {n + 1}.{q + 1}?") for q in range(questions)]
        module.add_child(
            instance=LessonPage(
                title=f"{title} lesson {n + 1}",
                slug=f"lesson-{n + 1}",
                body=body,
                live=live,
            )
        )
    return module


def right_answers(lesson: LessonPage) -> dict[str, str]:
    """POST data answering every question correctly (the first answer is right above)."""
    data = {}
    for block_id, value in lesson.questions():
        index = next(i for i, a in enumerate(value["answers"]) if a["correct"])
        data[f"q-{block_id}"] = str(index)
    return data


def wrong_answers(lesson: LessonPage) -> dict[str, str]:
    data = {}
    for block_id, value in lesson.questions():
        index = next(i for i, a in enumerate(value["answers"]) if not a["correct"])
        data[f"q-{block_id}"] = str(index)
    return data
