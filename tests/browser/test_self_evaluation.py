"""The partnership self-evaluation in a real browser, with axe on every page: the SEND manager
starts this year's, meets the error summary, places every area with its evidence, reads the
figures and how one is computed, records that the version was agreed, and prints the report
(print styles hide the service's header and buttons); a planner reads it and cannot edit."""

import datetime

import pytest
from playwright.sync_api import expect

from earlyyears.models import Role
from pathway.models import PartnershipArea, SelfEvaluationVersion, TacAttendee, TacMeeting
from pathway.self_evaluation.forms import financial_year_of, year_label

from ..factories import PASSWORD, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_self_evaluation_from_evidence_to_a_printed_report(
    page, live_server, sign_in, assert_accessible
):
    manager = UserFactory(role=Role.SEND_MANAGER, username="manager", first_name="Helen")
    UserFactory(role=Role.PLANNER, username="planner")
    year = financial_year_of(datetime.date.today())
    # Six people listed at a Team Around the Child meeting this year, five of them there.
    meeting = TacMeeting.objects.create(
        child=ChildFactory(first_name="Maya", last_name="Patel"),
        held_on=datetime.date(year, 4, 1),
        created_by=manager,
    )
    for n in range(6):
        TacAttendee.objects.create(
            meeting=meeting, name=f"Person {n}", discipline="slt", present=n < 5
        )
    areas = list(PartnershipArea.objects.filter(retired=False))
    assert len(areas) == 8

    sign_in(page, "manager", PASSWORD)
    page.goto(f"{live_server.url}/self-evaluation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership self-evaluation")
    assert_accessible(page)
    page.get_by_label(year_label(year)).check()
    page.get_by_role("button", name="Start the self-evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the self-evaluation")
    assert_accessible(page)

    page.get_by_role("button", name="Save a new version").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the overall picture")
    expect(summary).to_contain_text("Select a level for Leadership and governance")
    expect(summary).to_contain_text("Enter the evidence for Information sharing")
    assert_accessible(page)

    page.get_by_label("The overall picture").fill(
        "Early identification is strong; joint commissioning is where we start."
    )
    for n, area in enumerate(areas):
        level = "Starting" if area.name == "Joint commissioning" else "Developing"
        if n == 0:
            level = "Maturing"
        page.get_by_role("group", name=f"{area.name}: level").get_by_label(
            level, exact=True
        ).check()
        page.get_by_label(f"{area.name}: the evidence for this judgement").fill(
            f"What we know about {area.name.lower()}"
        )
    page.get_by_label("What changed in this version, and why").fill("First full judgement")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.get_by_text("Version 2 saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(year_label(year))
    tac = page.locator("#figure-tac-attendance table")
    expect(tac).to_contain_text("Speech and language therapy")
    expect(tac.get_by_role("row", name="All agencies")).to_contain_text("6")
    expect(page.get_by_text("Maya")).to_have_count(0)
    assert_accessible(page)

    page.locator("#figure-tac-attendance").get_by_role(
        "link", name="How this figure is computed"
    ).click()
    expect(page.locator("#how-tac-attendance")).to_be_visible()
    expect(page.get_by_text("A person listed for two meetings counts twice")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to version 2").click()

    page.get_by_role("link", name="Version history").click()
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()
    expect(page.get_by_role("cell", name="First full judgement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Version 2").click()

    page.get_by_role("button", name="Record that this version was agreed").click()
    page.get_by_role("button", name="Record that it was agreed").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter where it was agreed")
    assert_accessible(page)
    page.get_by_label("Where was it agreed?").fill("Health and wellbeing board, 12 March")
    page.get_by_label("This version was agreed.").check()
    page.get_by_role("button", name="Record that it was agreed").click()
    expect(page.get_by_text("Version 2 is recorded as agreed")).to_be_visible()
    assert SelfEvaluationVersion.objects.get(number=2).agreed_by_name == "Helen Jones"
    expect(page.get_by_role("button", name="Edit (saves a new version)")).to_have_count(0)

    page.get_by_role("link", name="Printable report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partnership self-evaluation")
    expect(page.get_by_text("Health and wellbeing board, 12 March")).to_be_visible()
    expect(page.get_by_text("How it is computed:").first).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header, .govuk-template__header").first).to_be_hidden()
    expect(page.locator(".govuk-back-link")).to_be_hidden()
    expect(page.get_by_role("heading", name="Leadership and governance")).to_be_visible()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="download it as a PDF").click()
    assert download.value.suggested_filename == (f"self-evaluation-{year}-{year + 1}-version-2.pdf")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "planner", PASSWORD)
    page.goto(f"{live_server.url}/self-evaluation/")
    page.get_by_role("link", name=year_label(year)).click()
    expect(page.get_by_text("Agreed").first).to_be_visible()
    expect(page.get_by_role("button", name="Edit (saves a new version)")).to_have_count(0)
    assert_accessible(page)
