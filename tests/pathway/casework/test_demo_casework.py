"""demo_casework fills every casework page for the demo sign-ins through the real services,
sends nothing, and changes nothing when run again."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Q
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


def test_nothing_is_sent_now_and_the_message_log_has_the_messages_of_the_time(demo):
    """The message log looks like a service in use: the texts and emails the casework would
    have sent are there, delivered when their visit or request happened, with their words;
    no sender ever claimed one (nothing was sent by loading the demo)."""
    before, first = demo
    assert "messages in the log as sent at the time" in first and " 0 messages" not in first
    logged = OutboxMessage.objects.filter(status=OutboxMessage.Status.DELIVERED)
    assert logged.count() > 0
    assert OutboxMessage.objects.count() > before["OutboxMessage"]
    assert not OutboxMessage.objects.filter(claimed_at__isnull=False).exists()
    casework_messages = OutboxMessage.objects.filter(
        Q(idempotency_key__startswith="portage-visit:") | Q(idempotency_key__startswith="advice:")
    )
    assert not casework_messages.filter(status=OutboxMessage.Status.PENDING).exists()
    now = timezone.now()
    for message in logged:
        assert message.body and message.sent_at and message.sent_at <= now
    assert len({timezone.localdate(m.sent_at) for m in logged}) > 1  # over time, not today


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


def test_early_help_keeps_up_only_the_last_fortnight_waits(demo):
    """A service in use: no year-old hand-off still waiting; older ones answered within days
    (most accepted, some declined with a reason), the older accepted ones closed."""
    cutoff = timezone.now() - datetime.timedelta(days=15)
    old = EarlyHelpHandoff.objects.filter(referral__submitted_at__lt=cutoff)
    assert old.exists()
    assert not old.filter(status=EarlyHelpHandoff.Status.AWAITING).exists()
    answered = EarlyHelpHandoff.objects.filter(coordinator__username="early.help")
    assert answered.filter(status=EarlyHelpHandoff.Status.ACCEPTED).exists()
    assert answered.filter(status=EarlyHelpHandoff.Status.CLOSED).exists()
    declined = answered.filter(status=EarlyHelpHandoff.Status.DECLINED)
    assert declined.exists() and all(h.response_reason for h in declined)
    for handoff in answered.select_related("referral"):
        assert handoff.responded_at - handoff.referral.submitted_at < datetime.timedelta(days=8)


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


def test_the_funding_page_has_a_budget_for_every_area(demo):
    """Demo budgets: the county's and every area's that has awards, this year and last."""
    from pathway.casework.selectors import funding_totals
    from pathway.casework.services import financial_year_of

    manager = User.objects.get(username="send.manager")
    year = financial_year_of(timezone.localdate())
    for financial_year in (year - 1, year):
        totals = funding_totals(manager, financial_year)
        assert totals["county"].budget is not None
        assert totals["areas"] and all(line.budget is not None for line in totals["areas"])
