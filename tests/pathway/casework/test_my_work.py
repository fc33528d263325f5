"""My work: an officer's own referrals, actions, advice due and funding reviews due; for the
SEND team only, each list through the access layer, and the same queries at any size."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import Role
from pathway.advice import services as advice
from pathway.casework import services as casework
from pathway.casework.selectors import my_work
from pathway.models import AdviceTemplate, Referral, TacAction, TacMeeting
from tests.factories import ChildFactory, UserFactory

MY_WORK = reverse("my-work")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def therapist(db):
    return UserFactory(role=Role.PROFESSIONAL, username="priya", first_name="Priya")


def _work_for(world, make_referral, therapist, today, officer, *, children: int = 1):
    """For each of `children` new children: a referral the officer claims, an action they own,
    advice they asked for and an inclusion funding award on a referral they hold, due for
    review in a week."""
    template = AdviceTemplate.objects.get(discipline="slt")
    made = []
    for _ in range(children):
        child = ChildFactory(setting=world.setting_a)
        held = make_referral(child, share_with=["send_team", "health"])
        casework.claim(held, officer)
        meeting = TacMeeting.objects.create(child=child, held_on=today, created_by=officer)
        TacAction.objects.create(
            meeting=meeting,
            child=child,
            description="Ask the family about sleep",
            owner=officer,
            due_on=today + datetime.timedelta(days=3),
        )
        advice.request_advice(
            held,
            by=officer,
            template=template,
            professional=therapist,
            due_on=today + datetime.timedelta(days=10),
            message="Is it a specific language delay?",
            today=today,
        )
        funded = make_referral(child)
        casework.claim(funded, officer)
        casework.decide(
            funded,
            "funding",
            by=officer,
            reason="Key person for small-group work",
            funding=casework.FundingTerms(
                Decimal("600"),
                Decimal("4"),
                today - datetime.timedelta(days=30),
                today + datetime.timedelta(days=60),
                today + datetime.timedelta(days=7),
            ),
        )
        made.append((held, funded))
    return made


def test_my_work_lists_each_kind_of_work_for_the_officer_only(
    client, world, make_referral, therapist, today
):
    ((held, funded),) = _work_for(world, make_referral, therapist, today, world.send_officer)
    someone_else = make_referral(world.child_b)
    casework.claim(someone_else, world.send_manager)

    work = my_work(world.send_officer, today)
    assert [r.pk for r in work.referrals] == [held.pk]
    assert [a.description for a in work.actions] == ["Ask the family about sleep"]
    assert [a.referral_id for a in work.advice] == [held.pk]
    assert [award.referral_id for award in work.reviews] == [funded.pk]
    assert my_work(world.send_manager, today).referrals == [someone_else]

    client.force_login(world.send_officer)
    page = client.get(MY_WORK).content.decode()
    assert held.reference in page
    assert funded.reference in page
    assert someone_else.reference not in page
    assert "Ask the family about sleep" in page
    assert "Priya" in page


def test_done_actions_and_far_reviews_are_left_out(client, world, make_referral, therapist, today):
    _work_for(world, make_referral, therapist, today, world.send_officer)
    TacAction.objects.update(done_at=timezone.now(), done_by=world.send_officer)
    from pathway.models import FundingAward

    FundingAward.objects.update(review_on=today + datetime.timedelta(days=29))
    work = my_work(world.send_officer, today)
    assert work.actions == []
    assert work.reviews == []


@pytest.mark.parametrize(
    "who",
    ["practitioner_a", "portage_a", "planner", "professional", "early_help"],
)
def test_my_work_is_for_the_send_team_only(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(MY_WORK).status_code == 403


def test_an_officer_who_left_the_team_sees_nothing(world, make_referral, therapist, today):
    _work_for(world, make_referral, therapist, today, world.send_officer)
    world.send_officer.is_active = False
    world.send_officer.save()
    work = my_work(world.send_officer, today)
    assert (work.referrals, work.actions, work.advice, work.reviews) == ([], [], [], [])


def test_my_work_queries_do_not_grow(
    client, world, make_referral, therapist, today, django_assert_num_queries
):
    client.force_login(world.send_officer)
    _work_for(world, make_referral, therapist, today, world.send_officer, children=1)
    client.get(MY_WORK)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(MY_WORK).status_code == 200
    _work_for(world, make_referral, therapist, today, world.send_officer, children=4)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(MY_WORK)
    assert response.content.decode().count("Ask the family about sleep") == 5
    assert Referral.objects.filter(allocated_to=world.send_officer).count() == 10
