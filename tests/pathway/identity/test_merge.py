"""Reconciliation: a SEND manager merges two records of one child, and can undo it exactly."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dataprotection.models import AccessEvent, LegalHold
from dataprotection.retention import held_child_ids
from dataprotection.selectors import AuditFilters, audit_events, subject_access_record
from earlyyears.models import CaseloadMembership, Child
from pathway import services
from pathway.identity import services as identity
from pathway.models import (
    ChildMerge,
    NeedFigure,
    Observation,
    PossibleMatch,
    Referral,
    ReferralClock,
    ReferralEvent,
)
from pathway.panels import services as panels
from pathway.planning.aggregates import rebuild_need_figures
from pathway.portage import services as portage

pytestmark = pytest.mark.django_db


# Rows an undo must not take back: views of the pages (audit) and the merge's own record.
NOT_COMPARED = {
    "dataprotection.accessevent.child",
    "pathway.childmerge.survivor",
    "pathway.childmerge.merged",
}


def snapshot(child: Child) -> dict:
    """Every row that points at the child, by model, and the child's own fields."""
    child.refresh_from_db()
    rows = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Child and model is not Child:
                ids = sorted(
                    str(pk)
                    for pk in model._default_manager.filter(**{field.name: child}).values_list(
                        "pk", flat=True
                    )
                )
                if ids and f"{model._meta.label_lower}.{field.name}" not in NOT_COMPARED:
                    rows[f"{model._meta.label_lower}.{field.name}"] = ids
    fields = {f.attname: getattr(child, f.attname) for f in Child._meta.concrete_fields}
    return {"rows": rows, "fields": fields}


@pytest.fixture
def pair(world, parent_a, notify, referral_on, django_capture_on_commit_callbacks):
    """Child A with a history (referrals, clocks, a panel item, a home visit, an observation,
    audit rows), and a provisional record of the same child made by a health notification."""
    with transaction.atomic():
        first = referral_on(world.child_a)
        meeting = panels.schedule_panel(
            held_on=timezone.localdate() + datetime.timedelta(days=7), by=world.send_manager
        )
        panels.add_to_agenda(meeting, [first], by=world.send_manager)
        portage.record_visit(
            world.portage_a,
            world.child_a,
            visited_on=timezone.localdate(),
            goals="Turn-taking",
            progress="Good",
        )
        Observation.objects.create(
            child=world.child_a,
            setting=world.setting_a,
            eyfs_area="communication_language",
            observed_on=timezone.localdate(),
            what_was_seen="Pointing",
            observer=world.practitioner_a,
        )
        provisional = services.submit_health_notification(world.professional, notify()).child
        # The portage worker has both records on their caseload: one entry must stay behind.
        CaseloadMembership.objects.create(portage_worker=world.portage_a, child=provisional)
    for child in (world.child_a, provisional):
        AccessEvent.objects.create(
            username="someone",
            role="send_officer",
            action="view",
            method="GET",
            path=f"/children/{child.pk}/",
            child=child,
            status_code=200,
        )
    return world.child_a, provisional


def test_merge_and_undo_round_trip(
    world, pair, client, django_capture_on_commit_callbacks, celery_eager
):
    survivor, provisional = pair
    before = {survivor.pk: snapshot(survivor), provisional.pk: snapshot(provisional)}
    rebuild_need_figures()
    assert (
        sum(
            NeedFigure.objects.filter(
                area=survivor.area, broad_area="", eyfs_area="", age_band=""
            ).values_list("children", flat=True)
        )
        == 2
    )
    match = PossibleMatch.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        merge = identity.merge_children(
            match, world.send_manager, survivor=survivor, reason="Checked with the nursery"
        )

    provisional.refresh_from_db()
    assert provisional.record_status == Child.RecordStatus.MERGED
    assert provisional.merged_into == survivor
    assert Referral.objects.filter(child=survivor).count() == 2
    assert not Referral.objects.filter(child=provisional).exists()
    assert ReferralClock.objects.filter(referral__child=survivor).count() >= 2
    assert survivor.family_contacts.count() == 2  # the unconfirmed one waits to be checked
    # The duplicate caseload entry stayed with the alias, and is listed on the merge.
    assert CaseloadMembership.objects.filter(child=provisional).count() == 1
    assert merge.merged_state["kept_on_alias"]
    # The audit trail keeps its rows under the old id, and the search follows the merge.
    assert AccessEvent.objects.filter(child=provisional).count() >= 1
    found = audit_events(AuditFilters(child_id=survivor.pk))
    assert found.filter(child=provisional).exists() and found.filter(child=survivor).exists()
    _, record = subject_access_record(world.send_manager, survivor.pk)
    assert provisional.reference in record["child"]["also_filed_under"]
    assert [row["what"] for row in record["identity"]] == ["Possible match", "Merge"]
    # Planning counts the child once now (rebuilt after commit).
    assert (
        sum(
            NeedFigure.objects.filter(
                area=survivor.area, broad_area="", eyfs_area="", age_band=""
            ).values_list("children", flat=True)
        )
        == 1
    )
    # Both timelines say so.
    assert (
        ReferralEvent.objects.filter(
            referral__child=survivor, kind=ReferralEvent.Kind.CHILD_RECORD
        ).count()
        == 2
    )
    # Pages: the SEND team's child page lists both referrals; the alias points to the survivor.
    client.force_login(world.send_manager)
    page = client.get(reverse("child-detail", args=[survivor.pk])).content.decode()
    assert page.count("EY") >= 2
    alias_page = client.get(reverse("child-detail", args=[provisional.pk])).content.decode()
    assert "This record was merged into" in alias_page
    client.force_login(world.practitioner_a)
    assert client.get(reverse("child-detail", args=[survivor.pk])).status_code == 200
    assert client.get(reverse("child-detail", args=[provisional.pk])).status_code == 404
    client.force_login(world.practitioner_b)
    assert client.get(reverse("child-detail", args=[survivor.pk])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        identity.undo_merge(merge, world.send_manager, "Wrong child after all")

    for pk, state in before.items():
        now = snapshot(Child.objects.get(pk=pk))
        assert now["fields"] == state["fields"]
        assert now["rows"] == state["rows"], pk
    assert PossibleMatch.objects.get().status == PossibleMatch.Status.OPEN
    assert ChildMerge.objects.get().is_undone
    assert (
        sum(
            NeedFigure.objects.filter(
                area=survivor.area, broad_area="", eyfs_area="", age_band=""
            ).values_list("children", flat=True)
        )
        == 2
    )
    undone = ReferralEvent.objects.filter(
        kind=ReferralEvent.Kind.CHILD_RECORD, summary__contains="undone"
    )
    assert {e.referral.child_id for e in undone} == {survivor.pk, provisional.pk}


def test_only_a_send_manager_merges_or_undoes(world, pair):
    match = PossibleMatch.objects.get()
    for user in (world.send_officer, world.practitioner_a, world.professional, world.planner):
        with pytest.raises(PermissionDenied):
            identity.merge_children(match, user, survivor=pair[0], reason="x")
    merge = identity.merge_children(match, world.send_manager, survivor=pair[0], reason="x")
    with pytest.raises(PermissionDenied):
        identity.undo_merge(merge, world.send_officer, "x")
    with pytest.raises(identity.MergeRefused):
        identity.merge_children(match, world.send_manager, survivor=pair[0], reason="again")


def test_different_children_settles_the_provisional_record(world, pair):
    identity.mark_different(PossibleMatch.objects.get(), world.send_officer, "Different mothers")
    pair[1].refresh_from_db()
    assert pair[1].record_status == Child.RecordStatus.ACTIVE
    assert not Child.objects.filter(record_status=Child.RecordStatus.MERGED).exists()


def test_a_hold_on_either_record_holds_both_after_a_merge(world, pair):
    survivor, provisional = pair
    identity.merge_children(
        PossibleMatch.objects.get(), world.send_manager, survivor=survivor, reason="Same"
    )
    LegalHold.objects.create(child=provisional, reason="Complaint", placed_by=world.send_manager)
    assert {survivor.pk, provisional.pk} <= held_child_ids()


def test_retention_deletes_a_merged_child_with_its_alias(world, pair):
    from dataprotection.retention import _delete_children

    survivor, provisional = pair
    identity.merge_children(
        PossibleMatch.objects.get(), world.send_manager, survivor=provisional, reason="Same"
    )
    # The survivor (provisional) now has every referral; the alias (child A) has none.
    Referral.objects.filter(child=provisional).delete()
    with transaction.atomic():
        _delete_children(Child.objects.filter(pk=provisional.pk))
    assert not Child.objects.filter(pk__in=[survivor.pk, provisional.pk]).exists()
