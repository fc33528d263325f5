"""The self-evaluation's years, versions and pages: starting a year from last year's, saving a
version (kept, never edited; nothing half-saved), agreeing one, the comparison with last year,
who may see what (every role), the audit trail, the report and its PDF, and a constant number
of queries on the main page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import AccessEvent
from earlyyears.models import Role
from pathway.models import (
    PartnershipArea,
    SelfEvaluation,
    SelfEvaluationJudgement,
    SelfEvaluationVersion,
    TacAttendee,
    TacMeeting,
)
from pathway.self_evaluation import selectors, services
from pathway.self_evaluation.forms import financial_year_of
from tests.factories import ChildFactory

TODAY = timezone.localdate  # called in each test


def this_year() -> int:
    return financial_year_of(TODAY())


def judgements_for(areas, level="developing", evidence="Shown by the figures"):
    return [services.Judgement(a.pk, level, f"{evidence}: {a.name}", "More of it") for a in areas]


def form_data(version, areas, **changes) -> dict:
    data = {
        "summary": "A partnership that is developing.",
        "change_note": "After the forum's comments",
        "based_on": version.number,
    }
    for area in areas:
        data[f"level_{area.pk}"] = "maturing"
        data[f"evidence_{area.pk}"] = f"Evidence for {area.name}"
        data[f"next_steps_{area.pk}"] = ""
    return data | changes


@pytest.fixture
def areas(db):
    found = list(selectors.current_areas())
    assert len(found) == 8  # the migration's default set
    return found


@pytest.fixture
def last_and_this(world, areas):
    """Last year's self-evaluation, agreed, with every area developing; this year's started
    from it."""
    last = services.start_year(this_year() - 1, world.send_manager)
    first = selectors.latest_version(last)
    services.save_version(
        last,
        world.send_manager,
        summary="Last year",
        change_note="Judged",
        judgements=judgements_for(areas),
        based_on=first.number,
    )
    services.mark_agreed(selectors.latest_version(last), world.send_manager, "The board")
    this = services.start_year(this_year(), world.send_manager)
    return last, this


def test_the_default_areas_are_seeded_once(areas):
    names = [a.name for a in areas]
    assert names[0] == "Leadership and governance"
    assert "Working with families (co-production)" in names
    assert PartnershipArea.objects.count() == 8


def test_a_new_year_starts_from_last_years_agreed_judgements(last_and_this, areas):
    last, this = last_and_this
    version = selectors.latest_version(this)
    assert version.number == 1
    assert version.change_note == "Started from version 2 of " + last.label
    copied = selectors.judgements(version)
    assert [j.level for j in copied] == ["developing"] * 8
    assert copied[0].evidence == "Shown by the figures: Leadership and governance"
    assert version.summary == "Last year"
    assert [f["key"] for f in version.figures] == [f.key for f in selectors.FIGURES]
    assert version.figures_from == this.starts_on
    assert version.figures_to == min(this.ends_on, TODAY())
    with pytest.raises(services.SelfEvaluationError, match="already a self-evaluation"):
        services.start_year(this_year(), version.saved_by)


def test_saving_makes_a_new_version_and_keeps_the_old_one_as_it_was(last_and_this, areas, world):
    _, this = last_and_this
    first = selectors.latest_version(this)
    first_figures = first.figures
    # A record changes after version 1 was saved: version 1's figures stay as they were.
    meeting = TacMeeting.objects.create(
        child=ChildFactory(), held_on=this.starts_on, created_by=world.send_manager
    )
    for n in range(6):
        TacAttendee.objects.create(meeting=meeting, name=f"P{n}", discipline="slt", present=True)
    judgements = judgements_for(areas, level="maturing")
    second = services.save_version(
        this,
        world.send_manager,
        summary="Better",
        change_note="Raised two levels",
        judgements=judgements,
        based_on=1,
    )
    assert second.number == 2
    first.refresh_from_db()
    assert first.figures == first_figures
    assert [j.level for j in selectors.judgements(first)] == ["developing"] * 8
    assert [j.level for j in selectors.judgements(second)] == ["maturing"] * 8
    tac = {f["key"]: f for f in second.figures}["tac-attendance"]
    assert tac["rows"][-1]["cells"][:2] == ["6", "6"]
    assert second.saved_by_name == "Sam Jones"
    # Someone editing from version 1 cannot overwrite version 2.
    with pytest.raises(services.SelfEvaluationError, match="Someone saved version 2"):
        services.save_version(
            this, world.send_manager, summary="", change_note="", judgements=[], based_on=1
        )


def test_agreeing_makes_the_year_final(last_and_this, areas, world):
    last, this = last_and_this
    with pytest.raises(services.SelfEvaluationError, match="agreed"):
        services.save_version(
            last,
            world.send_manager,
            summary="",
            change_note="",
            judgements=[],
            based_on=selectors.latest_version(last).number,
        )
    agreed = selectors.version_to_show(last)
    assert agreed.is_agreed and agreed.agreed_note == "The board"
    assert agreed.agreed_by == world.send_manager
    with pytest.raises(services.SelfEvaluationError, match="already agreed"):
        services.mark_agreed(agreed, world.send_manager)


def test_comparison_with_last_year(last_and_this, areas, world):
    last, this = last_and_this
    levels = ["embedding", "starting"] + ["developing"] * 6
    services.save_version(
        this,
        world.send_manager,
        summary="",
        change_note="",
        judgements=[
            services.Judgement(a.pk, level, "e", "") for a, level in zip(areas, levels, strict=True)
        ],
        based_on=1,
    )
    area_rows, figure_rows = selectors.compare(
        selectors.version_to_show(this), selectors.version_to_show(last)
    )
    assert [r.movement for r in area_rows[:3]] == ["Moved on", "Moved back", "No change"]
    assert len(figure_rows) == len(selectors.FIGURES)
    assert {r.change for r in figure_rows} <= {"No change", "Cannot compare"} | {
        r.change for r in figure_rows if "percentage points" in r.change
    }


def test_comparison_of_figures_in_percentage_points():
    def figures(value, display):
        return [{"key": "k", "title": "T", "headline": {"value": value, "display": display}}]

    rows = selectors.compare_figures(figures(75.0, "75%"), figures(60.5, "60.5%"))
    assert (rows[0].last_year, rows[0].this_year, rows[0].change) == (
        "60.5%",
        "75%",
        "+14.5 percentage points",
    )
    rows = selectors.compare_figures(figures(75.0, "75%"), figures(None, "[c]"))
    assert rows[0].change == "Cannot compare"


# --- Pages -------------------------------------------------------------------------------------


READERS = {Role.PLANNER, Role.SEND_MANAGER}


def page_urls(year: int) -> list[str]:
    return [
        reverse("self-evaluation"),
        reverse("self-evaluation-year", args=[year]),
        reverse("self-evaluation-versions", args=[year]),
        reverse("self-evaluation-compare", args=[year]),
        reverse("self-evaluation-version", args=[year, 1]),
        reverse("self-evaluation-figures", args=[year, 1]),
        reverse("self-evaluation-report", args=[year, 1]),
        reverse("self-evaluation-pdf", args=[year, 1]),
    ]


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read(client, world, last_and_this, role):
    _, this = last_and_this
    user = world.practitioner_a if role == Role.PRACTITIONER else None
    user = user or (world.portage_a if role == Role.PORTAGE_WORKER else getattr(world, role.value))
    client.force_login(user)
    for url in page_urls(this.year):
        response = client.get(url)
        assert response.status_code == (200 if role in READERS else 403), url
    edit = client.get(reverse("self-evaluation-edit", args=[this.year]))
    assert edit.status_code == (200 if role == Role.SEND_MANAGER else 403)
    agree = client.get(reverse("self-evaluation-agree", args=[this.year, 1]))
    assert agree.status_code == (200 if role == Role.SEND_MANAGER else 403)
    start = client.post(reverse("self-evaluation"), {"year": this.year + 1})
    assert start.status_code == (302 if role == Role.SEND_MANAGER else 403)


def test_a_planner_reads_and_prints_but_cannot_edit(client, world, last_and_this):
    _, this = last_and_this
    client.force_login(world.planner)
    page = client.get(reverse("self-evaluation-year", args=[this.year])).content.decode()
    assert "Edit (saves a new version)" not in page
    assert "Printable report" in page
    response = client.post(reverse("self-evaluation-edit", args=[this.year]), {})
    assert response.status_code == 403
    assert SelfEvaluationVersion.objects.filter(self_evaluation=this).count() == 1


def test_bad_input_shows_the_error_summary_and_saves_nothing(client, world, last_and_this, areas):
    _, this = last_and_this
    client.force_login(world.send_manager)
    version = selectors.latest_version(this)
    data = form_data(version, areas, summary="")
    data[f"level_{areas[2].pk}"] = ""
    data[f"evidence_{areas[3].pk}"] = ""
    response = client.post(reverse("self-evaluation-edit", args=[this.year]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the overall picture" in page
    assert f"Select a level for {areas[2].name}" in page
    assert f"Enter the evidence for {areas[3].name}" in page
    assert this.versions.count() == 1
    assert SelfEvaluationJudgement.objects.filter(version__self_evaluation=this).count() == 8


def test_the_manager_saves_a_version_and_agrees_it(client, world, last_and_this, areas):
    _, this = last_and_this
    client.force_login(world.send_manager)
    version = selectors.latest_version(this)
    response = client.post(
        reverse("self-evaluation-edit", args=[this.year]), form_data(version, areas)
    )
    assert response.status_code == 302
    second = selectors.latest_version(this)
    assert second.number == 2 and second.change_note == "After the forum's comments"
    bad = client.post(reverse("self-evaluation-agree", args=[this.year, 2]), {"note": ""})
    assert bad.status_code == 400 and "Enter where it was agreed" in bad.content.decode()
    old = client.post(
        reverse("self-evaluation-agree", args=[this.year, 1]), {"note": "Board", "confirm": "on"}
    )
    assert "Only the latest version can be agreed" in old.content.decode()
    done = client.post(
        reverse("self-evaluation-agree", args=[this.year, 2]), {"note": "Board", "confirm": "on"}
    )
    assert done.status_code == 302
    second.refresh_from_db()
    assert second.is_agreed
    # The year is final: the edit page sends the manager back.
    edit = client.get(reverse("self-evaluation-edit", args=[this.year]))
    assert edit.status_code == 302


def test_reads_and_edits_are_in_the_audit_trail(client, world, last_and_this, areas):
    _, this = last_and_this
    client.force_login(world.planner)
    version = selectors.latest_version(this)
    client.get(reverse("self-evaluation-year", args=[this.year]))
    event = AccessEvent.objects.filter(user=world.planner).latest("pk")
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "pathway.selfevaluationversion",
        str(version.pk),
    )
    assert event.child_id is None
    client.get(reverse("self-evaluation-pdf", args=[this.year, 1]))
    assert AccessEvent.objects.filter(user=world.planner).latest("pk").action == "export"
    client.force_login(world.send_manager)
    client.post(reverse("self-evaluation-edit", args=[this.year]), form_data(version, areas))
    event = AccessEvent.objects.filter(user=world.send_manager, method="POST").latest("pk")
    assert event.action == "change"


def test_the_report_and_its_pdf(client, world, last_and_this):
    _, this = last_and_this
    client.force_login(world.planner)
    report = client.get(reverse("self-evaluation-report", args=[this.year, 1]))
    page = report.content.decode()
    assert "self-evaluation-print.css" in page
    assert "How it is computed:" in page
    assert "Leadership and governance" in page
    pdf = client.get(reverse("self-evaluation-pdf", args=[this.year, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert (
        f"self-evaluation-{this.year}-{this.year + 1}-version-1.pdf" in pdf["Content-Disposition"]
    )


def test_each_figure_links_to_how_it_was_computed(client, world, last_and_this):
    _, this = last_and_this
    client.force_login(world.send_manager)
    page = client.get(reverse("self-evaluation-year", args=[this.year])).content.decode()
    how = client.get(reverse("self-evaluation-figures", args=[this.year, 1])).content.decode()
    for figure in selectors.FIGURES:
        assert f"#how-{figure.key}" in page
        assert f'id="how-{figure.key}"' in how
    assert "Advice requests due in the year (not withdrawn)" in how


def test_no_child_is_named_on_any_page(client, world, last_and_this):
    _, this = last_and_this
    client.force_login(world.send_manager)
    for url in page_urls(this.year)[:-1]:
        page = client.get(url).content.decode()
        for child in (world.child_a, world.child_b):
            assert child.first_name not in page and child.reference not in page


def test_an_unknown_year_or_version_is_404(client, world, last_and_this):
    client.force_login(world.send_manager)
    assert client.get(reverse("self-evaluation-year", args=[1990])).status_code == 404
    assert client.get(reverse("self-evaluation-version", args=[1990, 1])).status_code == 404


def test_the_main_page_queries_do_not_grow_with_the_data(
    client, world, last_and_this, areas, django_assert_num_queries
):
    _, this = last_and_this
    client.force_login(world.send_manager)
    url = reverse("self-evaluation-year", args=[this.year])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # Many more records, and a new version with its figures taken from them.
    meeting = TacMeeting.objects.create(
        child=ChildFactory(), held_on=this.starts_on, created_by=world.send_manager
    )
    TacAttendee.objects.bulk_create(
        TacAttendee(meeting=meeting, name=f"P{n}", discipline="slt", present=n % 2 == 0)
        for n in range(40)
    )
    services.save_version(
        this,
        world.send_manager,
        summary="",
        change_note="",
        judgements=judgements_for(areas),
        based_on=1,
    )
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_figures_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    period = selectors.Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    with CaptureQueriesContext(connection) as small:
        selectors.evidence_figures(period)
    for _ in range(5):
        child = ChildFactory()
        meeting = TacMeeting.objects.create(
            child=child, held_on=datetime.date(2025, 6, 1), created_by=world.send_manager
        )
        TacAttendee.objects.create(meeting=meeting, name="A", discipline="ot", present=True)
    with django_assert_num_queries(len(small.captured_queries)):
        selectors.evidence_figures(period)


def test_a_year_is_named_in_words():
    assert SelfEvaluation(year=2026).label == "April 2026 to March 2027"
    assert financial_year_of(datetime.date(2027, 3, 31)) == 2026
    assert financial_year_of(datetime.date(2027, 4, 1)) == 2027


def test_the_seed_runs_again_without_changing_anything(areas):
    import importlib

    from django.apps import apps as django_apps

    seed = importlib.import_module("pathway.migrations.0028_self_evaluation").seed_areas
    areas[0].name = "Leadership, governance and accountability"
    areas[0].save()
    seed(django_apps, None)
    assert PartnershipArea.objects.count() == 8
    assert not PartnershipArea.objects.filter(name="Leadership and governance").exists()


def test_a_retired_area_stays_in_old_versions_and_leaves_new_ones(last_and_this, areas, world):
    last, this = last_and_this
    retired = areas[1]
    retired.retired = True
    retired.save()
    second = services.save_version(
        this,
        world.send_manager,
        summary="",
        change_note="",
        judgements=judgements_for(areas),
        based_on=1,
    )
    assert len(selectors.judgements(second)) == 7
    first = SelfEvaluationVersion.objects.get(self_evaluation=this, number=1)
    assert len(selectors.judgements(first)) == 8
    area_rows, _ = selectors.compare(second, selectors.version_to_show(last))
    gone = [r for r in area_rows if r.name == retired.name]
    assert len(gone) == 1 and gone[0].this_year is None
    assert gone[0].movement == "Not judged in both years"
