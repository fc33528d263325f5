"""Staff accounts in and out: roles, settings by URN, caseloads by child reference, no
passwords (an invitation instead), and never half a row."""

import datetime

import pytest

from earlyyears.accounts import services as accounts
from earlyyears.bulk import services as imports
from earlyyears.models import (
    AccountChange,
    CaseloadMembership,
    ImportJob,
    Invitation,
    OutboxMessage,
    Role,
    SettingMembership,
    User,
)
from tests.factories import ChildFactory, SettingFactory, UserFactory

from .conftest import csv_bytes, xlsx_bytes

HEAD = "Username,Email,First name,Last name,Role,Settings,SENCO at,Caseload,Caseload since\n"


def run(user, content, mode=ImportJob.Mode.ALL_OR_NOTHING, name="staff.csv"):
    job = imports.start_import(user, "staff", name, content)
    assert job.status == ImportJob.Status.PREVIEWED, job.report
    return imports.request_apply(job, mode)


@pytest.fixture
def places(db):
    a = SettingFactory(urn="EY100001", name="Acorns")
    b = SettingFactory(urn="EY100002", name="Bluebell")
    child = ChildFactory(reference="C-00001", setting=a)
    return a, b, child


def test_new_accounts_have_no_password_and_are_invited(
    data_officer, places, django_capture_on_commit_callbacks
):
    """Accounts that see children are invited once a SEND manager approves them
    (earlyyears.accounts: an administrator cannot make an account they control)."""
    content = csv_bytes(
        HEAD
        + "amy.c,amy@example.com,Amy,Collins,Nursery practitioner,EY100001; EY100002,EY100002,,\n"
        + "pat.p,pat@example.com,Pat,Patel,portage_worker,,,C-00001,03/04/2026\n"
    )
    with django_capture_on_commit_callbacks(execute=False):
        job = run(data_officer, content)
    assert job.status == ImportJob.Status.APPLIED, job.applied_report
    amy = User.objects.get(username="amy.c")
    assert not amy.has_usable_password()
    assert amy.role == Role.PRACTITIONER
    memberships = {(m.setting.urn, m.is_senco) for m in SettingMembership.objects.filter(user=amy)}
    assert memberships == {("EY100001", False), ("EY100002", True)}
    pat = User.objects.get(username="pat.p")
    caseload = CaseloadMembership.objects.get(portage_worker=pat)
    assert caseload.child.reference == "C-00001"
    assert caseload.since == datetime.date(2026, 4, 3), "dates are day/month/year"
    assert not amy.is_active and not pat.is_active
    assert not OutboxMessage.objects.filter(template="staff_invitation").exists()
    manager = UserFactory(role=Role.SEND_MANAGER)
    for change in AccountChange.objects.filter(status=AccountChange.Status.PENDING):
        accounts.approve(manager, change)
    amy.refresh_from_db()
    assert amy.is_active
    messages = OutboxMessage.objects.filter(template="staff_invitation").order_by("to_email")
    assert [(m.to_email, m.channel) for m in messages] == [
        ("amy@example.com", "email"),
        ("pat@example.com", "email"),
    ]
    assert Invitation.objects.filter(user=amy, used_at__isnull=True).count() == 1


def test_the_preview_invites_nobody(data_officer, places):
    imports.start_import(
        data_officer, "staff", "s.csv", csv_bytes(HEAD + "new.one,n@example.com,N,O,Trainer,,,,\n")
    )
    assert not User.objects.filter(username="new.one").exists()
    assert not OutboxMessage.objects.filter(template="staff_invitation").exists()
    assert not Invitation.objects.exists()


def test_rows_that_cannot_be_imported_say_why(data_officer, places):
    UserFactory(username="boss", is_staff=True)
    UserFactory(username="taken", email="taken@example.com")
    content = csv_bytes(
        HEAD
        + "boss,boss@example.com,B,O,Trainer,,,,\n"
        + "noemail,,N,E,Trainer,,,,\n"
        + "root2,r@example.com,R,T,Service administrator,,,,\n"
        + "dup,taken@example.com,D,U,Trainer,,,,\n"
        + "nosetting,ns@example.com,N,S,Nursery practitioner,EY999999,,,\n"
        + "wrongrole,wr@example.com,W,R,Planner,EY100001,,,\n"
        + "nochild,nc@example.com,N,C,Portage worker,,,C-99999,\n"
        + "baddate,bd@example.com,B,D,Portage worker,,,C-00001,2026-04-03\n"
    )
    job = imports.start_import(data_officer, "staff", "s.csv", content)
    errors = {row["line"]: " ".join(row["errors"]) for row in job.report["rows"]}
    assert "staff admin" in errors[2]
    assert "Enter an email address" in errors[3]
    assert "Role: 'Service administrator' is not a role we know" in errors[4]
    assert "Another account (taken) uses this email address" in errors[5]
    assert "No setting has the URN 'EY999999'" in errors[6]
    assert "Only nursery practitioners work at settings" in errors[7]
    assert "No child has the reference 'C-99999'" in errors[8]
    assert "day/month/year" in errors[9]
    assert job.report["invalid"] == 8


def test_never_half_a_row(data_officer, places, monkeypatch):
    """A row that fails after its account is saved (here, queueing the invitation) leaves no
    account behind, while the other rows go in."""
    real = accounts.invite

    def flaky(user, by=None):
        if user.username == "second":
            raise RuntimeError("mail system unavailable")
        return real(user, by=by)

    monkeypatch.setattr("earlyyears.accounts.services.invite", flaky)
    content = csv_bytes(
        HEAD + "first,f@example.com,F,I,Trainer,,,,\n" + "second,s@example.com,S,E,Trainer,,,,\n"
    )
    job = imports.start_import(data_officer, "staff", "s.csv", content)
    problem = [row for row in job.report["rows"] if row["errors"]]
    assert [row["line"] for row in problem] == [3]
    assert "could not be saved" in problem[0]["errors"][0]
    job = imports.request_apply(job, ImportJob.Mode.VALID_ROWS)
    assert set(
        User.objects.filter(username__in=["first", "second"]).values_list("username", flat=True)
    ) == {"first"}
    assert not SettingMembership.objects.filter(user__username="second").exists()


def test_export_then_import_gives_the_same_accounts(data_officer, places):
    a, b, child = places
    amy = UserFactory(
        username="amy",
        email="amy@example.com",
        mobile_phone="+447700900123",
        job_title="=1+1",
        role=Role.PRACTITIONER,
    )
    SettingMembership.objects.create(user=amy, setting=a, is_senco=True)
    pat = UserFactory(username="pat", email="pat@example.com", role=Role.PORTAGE_WORKER)
    CaseloadMembership.objects.create(
        portage_worker=pat, child=child, since=datetime.date(2026, 1, 5)
    )
    UserFactory(username="gone", email="gone@example.com", role=Role.TRAINER, is_active=False)

    def snapshot():
        return (
            list(
                User.objects.filter(username__in=["amy", "pat", "gone"])
                .order_by("username")
                .values(
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "job_title",
                    "organisation",
                    "mobile_phone",
                    "is_active",
                    "password",
                )
            ),
            sorted(
                SettingMembership.objects.values_list("user__username", "setting__urn", "is_senco")
            ),
            sorted(
                CaseloadMembership.objects.values_list(
                    "portage_worker__username", "child__reference", "since"
                )
            ),
        )

    before = snapshot()
    for file_format in ("csv", "xlsx"):
        content, _, name = imports.export_file(imports.get_spec("staff"), data_officer, file_format)
        if file_format == "csv":
            text = content.decode("utf-8-sig")
            assert "data.officer" not in text, "staff admin accounts are not exported"
            assert "'=1+1" in text and "'+447700900123" in text
        job = run(data_officer, content, name=name)
        assert job.applied_report["skipped"] == 3, job.applied_report
        assert snapshot() == before


def test_xlsx_with_a_real_date_cell(data_officer, places):
    content = xlsx_bytes(
        [
            ["Username", "Email", "Role", "Caseload", "Caseload since", "Notes"],
            ["sam", "sam@example.com", "Portage worker", "C-00001", datetime.datetime(2026, 2, 1)],
        ]
    )
    job = run(data_officer, content, name="staff.xlsx")
    assert job.report["unknown_columns"] == ["Notes"]
    assert CaseloadMembership.objects.get(portage_worker__username="sam").since == datetime.date(
        2026, 2, 1
    )


def test_updating_replaces_memberships_only_when_the_column_is_there(data_officer, places):
    a, b, _ = places
    amy = UserFactory(username="amy", email="amy@example.com")
    SettingMembership.objects.create(user=amy, setting=a)
    run(data_officer, csv_bytes("Username,Job title\namy,Room leader\n"))
    assert SettingMembership.objects.filter(user=amy).count() == 1
    run(data_officer, csv_bytes("Username,Settings\namy,EY100002\n"))
    assert SettingMembership.objects.get(user=amy).setting == a, "waits for a SEND manager"
    change = AccountChange.objects.get(user=amy, status=AccountChange.Status.PENDING)
    accounts.approve(UserFactory(role=Role.SEND_MANAGER), change)
    assert list(
        SettingMembership.objects.filter(user=amy).values_list("setting__urn", flat=True)
    ) == ["EY100002"]
    amy.refresh_from_db()
    assert amy.job_title == "Room leader" and amy.has_usable_password()
