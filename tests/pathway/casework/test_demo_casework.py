"""demo_casework fills every casework page for the demo sign-ins through the real services,
sends nothing, and changes nothing when run again."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from earlyyears.models import CaseloadMembership, OutboxMessage, User
from pathway.models import (
    AdviceRequest,
    Decision,
    EarlyHelpHandoff,
    FamilyPaperwork,
    PanelAgendaItem,
    PanelMeeting,
    PanelMember,
    PortageVisit,
    ReferralEvent,
    TacAction,
    TacMeeting,
)

pytestmark = pytest.mark.django_db

CASEWORK = (
    PanelMeeting,
    PanelMember,
    PanelAgendaItem,
    Decision,
    PortageVisit,
    FamilyPaperwork,
    TacMeeting,
    TacAction,
    AdviceRequest,
    EarlyHelpHandoff,
    ReferralEvent,
    OutboxMessage,
)


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CASEWORK}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """A small demo authority with its referrals and casework, built once for this module and
    rolled back after it. The work that follows each commit (sending messages) is done as it
    would be outside a test."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.delenv("DEMO_PASSWORD", raising=False)
        with transaction.atomic():
            run("demo_data", "--children", "400", "--settings-count", "12")
            run("demo_pathway", "--referrals", "220")
            before = counts()
            with TestCase.captureOnCommitCallbacks(execute=True):
                first = run("demo_casework")
            yield before, first
            transaction.set_rollback(True)


def test_running_twice_adds_nothing_the_second_time(demo):
    _, first = demo
    assert first.startswith("Demo casework: 3 panels")
    after_first = counts()
    second = run("demo_casework")
    assert second.strip() == "Demo casework: nothing to add (already up to date)."
    assert counts() == after_first


def test_nothing_is_sent_and_no_message_is_left(demo):
    before, first = demo
    assert "messages not sent" in first and " 0 messages" not in first
    assert OutboxMessage.objects.count() == before["OutboxMessage"]


def test_a_held_panel_with_minutes_and_two_upcoming_with_members_and_an_agenda(demo):
    today = timezone.localdate()
    past = PanelMeeting.objects.get(status=PanelMeeting.Status.MINUTES_PUBLISHED)
    assert past.held_on < today and past.minutes_published_at and past.notes
    agencies = set(past.members.values_list("agency", flat=True))
    assert {"education", "health", "social_care"} <= agencies
    assert not past.members.filter(attended__isnull=True).exists()
    items = list(past.items.select_related("decision"))
    assert 3 <= len(items) <= 4 and all(item.decision and item.discussion for item in items)
    for item in items:
        assert item.decision.at_panel == past
        assert timezone.localdate(item.decision.decided_at) == past.held_on
        assert item.referral.submitted_at.date() < past.held_on
    upcoming = list(PanelMeeting.objects.filter(status="scheduled").order_by("held_on"))
    assert len(upcoming) == 2 and today < upcoming[0].held_on
    assert upcoming[1].held_on - upcoming[0].held_on == datetime.timedelta(days=14)
    assert all(meeting.members.count() == past.members.count() for meeting in upcoming)
    assert upcoming[0].items.exists() and all(
        item.referral.is_waiting for item in upcoming[0].items.all()
    )


def test_every_family_on_the_demo_caseload_has_visits_and_half_all_about_me(demo):
    worker = User.objects.get(username="portage")
    caseload = set(
        CaseloadMembership.objects.filter(portage_worker=worker).values_list("child", flat=True)
    )
    assert caseload
    today = timezone.localdate()
    for child_id in caseload:
        visits = list(PortageVisit.objects.filter(child_id=child_id).order_by("visited_on"))
        assert 1 <= len(visits) <= 4
        assert all(v.worker == worker and v.goals and v.progress and v.next_steps for v in visits)
        assert visits[-1].visited_on < today < visits[-1].next_visit_on
    paperwork = FamilyPaperwork.objects.filter(child_id__in=caseload)
    assert abs(paperwork.count() - len(caseload) / 2) <= 1
    assert all(p.consent_to_share and p.consent_given_on for p in paperwork)


def test_team_around_the_child_actions_overdue_due_soon_and_done(demo):
    today = timezone.localdate()
    assert 4 <= TacMeeting.objects.count() <= 6
    for meeting in TacMeeting.objects.all():
        assert meeting.attendees.count() >= 4 and meeting.notes
        assert 2 <= meeting.actions.filter(owner__isnull=False).count() <= 3
    open_actions = TacAction.objects.filter(done_at__isnull=True, owner__isnull=False)
    assert open_actions.filter(due_on__lt=today).exists()
    assert open_actions.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(7))
    assert TacAction.objects.filter(done_at__isnull=False).exists()
    owners = set(TacAction.objects.values_list("owner__username", flat=True))
    assert {"send.officer", "portage", "professional"} <= owners


def test_advice_to_the_professional_answered_open_and_overdue(demo):
    requests = AdviceRequest.objects.filter(professional__username="professional")
    assert 5 <= requests.count() <= 8
    assert requests.values("discipline").distinct().count() == requests.count()
    answered = requests.filter(status=AdviceRequest.Status.SUBMITTED)
    assert answered.exists() and all(all(r.answers.values()) for r in answered)
    still_open = requests.filter(status=AdviceRequest.Status.REQUESTED)
    assert still_open.filter(due_on__lt=timezone.localdate()).count() == 1
    assert still_open.filter(due_on__gte=timezone.localdate()).exists()


def test_early_help_accepted_some_hand_offs_and_closed_one_or_two(demo):
    answered = EarlyHelpHandoff.objects.filter(coordinator__username="early.help")
    assert answered.filter(status=EarlyHelpHandoff.Status.ACCEPTED).exists()
    assert 1 <= answered.filter(status=EarlyHelpHandoff.Status.CLOSED).count() <= 2


@pytest.mark.parametrize(
    ("username", "url_name"),
    [
        ("send.manager", "panel-list"),
        ("portage", "portage-caseload"),
        ("portage", "my-actions"),
        ("senco", "my-actions"),
        ("practitioner", "my-actions"),
        ("professional", "advice-list"),
        ("professional", "my-actions"),
        ("early.help", "early-help-list"),
    ],
)
def test_each_demo_sign_in_sees_their_casework(demo, client, username, url_name):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.content.count(b"govuk-table__row") > 1 or (
        response.content.count(b"govuk-summary-list__row") > 1
    )


def test_without_the_demo_people_it_says_what_to_run(demo):
    User.objects.filter(username="early.help").update(is_active=False)
    with pytest.raises(CommandError, match="demo_data"):
        run("demo_casework")
