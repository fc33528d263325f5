"""Logs: one JSON object a line (LOG_FORMAT=json), never personal data.

Each line carries the request id (taken from a well-formed incoming `X-Request-ID`, otherwise made
here, and returned on the response), the signed-in user's id and role (never their name), and in
a Celery task its id and name. What a line may say is kept to identifiers: the request line names
the path without its query string (search boxes put names in `?q=`) and with any token in it
hidden; messages and tracebacks have email addresses, long numbers (phone and NHS numbers) and
postcodes masked as a second line of defence, and a database error's DETAIL (which quotes the
values of a row) is left out. docs/deploying.md describes the fields.

Standard library only: `ContextFilter` puts the context on each record (add it to the handler),
`JsonFormatter` writes the line, `RequestLogMiddleware` (first in MIDDLEWARE) sets the context
and logs one line a request when LOG_REQUESTS is on. Importing this module connects Celery's task
signals, and LOGGING names it, so every process that logs has them.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import time
import traceback
import uuid
from contextvars import ContextVar
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.core.mail.backends.base import BaseEmailBackend

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and . _ : - only, 8 to 128 of them (a UUID, a load balancer's trace id).
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

_request_id: ContextVar[str | None] = ContextVar("log_request_id", default=None)
_user: ContextVar[tuple[int, str] | None] = ContextVar("log_user", default=None)
_task: ContextVar[tuple[str, str] | None] = ContextVar("log_task", default=None)

request_logger = logging.getLogger("earlyyears.requests")
email_logger = logging.getLogger("earlyyears.email")


# The context --------------------------------------------------------------------------------


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """The incoming id if it is well formed, else a new one."""
    if header and WELL_FORMED_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def note_user(user) -> None:
    """Records who is signed in for the lines that follow: their id and role only."""
    if user is not None and getattr(user, "is_authenticated", False):
        _user.set((user.pk, str(getattr(user, "role", "") or "")))
    else:
        _user.set(None)


def clear_request_context(**_kwargs) -> None:
    _request_id.set(None)
    _user.set(None)


@task_prerun.connect(weak=False, dispatch_uid="earlyyears.logs.task_started")
def _task_started(task_id=None, task=None, **_kwargs) -> None:
    _task.set((str(task_id or ""), getattr(task, "name", "") or ""))


@task_postrun.connect(weak=False, dispatch_uid="earlyyears.logs.task_finished")
def _task_finished(**_kwargs) -> None:
    _task.set(None)


class ContextFilter(logging.Filter):
    """Puts the request id, user and task on every record (for any format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        user = _user.get()
        record.user_id, record.user_role = user if user else (None, None)
        task = _task.get()
        record.task_id, record.task_name = task if task else (None, None)
        return True


# What a line may say -------------------------------------------------------------------------

# Masked in every message and traceback: a second line of defence, not the guarantee (that is
# that nothing logs personal data; tests/production/test_log_scan.py checks a whole journey).
_MASKS = (
    (re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "[email]"),
    # Ten or more digits, with single spaces between groups: phone and NHS numbers.
    (re.compile(r"(?<![\w.])\+?\d(?: ?\d){9,}(?![\w.])"), "[number]"),
    # A UK postcode as the service stores them (upper case, with or without the space).
    (re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b"), "[postcode]"),
)
# A database error's DETAIL line quotes the row (`Key (nhs_number)=(...)`).
_DETAIL = re.compile(r"^\s*DETAIL:.*$", re.MULTILINE)
# A path segment that looks like a random token (an invitation link's): 32 or more URL-safe
# characters mixing upper and lower case and digits. Ids, UUIDs (lower-case hex), slugs and file
# names (with a dot) never do.
_TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=/|$|\s|\?)")
# URL parameters whose values are secrets, hidden in the request line by name.
SECRET_URL_PARAMETERS = re.compile(r"token|uidb64|secret|key", re.IGNORECASE)


def _looks_like_a_token(text: str) -> bool:
    return (
        any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
    )


def _hide_tokens(text: str) -> str:
    return _TOKEN_SEGMENT.sub(
        lambda match: "[token]" if _looks_like_a_token(match.group(0)) else match.group(0), text
    )


def mask(text: str) -> str:
    text = _DETAIL.sub("  DETAIL: (left out of the log)", text)
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return _hide_tokens(text)


def loggable_path(path: str, resolver_match=None) -> str:
    """The path without its query string, with tokens hidden: the values of the URL's secret
    parameters (when the URL resolved) and any segment that looks like one."""
    path = path.split("?", 1)[0]
    for name, value in (getattr(resolver_match, "kwargs", None) or {}).items():
        if SECRET_URL_PARAMETERS.search(name) and isinstance(value, str) and value:
            path = path.replace(f"/{value}/", "/[token]/")
    return _hide_tokens(path)


# Only these attributes of a record become fields (never the request object, never arbitrary
# `extra`): anything else a caller passes stays out of the line.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, then the context."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for field in ("request_id", "user_id", "user_role", "task_id", "task_name"):
            value = getattr(record, field, None)
            if value not in (None, ""):
                line[field] = value
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = loggable_path(value) if field == "path" else value
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = mask("".join(traceback.format_exception(*record.exc_info)))
        elif record.exc_text:
            line["exception"] = mask(record.exc_text)
        if record.stack_info:
            line["stack"] = mask(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


# Requests ------------------------------------------------------------------------------------


class RequestLogMiddleware:
    """First in MIDDLEWARE: sets the request id (and returns it), notes the signed-in user for
    the lines the request logs, and with LOG_REQUESTS logs one line when the response is ready
    (method, path without the query string, status, time taken). The context is cleared when
    the response is closed (`request_finished`), after Django's own `django.request` line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        _request_id.set(request_id)
        _user.set(None)
        started = time.monotonic()
        response = self.get_response(request)
        user = request.__dict__.get("user")
        if user is not None and not _is_unevaluated(user):
            note_user(user)  # signed in (or out) during this request
        response[REQUEST_ID_HEADER] = request_id
        if settings.LOG_REQUESTS:
            path = loggable_path(request.path, getattr(request, "resolver_match", None))
            request_logger.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Runs after every middleware has seen the request: the user is known."""
        note_user(getattr(request, "user", None))


def _is_unevaluated(user) -> bool:
    """A lazy user nobody has read yet: reading it here would cost a query for nothing."""
    from django.utils.functional import empty

    return getattr(user, "_wrapped", None) is empty


def _connect_request_finished() -> None:
    from django.core.signals import request_finished

    request_finished.connect(
        clear_request_context, weak=False, dispatch_uid="earlyyears.logs.clear_request_context"
    )


_connect_request_finished()


# Libraries' own log lines --------------------------------------------------------------------


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """django-axes's description of a client in its log lines: the address and the path, never
    the username typed (a person's name, or someone else's)."""
    return json.dumps({"ip_address": ip_address, "path": loggable_path(path_info or "")})


class EmailNotSentBackend(BaseEmailBackend):
    """Email with no SMTP host under JSON logs (`make serve` without EMAIL_HOST): nothing is sent
    and the log says only that, never the address, subject or text (the console backend would
    print them into the log stream)."""

    def send_messages(self, messages) -> int:
        messages = list(messages or [])
        if messages:
            email_logger.info(
                "%d email(s) not sent: EMAIL_HOST is not set (the outbox keeps the text)",
                len(messages),
            )
        return len(messages)
