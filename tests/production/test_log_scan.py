"""The logs of a whole journey carry no personal data (issue 17).

A demo practitioner signs in through both steps, searches for the child by name, raises a
concern about one of the demo children through the wizard, and sends it; the texts it queues are
sent; a SEND officer signs in, searches the register by the child's name, opens the referral and
the child's record, claims the referral and decides it. Every line the app loggers write
meanwhile, at DEBUG and formatted as under LOG_FORMAT=json with one line a request, is scanned
for the child's name, date of birth, NHS number and postcode, the family's names, phone numbers,
email addresses and address, and the free text typed about the child. A second test shows the
scan is not blind: a view that logs the child's name is caught.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from earlyyears.models import Child, OutboxMessage, User
from earlyyears.tasks import send_message
from pathway.models import ConcernDraft, Referral

from ..otp import code_for, confirmed_device
from ..pathway.wizard_helpers import CHECKS, DEVELOPMENT, SUPPORT, post_step
from .logscan import json_logs, needles_for, personal_data_in

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-2026"  # noqa: S105 - the demo's default
FAMILY_VIEWS = "Loves the water tray and sings along at story time; we worry about her words."
DECISION_REASON = "Accepted: the setting's evidence shows a significant delay in talking."


@pytest.fixture
def demo(settings, monkeypatch):
    """A small demo authority (the same command `make run` uses), one line a request."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("demo_data", "--children", "40", "--settings-count", "4", verbosity=0)
    settings.LOG_REQUESTS = True


def demo_child(practitioner: User) -> Child:
    """A child at the practitioner's setting with an NHS number and a contact with a mobile and
    an email address: every kind of detail the scan looks for."""
    children = Child.objects.filter(
        setting__memberships__user=practitioner, nhs_number__gt=""
    ).order_by("pk")
    for child in children:
        contacts = list(child.family_contacts.all())
        if any(c.mobile_phone for c in contacts) and any(c.email for c in contacts):
            return child
    pytest.fail("the demo has no child with an NHS number, a mobile and an email at the setting")


def sign_in(username: str) -> Client:
    """Both steps, through the pages: the password, then the authenticator's code."""
    client = Client()
    user = User.objects.get(username=username)
    device = confirmed_device(user)
    response = client.post(reverse("sign-in"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    response = client.post("/sign-in/code/", {"code": code_for(device)})
    assert response.status_code == 302 and "/sign-in/" not in response["Location"]
    return client


def send_queued_texts() -> None:
    """Send what the outbox holds, as a worker would (Celery runs it here, with a task id)."""
    for pk in OutboxMessage.objects.filter(status="pending").values_list("pk", flat=True):
        send_message.apply(args=(pk,))


def raise_concern(client: Client, child: Child, contact) -> Referral:
    response = client.post(reverse("start-concern"))
    assert response.status_code == 302
    draft = ConcernDraft.objects.latest("created_at")
    family = {
        "family_views": FAMILY_VIEWS,
        "contact": str(contact.pk),  # the child's contacts are offered: choose the one who agreed
        "consent_given_by": contact.name,
        "relationship": "mother",
        "consent_given_on_day": "20",
        "consent_given_on_month": "3",
        "consent_given_on_year": "2026",
        "share_with": ["send_team", "portage"],
        "sms_consent": "yes",
        "mobile_phone": contact.mobile_phone,
        "preferred_language": "en",
    }
    health = {
        "diagnoses": "",
        "professionals": "health_visitor",
        "hearing": "clear",
        "vision": "not_known",
        "family_circumstances": "no",
        "ehc_assessment_requested": "no",
    }
    steps = [
        ("child", {"child": str(child.pk)}),
        ("development", DEVELOPMENT),
        ("support", SUPPORT),
        ("checks", CHECKS),
        ("health_family", health),
        ("family", family),
    ]
    for step, fields in steps:
        response = post_step(client, draft, step, fields)
        assert response.status_code == 302, (step, response.content.decode()[:600])
    response = post_step(client, draft, "check", {})
    assert response.status_code == 302
    return Referral.objects.get(child=child)


def test_a_whole_journey_logs_no_personal_data(demo, django_capture_on_commit_callbacks):
    practitioner = User.objects.get(username="practitioner")
    child = demo_child(practitioner)
    contacts = list(child.family_contacts.all())
    contact = next(c for c in contacts if c.mobile_phone)

    with json_logs() as lines:
        client = sign_in("practitioner")
        assert client.get(reverse("children"), {"q": child.last_name}).status_code == 200
        assert client.get(reverse("child-detail", args=[child.pk])).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            referral = raise_concern(client, child, contact)
        send_queued_texts()

        officer = sign_in("send.officer")
        register = officer.get(reverse("notification-register"), {"q": child.first_name})
        assert referral.reference in register.content.decode()
        assert officer.get(reverse("triage-queue")).status_code == 200
        assert officer.get(reverse("referral-detail", args=[referral.pk])).status_code == 200
        assert officer.get(reverse("child-detail", args=[child.pk])).status_code == 200
        officer.post(reverse("claim-referral", args=[referral.pk]))
        with django_capture_on_commit_callbacks(execute=True):
            response = officer.post(
                reverse("decide-referral", args=[referral.pk]),
                {"kind": "accept", "routes": ["send_team"], "reason": DECISION_REASON},
            )
        assert response.status_code == 302, response.content.decode()[:600]
        send_queued_texts()
        # Asked for something that is not there: Django's own `django.request` line.
        assert officer.get("/children/999999999/", {"q": child.last_name}).status_code == 404

    referral.refresh_from_db()
    assert referral.status != Referral.Status.SUBMITTED  # the journey really happened
    assert OutboxMessage.objects.filter(to_contact=contact).exists()  # a text was queued

    # Every line is one JSON object; the request lines name the request id, the user and role.
    records = [json.loads(line) for line in lines]
    requests = [r for r in records if r["logger"] == "earlyyears.requests"]
    assert len(requests) >= 15
    assert all(len(r["request_id"]) == 32 for r in requests)
    roles = {(r.get("user_id"), r.get("user_role")) for r in requests}
    assert (practitioner.pk, "practitioner") in roles
    officer_user = User.objects.get(username="send.officer")
    assert (officer_user.pk, "send_officer") in roles
    assert {"/children/", "/register/", "/children/999999999/"} <= {r["path"] for r in requests}
    assert any(r.get("task_id") for r in records)  # the texts' task lines carry the task id
    assert any(r["logger"] == "django.request" for r in records)

    needles = needles_for(
        child,
        contacts,
        free_text=[
            FAMILY_VIEWS,
            DECISION_REASON,
            DEVELOPMENT["communication_language_evidence"],
            DEVELOPMENT["personal_social_emotional_evidence"],
        ],
    )
    assert {"child's name", "date of birth", "NHS number", "postcode", "family's phone"} <= set(
        needles
    )
    assert "family's email" in needles
    found = personal_data_in(lines, needles)
    assert found == [], "personal data in the logs:\n" + "\n".join(
        f"{label} ({value}): {line}" for label, value, line in found
    )


def test_the_scan_finds_a_name_a_view_logs(demo, monkeypatch):
    """The same capture and scan catch a view that logs the child's name, in any case."""
    import pathway.views

    child = demo_child(User.objects.get(username="practitioner"))
    real_child_for = pathway.views.child_for

    def leaky_child_for(user, child_id):
        found = real_child_for(user, child_id)
        logging.getLogger("pathway.views").debug("Opened the record of %s", found.full_name.upper())
        return found

    monkeypatch.setattr(pathway.views, "child_for", leaky_child_for)
    with json_logs() as lines:
        officer = sign_in("send.officer")
        assert officer.get(reverse("child-detail", args=[child.pk])).status_code == 200

    found = personal_data_in(lines, needles_for(child))
    assert {label for label, _, _ in found} == {"child's name"}
    (line,) = {line for _, _, line in found}
    assert json.loads(line)["logger"] == "pathway.views"
