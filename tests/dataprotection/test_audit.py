"""The access audit trail: what is recorded, that it cannot be changed, and who can search it."""

from __future__ import annotations

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dataprotection import audit
from dataprotection.models import AccessEvent, AuditImmutable
from earlyyears.models import Role
from pathway.models import ReferralEvent

from .conftest import PNG  # noqa: F401


def only_event() -> AccessEvent:
    events = list(AccessEvent.objects.all())
    assert len(events) == 1, events
    return events[0]


# --- What is recorded ----------------------------------------------------------------------


def test_viewing_a_childs_record_is_recorded(client, world):
    client.force_login(world.send_manager)
    response = client.get(
        reverse("child-detail", args=[world.child_a.pk]),
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 500,
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    event = only_event()
    assert event.user_id == world.send_manager.pk
    assert event.username == "send_manager"
    assert event.role == Role.SEND_MANAGER
    assert event.action == AccessEvent.Action.VIEW
    assert event.method == "GET"
    assert event.url_name == "child-detail"
    assert event.path == f"/children/{world.child_a.pk}/"
    assert event.child_id == world.child_a.pk
    assert (event.object_type, event.object_id) == ("earlyyears.child", str(world.child_a.pk))
    assert event.status_code == 200
    assert event.ip_address == "10.1.2.3"
    assert len(event.user_agent) == audit.USER_AGENT_LENGTH


def test_a_referral_is_traced_to_its_child_and_the_case_view_event_is_kept(client, world, refer):
    referral = refer(world.child_a, world.practitioner_a)
    client.force_login(world.send_officer)
    assert client.get(reverse("referral-detail", args=[referral.pk])).status_code == 200
    event = only_event()
    assert event.child_id == world.child_a.pk
    assert event.referral_id == referral.pk
    assert event.object_type == "pathway.referral"
    assert ReferralEvent.objects.filter(
        referral=referral, kind=ReferralEvent.Kind.VIEWED, actor=world.send_officer
    ).exists()


def test_a_post_is_a_change(client, world, refer):
    referral = refer(world.child_a, world.practitioner_a)
    client.force_login(world.send_officer)
    client.post(reverse("add-case-note", args=[referral.pk]), {"note": "Rang the setting"})
    event = only_event()
    assert event.action == AccessEvent.Action.CHANGE
    assert event.method == "POST"
    assert event.referral_id == referral.pk
    assert event.child_id == world.child_a.pk


def test_an_attachment_is_a_download(client, world, observe):
    observation = observe(world.child_a, world.practitioner_a, attachment=True)
    client.force_login(world.practitioner_a)
    response = client.get(reverse("observation-attachment", args=[observation.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = only_event()
    assert event.action == AccessEvent.Action.DOWNLOAD
    assert event.child_id == world.child_a.pk
    assert event.object_type == "pathway.observation"


def test_an_early_help_pack_download_is_an_export(client, world, refer):
    referral = refer(
        world.child_a, world.practitioner_a, {"health_family": {"family_circumstances": True}}
    )
    client.force_login(world.send_officer)
    response = client.get(reverse("early-help-pack-json", args=[referral.pk]))
    assert response.status_code == 200
    event = only_event()
    assert event.action == AccessEvent.Action.EXPORT
    assert event.child_id == world.child_a.pk


def test_a_refused_attempt_is_recorded_against_the_child_it_aimed_at(client, world, refer):
    referral = refer(world.child_a, world.practitioner_a)
    client.force_login(world.practitioner_b)
    assert client.get(reverse("referral-detail", args=[referral.pk])).status_code == 404
    event = only_event()
    assert event.status_code == 404
    assert event.child_id == world.child_a.pk
    assert event.username == "prac.b"


def test_list_pages_are_recorded_without_a_child(client, world):
    client.force_login(world.send_officer)
    client.get(reverse("triage-queue"))
    client.get(reverse("children"))
    events = AccessEvent.objects.order_by("pk")
    assert [e.url_name for e in events] == ["triage-queue", "children"]
    assert all(e.child_id is None for e in events)


def test_pages_without_child_data_and_anonymous_requests_record_nothing(client, world):
    client.get(reverse("child-detail", args=[world.child_a.pk]))
    client.force_login(world.send_manager)
    client.get(reverse("home"))
    client.get(reverse("privacy"))
    assert AccessEvent.objects.count() == 0


def test_a_failed_write_does_not_break_the_page(client, world, caplog):
    client.force_login(world.send_manager)
    with mock.patch.object(AccessEvent, "save", side_effect=DatabaseError("disk full")):
        response = client.get(reverse("child-detail", args=[world.child_a.pk]))
    assert response.status_code == 200
    assert "Could not record an access event" in caplog.text


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1", "10.0.0.1"),  # no proxy: the header is ignored
        (1, "198.51.100.1, 203.0.113.9", "10.0.0.1", "203.0.113.9"),  # forged entry ignored
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1", "10.0.0.1"),  # fewer entries than proxies: not trusted
        (1, "not-an-address", "10.0.0.1", None),
        (1, "2001:db8::1", "10.0.0.1", "2001:db8::1"),
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(
    rf, settings, proxies, forwarded, remote, expected
):
    settings.AUDIT_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert audit.client_ip(request) == expected


def test_the_list_of_audited_pages_is_a_setting(client, world, settings):
    settings.AUDIT_URL_NAMES = ["privacy"]
    client.force_login(world.send_officer)
    client.get(reverse("triage-queue"))
    client.get(reverse("privacy"))
    assert [e.url_name for e in AccessEvent.objects.all()] == ["privacy"]


# --- Append-only ---------------------------------------------------------------------------


def make_event(**kwargs) -> AccessEvent:
    values = {
        "username": "someone",
        "role": "send_officer",
        "action": "view",
        "method": "GET",
        "path": "/children/1/",
        "status_code": 200,
    }
    values.update(kwargs)
    return AccessEvent.objects.create(**values)


def test_the_app_cannot_change_or_delete_an_event(db):
    event = make_event()
    event.status_code = 500
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AccessEvent.objects.filter(pk=event.pk).update(status_code=500)
    with pytest.raises(AuditImmutable):
        AccessEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditImmutable):
        AccessEvent.objects.bulk_update([event], ["status_code"])
    assert AccessEvent.objects.get(pk=event.pk).status_code == 200


def test_the_audit_trail_is_not_in_the_staff_admin():
    from django.contrib import admin

    assert AccessEvent not in admin.site._registry


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_except_the_purge(db):
    from django.db import transaction

    event = make_event()
    for sql in (
        "UPDATE dataprotection_accessevent SET status_code = 500 WHERE id = %s",
        "DELETE FROM dataprotection_accessevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('app.audit_purge', 'on', true)")
        cursor.execute(
            "UPDATE dataprotection_accessevent SET status_code = 500 WHERE id = %s",
            [event.pk],
        )
    assert AccessEvent.objects.filter(pk=event.pk).exists()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert AccessEvent.objects.purge_before(tomorrow) == 1
    assert not AccessEvent.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.audit_purge', true)")
        assert cursor.fetchone()[0] == "off"  # the purge switch is off again at once
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM dataprotection_accessevent")
        make_event()
        cursor.execute("DELETE FROM dataprotection_accessevent")


# --- Searching it --------------------------------------------------------------------------


EVERY_ROLE_BUT_THE_MANAGER = [
    "practitioner_a",
    "portage_a",
    "send_officer",
    "early_help",
    "professional",
    "trainer",
    "planner",
    "admin",
]


@pytest.mark.parametrize("who", EVERY_ROLE_BUT_THE_MANAGER)
@pytest.mark.parametrize("name", ["audit-search", "audit-csv"])
def test_only_the_send_manager_can_search_the_audit_trail(client, world, who, name):
    make_event(child_id=world.child_a.pk)
    user = getattr(world, who)
    user.is_superuser = who == "admin"  # not even a superuser administrator
    user.is_staff = who == "admin"
    user.save()
    client.force_login(user)
    response = client.get(reverse(name), {"child": world.child_a.reference})
    assert response.status_code == 403
    assert "Audit entries" not in response.content.decode()
    assert "page" not in (response.context or {})


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(reverse("audit-search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))


def test_search_by_child_reference_user_and_dates(client, world):
    old = timezone.now() - datetime.timedelta(days=40)
    make_event(child_id=world.child_a.pk, username="prac.a", path="/children/a-recent/")
    make_event(child_id=world.child_a.pk, username="prac.a", path="/children/a-old/", at=old)
    make_event(child_id=world.child_b.pk, username="prac.b", path="/children/b/")
    client.force_login(world.send_manager)

    def paths(params):
        response = client.get(reverse("audit-search"), params)
        assert response.status_code == 200
        # The searches themselves are audited (about child A): leave them out here.
        return sorted(
            e.path for e in response.context["page"].object_list if e.url_name != "audit-search"
        )

    assert paths({"child": world.child_a.reference.lower()}) == [
        "/children/a-old/",
        "/children/a-recent/",
    ]
    assert paths({"child": str(world.child_b.pk)}) == ["/children/b/"]
    assert paths({"username": "PRAC.B"}) == ["/children/b/"]
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    assert paths(
        {
            "child": world.child_a.reference,
            "date_from_day": week_ago.day,
            "date_from_month": week_ago.month,
            "date_from_year": week_ago.year,
        }
    ) == ["/children/a-recent/"]
    last_month = old.date()
    assert paths(
        {
            "date_to_day": last_month.day,
            "date_to_month": last_month.month,
            "date_to_year": last_month.year,
        }
    ) == ["/children/a-old/"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"child": "NOPE-1"}, "Enter a child reference that exists"),
        ({"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}, "real date"),
        ({"date_from_day": "x", "date_from_month": "\x00", "date_from_year": "2026"}, "There is"),
        (
            {
                "date_from_day": "2",
                "date_from_month": "1",
                "date_from_year": "2026",
                "date_to_day": "1",
                "date_to_month": "1",
                "date_to_year": "2026",
            },
            "must be the same as or after",
        ),
    ],
)
def test_bad_searches_get_the_error_summary(client, world, params, message):
    client.force_login(world.send_manager)
    response = client.get(reverse("audit-search"), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert response.context["page"] is None
    csv_response = client.get(reverse("audit-csv"), params)
    assert csv_response.status_code == 302  # back to the form, never a 500


def test_the_search_page_runs_the_same_queries_for_5_or_60_entries(client, world):
    client.force_login(world.send_manager)

    def queries(n):
        AccessEvent.objects.bulk_create(
            AccessEvent(
                username="x",
                role="send_officer",
                action="view",
                method="GET",
                path=f"/children/{world.child_a.pk}/",
                child_id=world.child_a.pk if i % 2 else None,
                status_code=200,
            )
            for i in range(n)
        )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("audit-search")).status_code == 200
        return len(ctx.captured_queries)

    client.get(reverse("audit-search"))  # the first request of a session loads more
    assert queries(5) == queries(55)


def test_searches_and_downloads_are_themselves_audited(client, world):
    client.force_login(world.send_manager)
    client.get(reverse("audit-search"), {"child": world.child_a.reference})
    response = client.get(reverse("audit-csv"), {"child": world.child_a.reference})
    b"".join(response.streaming_content)
    search, download = AccessEvent.objects.order_by("pk")
    assert (search.url_name, search.action, search.child_id) == (
        "audit-search",
        "view",
        world.child_a.pk,
    )
    assert (download.url_name, download.action, download.child_id) == (
        "audit-csv",
        "export",
        world.child_a.pk,
    )


def test_the_csv_has_every_matching_entry_and_no_live_formulae(client, world):
    make_event(child_id=world.child_a.pk, user_agent='=HYPERLINK("http://evil")')
    make_event(child_id=world.child_b.pk)
    client.force_login(world.send_manager)
    response = client.get(reverse("audit-csv"), {"child": world.child_a.reference})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "When"
    # The download itself is recorded before the rows stream, so it is listed too.
    assert sorted(row[5] for row in rows[1:]) == ["/audit/events.csv", "/children/1/"]
    assert all(row[7] == str(world.child_a.pk) for row in rows[1:])
    event_row = next(row for row in rows[1:] if row[5] == "/children/1/")
    assert event_row[-1].startswith("'=HYPERLINK")
