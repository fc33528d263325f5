"""The triage queue as a caseworking screen: each count links to the list it counts, the chosen
filters are tags that remove themselves, sorting links keep the filters, badges; and the
identity bar names the child on every page about them."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from pathway.casework import services as casework
from pathway.models import Referral, ReferralClock
from tests.factories import ChildFactory

QUEUE = reverse("triage-queue")


def _overdue(referral, days=2):
    today = timezone.localdate()
    ReferralClock.objects.filter(referral=referral).update(
        due_on=today - datetime.timedelta(days=days),
        due_soon_from=today - datetime.timedelta(days=days + 3),
    )
    casework.refresh_next_due(referral)


def _count_links(page: str) -> dict[str, tuple[int, str]]:
    """{'overdue': (count, href), ...} from the counts at the top of the queue."""
    found = re.findall(
        r'<a class="govuk-link app-count" href="([^"]*)"><span class="app-count__number">(\d+)'
        r"</span> ([^<]+)</a>",
        page,
    )
    return {label: (int(number), unescape(href)) for href, number, label in found}


def _references(page: str) -> set[str]:
    return set(re.findall(r">(EY[0-9A-Z-]+)</a></td>", page))


@pytest.fixture
def mixed(world, make_referral):
    """Five waiting referrals: overdue, claimed by the officer, asked of the setting, and two
    plain ones, one of them in another setting."""
    late = make_referral()
    _overdue(late)
    mine = make_referral(ChildFactory(setting=world.setting_a))
    casework.claim(mine, world.send_officer)
    asked = make_referral(ChildFactory(setting=world.setting_a))
    Referral.objects.filter(pk=asked.pk).update(status=Referral.Status.MORE_INFORMATION)
    plain = make_referral(world.child_b)
    other = make_referral(ChildFactory(setting=world.setting_b))
    return late, mine, asked, plain, other


@pytest.mark.parametrize("filters", [{}, {"route": "send_team"}, {"sort": "child"}])
def test_each_count_links_to_exactly_the_referrals_it_counts(client, world, mixed, filters):
    client.force_login(world.send_officer)
    page = client.get(QUEUE, filters).content.decode()
    links = _count_links(page)
    assert set(links) == {
        "waiting",
        "overdue",
        "due soon",
        "not allocated",
        "allocated to you",
        "waiting for the setting",
    }
    for label, (count, href) in links.items():
        query = parse_qs(urlsplit(href).query)
        for name, value in filters.items():
            assert query[name] == [value], (label, href)  # the filters in force are kept
        listed = client.get(QUEUE + href)
        assert listed.status_code == 200
        assert len(_references(listed.content.decode())) == count, label
    assert links["overdue"][0] >= 1
    assert links["allocated to you"][0] == 1
    assert links["waiting for the setting"][0] == 1


def test_chosen_filters_are_tags_that_remove_themselves(client, world, mixed):
    late, mine, asked, plain, other = mixed
    client.force_login(world.send_officer)
    page = client.get(
        QUEUE, {"allocated": "none", "clock": "overdue", "sort": "-received"}
    ).content.decode()
    assert "Selected filters" in page
    tags = dict(
        (unescape(label).strip(), unescape(href))
        for href, label in re.findall(
            r'<a class="moj-filter__tag" href="([^"]*)">'
            r'<span class="govuk-visually-hidden">[^<]*</span>([^<]*)</a>',
            page,
        )
    )
    assert set(tags) == {"No one yet", "Overdue"}
    without_clock = parse_qs(urlsplit(tags["Overdue"]).query)
    assert without_clock == {"allocated": ["none"], "sort": ["-received"]}
    after = client.get(QUEUE + tags["Overdue"]).content.decode()
    assert plain.reference in after and mine.reference not in after
    # Clear filters keeps the sort only
    assert 'href="/triage/?sort=-received">Clear filters' in page.replace("&#x27;", "'")
    assert "Selected filters" not in client.get(QUEUE).content.decode()


def test_an_invalid_filter_shows_no_tags_and_no_500(client, world, mixed):
    client.force_login(world.send_officer)
    response = client.get(QUEUE, {"clock": "soonish", "status": "lost"})
    assert response.status_code == 200
    assert "Selected filters" not in response.content.decode()


def test_the_status_filter_lists_referrals_waiting_for_the_setting(client, world, mixed):
    late, mine, asked, plain, other = mixed
    client.force_login(world.send_officer)
    page = client.get(QUEUE, {"status": "more_information"}).content.decode()
    assert _references(page) == {asked.reference}
    assert "Waiting for the setting" in page  # the tag's label


def test_rows_carry_badges_sortable_headers_and_unbroken_references(client, world, mixed):
    client.force_login(world.send_officer)
    page = client.get(QUEUE, {"sort": "child", "route": "send_team"}).content.decode()
    assert 'class="moj-badge moj-badge--red">Overdue' in page
    assert 'class="moj-badge moj-badge--purple">Being triaged' in page
    assert re.search(
        r'<th scope="col" class="govuk-table__header" aria-sort="ascending">'
        r'<a class="govuk-link app-sort-link" href="\?[^"]*sort=-child',
        page,
    )
    assert 'class="govuk-table__cell app-nowrap"><a class="govuk-link" href="/referrals/' in page
    assert 'class="moj-scrollable-pane app-table-pane" tabindex="0" role="region"' in page
    assert 'class="app-full-width"' in page


def test_the_identity_bar_names_the_child_on_every_page_about_them(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    child = world.child_a
    client.force_login(world.send_manager)
    for url in (
        reverse("referral-detail", args=[referral.pk]),
        reverse("child-detail", args=[child.pk]),
        reverse("decide-referral", args=[referral.pk]),
        reverse("allocate-referral", args=[referral.pk]),
        reverse("referral-sharing", args=[referral.pk]),
        reverse("undo-allocation", args=[referral.pk]),
    ):
        page = client.get(url).content.decode()
        bar = page.split('class="moj-identity-bar app-identity-bar"', 1)[1].split("</dl>", 1)[0]
        assert child.full_name in bar, url
        assert child.reference in bar, url
        assert world.setting_a.name in bar, url
        assert "Date of birth" in bar, url
        if "/referrals/" in url:
            assert referral.reference in bar, url


def test_the_referral_page_has_sub_navigation_and_an_moj_timeline(client, world, make_referral):
    referral = make_referral()
    casework.claim(referral, world.send_officer)
    client.force_login(world.send_officer)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert '<nav class="moj-sub-navigation" aria-label="Parts of this referral">' in page
    for anchor in ("summary", "routing", "timeline"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    assert '<div class="moj-timeline">' in page
    assert '<h3 class="moj-timeline__title">Claimed by' in page


def test_the_identity_bar_never_says_where_a_child_moved_to_those_who_only_sent_it(
    client, world, make_referral
):
    """The old setting still follows the referral it sent; the bar shows the setting it came
    from, not the child's new one (which the SEND team sees)."""
    referral = make_referral()
    world.child_a.setting = world.setting_b
    world.child_a.save()
    url = reverse("referral-detail", args=[referral.pk])
    client.force_login(world.practitioner_a)
    page = client.get(url).content.decode()
    assert world.setting_b.name not in page
    bar = page.split('class="moj-identity-bar app-identity-bar"', 1)[1].split("</dl>", 1)[0]
    assert world.setting_a.name in bar
    client.force_login(world.send_officer)
    bar = client.get(url).content.decode().split('class="moj-identity-bar', 1)[1].split("</dl>")[0]
    assert world.setting_b.name in bar
