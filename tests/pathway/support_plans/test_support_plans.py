"""Support plans: the outcomes check; starting a plan from the child's page, seeded from the
concern's support cycles; changing it with its history kept; reviews and the next cycle; bad
input; who may see and change a plan; the plan page's queries; the PDF and JSON exports."""

from __future__ import annotations

import datetime
import json

import jsonschema
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import SettingMembership
from pathway.models import (
    OutcomeProgress,
    PlanCycle,
    PlanOutcome,
    Referral,
    ReferralEvent,
    SupportPlan,
    SupportPlanVersion,
)
from pathway.services import create_referral
from pathway.support_plans import exports, selectors, services
from pathway.support_plans.outcomes import check_outcome, outcome_warning

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def EIGHT_WEEKS() -> datetime.date:
    return TODAY() + datetime.timedelta(weeks=8)


# The outcomes check --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("A place at a specialist nursery", ["a placement"]),
        ("Amara will attend a specialist nursery", ["a placement"]),
        (
            "Speech and language therapy sessions",
            ["a provider or a professional", "a service or an amount of help"],
        ),
        ("1:1 support at lunchtime", ["a service or an amount of help"]),
        ("One-to-one support", ["a service or an amount of help"]),
        ("15 hours of support a week", ["a service or an amount of help"]),
        ("SALT weekly", ["a provider or a professional"]),
        (
            "Referral to the paediatrician",
            ["a provider or a professional", "a service or an amount of help"],
        ),
    ],
)
def test_the_check_flags_placements_providers_and_services(text, kinds):
    assert [finding.kind for finding in check_outcome(text)] == kinds
    warning = outcome_warning(text)
    assert "what the child will be able to do, and by when" in warning


@pytest.mark.parametrize(
    "text",
    [
        "By July 2027, Amara will ask for help using two-word phrases",
        "Amara will take turns in a game with one other child",
        "Will feed herself with a spoon at snack time",
        "Amara will say her name when asked",
        "",
    ],
)
def test_the_check_passes_what_the_child_will_do(text):
    assert check_outcome(text) == []
    assert outcome_warning(text) == ""


# Helpers -------------------------------------------------------------------------------------


def date_fields(prefix: str, day: datetime.date | None) -> dict[str, str]:
    if day is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "8",
    }


def plan_post(
    outcomes=(), provision=(), *, tier="targeted", cycle=True, version=None, **extra
) -> dict[str, str]:
    data: dict[str, str] = {"tier": tier, "strengths": "Loves music and water play"}
    if version is not None:
        data["version"] = str(version)
    data |= management("outcomes", max(3, len(outcomes)))
    for i, outcome in enumerate(outcomes):
        text, by_when, *rest = (
            (*outcome, None, None)[:4]
            if isinstance(outcome, tuple)
            else (outcome, EIGHT_WEEKS(), None, None)
        )
        data[f"outcomes-{i}-text"] = text
        data |= date_fields(f"outcomes-{i}-by_when", by_when)
        if rest and rest[0]:
            data[f"outcomes-{i}-keep"] = "on"
        if len(rest) > 1 and rest[1]:
            data[f"outcomes-{i}-id"] = str(rest[1])
    data |= management("provision", max(3, len(provision)))
    for i, row in enumerate(provision):
        for key, value in row.items():
            if key == "starts_on":
                data |= date_fields(f"provision-{i}-starts_on", value)
            else:
                data[f"provision-{i}-{key}"] = str(value)
    if cycle:
        data |= date_fields("cycle-started_on", TODAY())
        data |= date_fields("cycle-review_due_on", EIGHT_WEEKS())
        data["cycle-planned"] = "Small-group story time three times a week"
    data.update(extra)
    return data


HELP = {
    "what": "Small-group language sessions",
    "who": "The setting's SENCO",
    "how_often": "3 times a week for 15 minutes",
    "starts_on": TODAY(),
    "outcome": 0,
}
GOOD_OUTCOME = "Amara will ask for help using two or three words"


@pytest.fixture
def concern_with_cycles(world):
    """A concern about child A whose wizard answers carry two support cycles: one reviewed, one
    still running."""
    with transaction.atomic():
        return create_referral(
            child=world.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers={
                "development": {"communication_language": {"level": "significant"}},
                "support_cycles": [
                    {
                        "started_on": str(TODAY() - datetime.timedelta(days=60)),
                        "reviewed_on": str(TODAY() - datetime.timedelta(days=20)),
                        "tried": "Now and next board",
                        "outcome": "some_progress",
                        "complete": True,
                    },
                    {
                        "started_on": str(TODAY() - datetime.timedelta(days=19)),
                        "reviewed_on": None,
                        "tried": "Makaton signs at snack time",
                        "outcome": None,
                        "complete": False,
                    },
                ],
            },
            setting=world.setting_a,
            notify=False,
        )


def start_plan(world, user=None, **kwargs) -> SupportPlan:
    return services.create_plan(
        user or world.practitioner_a,
        world.child_a,
        tier=kwargs.get("tier", "targeted"),
        strengths="",
        outcomes=kwargs.get("outcomes", [services.OutcomeRow(GOOD_OUTCOME, EIGHT_WEEKS())]),
        provision=[],
        cycle=services.CycleStart(TODAY(), EIGHT_WEEKS(), "Story time in a small group"),
    )


def review_post(plan: SupportPlan, **extra) -> dict[str, str]:
    data = {
        **date_fields("reviewed_on", TODAY()),
        "overall": "some_progress",
        "family_views": "Mum says Amara points more at home",
        "child_voice": "Chose the bubbles",
    }
    for outcome in plan.outcomes.filter(ended_at__isnull=True):
        data[f"progress_{outcome.pk}"] = "good_progress"
    data.update(extra)
    return data


# Starting a plan -----------------------------------------------------------------------------


def test_the_child_page_offers_to_start_a_plan(client, world):
    client.force_login(world.practitioner_a)
    body = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert "No support plan yet" in body
    assert reverse("support-plan-new", args=[world.child_a.pk]) in body


def test_a_plan_starts_from_the_concerns_cycles(client, world, concern_with_cycles):
    client.force_login(world.practitioner_a)
    url = reverse("support-plan-new", args=[world.child_a.pk])
    page = client.get(url).content.decode()
    assert "Now and next board" in page and "Makaton signs at snack time" in page
    response = client.post(url, plan_post([GOOD_OUTCOME], [HELP]))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = SupportPlan.objects.get(child=world.child_a)
    assert plan.seeded_from == concern_with_cycles
    cycles = list(plan.cycles.all())
    # The reviewed cycle as it was; the running one is the current cycle, from the form.
    assert [(c.number, c.planned, c.is_reviewed) for c in cycles] == [
        (1, "Now and next board", True),
        (2, "Small-group story time three times a week", False),
    ]
    assert all(c.from_referral == concern_with_cycles for c in cycles)
    assert cycles[0].overall == "some_progress"
    assert plan.provision.get().outcome == plan.outcomes.get()
    version = plan.versions.get()
    assert version.saved_by == world.practitioner_a and "2 support cycles" in version.summary
    event = ReferralEvent.objects.get(referral=concern_with_cycles, kind="child_record")
    assert event.detail["support_plan"] == plan.pk and "started" in event.summary
    # The plan page shows it all, dates the GOV.UK way.
    body = client.get(reverse("support-plan", args=[world.child_a.pk])).content.decode()
    for text in (
        GOOD_OUTCOME,
        "Small-group language sessions",
        "Now and next board",
        f"{EIGHT_WEEKS().day} {EIGHT_WEEKS():%B %Y}",
        "Record a review",
    ):
        assert text in body, text


def test_bad_input_gets_the_error_summary_and_nothing_is_saved(client, world):
    client.force_login(world.practitioner_a)
    url = reverse("support-plan-new", args=[world.child_a.pk])
    data = plan_post([], [{"what": "Visual timetable", "who": "", "how_often": ""}], tier="")
    data |= date_fields("cycle-review_due_on", TODAY() - datetime.timedelta(days=1))
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    for message in (
        "Choose the tier of support",
        "Add at least one outcome",
        "Help 1: Enter who gives this help",
        "The review date must be after",
    ):
        assert message in body, message
    assert "<title>Error:" in body
    assert not SupportPlan.objects.exists() and not PlanCycle.objects.exists()
    assert not PlanOutcome.objects.exists()


def test_an_outcome_that_names_a_service_is_flagged_and_can_be_kept(client, world):
    client.force_login(world.practitioner_a)
    url = reverse("support-plan-new", args=[world.child_a.pk])
    response = client.post(url, plan_post(["Speech and language therapy sessions"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "reads like a provider or a professional" in body
    assert "Keep this outcome as written" in body
    assert not SupportPlan.objects.exists()
    response = client.post(
        url, plan_post([("Speech and language therapy sessions", EIGHT_WEEKS(), True)])
    )
    assert response.status_code == 302
    assert PlanOutcome.objects.get().kept_after_warning is True


def test_an_outcome_needs_a_date(client, world):
    client.force_login(world.practitioner_a)
    url = reverse("support-plan-new", args=[world.child_a.pk])
    response = client.post(url, plan_post([(GOOD_OUTCOME, None)]))
    assert "Enter by when the child will be able to do this" in response.content.decode()
    assert not SupportPlan.objects.exists()


def test_a_second_plan_is_refused(world):
    start_plan(world)
    with pytest.raises(services.PlanError, match="already has a support plan"):
        start_plan(world)
    assert SupportPlan.objects.count() == 1


# Changing it ---------------------------------------------------------------------------------


def test_a_change_keeps_the_history(client, world):
    plan = start_plan(world)
    first = plan.outcomes.get()
    client.force_login(world.send_officer)
    url = reverse("support-plan-edit", args=[world.child_a.pk])
    assert GOOD_OUTCOME in client.get(url).content.decode()
    response = client.post(
        url,
        plan_post(
            [
                "Amara will sit for a short story",
            ],
            tier="targeted_plus",
            cycle=False,
            version=1,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.tier == "targeted_plus" and plan.version == 2
    first.refresh_from_db()
    assert first.ended_at is not None  # taken out, not deleted
    version = plan.versions.get(number=2)
    assert version.saved_by == world.send_officer
    assert "Tier changed from targeted to targeted plus" in version.summary
    assert version.snapshot["before"]["outcomes"][0]["text"] == GOOD_OUTCOME
    body = client.get(reverse("support-plan", args=[world.child_a.pk])).content.decode()
    assert "Outcomes taken out of the plan" in body and GOOD_OUTCOME in body


def test_an_outcome_kept_by_id_is_updated_in_place(world):
    plan = start_plan(world)
    first = plan.outcomes.get()
    services.update_plan(
        world.practitioner_a,
        plan,
        version=1,
        tier="targeted",
        strengths="",
        outcomes=[
            services.OutcomeRow("Amara will ask for help with words", EIGHT_WEEKS(), id=first.pk)
        ],
        provision=[],
    )
    first.refresh_from_db()
    assert first.text == "Amara will ask for help with words" and first.ended_at is None
    assert "1 outcome changed" in plan.versions.get(number=2).summary


def test_a_change_from_an_old_page_is_refused(client, world):
    start_plan(world)
    client.force_login(world.practitioner_a)
    url = reverse("support-plan-edit", args=[world.child_a.pk])
    assert client.post(url, plan_post([GOOD_OUTCOME], cycle=False, version=1)).status_code == 302
    response = client.post(url, plan_post(["Amara will wave"], cycle=False, version=1))
    assert response.status_code == 200
    assert "Someone else changed this plan" in response.content.decode()
    assert not PlanOutcome.objects.filter(text="Amara will wave").exists()


# Reviews and cycles --------------------------------------------------------------------------


def test_two_review_cycles(client, world, concern_with_cycles):
    plan = start_plan(world)
    client.force_login(world.practitioner_a)
    review_url = reverse("support-plan-review", args=[world.child_a.pk])
    next_url = reverse("support-plan-next-cycle", args=[world.child_a.pk])
    # The next cycle waits for the review.
    assert client.get(next_url).status_code == 302
    assert client.post(review_url, review_post(plan)).status_code == 302
    cycle = plan.cycles.get(number=2)  # cycle 1 is the concern's reviewed cycle
    assert cycle.reviewed_by == world.practitioner_a
    assert cycle.family_views == "Mum says Amara points more at home"
    assert OutcomeProgress.objects.get(cycle=cycle).progress == "good_progress"
    # A reviewed cycle is not reviewed again.
    assert client.get(review_url).status_code == 302
    data = {
        **date_fields("started_on", TODAY()),
        **date_fields("review_due_on", EIGHT_WEEKS()),
        "planned": "Add a second word to requests",
    }
    assert client.post(next_url, data).status_code == 302
    assert plan.cycles.count() == 3
    assert client.post(review_url, review_post(plan, overall="good_progress")).status_code == 302
    assert plan.cycles.filter(reviewed_on__isnull=False).count() == 3
    summaries = list(
        ReferralEvent.objects.filter(referral=concern_with_cycles, kind="child_record").values_list(
            "summary", flat=True
        )
    )
    assert any("cycle 3 started" in s for s in summaries)
    assert any("cycle 3 reviewed" in s for s in summaries)


def test_a_review_with_bad_input_saves_nothing(client, world):
    plan = start_plan(world)
    client.force_login(world.practitioner_a)
    url = reverse("support-plan-review", args=[world.child_a.pk])
    data = review_post(plan, family_views="", overall="")
    data.pop(f"progress_{plan.outcomes.get().pk}")
    data |= date_fields("reviewed_on", TODAY() + datetime.timedelta(days=3))
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    for message in (
        "Choose the progress towards outcome 1",
        "Enter the family",
        "Choose how the child is doing overall",
        "must be today or in the past",
    ):
        assert message in body, message
    cycle = plan.cycles.get()
    assert cycle.reviewed_on is None and not OutcomeProgress.objects.exists()


def test_a_cycle_with_its_review_date_before_its_start_is_refused(client, world):
    plan = start_plan(world)
    services.record_review(
        world.practitioner_a,
        plan,
        services.Review(
            TODAY(),
            "good_progress",
            {plan.outcomes.get().pk: ("achieved", "")},
            family_views="Happy",
        ),
    )
    client.force_login(world.practitioner_a)
    data = {
        **date_fields("started_on", TODAY()),
        **date_fields("review_due_on", TODAY()),
        "planned": "",
    }
    response = client.post(reverse("support-plan-next-cycle", args=[world.child_a.pk]), data)
    body = response.content.decode()
    assert "There is a problem" in body and "The review date must be after" in body
    assert "Enter what you will do in this cycle" in body
    assert plan.cycles.count() == 1


# Who may see and change it -------------------------------------------------------------------


PLAN_URLS = (
    "support-plan",
    "support-plan-new",
    "support-plan-edit",
    "support-plan-review",
    "support-plan-next-cycle",
    "support-plan-json",
    "support-plan-pdf",
)


def test_other_settings_caseloads_and_roles_are_refused(client, world):
    start_plan(world)
    for who in (
        "practitioner_b",
        "portage_b",
        "planner",
        "early_help",
        "professional",
        "trainer",
        "admin",
    ):
        client.force_login(getattr(world, who))
        for name in PLAN_URLS:
            url = reverse(name, args=[world.child_a.pk])
            assert client.get(url).status_code in (403, 404), (who, name)
            assert client.post(url).status_code in (403, 404, 405), (who, name)
    assert SupportPlan.objects.get().version == 1


def test_the_portage_worker_reads_but_does_not_write(client, world):
    start_plan(world)
    client.force_login(world.portage_a)
    assert client.get(reverse("support-plan", args=[world.child_a.pk])).status_code == 200
    for name in ("support-plan-edit", "support-plan-review", "support-plan-next-cycle"):
        assert client.get(reverse(name, args=[world.child_a.pk])).status_code == 403
    assert client.get(reverse("support-plan-new", args=[world.child_b.pk])).status_code == 404


def test_access_ends_when_the_practitioner_leaves_the_setting(client, world):
    start_plan(world)
    client.force_login(world.practitioner_a)
    url = reverse("support-plan", args=[world.child_a.pk])
    assert client.get(url).status_code == 200
    SettingMembership.objects.filter(user=world.practitioner_a).delete()
    assert client.get(url).status_code == 404
    assert client.get(reverse("support-plan-json", args=[world.child_a.pk])).status_code == 404


def test_access_ends_when_the_family_leaves_the_caseload(client, world):
    start_plan(world)
    client.force_login(world.portage_a)
    url = reverse("support-plan", args=[world.child_a.pk])
    assert client.get(url).status_code == 200
    world.portage_a.caseload_memberships.all().delete()
    assert client.get(url).status_code == 404


def test_the_service_refuses_a_reader(world):
    with pytest.raises(services.PlanError):
        start_plan(world, user=world.portage_a)
    assert not SupportPlan.objects.exists()


# The plan page's queries ---------------------------------------------------------------------


def test_the_plan_page_reads_a_fixed_number_of_queries(client, world):
    plan = start_plan(world)
    client.force_login(world.practitioner_a)
    url = reverse("support-plan", args=[world.child_a.pk])
    client.get(url)  # warm: Django's own caches, the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    outcome = plan.outcomes.get()
    for number in range(3):
        live = plan.outcomes.filter(ended_at__isnull=True)
        services.record_review(
            world.practitioner_a,
            plan,
            services.Review(
                TODAY(),
                "some_progress",
                {o.pk: ("some_progress", "") for o in live},
                family_views="Fine",
            ),
        )
        services.start_next_cycle(
            world.practitioner_a,
            plan,
            services.CycleStart(TODAY(), EIGHT_WEEKS(), f"Step {number}"),
        )
        services.update_plan(
            world.practitioner_a,
            plan,
            version=plan.version,
            tier="targeted",
            strengths="",
            outcomes=[
                services.OutcomeRow(GOOD_OUTCOME, EIGHT_WEEKS(), id=outcome.pk),
                services.OutcomeRow(f"Amara will try {number}", EIGHT_WEEKS()),
            ],
            provision=[
                services.ProvisionRow("Visual timetable", "Key person", "Daily", TODAY(), 0)
            ],
        )
    assert plan.cycles.count() == 4 and SupportPlanVersion.objects.count() == 4
    assert count() == small


# Exports -------------------------------------------------------------------------------------


def test_the_json_export_follows_its_published_schema(client, world, concern_with_cycles):
    plan = start_plan(world)
    services.record_review(
        world.practitioner_a,
        plan,
        services.Review(
            TODAY(),
            "good_progress",
            {plan.outcomes.get().pk: ("achieved", "Did it")},
            family_views="Pleased",
        ),
    )
    client.force_login(world.portage_a)
    schema = client.get(reverse("support-plan-schema")).json()
    response = client.get(reverse("support-plan-json", args=[world.child_a.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert f"support-plan-{world.child_a.reference}" in response["Content-Disposition"]
    document = json.loads(response.content)
    jsonschema.validate(document, schema)
    assert document["plan"]["tier"] == {"code": "targeted", "label": "Targeted"}
    assert document["plan"]["cycles"][-1]["progress"][0]["progress"]["code"] == "achieved"
    assert document["plan"]["seeded_from_concern"] == concern_with_cycles.reference
    assert ReferralEvent.objects.filter(
        referral=concern_with_cycles, kind="viewed", summary__contains="JSON"
    ).exists()


def test_the_pdf_export(client, world):
    start_plan(world)
    client.force_login(world.practitioner_a)
    response = client.get(reverse("support-plan-pdf", args=[world.child_a.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


def test_the_pdf_without_unicode_fonts(world, monkeypatch):
    monkeypatch.setattr(exports, "_unicode_font", lambda: None)
    world.child_a.first_name = "Zoë"
    world.child_a.save()
    start_plan(world)
    page = selectors.plan_page(world.practitioner_a, world.child_a, with_seed=False)
    assert exports.plan_pdf(page).startswith(b"%PDF")


def test_downloads_are_in_the_audit_trail(client, world):
    from dataprotection.models import AccessEvent

    start_plan(world)
    client.force_login(world.send_officer)
    client.get(reverse("support-plan-pdf", args=[world.child_a.pk]))
    event = AccessEvent.objects.filter(url_name="support-plan-pdf").get()
    assert event.action == AccessEvent.Action.EXPORT and event.child_id == world.child_a.pk


# Demo data -----------------------------------------------------------------------------------


def test_the_demo_has_plans_at_every_tier(world, concern_with_cycles):
    from django.core.management import call_command

    from tests.factories import ChildFactory, practitioner_at

    practitioner_at(world.setting_a, username="practitioner")
    practitioner_at(world.setting_b, username="senco")
    for setting in (world.setting_a, world.setting_b):
        ChildFactory.create_batch(4, setting=setting)
    call_command("demo_support_plans")
    plans = SupportPlan.objects.all()
    assert {plan.tier for plan in plans} == {"universal", "targeted", "targeted_plus", "specialist"}
    assert plans.count() == 8
    assert PlanCycle.objects.filter(reviewed_on__isnull=False, from_referral=None).exists()
    assert SupportPlanVersion.objects.filter(number=2).exists()
    assert SupportPlan.objects.get(child=world.child_a).seeded_from == concern_with_cycles
    call_command("demo_support_plans")  # idempotent
    assert SupportPlan.objects.count() == 8


def test_the_child_page_reads_the_same_queries_however_long_the_plan(client, world):
    plan = start_plan(world)
    client.force_login(world.practitioner_a)
    url = reverse("child-detail", args=[world.child_a.pk])
    client.get(url)  # warm

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for number in range(3):
        live = plan.outcomes.filter(ended_at__isnull=True)
        services.record_review(
            world.practitioner_a,
            plan,
            services.Review(
                TODAY(),
                "some_progress",
                {o.pk: ("some_progress", "") for o in live},
                family_views="Fine",
            ),
        )
        services.start_next_cycle(
            world.practitioner_a,
            plan,
            services.CycleStart(TODAY(), EIGHT_WEEKS(), f"Step {number}"),
        )
    assert count() == before
    assert "review due" in client.get(url).content.decode()
