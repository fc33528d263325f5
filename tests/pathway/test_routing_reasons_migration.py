"""Referrals routed before reasons were data: the migration rebuilds a referral's matches only
when replaying its stored facts through the rule set that routed it gives back, word for word,
the sentences it stored; otherwise the stored text stays and is shown as it was."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import transaction

from pathway.models import Referral
from pathway.routing import staff_sentence
from pathway.services import create_referral
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("pathway.migrations.0013_routing_reasons_as_data")

SEVERE = {"development": {"communication_language": {"level": "severe", "age_band": None}}}
# What the old engine stored for this referral (as the tests of the time asserted).
OLD_SEVERE = (
    "Early Years SEND team: “Severe needs”, because the highest level of concern is severe "
    "(is severe)."
)


def referral(world) -> Referral:
    child = ChildFactory(setting=world.setting_a)
    with transaction.atomic():
        return create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers=SEVERE,
            setting=world.setting_a,
            notify=False,
        )


def test_a_referral_whose_text_rebuilds_exactly_gets_its_match_back(world):
    made = referral(world)
    match = made.routing_reasons[0]
    assert migration.old_sentence(match, made.facts) == OLD_SEVERE
    Referral.objects.filter(pk=made.pk).update(routing_reasons=[OLD_SEVERE])
    migration.rebuild(apps, None)
    made.refresh_from_db()
    assert made.routing_reasons == [match]
    assert staff_sentence(made.routing_reasons[0]) == (
        "Sent to the Early Years SEND team because the highest level of concern is severe."
    )


def test_a_referral_whose_text_does_not_rebuild_keeps_it(world):
    made = referral(world)
    edited = "Sent to the SEND team by hand after a phone call."
    Referral.objects.filter(pk=made.pk).update(routing_reasons=[edited])
    migration.rebuild(apps, None)
    made.refresh_from_db()
    assert made.routing_reasons == [edited]
    assert staff_sentence(made.routing_reasons[0]) == edited


def test_going_back_writes_the_old_sentences(world):
    made = referral(world)
    migration.back_to_sentences(apps, None)
    made.refresh_from_db()
    assert made.routing_reasons == [OLD_SEVERE]
