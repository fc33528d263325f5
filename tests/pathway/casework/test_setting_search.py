"""The triage queue's setting search: the JSON the accessible autocomplete asks as the setting
filter is typed. The SEND team only; prefix matches on name or Ofsted URN, ten at most."""

from django.urls import reverse
from django.utils import timezone

from pathway.casework.selectors import QueueFilters, triage_queue
from tests.factories import SettingFactory

SEARCH = reverse("triage-setting-search")
QUEUE = reverse("triage-queue")


def test_search_is_for_the_send_team_only(client, world):
    for name in (
        "practitioner_a",
        "portage_a",
        "planner",
        "early_help",
        "professional",
        "trainer",
        "admin",
    ):
        client.force_login(getattr(world, name))
        assert client.get(SEARCH, {"q": "Ac"}).status_code == 403, name
    client.logout()
    assert client.get(SEARCH, {"q": "Ac"}).status_code == 302
    for name in ("send_officer", "send_manager"):
        client.force_login(getattr(world, name))
        assert client.get(SEARCH, {"q": "Ac"}).status_code == 200, name


def test_search_by_name_or_urn_prefix(client, world):
    client.force_login(world.send_officer)
    found = client.get(SEARCH, {"q": "  acorns  "}).json()["settings"]
    assert found == [{"urn": world.setting_a.urn, "name": "Acorns Day Nursery"}]
    found = client.get(SEARCH, {"q": world.setting_b.urn.lower()}).json()["settings"]
    assert found == [{"urn": world.setting_b.urn, "name": "Bluebell Pre-School"}]
    assert client.get(SEARCH, {"q": "Nursery"}).json()["settings"] == []  # not a prefix
    assert client.get(SEARCH, {"q": ""}).json()["settings"] == []
    assert client.get(SEARCH).json()["settings"] == []
    assert client.get(SEARCH, {"q": "%"}).json()["settings"] == []  # no wildcard
    assert client.get(SEARCH, {"q": "x" * 5000}).status_code == 200


def test_search_gives_ten_settings_by_name(client, world):
    for number in range(15):
        SettingFactory(name=f"Oak Tree {number:02d}")
    client.force_login(world.send_officer)
    found = client.get(SEARCH, {"q": "oak tree"}).json()["settings"]
    assert [s["name"] for s in found] == [f"Oak Tree {n:02d}" for n in range(10)]


def test_search_queries_do_not_grow_with_the_settings(client, world, django_assert_num_queries):
    client.force_login(world.send_officer)
    client.get(SEARCH, {"q": "Oak"})
    with django_assert_num_queries(4) as few:  # the session, user, device, then one search
        client.get(SEARCH, {"q": "Oak"})
    for number in range(40):
        SettingFactory(name=f"Oak {number}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(SEARCH, {"q": "Oak"})


def test_a_chosen_suggestion_filters_by_its_urn(client, world, make_referral):
    """The autocomplete fills in "Name (URN)": that setting, even when another has its name."""
    at_a = make_referral()
    twin = SettingFactory(name="Acorns Day Nursery")
    chosen = f"Acorns Day Nursery ({world.setting_a.urn})"
    today = timezone.localdate()
    ids = {r.pk for r in triage_queue(world.send_officer, QueueFilters(setting=chosen), today)}
    assert ids == {at_a.pk}
    client.force_login(world.send_officer)
    body = client.get(QUEUE, {"setting": chosen}).content.decode()
    assert "govuk-error-summary" not in body and at_a.reference in body
    body = client.get(QUEUE, {"setting": f"Acorns Day Nursery ({twin.urn})"}).content.decode()
    assert at_a.reference not in body
    # A name that merely ends in brackets is still matched as a name.
    odd = SettingFactory(name="Little Stars (North)")
    body = client.get(QUEUE, {"setting": odd.name}).content.decode()
    assert "No setting matches" not in body


def test_the_filter_box_is_marked_for_the_autocomplete(client, world):
    """Without JavaScript the box is a plain text input that submits with the form; the data
    attributes are what app.js enhances."""
    client.force_login(world.send_officer)
    body = client.get(QUEUE).content.decode()
    box = body.split('name="setting"')[0].rsplit("<input", 1)[1] + body.split('name="setting"')[1]
    box = box.split(">")[0]
    assert 'data-module="app-setting-autocomplete"' in box
    assert f'data-source-url="{SEARCH}"' in box
    assert 'type="text"' in box
    assert "accessible-autocomplete.min.css" in body
