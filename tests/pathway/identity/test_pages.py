"""The possible-matches pages: the SEND team's only, a manager merges, errors are clear."""

import pytest
from django.db import transaction
from django.urls import reverse

from earlyyears.models import Child
from pathway import services
from pathway.models import ChildMerge, PossibleMatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def match(world, parent_a, notify):
    with transaction.atomic():
        services.submit_health_notification(world.professional, notify())
    return PossibleMatch.objects.get()


@pytest.mark.parametrize(
    "who",
    [
        "practitioner_a",
        "practitioner_b",
        "portage_a",
        "professional",
        "early_help",
        "planner",
        "trainer",
        "admin",
    ],
)
def test_only_the_send_team_sees_possible_matches(client, world, match, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("possible-matches")).status_code == 403
    assert client.get(reverse("possible-match", args=[match.pk])).status_code == 404
    response = client.post(
        reverse("possible-match", args=[match.pk]), {"decision": "different", "reason": "x"}
    )
    assert response.status_code == 404
    match.refresh_from_db()
    assert match.status == PossibleMatch.Status.OPEN


def test_the_list_and_the_pair_side_by_side(client, world, match, django_assert_max_num_queries):
    client.force_login(world.send_officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("possible-matches")).content.decode()
    assert match.child.reference in page and match.existing.reference in page
    pair = client.get(reverse("possible-match", args=[match.pk])).content.decode()
    assert "+447700900001" in pair and "+447700900999" in pair
    assert world.setting_a.name in pair
    # An officer may say they are different, but only a manager may merge.
    assert "Same child: keep record" not in pair


def test_a_decision_needs_a_reason(client, world, match):
    client.force_login(world.send_manager)
    response = client.post(reverse("possible-match", args=[match.pk]), {"decision": "keep_new"})
    assert response.status_code == 200
    assert "Enter how you checked" in response.content.decode()
    assert not ChildMerge.objects.exists()


def test_an_officer_cannot_merge_by_posting(client, world, match):
    client.force_login(world.send_officer)
    response = client.post(
        reverse("possible-match", args=[match.pk]),
        {"decision": "keep_existing", "reason": "Checked"},
    )
    assert response.status_code == 200
    assert not ChildMerge.objects.exists()


def test_a_manager_merges_and_undoes_through_the_pages(client, world, match):
    client.force_login(world.send_manager)
    response = client.post(
        reverse("possible-match", args=[match.pk]),
        {"decision": "keep_existing", "reason": "Spoke to the nursery"},
    )
    assert response.status_code == 302
    merge = ChildMerge.objects.get()
    assert Child.objects.get(pk=match.child_id).record_status == Child.RecordStatus.MERGED
    listing = client.get(reverse("possible-matches")).content.decode()
    assert reverse("undo-merge", args=[merge.pk]) in listing
    client.force_login(world.send_officer)
    assert client.get(reverse("undo-merge", args=[merge.pk])).status_code == 404
    client.force_login(world.send_manager)
    assert client.post(reverse("undo-merge", args=[merge.pk]), {"reason": ""}).status_code == 200
    response = client.post(reverse("undo-merge", args=[merge.pk]), {"reason": "Wrong child"})
    assert response.status_code == 302
    assert Child.objects.get(pk=match.child_id).record_status == Child.RecordStatus.PROVISIONAL
    # A second undo is refused with a clear message, not an error page.
    again = client.post(reverse("undo-merge", args=[merge.pk]), {"reason": "Again"})
    assert again.status_code == 200


def test_a_missing_match_is_not_found(client, world):
    client.force_login(world.send_manager)
    assert client.get(reverse("possible-match", args=[999])).status_code == 404
    assert client.get(reverse("undo-merge", args=[999])).status_code == 404


def test_the_send_team_is_warned_on_the_referral_and_the_notifier_is_not(client, world, match):
    referral = match.child.referrals.get()
    client.force_login(world.send_officer)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "may be the same child as another record" in page
    client.force_login(world.professional)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "same child" not in page and "possible-matches" not in page


def test_the_list_costs_the_same_queries_however_many_pairs(client, world, notify):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.send_officer)
    counts = []
    for batch in range(2):
        with transaction.atomic():
            for n in range(1 + batch * 4):
                services.submit_health_notification(
                    world.professional, notify(parent_name=f"Parent {batch}-{n}")
                )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("possible-matches")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
