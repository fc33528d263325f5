"""The access matrix's entries for the settings pages (tests/test_access_matrix.py), run on
their own so a change here is checked in seconds: the other setting, the other caseload, a
planner and everyone else refused; a second setting refused the forms."""

from __future__ import annotations

from django.urls import reverse

from earlyyears.models import Child
from pathway.attendance import services
from tests.test_access_matrix import (  # noqa: F401 (the fixture)
    DENIED,
    EVERYONE,
    MATRIX,
    _denied,
    case,
)

NAMES = sorted(name for name in MATRIX if name.startswith("child-settings"))


def test_the_settings_pages_refuse_everyone_else(client, case):  # noqa: F811
    assert NAMES == [
        "child-settings",
        "child-settings-add",
        "child-settings-end",
        "child-settings-lead",
        "child-settings-move",
        "child-settings-plan-sharing",
    ]
    failures = []
    for name in NAMES:
        entry = MATRIX[name]
        url = reverse(name, kwargs=entry.kwargs(case))
        for who in EVERYONE:
            client.logout()
            if who != "anonymous":
                client.force_login(getattr(case, who))
            allowed = who in entry.allowed
            for method in ("get",) if allowed else ("get", "post"):
                response = getattr(client, method)(url)
                if allowed and response.status_code in DENIED:
                    failures.append(f"{who} refused {method} {name}")
                if not allowed and not _denied(response, who):
                    failures.append(f"{who} got {response.status_code} for {method} {name}")
    assert failures == []


def test_a_second_setting_reads_the_settings_page_and_is_refused_the_forms(
    client,
    case,  # noqa: F811
):
    services.add_setting(
        case.send_officer,
        case.child_a,
        setting=case.setting_b,
        started_on=case.child_a.date_of_birth,
        sees_plan=False,
    )
    child = Child.objects.get(pk=case.child_a.pk)
    client.force_login(case.practitioner_b)
    assert client.get(reverse("child-settings", args=[child.pk])).status_code == 200
    for name in ("child-settings-add", "child-settings-move"):
        assert client.get(reverse(name, args=[child.pk])).status_code == 403
        assert client.post(reverse(name, args=[child.pk])).status_code == 403
