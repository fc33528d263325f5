"""All about me (issue 22): one record with every version kept, written by the family or with
their portage worker, seen by the professionals the family agreed to share with."""

from __future__ import annotations

import pytest
from django.urls import reverse

from earlyyears.models import FamilyLink
from pathway.family_story import selectors, services
from pathway.models import Agency, AllAboutMe, ReferralEvent

from .conftest import agree, sign_in

FIRST = {
    "what_people_like_about_me": "Her laugh",
    "what_is_important_to_me": "Her big sister and the park",
    "strengths": "Puzzles",
    "what_works": "Pictures of what comes next",
    "what_is_hard": "Loud rooms",
    "hopes": "To talk with friends",
}


def test_each_save_is_a_new_version_and_the_history_keeps_who_and_when(sharing, family_a, referral):
    world = sharing
    first = services.save_all_about_me(world.child_a, FIRST, member=family_a.member)
    second = services.save_all_about_me(
        world.child_a,
        {**FIRST, "what_is_hard": "Loud rooms and new people"},
        assisted_by=world.portage_a,
        completed_with="Grace Okafor",
        relationship="Mother",
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.what_is_hard == "Loud rooms"  # earlier versions never change
    history = selectors.versions_for_staff(world.send_officer, world.child_a)
    assert [v.record.version for v in history] == [2, 1]
    assert history[0].who == (
        "Completed with the family (Grace Okafor (Mother)), assisted by "
        f"{world.portage_a.get_full_name() or world.portage_a.username}"
    )
    assert history[1].who == "Written by Grace Okafor (family)"
    summaries = list(
        ReferralEvent.objects.filter(
            referral=referral, kind=ReferralEvent.Kind.CHILD_RECORD
        ).values_list("summary", flat=True)
    )
    assert any("version 2: completed with the family" in s for s in summaries)


def test_nothing_written_or_nothing_changed_is_refused(sharing, family_a):
    with pytest.raises(services.StoryError, match="at least one"):
        services.save_all_about_me(sharing.child_a, {"hopes": "  "}, member=family_a.member)
    services.save_all_about_me(sharing.child_a, FIRST, member=family_a.member)
    with pytest.raises(services.StoryError, match="not changed anything"):
        services.save_all_about_me(sharing.child_a, FIRST, member=family_a.member)
    with pytest.raises(services.StoryError, match="name of the family member"):
        services.save_all_about_me(sharing.child_a, {"hopes": "New"}, assisted_by=sharing.portage_a)
    assert AllAboutMe.objects.count() == 1


def test_a_parent_updates_it_on_their_page(client, sharing, family_a):
    sign_in(client, family_a.token)
    url = reverse("family-all-about-me", args=[sharing.child_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, FIRST)
    assert response.status_code == 302
    response = client.post(url, {**FIRST, "hopes": "To go to school with her sister"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "To go to school with her sister" in page
    assert "Earlier versions" in page
    assert list(AllAboutMe.objects.values_list("version", "written_by_member")) == [
        (2, family_a.member.pk),
        (1, family_a.member.pk),
    ]


def test_a_parent_saving_nothing_new_gets_the_error_summary(client, sharing, family_a):
    sign_in(client, family_a.token)
    url = reverse("family-all-about-me", args=[sharing.child_a.pk])
    response = client.post(url, {"hopes": ""})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not AllAboutMe.objects.exists()


def test_the_portage_worker_completes_it_with_the_family(client, sharing):
    client.force_login(sharing.portage_a)
    url = reverse("story-all-about-me-with-family", args=[sharing.child_a.pk])
    response = client.post(url, {**FIRST, "completed_with": "Grace Okafor", "relationship": "Mum"})
    assert response.status_code == 302
    version = AllAboutMe.objects.get()
    assert version.assisted_by == sharing.portage_a and version.completed_with == "Grace Okafor"
    page = client.get(reverse("story-all-about-me", args=[sharing.child_a.pk])).content.decode()
    assert "Completed with the family (Grace Okafor (Mum)), assisted by" in page
    # Without the family member's name: the error summary, nothing saved.
    response = client.post(url, {**FIRST, "hopes": "Other"})
    assert response.status_code == 400
    assert AllAboutMe.objects.count() == 1


def test_professionals_see_the_latest_and_when_it_changed_on_the_childs_page(
    client, sharing, family_a
):
    services.save_all_about_me(sharing.child_a, FIRST, member=family_a.member)
    services.save_all_about_me(
        sharing.child_a, {**FIRST, "strengths": "Jigsaws"}, member=family_a.member
    )
    client.force_login(sharing.practitioner_a)
    page = client.get(reverse("child-detail", args=[sharing.child_a.pk])).content.decode()
    assert "From the family" in page and "Changed on" in page and "Jigsaws" in page


def test_the_setting_sees_it_only_while_the_family_agrees(client, world, family_a):
    services.save_all_about_me(world.child_a, FIRST, member=family_a.member)
    url = reverse("story-all-about-me", args=[world.child_a.pk])
    client.force_login(world.practitioner_a)
    assert client.get(url).status_code == 403
    page = client.get(reverse("child-detail", args=[world.child_a.pk])).content.decode()
    assert "Her laugh" not in page and "From the family" not in page
    agree(world.child_a, Agency.SETTING)
    assert client.get(url).status_code == 200
    agree(world.child_a, Agency.SETTING, given=False)  # withdrawn: at once
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner_b", 404),  # another setting
        ("portage_b", 404),  # another caseload
        ("planner", 404),
        ("trainer", 404),
        ("professional", 404),
    ],
)
def test_others_get_nothing(client, sharing, family_a, who, status):
    services.save_all_about_me(sharing.child_a, FIRST, member=family_a.member)
    client.force_login(getattr(sharing, who))
    for name in ("story-all-about-me", "story-home-observations"):
        assert client.get(reverse(name, args=[sharing.child_a.pk])).status_code == status
    assert client.get(
        reverse("story-all-about-me-with-family", args=[sharing.child_a.pk])
    ).status_code in (403, 404)


def test_a_family_sees_only_their_own_child_and_loses_it_when_the_link_ends(
    client, sharing, family_a
):
    sign_in(client, family_a.token)
    other = reverse("family-all-about-me", args=[sharing.child_b.pk])
    assert client.get(other).status_code == 404  # not their child
    assert client.post(other, FIRST).status_code == 404
    FamilyLink.objects.filter(pk=family_a.link.pk).update(ended_at="2026-01-01T00:00Z")
    mine = reverse("family-all-about-me", args=[sharing.child_a.pk])
    assert client.get(mine).status_code == 404  # signed out: the link ended
    assert client.post(mine, FIRST).status_code == 404
    assert not AllAboutMe.objects.exists()


def test_staff_never_see_family_pages(client, sharing):
    client.force_login(sharing.send_officer)
    assert client.get(reverse("family-all-about-me", args=[sharing.child_a.pk])).status_code == 404
