"""The demo command: loads the section, the starter module, a training lead and some
completions, and changes nothing when run again."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, Revision

from earlyyears.models import User
from training import services
from training.models import Completion, Enrolment, LessonProgress, TrainingModulePage
from training.selectors import coverage_total, lesson_for_eyfs_area

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        User.objects.count(),
        Completion.objects.count(),
        Enrolment.objects.count(),
        LessonProgress.objects.count(),
        sorted(User.objects.filter(groups__isnull=False).values_list("username", "groups__name")),
    )


def test_demo_training_after_demo_data_and_again(capsys):
    call_command("demo_data", children=20, settings_count=6)
    call_command("demo_training")
    first = snapshot()
    module = TrainingModulePage.objects.get(slug="spotting-additional-needs")
    assert module.live and module.get_children().live().count() == 5
    assert lesson_for_eyfs_area("communication_language") is not None

    trainer = User.objects.get(username="trainer")
    groups = set(trainer.groups.values_list("name", flat=True))
    assert services.TRAINERS in groups
    assert "Editors" not in groups  # Editors could edit every page, the local offer too
    lead = User.objects.get(username="training.lead")
    assert set(lead.groups.values_list("name", flat=True)) == {
        services.TRAINERS,
        services.APPROVERS,
    }
    assert Completion.objects.filter(module=module).count() == 5
    total = coverage_total(module, datetime.date.today())
    assert total.staff > 0 and total.ever > 0 and total.expired >= 1

    call_command("demo_training")
    assert snapshot() == first
    assert "nothing (already up to date)" in capsys.readouterr().out


def test_demo_training_without_demo_people(capsys):
    call_command("demo_training")
    assert TrainingModulePage.objects.count() == 1
    assert not Completion.objects.exists()
    assert Group.objects.filter(name=services.APPROVERS, user__username="training.lead").exists()


def test_setup_training_command(capsys):
    call_command("setup_training")
    assert "ready at /training/" in capsys.readouterr().out
