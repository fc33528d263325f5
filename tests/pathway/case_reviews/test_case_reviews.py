"""'Could we have acted earlier?' case reviews against hand-built cases with known answers: the
sample (reproducible from its seed, each rule), the chronology (pseudonymised), findings and
their roll-up, a finding turned into a draft of the routing rules, and who may see what."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dataprotection import retention
from dataprotection.models import AccessEvent
from dataprotection.selectors import subject_access_record
from earlyyears.models import Child, FamilyContact, User
from pathway.case_reviews import selectors, services
from pathway.models import (
    AdviceRequest,
    AdviceTemplate,
    CaseReview,
    Decision,
    Observation,
    Referral,
    ReviewCase,
    ReviewCause,
    ReviewFinding,
    ReviewPanelMember,
    RoutingRuleSet,
)
from tests.factories import ChildFactory, UserFactory

D = datetime.date
TODAY = timezone.localdate  # called in each test: a run may cross midnight
YES, NO, UNSURE = ReviewFinding.Earlier.YES, ReviewFinding.Earlier.NO, ReviewFinding.Earlier.UNSURE


def request(method=CaseReview.Method.RANDOM, size=3, seed=42, **extra):
    values = {
        "title": "Spring review",
        "method": method,
        "referred_from": TODAY() - datetime.timedelta(days=60),
        "referred_to": TODAY(),
        "sample_size": size,
        "opens_on": TODAY(),
        "closes_on": TODAY() + datetime.timedelta(days=30),
        "seed": seed,
    } | extra
    return services.SampleRequest(**values)


@pytest.fixture
def cases(world, make_referral):
    """Eight children at setting A, each with a concern in the last 60 days, and child A with
    a second, later one (one case per child: the first)."""
    referrals = [
        make_referral(world.child_a, days_ago=30),
        make_referral(world.child_a, days_ago=5),
    ]
    for number in range(7):
        child = ChildFactory(setting=world.setting_a, first_name=f"Child{number}")
        referrals.append(make_referral(child, days_ago=10 + number))
    return referrals


def sampled(review: CaseReview) -> list[int]:
    return list(review.cases.values_list("referral_id", flat=True))


def test_one_case_per_child_and_the_same_seed_draws_the_same_sample(world, cases):
    pool = selectors.candidates(
        CaseReview.Method.RANDOM, TODAY() - datetime.timedelta(days=60), TODAY()
    )
    assert len(pool) == 8
    assert cases[0].pk in pool and cases[1].pk not in pool  # child A's first concern only
    first = services.create_review(request(seed=42), world.send_manager)
    again = services.create_review(request(seed=42), world.send_manager)
    other = services.create_review(request(seed=7), world.send_manager)
    assert sampled(first) == sampled(again)
    assert len(sampled(first)) == 3
    assert sampled(first) != sampled(other)
    assert first.pool_size == 8 and first.seed == 42
    assert services.draw(pool, 3, 42, ordered=False) == sampled(first)


def test_a_blank_seed_is_chosen_and_recorded(world, cases):
    review = services.create_review(request(seed=None), world.send_manager)
    assert 0 <= review.seed < 1_000_000
    assert services.draw(
        selectors.candidates(review.method, review.referred_from, review.referred_to),
        3,
        review.seed,
        ordered=False,
    ) == sampled(review)


def test_nothing_matching_is_a_clear_error(world):
    with pytest.raises(services.NothingToSample, match="No cases match"):
        services.create_review(request(), world.send_manager)
    assert not CaseReview.objects.exists()


def test_each_rule_matches_the_cases_it_describes(world, make_referral):
    start, end = TODAY() - datetime.timedelta(days=60), TODAY()
    assessed = make_referral(ChildFactory(setting=world.setting_a), days_ago=20)
    Decision.objects.create(
        referral=assessed,
        kind=Decision.Kind.EHC_ASSESS,
        reason="Agreed",
        decided_by=world.send_manager,
    )
    older = ChildFactory(
        setting=world.setting_a, date_of_birth=TODAY() - datetime.timedelta(days=40 * 31)
    )
    late = make_referral(older, days_ago=3)
    closed = make_referral(ChildFactory(setting=world.setting_a), days_ago=15)
    Referral.objects.filter(pk=closed.pk).update(status=Referral.Status.CLOSED)
    waited = make_referral(ChildFactory(setting=world.setting_a), days_ago=50)
    quick = make_referral(ChildFactory(setting=world.setting_a), days_ago=45)
    Decision.objects.create(
        referral=quick,
        kind=Decision.Kind.ACCEPT,
        reason="Yes",
        decided_by=world.send_manager,
        decided_at=quick.submitted_at + datetime.timedelta(days=1),
    )

    def found(method):
        return selectors.candidates(method, start, end)

    assert found(CaseReview.Method.EHC_ASSESSMENT) == [assessed.pk]
    assert found(CaseReview.Method.LATE_FOR_AGE) == [late.pk]
    assert found(CaseReview.Method.CLOSED_WITHOUT_SUPPORT) == [closed.pk]
    longest = found(CaseReview.Method.LONGEST_WAIT)
    assert longest[0] == waited.pk and longest.index(quick.pk) == len(longest) - 1
    review = services.create_review(
        request(CaseReview.Method.LONGEST_WAIT, size=1, seed=3), world.send_manager
    )
    assert sampled(review) == [waited.pk]


def test_the_chronology_in_order_pseudonymised_with_waits_and_turnaround(world, make_referral):
    child = world.child_a  # Amara Okafor
    FamilyContact.objects.create(
        child=child, name="Grace Okafor", relationship=FamilyContact.Relationship.MOTHER
    )
    submitted = timezone.make_aware(datetime.datetime(2026, 3, 2, 10))  # a Monday
    Observation.objects.create(
        child=child,
        setting=world.setting_a,
        eyfs_area="communication_language",
        observed_on=D(2026, 2, 2),
        what_was_seen="Amara pointed but did not speak; Grace Okafor says the same at home.",
        observer=world.practitioner_a,
    )
    referral = make_referral(child)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=submitted)
    referral.refresh_from_db()
    Decision.objects.create(
        referral=referral,
        kind=Decision.Kind.ACCEPT,
        reason="Amara needs speech and language support.",
        decided_by=world.send_manager,
        decided_at=timezone.make_aware(datetime.datetime(2026, 3, 16, 9)),
    )
    AdviceRequest.objects.create(
        referral=referral,
        template=AdviceTemplate.objects.first(),
        discipline=AdviceTemplate.objects.first().discipline,
        professional=world.professional,
        requested_by=world.send_officer,
        requested_at=timezone.make_aware(datetime.datetime(2026, 3, 3, 9)),
        due_on=D(2026, 3, 20),
        status=AdviceRequest.Status.SUBMITTED,
        submitted_at=timezone.make_aware(datetime.datetime(2026, 3, 23, 9)),
    )
    entries = selectors.chronology(referral)
    assert [(e.day, e.stage) for e in entries] == [
        (D(2026, 2, 2), "noticing"),
        (D(2026, 3, 2), "raising"),
        (D(2026, 3, 2), "routing"),
        (D(2026, 3, 3), "deciding"),
        (D(2026, 3, 16), "deciding"),
    ]
    observation, raised, _routed, advice, decision = entries
    assert observation.detail == "A. pointed but did not speak; G. O. says the same at home."
    assert "28 days after the first observation" in raised.detail
    assert "10 working days after the concern" in decision.what
    assert decision.detail == "A. needs speech and language support."
    assert "(3 days late)" in advice.detail
    text = " ".join(f"{e.what} {e.detail}" for e in entries)
    assert "Amara" not in text and "Okafor" not in text and "Grace" not in text
    assert selectors.case_label(referral) == f"A.O. ({referral.reference})"


def test_the_chronology_costs_the_same_however_much_is_recorded(
    world, make_referral, django_assert_num_queries
):
    referral = make_referral(world.child_a)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            selectors.chronology(Referral.objects.select_related("child").get(pk=referral.pk))
        return len(queries)

    before = count()
    for day in range(5):
        Observation.objects.create(
            child=world.child_a,
            setting=world.setting_a,
            eyfs_area="communication_language",
            observed_on=D(2026, 1, 1 + day),
            what_was_seen="Seen",
            observer=world.practitioner_a,
        )
        Decision.objects.create(
            referral=make_referral(world.child_a),
            kind=Decision.Kind.ACCEPT,
            reason="Yes",
            decided_by=world.send_manager,
        )
    assert count() == before


@pytest.fixture
def panel(world, cases):
    """A review of three cases with two reviewers on its panel: education and a family's
    perspective."""
    review = services.create_review(request(), world.send_manager)
    services.add_member(review, world.send_officer, "education", world.send_manager)
    services.add_member(review, world.case_reviewer, "family", world.send_manager)
    return review


def finding(case, reviewer, stage, earlier, *causes):
    services.record_findings(
        case,
        reviewer,
        [
            services.StageFinding(
                stage, earlier, [ReviewCause.objects.get(label=c) for c in causes], "Notes"
            )
        ],
    )


def test_findings_roll_up_without_averaging_disagreement(world, panel):
    one, two, three = panel.cases.all()
    finding(one, world.send_officer, "noticing", YES, "Not noticed")
    finding(one, world.case_reviewer, "noticing", YES, "Not noticed", "Information not shared")
    finding(two, world.send_officer, "routing", YES, "Waited for a threshold")
    finding(two, world.case_reviewer, "routing", NO)
    finding(three, world.send_officer, "deciding", NO)
    finding(three, world.case_reviewer, "deciding", NO)
    result = selectors.rollup(CaseReview.objects.filter(pk=panel.pk))
    assert (result.cases, result.reviewed, result.earlier, result.disputed) == (3, 3, 1, 1)
    assert result.earlier_share == 33
    stages = {row["label"]: row for row in result.by_stage}
    assert stages["Noticing"]["agreed_earlier"] == 1
    assert stages["Routing"]["disagree"] == 1
    assert stages["Deciding"]["agreed_not"] == 1
    causes = {(row["stage"], row["cause"]): row["cases"] for row in result.by_cause}
    assert causes == {
        ("Noticing", "Not noticed"): 1,
        ("Noticing", "Information not shared"): 1,
        ("Routing", "Waited for a threshold"): 1,
    }
    assert [row["stage"] for row in result.disagreements] == ["Routing"]
    assert result.by_year == [{"year": TODAY().year, "reviewed": 3, "earlier": 1, "share": 33}]


def test_saving_again_replaces_only_your_own_findings(world, panel):
    case = panel.cases.first()
    finding(case, world.send_officer, "noticing", YES, "Not noticed")
    finding(case, world.case_reviewer, "noticing", NO)
    finding(case, world.send_officer, "noticing", UNSURE)
    assert sorted(ReviewFinding.objects.values_list("earlier", flat=True)) == ["no", "unsure"]


def url(name, review, case=None):
    kwargs = {"review_id": review.pk} | ({"case_id": case.pk} if case else {})
    return reverse(name, kwargs=kwargs)


def test_the_manager_draws_a_sample_from_the_form(client, world, cases):
    client.force_login(world.send_manager)
    data = {
        "title": "Summer review",
        "method": "random",
        "referred_from_day": "1",
        "referred_from_month": "1",
        "referred_from_year": "2020",
        "referred_to_day": str(TODAY().day),
        "referred_to_month": str(TODAY().month),
        "referred_to_year": str(TODAY().year),
        "sample_size": "4",
        "seed": "",
        "opens_on_day": str(TODAY().day),
        "opens_on_month": str(TODAY().month),
        "opens_on_year": str(TODAY().year),
        "closes_on_day": "1",
        "closes_on_month": "1",
        "closes_on_year": str(TODAY().year + 1),
    }
    response = client.post(reverse("case-review-new"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    review = CaseReview.objects.get()
    assert response.status_code == 302 and review.cases.count() == 4
    bad = client.post(
        reverse("case-review-new"), data | {"sample_size": "0", "closes_on_year": "2000"}
    )
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "There is a problem" in body
    assert "Review at least 1 case" in body
    assert "The review must close on or after the day it opens" in body
    assert CaseReview.objects.count() == 1


def test_a_reviewer_records_findings_and_sees_others_only_afterwards(client, world, panel):
    case = panel.cases.first()
    finding(case, world.send_officer, "noticing", YES, "Not noticed")
    client.force_login(world.case_reviewer)
    page = client.get(url("review-case", panel, case)).content.decode()
    assert "Findings from the panel" not in page and "Your findings" in page
    assert case.referral.child.first_name not in page
    answers = {f"{stage}_earlier": "no" for stage in ReviewFinding.Stage.values}
    cause = ReviewCause.objects.get(label="No provision available")
    missing = client.post(url("review-case", panel, case), answers | {"providing_earlier": "yes"})
    assert missing.status_code == 400
    assert "Select why providing support could have been earlier" in missing.content.decode()
    assert not ReviewFinding.objects.filter(reviewer=world.case_reviewer).exists()
    saved = client.post(
        url("review-case", panel, case),
        answers | {"providing_earlier": "yes", "providing_causes": [cause.pk]},
    )
    assert saved.status_code == 302
    assert ReviewFinding.objects.filter(reviewer=world.case_reviewer).count() == 5
    page = client.get(url("review-case", panel, case)).content.decode()
    assert "Findings from the panel" in page
    assert "Noticing: Reviewers disagree" in page  # the officer said yes, this reviewer no


def test_panel_members_see_only_their_review_and_only_while_it_is_open(client, world, panel, cases):
    case = panel.cases.first()
    other = services.create_review(request(seed=9), world.send_manager)
    foreign = other.cases.first()
    client.force_login(world.case_reviewer)
    assert client.get(url("review-case", panel, case)).status_code == 200
    assert client.get(url("case-review", panel)).status_code == 200
    # a case of another review, through this review's address or its own: not there
    assert client.get(url("review-case", panel, foreign)).status_code == 404
    assert client.get(url("case-review", other)).status_code == 404
    assert client.get(url("review-case", other, foreign)).status_code == 404
    # the findings and the panel are the manager's
    assert client.get(url("case-review-findings", panel)).status_code == 403
    assert client.get(reverse("case-review-new")).status_code == 403
    for opens, closes in ((1, 5), (-10, -1)):
        CaseReview.objects.filter(pk=panel.pk).update(
            opens_on=TODAY() + datetime.timedelta(days=opens),
            closes_on=TODAY() + datetime.timedelta(days=closes),
        )
        assert client.get(url("review-case", panel, case)).status_code == 404
        assert panel.title not in client.get(reverse("case-reviews")).content.decode()
    # the manager still sees a closed review
    client.force_login(world.send_manager)
    assert client.get(url("review-case", panel, case)).status_code == 200
    # nobody else: a planner, the child's own setting, a professional
    for who in (world.planner, world.practitioner_a, world.professional, world.portage_a):
        client.force_login(who)
        assert client.get(url("review-case", panel, case)).status_code == 404
    ReviewPanelMember.objects.filter(user=world.send_officer).delete()
    client.force_login(world.send_officer)
    CaseReview.objects.filter(pk=panel.pk).update(opens_on=TODAY(), closes_on=TODAY())
    assert client.get(url("review-case", panel, case)).status_code == 404


def test_every_read_of_a_case_is_audited(client, world, panel):
    case = panel.cases.select_related("referral").first()
    client.force_login(world.case_reviewer)
    client.get(url("review-case", panel, case))
    event = AccessEvent.objects.filter(user=world.case_reviewer).latest("pk")
    assert event.child_id == case.referral.child_id
    assert event.referral_id == case.referral_id


def test_a_finding_opens_a_draft_of_the_rules_tested_on_the_reviews_cases(client, world, panel):
    client.force_login(world.send_manager)
    response = client.post(
        url("case-review-propose", panel), {"proposal": "Route speech delays at 2 to portage"}
    )
    draft = RoutingRuleSet.objects.get(status=RoutingRuleSet.Status.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("test-rule-set", kwargs={"version": draft.version}) + f"?review={panel.pk}"
    )
    assert draft.notes == (
        'Proposed by the case review "Spring review": Route speech delays at 2 to portage'
    )
    assert (
        draft.rules.count()
        == RoutingRuleSet.objects.get(status=RoutingRuleSet.Status.PUBLISHED).rules.count()
    )
    tester = client.get(response["Location"]).content.decode()
    assert "The 3 cases of the review" in tester
    empty = client.post(url("case-review-propose", panel), {"proposal": ""})
    assert empty.status_code == 400
    assert "Say what should change in the routing rules" in empty.content.decode()


def test_the_review_in_subject_access_and_retention(world, panel):
    case = panel.cases.select_related("referral").first()
    finding(case, world.send_officer, "noticing", YES, "Not noticed")
    child = Child.objects.get(pk=case.referral.child_id)
    _, record = subject_access_record(world.send_manager, child.pk)
    [row] = record["case_reviews"]
    assert row["review"] == "Spring review"
    assert row["findings"][0]["reviewer"] == "Education"
    assert row["findings"][0]["why"] == ["Not noticed"]
    assert row["findings"][0]["could_have_been_earlier"] == "Yes, it could have been done earlier"
    CaseReview.objects.filter(pk=panel.pk).update(
        closes_on=TODAY() - datetime.timedelta(days=7 * 366)
    )
    retention.apply_retention()
    assert not CaseReview.objects.exists()
    assert not ReviewCase.objects.exists() and not ReviewFinding.objects.exists()


def test_the_case_page_costs_the_same_with_more_findings(
    client, world, panel, django_assert_max_num_queries
):
    case = panel.cases.first()
    finding(case, world.send_officer, "noticing", YES, "Not noticed")
    client.force_login(world.send_manager)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url("review-case", panel, case))
    for reviewer in (UserFactory(role="professional"), UserFactory(role="early_help")):
        services.add_member(panel, reviewer, "health", world.send_manager)
        finding(case, reviewer, "noticing", YES, "Not noticed", "Other")
    with CaptureQueriesContext(connection) as later:
        client.get(url("review-case", panel, case))
    assert len(later) == len(first)


def test_the_demo_review_has_a_panel_and_findings(world, cases):
    from io import StringIO

    from django.core.management import call_command

    for username, role in (
        ("send.officer", "send_officer"),
        ("send.manager", "send_manager"),
        ("professional", "professional"),
        ("early.help", "early_help"),
        ("forum.member", "case_reviewer"),
    ):
        if not User.objects.filter(username=username).exists():
            UserFactory(username=username, role=role)
    out = StringIO()
    call_command("demo_case_reviews", stdout=out)
    review = CaseReview.objects.get()
    assert review.cases.count() == 8 and review.members.count() == 4
    result = selectors.rollup(CaseReview.objects.all())
    assert (result.reviewed, result.earlier, result.disputed) == (3, 1, 1)
    call_command("demo_case_reviews", stdout=out)
    assert "exists already" in out.getvalue()
    assert CaseReview.objects.count() == 1


def test_the_chronology_prints_as_a_pdf_for_the_manager_only(client, world, panel):
    case = panel.cases.first()
    client.force_login(world.send_manager)
    response = client.get(url("review-case-pdf", panel, case))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"case-review-{panel.pk}-case-1-" in response["Content-Disposition"]
    client.force_login(world.planner)
    assert client.get(url("review-case-pdf", panel, case)).status_code == 404


def test_the_chronology_shows_what_the_family_added_themselves(world, make_referral):
    """Home observations (and whether they joined the record), All about me, answers to the
    SEND team's questions and consent changes appear as the family's, pseudonymised."""
    from pathway.models import (
        Agency,
        AllAboutMe,
        ConsentChange,
        ConsentRecord,
        FamilyQuestion,
        HomeObservation,
    )

    child = world.child_a  # Amara Okafor
    referral = make_referral(child)
    at = lambda *day: timezone.make_aware(datetime.datetime(*day, 12))  # noqa: E731
    HomeObservation.objects.create(
        child=child,
        eyfs_area="communication_language",
        note="Amara lines up her cars and does not look up when called.",
        added_at=at(2026, 1, 5),
        status=HomeObservation.Status.DECLINED,
        decline_reason="Not enough detail",
    )
    for version, day in ((1, 10), (2, 20)):
        AllAboutMe.objects.create(
            child=child, version=version, strengths="Puzzles", written_at=at(2026, 1, day)
        )
    FamilyQuestion.objects.create(
        referral=referral,
        question="Does Amara use any words at home?",
        asked_by=world.send_officer,
        asked_at=at(2026, 2, 2),
        answer="Amara says two words at home.",
        answered_at=at(2026, 2, 6),
    )
    record, _ = ConsentRecord.objects.get_or_create(child=child, agency=Agency.HEALTH)
    ConsentChange.objects.create(record=record, given=False, at=at(2026, 2, 9), how="phone")

    # (The referral's own consent, given on its form today, comes after these.)
    family = [e for e in selectors.chronology(referral) if e.from_family][:4]
    assert [(e.day, e.stage, e.what) for e in family] == [
        (
            D(2026, 1, 5),
            "noticing",
            "The family shared what they saw at home (Communication and language): "
            "not added to the record",
        ),
        (
            D(2026, 1, 10),
            "raising",
            "The family wrote All about me and what matters to them; updated 1 time since",
        ),
        (
            D(2026, 2, 2),
            "deciding",
            "The family answered a question from the SEND team (4 days after it was asked)",
        ),
        (
            D(2026, 2, 9),
            "routing",
            "The family withdrew consent to share with health professionals",
        ),
    ]
    assert family[0].detail == "A. lines up her cars and does not look up when called."
    assert family[2].detail == "A. says two words at home."
    assert family[3].detail == "Told to a member of staff by phone."
