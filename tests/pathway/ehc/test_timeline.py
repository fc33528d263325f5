"""The EHC timeline through its services and pages: each step, dates out of order refused with
nothing saved, letters rendered from the council's templates, reviews, ceasing, reminders,
who sees what, and the list's constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from earlyyears.models import OutboxMessage
from pathway.ehc import services
from pathway.models import (
    Decision,
    EhcException,
    EhcLetter,
    EhcLetterTemplate,
    EhcRequest,
    EhcReview,
    ReferralEvent,
)
from tests.factories import ChildFactory

D = datetime.date
TODAY = D(2027, 6, 30)


@pytest.fixture
def case(world, referral_on):
    referral = referral_on(world.child_a)
    return services.open_request(
        world.child_a,
        referral,
        by=world.send_officer,
        source=EhcRequest.Source.SETTING,
        received_on=D(2026, 11, 2),
        sex="F",
        ethnicity="BAFR",
        upn_unknown="UN1",
        today=TODAY,
    )


def _to_plan(case, officer):
    services.decide_assessment(
        case,
        by=officer,
        assess=True,
        decided_on=D(2026, 12, 10),
        reason="Needs are complex",
        today=TODAY,
    )
    services.add_exception(
        case,
        by=officer,
        kind=EhcException.Kind.HOLIDAY,
        reason="Nursery shut for Christmas",
        starts_on=D(2026, 12, 21),
        ends_on=D(2027, 1, 1),
        today=TODAY,
    )
    services.issue_draft(case, by=officer, issued_on=D(2027, 2, 20), today=TODAY)
    return services.decide_plan(
        case,
        by=officer,
        issue=True,
        decided_on=D(2027, 3, 25),
        reason="The plan sets out speech and language therapy weekly",
        today=TODAY,
    )


def test_request_to_final_plan_with_one_exception(world, case):
    case.refresh_from_db()
    assert case.next_step == "Decide whether to assess"
    assert case.next_due_on == D(2026, 12, 14)  # 6 weeks
    letter = _to_plan(case, world.send_officer)
    case.refresh_from_db()
    assert case.stage == EhcRequest.Stage.PLAN
    assert case.issue_decision == "Y" and case.issue_decision_on == D(2027, 3, 25)
    due = services.final_due(case)
    assert due.statutory == D(2027, 3, 22) and due.exceptions_apply
    assert due.target == D(2027, 4, 3)
    # The referral's own decisions exist, so retention keeps the EHC file 31 years.
    kinds = set(Decision.objects.filter(referral=case.referral).values_list("kind", flat=True))
    assert {"ehc_assess", "ehc_plan_issued"} <= kinds
    assert "Amara Okafor" in letter.body and "Tribunal" in letter.body
    summaries = list(
        ReferralEvent.objects.filter(referral=case.referral, kind="ehc").values_list(
            "summary", flat=True
        )
    )
    assert "Final EHC plan issued (after the 20 weeks, with an exception recorded)" in summaries
    review = EhcReview.objects.get(ehc=case)
    assert review.due_by == D(2027, 9, 25)  # 6 months after the plan
    assert case.next_step == "Hold the review meeting"


def test_decision_before_the_request_is_refused_and_nothing_saved(world, case):
    with pytest.raises(services.EhcError, match="must be on or after the date the request"):
        services.decide_assessment(
            case,
            by=world.send_officer,
            assess=False,
            decided_on=D(2026, 11, 1),
            reason="No",
            today=TODAY,
        )
    case.refresh_from_db()
    assert case.stage == EhcRequest.Stage.REQUESTED and case.assess_decision == ""
    assert not EhcLetter.objects.exists()
    assert not Decision.objects.filter(kind__startswith="ehc").exists()


def test_away_exception_needs_four_weeks(world, case):
    with pytest.raises(services.EhcError, match="4 weeks"):
        services.add_exception(
            case,
            by=world.send_officer,
            kind=EhcException.Kind.AWAY,
            reason="Visiting family",
            starts_on=D(2026, 12, 1),
            ends_on=D(2026, 12, 20),
            today=TODAY,
        )


def test_letter_uses_the_councils_edited_words(world, case):
    EhcLetterTemplate.objects.filter(key="not_assess").update(
        title="Our decision", body="Hello {child_name}.\n\nBecause {reason}. {authority}"
    )
    letter = services.decide_assessment(
        case,
        by=world.send_officer,
        assess=False,
        decided_on=D(2026, 12, 1),
        reason="needs are met at the setting",
        today=TODAY,
    )
    assert letter.title == "Our decision"
    assert letter.body.startswith("Hello Amara Okafor.\n\nBecause needs are met")
    pdf = services.letter_pdf(letter)
    assert pdf.startswith(b"%PDF")


def test_review_meeting_decision_and_next_review(world, case):
    _to_plan(case, world.send_officer)
    review = EhcReview.objects.get(ehc=case)
    services.record_review_meeting(
        review,
        by=world.send_officer,
        advice_requested_on=D(2027, 5, 1),
        advice_summary="SLT: progress",
        meeting_on=D(2027, 6, 3),
        meeting_notes="Going well",
        today=TODAY,
    )
    case.refresh_from_db()
    assert case.next_step == "Send the decision after the review"
    assert case.next_due_on == D(2027, 7, 1)  # 4 weeks
    services.decide_review(
        review,
        by=world.send_officer,
        outcome="maintain",
        decided_on=D(2027, 6, 20),
        reason="Keep going",
        today=TODAY,
    )
    nxt = EhcReview.objects.filter(ehc=case, decision_on__isnull=True).get()
    assert nxt.due_by == D(2027, 12, 3)
    with pytest.raises(services.EhcError, match="must be on or after the date of the last review"):
        services.record_review_meeting(
            nxt,
            by=world.send_officer,
            advice_requested_on=None,
            advice_summary="",
            meeting_on=D(2027, 6, 1),
            meeting_notes="",
            today=TODAY,
        )


def test_transfer_out_and_cease(world, case):
    _to_plan(case, world.send_officer)
    letter = services.cease_plan(
        case,
        by=world.send_officer,
        ceased_on=D(2027, 6, 1),
        reason="5",
        detail="",
        transferred_to="Somerset",
        today=TODAY,
    )
    assert letter is None
    case.refresh_from_db()
    assert case.stage == EhcRequest.Stage.CEASED and case.next_due_on is None
    assert case.transferred_to == "Somerset"


def test_transfer_in_starts_at_the_plan(world, referral_on):
    child = ChildFactory(setting=world.setting_a)
    ehc = services.open_request(
        child,
        referral_on(child),
        by=world.send_officer,
        source="5",
        received_on=D(2027, 5, 1),
        upn_unknown="UN1",
        transferred_in=True,
        transferred_from="Leeds",
        plan_start_on=D(2026, 9, 1),
        today=TODAY,
    )
    assert ehc.stage == EhcRequest.Stage.PLAN
    assert EhcReview.objects.get(ehc=ehc).due_by == D(2027, 11, 1)


def test_reminders_once_per_due_date(world, case, celery_eager):
    sent = services.remind_ehc_steps(today=D(2026, 12, 10))
    assert sent >= 1
    assert services.remind_ehc_steps(today=D(2026, 12, 10)) == 0
    assert OutboxMessage.objects.filter(idempotency_key__startswith="ehc-due-soon").exists()


def test_pages_for_each_role(client, world, case):
    url = reverse("ehc-child", args=[world.child_a.pk])
    client.force_login(world.send_officer)
    page = client.get(url).content.decode()
    assert "Decide whether to assess" in page and "14 December 2026" in page
    client.force_login(world.practitioner_a)
    page = client.get(url).content.decode()
    assert "Deciding whether to assess" in page and "Record a step" not in page
    client.force_login(world.practitioner_b)
    assert client.get(url).status_code == 404
    client.force_login(world.planner)
    assert client.get(url).status_code == 403
    client.force_login(world.practitioner_a)
    assert client.get(reverse("ehc-cases")).status_code == 403


def test_form_shows_error_summary_and_saves_nothing(client, world, case):
    client.force_login(world.send_officer)
    url = reverse("ehc-step", args=[case.pk, "decision"])
    response = client.post(
        url,
        {
            "assess": "yes",
            "decided_on_day": "1",
            "decided_on_month": "11",
            "decided_on_year": "2026",
            "reason": "Complex needs",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "must be on or after the date the request was received (2 November 2026)" in body
    case.refresh_from_db()
    assert case.stage == EhcRequest.Stage.REQUESTED
    empty = client.post(url, {})
    assert "Select whether the council will assess" in empty.content.decode()


def test_list_queries_are_constant(client, world, referral_on):
    client.force_login(world.send_officer)

    def add(n):
        for _ in range(n):
            child = ChildFactory(setting=world.setting_a)
            services.open_request(
                child,
                referral_on(child),
                by=world.send_officer,
                source="1",
                received_on=D(2027, 6, 1),
                upn_unknown="UN1",
                today=TODAY,
            )

    add(2)
    url = reverse("ehc-cases")
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count("ehc/") >= 7
    assert len(many) == len(few)


def test_advice_asked_since_the_request_shows_per_discipline(client, world, case):
    from pathway.models import AdviceRequest, AdviceTemplate

    template = AdviceTemplate.objects.get(discipline="slt")
    AdviceRequest.objects.create(
        referral=case.referral,
        template=template,
        discipline="slt",
        questions=template.questions,
        professional=world.professional,
        requested_by=world.send_officer,
        due_on=D(2027, 1, 20),
    )
    client.force_login(world.send_officer)
    page = client.get(reverse("ehc-child", args=[world.child_a.pk])).content.decode()
    assert "Speech and language therapy: due 20 January 2027" in page
    client.force_login(world.practitioner_a)
    page = client.get(reverse("ehc-child", args=[world.child_a.pk])).content.decode()
    assert "Speech and language therapy" not in page


def test_a_child_who_moves_leaves_the_old_settings_view(client, world, case):
    url = reverse("ehc-child", args=[world.child_a.pk])
    client.force_login(world.practitioner_a)
    assert client.get(url).status_code == 200
    world.child_a.setting = world.setting_b
    world.child_a.save(update_fields=["setting"])
    assert client.get(url).status_code == 404
    client.force_login(world.practitioner_b)
    assert client.get(url).status_code == 200


def test_unknown_step_and_other_roles(client, world, case):
    client.force_login(world.send_officer)
    assert client.get(reverse("ehc-step", args=[case.pk, "nonsense"])).status_code == 404
    client.force_login(world.practitioner_a)
    assert client.get(reverse("ehc-step", args=[case.pk, "decision"])).status_code == 403
    client.force_login(world.professional)
    assert client.get(reverse("ehc-child", args=[world.child_a.pk])).status_code == 403
