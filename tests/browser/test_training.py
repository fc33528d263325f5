"""Training in a real browser: a trainer drafts a module in Wagtail's admin and submits it for
review, a training lead approves it and it is published; a practitioner completes the starter
module, passes its knowledge checks and sees the certificate; the trainer's coverage, export
and import pages. axe-core checks every public (non-admin) page visited."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from earlyyears.models import Role
from training import services
from training.models import Completion, TrainingModulePage
from training.starter import LESSONS, load_starter_module

from ..factories import PASSWORD, SettingFactory, UserFactory, practitioner_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def section():
    return services.ensure_training_section()


def admin_sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")


def test_trainer_drafts_and_submits_and_a_training_lead_approves(
    page, live_server, sign_in, section
):
    UserFactory(role=Role.TRAINER, username="author", first_name="Claire")
    lead = UserFactory(role=Role.TRAINER, username="lead", first_name="Priya")
    lead.groups.add(Group.objects.get(name=services.APPROVERS))

    admin_sign_in(page, live_server, "author")
    page.goto(f"{live_server.url}/admin/pages/add/training/trainingmodulepage/{section.pk}/")
    page.locator("#id_title").fill("Supporting children with sensory needs")
    page.locator("#id_summary").fill("Simple changes that help children who find noise hard.")
    page.locator("#id_audience").fill("Nursery staff and childminders")
    page.locator("#id_duration_minutes").fill("30")
    page.locator("#id_learning_outcomes").fill("Notice sensory needs\nAdapt the room")
    page.locator("#id_review_date").fill("2027-06-30")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save draft").click()
    # the add page's own text may already say "created": wait for the edit page it redirects to
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    expect(page.get_by_text("created", exact=False).first).to_be_visible()
    module = TrainingModulePage.objects.get(title="Supporting children with sensory needs")
    assert not module.live
    # a trainer cannot publish: the only way on is to submit for review
    page.get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    page.get_by_role("button", name="Submit to Training approval").click()
    expect(page.locator(".messages").get_by_text("submitted", exact=False).first).to_be_visible()
    module.refresh_from_db()
    assert not module.live
    assert module.current_workflow_state.status == "in_progress"

    admin_sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/admin/pages/{module.pk}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploring: Training")
    module.refresh_from_db()
    assert module.live
    assert module.get_latest_revision().approved_go_live_at is None

    # and it is in the public catalogue
    learner = practitioner_at(SettingFactory(), username="learner")
    assert learner.pk
    page.context.clear_cookies()
    sign_in(page, "learner", PASSWORD, next_path="/training/")
    expect(page.get_by_role("link", name="Supporting children with sensory needs")).to_be_visible()


def answer(page, lesson: dict, right: bool = True) -> None:
    for kind, value in lesson["body"]:
        if kind != "question":
            continue
        choice = next(a for a in value["answers"] if a["correct"] == right)
        page.get_by_label(choice["text"], exact=True).check()
    page.get_by_role("button", name="Check my answers").click()


def test_practitioner_completes_the_starter_module(
    page, live_server, sign_in, assert_accessible, section
):
    load_starter_module(section)
    practitioner_at(SettingFactory(), username="amy", first_name="Amy", last_name="Collins")
    sign_in(page, "amy", PASSWORD)
    page.goto(f"{live_server.url}/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Training")
    assert_accessible(page)
    page.get_by_role("link", name="Spotting additional needs in the early years").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Spotting additional needs in the early years"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Start this module").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSONS[0]["title"])
    assert_accessible(page)

    # nothing answered: the GOV.UK error summary, focused
    page.get_by_role("button", name="Check my answers").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select an answer to")
    expect(summary).to_be_focused()
    assert_accessible(page)

    # wrong answers: feedback, not passed, try again
    answer(page, LESSONS[0], right=False)
    expect(page.get_by_role("heading", name="Not passed yet")).to_be_visible()
    assert_accessible(page)

    for n, lesson in enumerate(LESSONS):
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson["title"])
        answer(page, lesson)
        if n < len(LESSONS) - 1:
            expect(page.get_by_role("heading", name="You passed this lesson")).to_be_visible()
            if n == 0:
                assert_accessible(page)
            page.get_by_role("link", name=f"Continue to {LESSONS[n + 1]['title']}").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Certificate of completion")
    expect(page.get_by_text("Amy Collins", exact=True)).to_be_visible()
    assert_accessible(page)
    completion = Completion.objects.get(user__username="amy")
    assert completion.renew_by > datetime.date.today()
    pdf = page.request.get(f"{live_server.url}/training/certificates/{completion.pk}/pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"

    page.goto(f"{live_server.url}/training/")
    expect(page.locator(".govuk-tag--green")).to_have_text("Completed")


def test_trainer_coverage_export_and_import_pages(
    page, live_server, sign_in, assert_accessible, section, tmp_path
):
    module, _ = load_starter_module(section)
    setting = SettingFactory(name="Little Acorns")
    amy = practitioner_at(setting, username="amy", first_name="Amy", last_name="Collins")
    practitioner_at(setting, username="bo", first_name="Bo", last_name="Li")
    services.record_completion(amy, module, datetime.date(2025, 9, 1))
    UserFactory(role=Role.TRAINER, username="claire", first_name="Claire")
    sign_in(page, "claire", PASSWORD)

    page.goto(f"{live_server.url}/training/coverage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Training coverage")
    expect(page.get_by_text("1 of 2 staff (50%) have a current completion")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Little Acorns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training at Little Acorns")
    assert_accessible(page)

    page.goto(f"{live_server.url}/training/coverage/export/")
    assert_accessible(page)
    page.get_by_role("button", name="Download").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file type")
    assert_accessible(page)
    page.get_by_label("CSV (opens in Excel and other spreadsheets)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert "Amy" in download.value.path().read_text(encoding="utf-8-sig")

    register = tmp_path / "register.csv"
    register.write_text(
        "Email or username,Module,Date attended\r\n"
        f"bo,{module.slug},03/03/2026\r\nnobody,{module.slug},03/03/2026\r\n",
        encoding="cp1252",
    )
    page.goto(f"{live_server.url}/training/coverage/import/")
    assert_accessible(page)
    page.get_by_label("Upload a register").set_input_files(str(register))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Row 3: No member of staff")
    assert_accessible(page)
    assert Completion.objects.count() == 1

    register.write_text(
        f"Email or username,Module,Date attended\r\nbo,{module.slug},03/03/2026\r\n",
        encoding="utf-8-sig",
    )
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Upload a register").set_input_files(str(register))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("1 new completion will be recorded")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 completion").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Imported 1")
    assert Completion.objects.filter(user__username="bo").exists()
