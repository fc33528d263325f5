"""A module and its lessons go through approval together: submitting the module submits its
changed lessons, and approving the module approves and publishes them."""

import pytest
from django.contrib.auth.models import Group

from earlyyears.models import Role
from training import services
from training.models import LessonPage

from ..factories import UserFactory
from .conftest import make_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(section):
    author = UserFactory(role=Role.TRAINER, username="author")
    lead = UserFactory(role=Role.TRAINER, username="lead")
    lead.groups.add(Group.objects.get(name=services.APPROVERS))
    return author, lead


def draft_module(section, author):
    module = make_module(section, "Draft module", lessons=3, live=False)
    for page in [module, *LessonPage.objects.child_of(module)]:
        page.save_revision(user=author)
    return module


def test_submitting_a_module_submits_its_changed_lessons(section, people):
    author, _ = people
    module = draft_module(section, author)
    module.get_workflow().start(module, author)
    lessons = list(LessonPage.objects.child_of(module))
    assert len(lessons) == 3
    assert all(lesson.workflow_in_progress for lesson in lessons)
    assert {lesson.current_workflow_state.requested_by for lesson in lessons} == {author}


def test_a_lesson_already_in_approval_or_published_is_left_alone(section, people):
    author, _ = people
    module = draft_module(section, author)
    first, second, third = LessonPage.objects.child_of(module).order_by("path")
    first.get_workflow().start(first, author)
    state = first.current_workflow_state
    third.save_revision(user=author).publish()  # nothing left to approve
    module.get_workflow().start(module, author)
    first.refresh_from_db()
    assert first.current_workflow_state == state
    assert LessonPage.objects.get(pk=second.pk).workflow_in_progress
    assert not LessonPage.objects.get(pk=third.pk).workflow_in_progress


def test_approving_the_module_approves_and_publishes_its_lessons(section, people):
    author, lead = people
    module = draft_module(section, author)
    module.get_workflow().start(module, author)
    module.refresh_from_db()
    module.current_workflow_task.specific.on_action(
        module.current_workflow_task_state, lead, "approve"
    )
    module.refresh_from_db()
    assert module.live
    for lesson in LessonPage.objects.child_of(module):
        assert lesson.live and not lesson.has_unpublished_changes
        assert not lesson.workflow_in_progress


def test_someone_who_may_not_approve_lessons_approves_none(section, people):
    author, _ = people
    module = draft_module(section, author)
    module.get_workflow().start(module, author)
    assert services.approve_lessons_with_module(module, author) == []
    assert all(lesson.workflow_in_progress for lesson in LessonPage.objects.child_of(module))


def messages_after(rf, user, page, post: dict, wagtail_said: str) -> list[str]:
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from training.wagtail_hooks import say_what_approval_did

    request = rf.post("/admin/", post)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.success(request, wagtail_said)
    messages.info(request, "Something else")
    say_what_approval_did(request, page)
    return [str(m.message) for m in messages.get_messages(request)]


def test_the_messages_say_what_went_with_the_module(rf, section, people):
    author, lead = people
    module = draft_module(section, author)
    module.get_workflow().start(module, author)
    said = messages_after(
        rf,
        author,
        module,
        {"action-submit": ""},
        "Page 'Draft module' has been submitted for moderation.",
    )
    assert said == ["Something else", "Submitted 'Draft module' for approval with 3 lessons."]

    module.refresh_from_db()
    module.current_workflow_task.specific.on_action(
        module.current_workflow_task_state, lead, "approve"
    )
    module.refresh_from_db()
    said = messages_after(
        rf,
        lead,
        module,
        {"workflow-action-name": "approve"},
        "Page 'Draft module' has been updated.",
    )
    assert said == [
        "Something else",
        "Approved 'Draft module': it is published, with 3 lessons approved and published with it.",
    ]
