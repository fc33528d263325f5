"""Log lines: one JSON object a line, the request id in and out, the user's id and role, a task's
id, paths without query strings or tokens, masks, and the format chosen by LOG_FORMAT."""

from __future__ import annotations

import datetime
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from earlyyears.celery import app as celery_app
from earlyyears.logs import (
    REQUEST_ID_HEADER,
    ContextFilter,
    EmailNotSentBackend,
    JsonFormatter,
    axes_client_str,
    loggable_path,
    mask,
    request_id_from,
)

from .logscan import json_logs, needles_for, personal_data_in, phone_forms

ROOT = Path(__file__).resolve().parents[2]


def record(message: str, *args, **attributes) -> logging.LogRecord:
    made = logging.LogRecord("pathway.views", logging.INFO, __file__, 1, message, args, None)
    for name, value in attributes.items():
        setattr(made, name, value)
    ContextFilter().filter(made)
    return made


def test_a_line_is_one_json_object_with_the_fields_named():
    line = JsonFormatter().format(record("Referral %s routed", 12, status=200, path="/a/?q=x"))
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["message"] == "Referral 12 routed"
    assert fields["level"] == "INFO" and fields["logger"] == "pathway.views"
    assert fields["time"].endswith("+00:00")
    assert fields["status"] == 200 and fields["path"] == "/a/"
    assert "request_id" not in fields  # outside a request: no empty fields


def test_only_known_extra_fields_become_fields():
    made = record("Opened", child_name="Amara Okafor", request=object())
    assert set(json.loads(JsonFormatter().format(made))) == {"time", "level", "logger", "message"}


def test_an_exception_is_kept_without_a_database_errors_detail():
    try:
        raise ValueError(
            "duplicate key value violates unique constraint\n"
            "DETAIL:  Key (nhs_number)=(943 476 5919) already exists."
        )
    except ValueError:
        made = logging.LogRecord("x", logging.ERROR, __file__, 1, "Failed", (), sys.exc_info())
    fields = json.loads(JsonFormatter().format(made))
    assert "ValueError: duplicate key value" in fields["exception"]
    assert "943" not in fields["exception"] and "DETAIL: (left out" in fields["exception"]


@pytest.mark.parametrize(
    "text, kept",
    [
        ("SMS to +447700900123 sent", "SMS to [number] sent"),
        ("SMS to 07700 900 123 sent", "SMS to [number] sent"),
        ("NHS 9434765919 and 943 476 5919", "NHS [number] and [number]"),
        ("from parent@example.com today", "from [email] today"),
        ("lives at WM3 7QT or WM37QT", "lives at [postcode] or [postcode]"),
        ("message 1234 retried in 0.5123456789 s", "message 1234 retried in 0.5123456789 s"),
        ("referral EY26-000001 on 2026-03-20 12:00", "referral EY26-000001 on 2026-03-20 12:00"),
    ],
)
def test_masks_hide_contact_details_and_keep_ids(text, kept):
    assert mask(text) == kept


def test_paths_lose_the_query_string_and_tokens_but_keep_ids():
    assert loggable_path("/children/?q=Amara+Okafor") == "/children/"
    token = "Xk3v9Q2mZpL8wR4tY6uI0oP1aS5dF7gH9jK2lZ3xC4v"
    assert loggable_path(f"/invitations/{token}/") == "/invitations/[token]/"
    assert mask(f"Not Found: /invitations/{token}/") == "Not Found: /invitations/[token]/"
    kept = [
        "/concerns/0b9e5d1c-7a3f-4c2e-9f1a-2b3c4d5e6f70/child/",
        "/children/12/referrals/3/",
        "/static/govuk/assets/images/govuk-icon-mask-0a1b2c3d4e5f6a7b.svg",
        "/local-offer/speech-and-language-therapy-drop-in-sessions-2/",
    ]
    for path in kept:
        assert loggable_path(path) == path


def test_a_urls_secret_parameters_are_hidden_by_name():
    class Match:
        kwargs = {"uidb64": "MTI", "token": "c5k2ab-0123456789abcdef", "pk": "12"}

    path = "/admin/password_reset/confirm/MTI/c5k2ab-0123456789abcdef/"
    assert loggable_path(path, Match()) == "/admin/password_reset/confirm/[token]/[token]/"


@pytest.mark.parametrize(
    "header, kept",
    [
        ("0b9e5d1c-7a3f-4c2e-9f1a-2b3c4d5e6f70", True),
        ("lb-trace.1234:abcd", True),
        ("short", False),
        ("has spaces in it", False),
        ('"><script>', False),
        ("x" * 129, False),
        ("", False),
        (None, False),
    ],
)
def test_an_incoming_request_id_is_kept_only_if_well_formed(header, kept):
    made = request_id_from(header)
    assert (made == header) is kept
    if not kept:
        assert len(made) == 32 and int(made, 16) >= 0


@pytest.mark.django_db
def test_the_request_id_goes_back_and_every_line_names_the_user_and_role(client, world, settings):
    settings.LOG_REQUESTS = True
    client.force_login(world.practitioner_a)
    with json_logs() as lines:
        given = client.get("/children/?q=Amara", headers={REQUEST_ID_HEADER: "trace-0001-abcd"})
        made = client.get("/children/", headers={REQUEST_ID_HEADER: "bad id"})
    assert given[REQUEST_ID_HEADER] == "trace-0001-abcd"
    assert made[REQUEST_ID_HEADER] != "bad id" and len(made[REQUEST_ID_HEADER]) == 32
    requests = [json.loads(line) for line in lines if '"earlyyears.requests"' in line]
    assert [r["request_id"] for r in requests] == ["trace-0001-abcd", made[REQUEST_ID_HEADER]]
    first = requests[0]
    assert first["message"] == "GET /children/ 200" and first["path"] == "/children/"
    assert first["user_id"] == world.practitioner_a.pk and first["user_role"] == "practitioner"
    assert first["method"] == "GET" and first["status"] == 200 and first["duration_ms"] >= 0
    assert "Amara" not in "\n".join(lines)


@pytest.mark.django_db
def test_no_request_line_unless_asked(client, world, settings):
    settings.LOG_REQUESTS = False
    with json_logs() as lines:
        response = client.get("/healthz/")
    assert response[REQUEST_ID_HEADER]
    assert not [line for line in lines if '"earlyyears.requests"' in line]


@celery_app.task(name="tests.production.log_a_line")
def log_a_line() -> None:
    logging.getLogger("earlyyears.outbox").info("Sending message 7")


def test_a_task_line_carries_the_task_id_and_name():
    with json_logs() as lines:
        result = log_a_line.apply(task_id="0b9e5d1c-7a3f-4c2e-9f1a-2b3c4d5e6f70")
        logging.getLogger("earlyyears.outbox").info("After the task")
    assert result.successful()
    task_line, after = (json.loads(line) for line in lines if '"earlyyears.outbox"' in line)
    assert task_line["task_id"] == "0b9e5d1c-7a3f-4c2e-9f1a-2b3c4d5e6f70"
    assert task_line["task_name"] == "tests.production.log_a_line"
    assert "task_id" not in after


def test_django_axes_lines_name_no_username():
    described = axes_client_str("jane.smith@example.com", "10.0.0.1", "UA", "/sign-in/?x=1", None)
    assert json.loads(described) == {"ip_address": "10.0.0.1", "path": "/sign-in/"}


def test_email_without_a_host_under_json_logs_says_only_how_many():
    message = mail.EmailMessage("Update about Amara", "Text", to=["parent@example.com"])
    with json_logs() as lines:
        assert EmailNotSentBackend().send_messages([message]) == 1
    (line,) = lines
    assert json.loads(line)["message"].startswith("1 email(s) not sent")
    assert "Amara" not in line and "example.com" not in line


# The scanner itself, on crafted lines -------------------------------------------------------


class _Child:
    first_name, last_name, postcode, nhs_number = "Ava", "Lowe", "WM3 7QT", "9434765919"
    date_of_birth = datetime.date(2024, 5, 10)


class _Contact:
    name, mobile_phone, email, address = "Jo Lowe", "+447700900123", "jo@example.com", ""


@pytest.mark.parametrize(
    "line, label",
    [
        ('{"message": "Opened AVA LOWE"}', "child's name"),
        ('{"message": "born 10 May 2024"}', "date of birth"),
        ('{"message": "born 10/05/2024"}', "date of birth"),
        ('{"message": "nhs 943 476 5919"}', "NHS number"),
        ('{"message": "text to 07700 900 123"}', "family's phone"),
        ('{"message": "text to 07700900123"}', "family's phone"),
        ('{"message": "to jo@example.com"}', "family's email"),
        ('{"message": "home wm37qt"}', "postcode"),
        ('{"message": "asked \\u004a\\u006f Lowe"}', "family's name"),
    ],
)
def test_the_scanner_finds_each_kind_of_detail(line, label):
    found = personal_data_in([line], needles_for(_Child, [_Contact]))
    assert label in {what for what, _, _ in found}


def test_the_scanner_does_not_cry_wolf():
    lines = [
        '{"message": "Java available; lowered; Avalon; 2024-05-11; 7700 900; WM3 7QA"}',
        '{"message": "GET /children/12/ 200", "user_role": "practitioner"}',
    ]
    assert personal_data_in(lines, needles_for(_Child, [_Contact])) == []


def test_phone_forms():
    assert "07700 900 123" in phone_forms("+447700900123")
    assert "+447700900123" in phone_forms("07700 900123")


# LOG_FORMAT in a fresh process ------------------------------------------------------------------


def _fresh(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOG_", "DJANGO_", "EMAIL_", "PYTEST_")) and k != "DEBUG"
    }
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW = (
    "import logging; from django.conf import settings as s;"
    "print(s.LOGGING['handlers']['console']['formatter'], s.LOG_REQUESTS,"
    " s.EMAIL_BACKEND.rsplit('.', 1)[-1]);"
    "logging.getLogger('pathway.views').warning('Shown as %s', s.LOG_FORMAT)"
)


def test_log_format_json_switches_every_line_to_json():
    result = _fresh({"LOG_FORMAT": "json"}, SHOW)
    assert result.stdout.split() == ["json", "True", "EmailNotSentBackend"], result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert {"level": "WARNING", "logger": "pathway.views", "message": "Shown as json"}.items() <= (
        lines[-1].items()
    )


def test_plain_text_is_the_default(settings):
    if os.environ.get("LOG_FORMAT"):
        pytest.skip("LOG_FORMAT is set for this run")
    assert settings.LOG_FORMAT == "plain" and not settings.LOG_REQUESTS
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["context"]
