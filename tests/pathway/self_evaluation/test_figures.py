"""The self-evaluation's evidence figures against a hand-built year with known answers: every
record made here by hand (no routing, no side effects), the financial year April 2025 to March
2026 fixed, so each figure is asserted against numbers worked out on paper. With the
suppression threshold at 1 nothing is hidden and the raw counts show; then the same year with
the real threshold, and the table's suppression worked by hand."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from earlyyears.models import Area, FamilyMember, Role, SettingMembership
from pathway.models import (
    AdviceRequest,
    AdviceTemplate,
    AllAboutMe,
    CaseReview,
    ConsentChange,
    ConsentRecord,
    Discipline,
    FamilyQuestion,
    HomeObservation,
    PlanCycle,
    PortageVisit,
    Referral,
    ReviewCase,
    ReviewFinding,
    RoutingRuleSet,
    SupportPlan,
    TacAttendee,
    TacMeeting,
)
from pathway.models.consent import Agency, ConsentHow
from pathway.self_evaluation import selectors
from pathway.self_evaluation.tables import RateRow, rate_table
from tests.factories import AreaFactory, ChildFactory, SettingFactory, UserFactory
from training.models import Completion

D = datetime.date
YEAR = selectors.Period(D(2025, 4, 1), D(2026, 3, 31))


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def rows(figure: dict) -> dict[str, list[str]]:
    return {row["label"]: row["cells"] for row in figure["rows"]}


@pytest.fixture
def no_suppression(settings):
    settings.PLANNING_SUPPRESSION_THRESHOLD = 1


@pytest.fixture
def year(db):
    """One district with two wards, four settings, three children raised in the year (and one
    the year before), and each figure's records, with what each should count noted beside."""

    class Year:
        pass

    y = Year()
    district = AreaFactory(code="D001", name="Northvale", kind=Area.Kind.DISTRICT)
    ward_1 = AreaFactory(code="W901", name="Ash ward", parent=district)
    ward_2 = AreaFactory(code="W902", name="Birch ward", parent=district)
    nursery = SettingFactory(area=ward_1, provider_type="day_nursery")
    pre_school = SettingFactory(area=ward_2, provider_type="pre_school")
    SettingFactory(area=ward_1, provider_type="childminder")  # nobody trained
    SettingFactory(area=ward_1, provider_type="day_nursery", registration_status="resigned")
    officer = UserFactory(role=Role.SEND_OFFICER)
    y.officer = officer
    rules = RoutingRuleSet.objects.filter(status="published").first()

    # Training: the nursery's practitioner is current on 31 March 2026; the pre-school's lapsed.
    for setting, done, renew in (
        (nursery, D(2025, 6, 1), D(2026, 6, 1)),
        (pre_school, D(2024, 1, 1), D(2026, 1, 1)),
    ):
        learner = UserFactory(role=Role.PRACTITIONER)
        SettingMembership.objects.create(user=learner, setting=setting)
        Completion.objects.create(
            user=learner, module_title="Spotting SEND", completed_at=done, renew_by=renew
        )

    c1, c2, c3, c4 = (ChildFactory(setting=nursery) for _ in range(4))
    y.children = (c1, c2, c3, c4)

    def referral(child, day, views=None, source=Referral.Source.SETTING_CONCERN):
        answers = {} if views is None else {"family": {"family_views": views}}
        return Referral.objects.create(
            child=child,
            area=child.area,
            setting=child.setting,
            source=source,
            submitted_by=officer,
            submitted_at=at(day),
            rule_set=rules,
            answers=answers,
        )

    # First concerns: c1 on 1 May (and again 1 July), c2 on 1 June, c3 on 1 July (a family's
    # request), c4 in March 2025 (last year: not counted).
    r1 = referral(c1, D(2025, 5, 1), "They love music")
    referral(c1, D(2025, 7, 1))
    r2 = referral(c2, D(2025, 6, 1), "   ")
    r3 = referral(c3, D(2025, 7, 1), "We are worried", Referral.Source.PARENT_REQUEST)
    referral(c4, D(2025, 3, 1), "Before the year")

    # First support: c1 a plan cycle 19 days on; c2 a home visit 61 days on (one before the
    # concern does not count); c3 nothing yet.
    plan = SupportPlan.objects.create(child=c1, tier="targeted")
    PlanCycle.objects.create(plan=plan, number=1, planned="Small group", started_on=D(2025, 5, 20))
    for day in (D(2025, 5, 1), D(2025, 8, 1)):
        PortageVisit.objects.create(
            child=c2,
            worker=officer,
            visited_on=day,
            goals="Play",
            progress="Good",
        )

    # Advice: SLT from the trust, 4 due in the year, 2 on time (one the same day); one late,
    # one never returned; one withdrawn and one due next year are left out. OT: 2 of 2.
    trust = UserFactory(role=Role.PROFESSIONAL, organisation="Westmoor NHS Trust")
    therapist = UserFactory(role=Role.PROFESSIONAL, organisation="")
    templates = {
        d: AdviceTemplate.objects.get_or_create(discipline=d, defaults={"title": d})[0]
        for d in (Discipline.SLT, Discipline.OT)
    }

    def advice(discipline, professional, due, submitted=None, status=None):
        AdviceRequest.objects.create(
            referral=r1,
            template=templates[discipline],
            discipline=discipline,
            professional=professional,
            requested_by=officer,
            due_on=due,
            submitted_at=at(submitted) if submitted else None,
            status=status
            or (AdviceRequest.Status.SUBMITTED if submitted else AdviceRequest.Status.REQUESTED),
        )

    advice(Discipline.SLT, trust, D(2025, 5, 1), D(2025, 4, 30))
    advice(Discipline.SLT, trust, D(2025, 5, 1), D(2025, 5, 1))
    advice(Discipline.SLT, trust, D(2025, 5, 1), D(2025, 5, 3))
    advice(Discipline.SLT, trust, D(2025, 6, 1))
    advice(Discipline.SLT, trust, D(2025, 6, 1), status=AdviceRequest.Status.WITHDRAWN)
    advice(Discipline.SLT, trust, D(2026, 4, 2))
    advice(Discipline.OT, therapist, D(2025, 9, 1), D(2025, 8, 1))
    advice(Discipline.OT, therapist, D(2025, 9, 1), D(2025, 9, 1))

    # Team Around the Child: one meeting in the year (SLT 2 listed, 1 there; health visiting
    # and the parent there), one the year before.
    meeting = TacMeeting.objects.create(child=c1, held_on=D(2025, 6, 10), created_by=officer)
    for name, discipline, present in (
        ("A", Discipline.SLT, True),
        ("B", Discipline.SLT, False),
        ("C", Discipline.HEALTH_VISITING, True),
        ("D", Discipline.PARENT, True),
    ):
        TacAttendee.objects.create(
            meeting=meeting, name=name, discipline=discipline, present=present
        )
    old = TacMeeting.objects.create(child=c1, held_on=D(2024, 12, 1), created_by=officer)
    TacAttendee.objects.create(meeting=old, name="E", discipline=Discipline.OT, present=False)

    # The family's own view: c1 wrote "All about me"; c2's was written by staff, and their
    # home observation was the year before; c3 answered a question.
    parent = FamilyMember.objects.create(name="Jo", mobile_phone="+447700900111")
    AllAboutMe.objects.create(
        child=c1, version=1, written_by_member=parent, written_at=at(D(2025, 8, 1))
    )
    AllAboutMe.objects.create(
        child=c2, version=1, assisted_by=officer, written_at=at(D(2025, 8, 1))
    )
    HomeObservation.objects.create(
        child=c2,
        added_by=parent,
        eyfs_area="communication_language",
        note="Said a new word",
        added_at=at(D(2024, 11, 1)),
    )
    FamilyQuestion.objects.create(
        referral=r3,
        question="How is sleep?",
        asked_by=officer,
        answer="Better",
        answered_by=parent,
        answered_at=at(D(2025, 7, 10)),
    )

    # Consent: for c1's setting, given then withdrawn; for c2's health, withdrawn; for c3,
    # a change the year before.
    for child, agency, changes in (
        (c1, Agency.SETTING, [(True, D(2025, 5, 1)), (False, D(2025, 9, 1))]),
        (c2, Agency.HEALTH, [(False, D(2025, 10, 1))]),
        (c3, Agency.SEND_TEAM, [(True, D(2024, 5, 1))]),
    ):
        record, _ = ConsentRecord.objects.get_or_create(child=child, agency=agency)
        for given, day in changes:
            ConsentChange.objects.create(
                record=record, given=given, at=at(day), how=ConsentHow.PHONE, by_staff=officer
            )

    # Case review: case A noticing both yes (agreed), raising yes and no; case B noticing no,
    # providing not sure.
    review = CaseReview.objects.create(
        title="Review",
        method="random",
        referred_from=D(2025, 4, 1),
        referred_to=D(2025, 9, 30),
        sample_size=2,
        seed=1,
        opens_on=D(2025, 10, 1),
        closes_on=D(2025, 12, 1),
        created_by=officer,
    )
    case_a = ReviewCase.objects.create(review=review, referral=r1, position=1)
    case_b = ReviewCase.objects.create(review=review, referral=r2, position=2)
    one, two = UserFactory(role=Role.SEND_MANAGER), UserFactory(role=Role.CASE_REVIEWER)
    for case, reviewer, stage, earlier in (
        (case_a, one, "noticing", "yes"),
        (case_a, two, "noticing", "yes"),
        (case_a, one, "raising", "yes"),
        (case_a, two, "raising", "no"),
        (case_b, one, "noticing", "no"),
        (case_b, one, "providing", "unsure"),
    ):
        ReviewFinding.objects.create(
            case=case,
            reviewer=reviewer,
            stage=stage,
            earlier=earlier,
            recorded_at=at(D(2025, 10, 5)),
        )
    return y


def test_advice_on_time_by_discipline_and_provider(year, no_suppression):
    by_discipline = selectors.advice_by_discipline(YEAR)
    assert rows(by_discipline) == {
        "Speech and language therapy": ["4", "2", "50%"],
        "Occupational therapy": ["2", "2", "100%"],
        "All disciplines": ["6", "4", "66.7%"],
    }
    assert by_discipline["headline"]["value"] == 66.7
    assert rows(selectors.advice_by_provider(YEAR)) == {
        "Organisation not recorded": ["2", "2", "100%"],
        "Westmoor NHS Trust": ["4", "2", "50%"],
        "All providers": ["6", "4", "66.7%"],
    }


def test_team_around_the_child_attendance_by_agency(year, no_suppression):
    assert rows(selectors.tac_attendance_by_agency(YEAR)) == {
        "Speech and language therapy": ["2", "1", "50%"],
        "Health visiting": ["1", "1", "100%"],
        "Parent or carer": ["1", "1", "100%"],
        "All agencies": ["4", "3", "75%"],
    }


def test_training_coverage_by_area_and_type_of_setting(year, no_suppression):
    assert rows(selectors.training_by_area(YEAR)) == {
        "Northvale": ["3", "1", "33.3%"],
        "All areas": ["3", "1", "33.3%"],
    }
    assert rows(selectors.training_by_setting_type(YEAR)) == {
        "Day nursery": ["1", "1", "100%"],
        "Pre-school": ["1", "0", "0%"],
        "Childminder": ["1", "0", "0%"],
        "All types of setting": ["3", "1", "33.3%"],
    }


def test_time_from_first_concern_to_first_support(year, no_suppression):
    # c1 19 days (within 6 weeks), c2 61 days, c3 none: median of 19 and 61 is 40.
    assert rows(selectors.first_concern_to_support(YEAR)) == {
        "Children first raised in the year": ["3", "1", "33.3%", "40 days"],
    }


def test_family_views_and_families_who_used_their_view(year, no_suppression):
    assert rows(selectors.family_views_recorded(YEAR)) == {
        "Concern from an early years setting": ["3", "1", "33.3%"],
        "Request from a parent or carer": ["1", "1", "100%"],
        "All referrals": ["4", "2", "50%"],
    }
    assert rows(selectors.families_used_their_view(YEAR)) == {
        "Children referred in the year": ["3", "2", "66.7%"],
    }


def test_consent_withdrawals_and_case_review_findings(year, no_suppression):
    assert rows(selectors.consent_withdrawals(YEAR)) == {
        "Your child's setting (nursery, pre-school or childminder)": ["2", "1", "50%"],
        "Health professionals (for example health visitor, therapists)": ["1", "1", "100%"],
        "All agencies": ["3", "2", "66.7%"],
    }
    assert rows(selectors.case_review_findings(YEAR)) == {
        "Noticing": ["2", "1", "50%"],
        "Raising a concern": ["1", "0", "0%"],
        "Providing support": ["1", "0", "0%"],
        "Any stage": ["2", "1", "50%"],
    }


def test_with_the_real_threshold_small_numbers_are_hidden(year):
    # Every count here is under 5 except none: all hidden, and so is every share.
    advice = rows(selectors.advice_by_discipline(YEAR))
    assert advice["All disciplines"] == ["6", "[c]", "[c]"]
    assert advice["Speech and language therapy"] == ["[c]", "[c]", "[c]"]
    support = rows(selectors.first_concern_to_support(YEAR))
    assert support["Children first raised in the year"] == ["[c]", "[c]", "[c]", "[c]"]
    assert selectors.advice_by_discipline(YEAR)["headline"]["value"] is None


def test_no_child_is_named_in_the_stored_figures(year):
    stored = str(selectors.evidence_figures(YEAR))
    for child in year.children:
        assert child.first_name not in stored
        assert child.reference not in stored


def test_secondary_suppression_worked_by_hand():
    """Rows (due, on time, and late: a hidden cell of each row): A 20, 18, 2; B 30, 25, 5;
    C 10, 10, 0; limit 5. Worked in the algorithm's order:
    - A's 2 late is primary. A's row has one hidden cell: hide its smallest other, 18 on time.
    - The late column has one (A's 2): its smallest other non-zero is B's 5 late.
    - The on-time column has one (A's 18): hide the smallest other, C's 10.
    - B's row has one (its 5 late): hide B's 25 on time.
    - C's row has one (its 10 on time; its 0 late counts as shown): hide C's 10 due.
    - The due column then has one (C's 10): hide the smallest other, A's 20.
    Every line now has two or more hidden cells: the totals 60 and 53 stay, and B's 30 due."""
    table = rate_table(
        [RateRow("A", 20, 18), RateRow("B", 30, 25), RateRow("C", 10, 10)],
        columns=("Due", "On time"),
        limit=5,
    )
    assert rows(table) == {
        "A": ["[c]", "[c]", "[c]"],
        "B": ["30", "[c]", "[c]"],
        "C": ["[c]", "[c]", "[c]"],
        "All": ["60", "53", "88.3%"],
    }
    assert table["headline"]["value"] == 88.3


def test_zero_is_shown_and_nothing_is_hidden_when_counts_are_large():
    table = rate_table(
        [RateRow("A", 20, 0), RateRow("B", 0, 0)], columns=("Due", "On time"), limit=5
    )
    assert rows(table) == {
        "A": ["20", "0", "0%"],
        "B": ["0", "0", "No cases"],
        "All": ["20", "0", "0%"],
    }
