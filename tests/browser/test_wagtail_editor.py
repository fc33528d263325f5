"""Wagtail's editors in a real browser: every input of a lesson's blocks has a label (axe), a new
knowledge-check question starts with its two answers, the dashboard names the service, and
Wagtail's sign-in page offers no password reset the service does not support."""

import re

import pytest
from playwright.sync_api import expect

from earlyyears.models import Role
from training import services
from training.starter import load_starter_module

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# axe's rules about names and labels, run on the editor form (Wagtail's own chrome is
# Wagtail's to fix; the blocks are ours).
LABEL_RULES = ["label", "aria-input-field-name", "select-name", "button-name", "input-button-name"]


def admin_sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")


def label_violations(page, axe_source, selector: str = "form") -> list:
    page.evaluate(axe_source)
    result = page.evaluate(
        """async ([selector, rules]) => await axe.run(document.querySelector(selector), {
            runOnly: {type: 'rule', values: rules}
        })""",
        [selector, LABEL_RULES],
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def add_block(page, label: str) -> None:
    page.get_by_role("button", name="Insert a block").last.click()
    # The menu just opened is the last one (an earlier one may still be in the page).
    page.get_by_role("option", name=label, exact=True).last.click()


def test_lesson_blocks_have_labels_and_a_question_starts_with_two_answers(
    page, live_server, axe_source
):
    section = services.ensure_training_section()
    module, _ = load_starter_module(section)
    UserFactory(role=Role.TRAINER, username="author")

    admin_sign_in(page, live_server, "author")
    # The dashboard names the service, not the site's host name.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Early years SEND pathway")
    expect(page.locator("main")).not_to_contain_text("localhost")

    page.goto(f"{live_server.url}/admin/pages/add/training/lessonpage/{module.pk}/")
    add_block(page, "Signs to look out for")
    add_block(page, "Knowledge-check question")
    add_block(page, "Heading")
    add_block(page, "Video")

    expect(page.get_by_label("Sign to look out for", exact=True)).to_have_count(1)
    # the two answers a question needs are there from the start
    expect(page.get_by_label(re.compile(r"^Answer text"))).to_have_count(2)
    assert label_violations(page, axe_source) == []


def test_wagtail_sign_in_offers_no_password_reset(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Forgotten password?")).to_have_count(0)
    assert page.request.get(f"{live_server.url}/admin/password_reset/").status == 404


def test_a_module_and_its_lessons_are_submitted_and_approved_together(page, live_server):
    from django.contrib.auth.models import Group

    from training.models import LessonPage, TrainingModulePage

    section = services.ensure_training_section()
    author = UserFactory(role=Role.TRAINER, username="author")
    lead = UserFactory(role=Role.TRAINER, username="lead")
    lead.groups.add(Group.objects.get(name=services.APPROVERS))
    module, _ = load_starter_module(section)
    module.unpublish()
    for lesson in LessonPage.objects.child_of(module):
        lesson.unpublish()
        lesson.save_revision(user=author)
    lessons = LessonPage.objects.child_of(module).count()

    admin_sign_in(page, live_server, "author")
    page.goto(f"{live_server.url}/admin/pages/{module.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Training approval").click()
    expect(page.get_by_text(f"for approval with {lessons} lessons")).to_be_visible()

    admin_sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/admin/pages/{module.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(page.get_by_text(f"Approved '{module.title}': it is published")).to_be_visible()
    expect(page.get_by_text(f"{lessons} lessons approved and published with it")).to_be_visible()
    assert TrainingModulePage.objects.get(pk=module.pk).live
    assert all(lesson.live for lesson in LessonPage.objects.child_of(module))
