"""A local stand-in for Twilio's REST API, for the real Twilio SDK to talk to.

It listens on 127.0.0.1 (a random port) and implements what the outbox uses:

- POST /2010-04-01/Accounts/{AccountSid}/Messages.json: create a message (form encoded, as the SDK
  sends it); answers 201 with Twilio's message JSON (a unique "SM" + 32 hex sid, status queued);
- GET  /2010-04-01/Accounts/{AccountSid}/Messages.json: list messages, newest first, filtered by
  `To`, `From`, `DateSent`, `DateSent<` and `DateSent>` (as the SDK sends them), paged with
  `PageSize`/`Page` in Twilio's paging JSON ({"messages": [...], "next_page_uri": ..., ...});
- GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json: one message.

Requests must carry the account's HTTP basic credentials, as the SDK sends them.

A test scripts what the next create (or list) requests meet, in order; once the script is used up
every request succeeds:

    fake_twilio.script(rate_limited(), succeed())   # 429, then accepted
    fake_twilio.script(server_error(accepted=True))  # accepted, but answered 500
    fake_twilio.script(timeout(accepted=True))        # accepted, never answered in time
    fake_twilio.script(invalid_number())              # 400 with Twilio error 21211
    fake_twilio.script(unsubscribed_recipient())      # 400 with Twilio error 21610 (STOP)

`accepted` holds every message the fake accepted (what Twilio would actually send).
"""

from __future__ import annotations

import base64
import datetime
import json
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
FROM_NUMBER = "+447700900000"
WEBHOOK_BASE_URL = "https://early-years.example.gov.uk"
API_VERSION = "2010-04-01"


@dataclass(frozen=True)
class Behaviour:
    """What one request meets. `accept` records the message as accepted (Twilio will send it)
    whatever the answer; `hang` sleeps that long before answering (a timeout for the client)."""

    status: int = 201
    accept: bool = True
    hang: float | None = None
    code: int | None = None
    message: str = ""


def succeed() -> Behaviour:
    return Behaviour()


def rate_limited() -> Behaviour:
    return Behaviour(429, accept=False, code=20429, message="Too Many Requests")


def server_error(accepted: bool = False) -> Behaviour:
    return Behaviour(500, accept=accepted, code=20500, message="Internal Server Error")


def timeout(accepted: bool = False, seconds: float | None = None) -> Behaviour:
    """Sleep longer than the client waits (the fake's `hang_seconds` unless given)."""
    return Behaviour(201, accept=accepted, hang=seconds if seconds is not None else -1.0)


def invalid_number() -> Behaviour:
    return Behaviour(
        400, accept=False, code=21211, message="The 'To' number is not a valid phone number."
    )


def unsubscribed_recipient() -> Behaviour:
    """The number replied STOP to our sender, so Twilio refuses to text it."""
    return Behaviour(
        400, accept=False, code=21610, message="Attempt to send to unsubscribed recipient"
    )


def _rfc2822(moment: datetime.datetime) -> str:
    return format_datetime(moment.astimezone(datetime.UTC))


def _parse_date_filter(value: str) -> datetime.datetime | datetime.date:
    value = value.strip()
    if "T" in value:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return datetime.date.fromisoformat(value)


def _compare(sent: datetime.datetime, bound: datetime.datetime | datetime.date) -> int:
    left: Any = sent if isinstance(bound, datetime.datetime) else sent.date()
    return (left > bound) - (left < bound)


class FakeTwilio:
    def __init__(
        self,
        account_sid: str = ACCOUNT_SID,
        auth_token: str = AUTH_TOKEN,
        hang_seconds: float = 2.0,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.hang_seconds = hang_seconds  # how long a scripted timeout sleeps
        self.latency = 0.0  # seconds every create request takes (for load tests)
        self.accepted: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._create_script: deque[Behaviour] = deque()
        self._list_script: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(_Handler):
            twilio = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting and inspection ---------------------------------------------------------------

    def script(self, *behaviours: Behaviour) -> None:
        """What the next create requests meet, in order."""
        with self._lock:
            self._create_script.extend(behaviours)

    def script_list(self, *behaviours: Behaviour) -> None:
        """What the next list requests meet (only status and hang apply)."""
        with self._lock:
            self._list_script.extend(behaviours)

    def bodies(self) -> list[str]:
        with self._lock:
            return [message["body"] for message in self.accepted]

    def count_by_body(self) -> Counter:
        return Counter(self.bodies())

    def sid_for(self, body: str) -> str:
        with self._lock:
            (sid,) = [m["sid"] for m in self.accepted if m["body"] == body]
        return sid

    def create_requests(self) -> list[dict[str, str]]:
        with self._lock:
            return [p for method, path, p in self.requests if method == "POST"]

    def list_requests(self) -> list[dict[str, str]]:
        with self._lock:
            return [
                p for method, path, p in self.requests if method == "GET" and "/Messages." in path
            ]

    def wait_for(self, count: int, seconds: float = 30.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.accepted) >= count:
                return True
            time.sleep(0.05)
        return len(self.accepted) >= count

    # -- the API ----------------------------------------------------------------------------------

    def _next(self, script: deque[Behaviour]) -> Behaviour:
        with self._lock:
            return script.popleft() if script else Behaviour()

    def _resource(self, message: dict[str, Any]) -> dict[str, Any]:
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{message['sid']}"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": message["body"],
            "date_created": _rfc2822(message["date_created"]),
            "date_sent": _rfc2822(message["date_sent"]) if message["date_sent"] else None,
            "date_updated": _rfc2822(message["date_updated"]),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": message["from"],
            "messaging_service_sid": message["messaging_service_sid"],
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "GBP",
            "sid": message["sid"],
            "status": message["status"],
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": message["to"],
            "uri": f"{base}.json",
        }

    def create(self, params: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        behaviour = self._next(self._create_script)
        if not params.get("To"):
            return 400, _error(21604, "A 'To' phone number is required.", 400), 0.0
        if not (params.get("From") or params.get("MessagingServiceSid")):
            return 400, _error(21603, "A 'From' phone number is required.", 400), 0.0
        if not params.get("Body"):
            return 400, _error(21602, "Message body is required.", 400), 0.0
        now = datetime.datetime.now(datetime.UTC)
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "to": params["To"],
            "from": params.get("From") or None,
            "messaging_service_sid": params.get("MessagingServiceSid") or None,
            "body": params["Body"],
            "status_callback": params.get("StatusCallback", ""),
            "status": "queued",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
        }
        answer = self._resource(message)
        if behaviour.accept:
            # Twilio sends it straight away: listed as sent, with the time it was sent.
            with self._lock:
                self.accepted.append({**message, "status": "sent", "date_sent": now})
        hang = self.hang_seconds if behaviour.hang == -1.0 else (behaviour.hang or 0.0)
        if behaviour.status >= 400:
            return (
                behaviour.status,
                _error(behaviour.code, behaviour.message, behaviour.status),
                hang,
            )
        return behaviour.status, answer, hang

    def list(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        behaviour = self._next(self._list_script)
        hang = self.hang_seconds if behaviour.hang == -1.0 else (behaviour.hang or 0.0)
        if behaviour.status >= 400:
            return (
                behaviour.status,
                _error(behaviour.code, behaviour.message, behaviour.status),
                hang,
            )
        with self._lock:
            found = list(reversed(self.accepted))  # newest first, as Twilio lists them
        if params.get("To"):
            found = [m for m in found if m["to"] == params["To"]]
        if params.get("From"):
            found = [m for m in found if m["from"] == params["From"]]
        for key, keep in (
            ("DateSent>", lambda c: c >= 0),  # "DateSent>=": on or after
            ("DateSent<", lambda c: c <= 0),  # "DateSent<=": on or before
            ("DateSent", lambda c: c == 0),
        ):
            if params.get(key):
                bound = _parse_date_filter(params[key])
                found = [
                    m for m in found if m["date_sent"] and keep(_compare(m["date_sent"], bound))
                ]
        page_size = max(1, min(int(params.get("PageSize") or 50), 1000))
        page = int(params.get("Page") or 0)
        chunk = found[page * page_size : (page + 1) * page_size]
        query = {k: v for k, v in params.items() if k not in {"Page", "PageToken", "PageSize"}}

        def uri(number: int) -> str:
            extra = {"PageSize": page_size, "Page": number}
            if number:
                extra["PageToken"] = f"PA{uuid.uuid4().hex}"
            return f"{path}?{urlencode({**query, **extra})}"

        has_next = (page + 1) * page_size < len(found)
        return (
            200,
            {
                "messages": [self._resource(m) for m in chunk],
                "end": page * page_size + max(len(chunk) - 1, 0),
                "first_page_uri": uri(0),
                "next_page_uri": uri(page + 1) if has_next else None,
                "page": page,
                "page_size": page_size,
                "previous_page_uri": uri(page - 1) if page else None,
                "start": page * page_size,
                "uri": uri(page),
            },
            hang,
        )

    def fetch(self, sid: str) -> tuple[int, dict[str, Any], float]:
        with self._lock:
            found = [m for m in self.accepted if m["sid"] == sid]
        if not found:
            return 404, _error(20404, "The requested resource was not found", 404), 0.0
        return 200, self._resource(found[0]), 0.0


def _error(code: int | None, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code or status,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code or status}",
        "status": status,
    }


class _Handler(BaseHTTPRequestHandler):
    twilio: FakeTwilio
    server_version = "FakeTwilio/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass

    def _authorised(self) -> bool:
        expected = base64.b64encode(
            f"{self.twilio.account_sid}:{self.twilio.auth_token}".encode()
        ).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def _answer(self, status: int, payload: dict[str, Any], hang: float = 0.0) -> None:
        if hang:
            time.sleep(hang)
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a scripted timeout)

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = self.rfile.read(length).decode()
            params.update({k: v[-1] for k, v in parse_qs(form, keep_blank_values=True).items()})
        with self.twilio._lock:
            self.twilio.requests.append((method, parts.path, params))
        if not self._authorised():
            self._answer(401, _error(20003, "Authenticate", 401))
            return
        prefix = f"/{API_VERSION}/Accounts/{self.twilio.account_sid}/Messages"
        if method == "POST" and parts.path == f"{prefix}.json":
            if self.twilio.latency:
                time.sleep(self.twilio.latency)
            self._answer(*self.twilio.create(params))
        elif method == "GET" and parts.path == f"{prefix}.json":
            self._answer(*self.twilio.list(parts.path, params))
        elif (
            method == "GET" and parts.path.startswith(prefix + "/") and parts.path.endswith(".json")
        ):
            self._answer(*self.twilio.fetch(parts.path[len(prefix) + 1 : -len(".json")]))
        else:
            self._answer(404, _error(20404, "The requested resource was not found", 404))

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self._route("POST")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._route("GET")


@pytest.fixture
def fake_twilio(settings, monkeypatch):
    """The fake on a random local port, with the settings pointing the real SDK at it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    fake = FakeTwilio().start()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = fake.account_sid
    settings.TWILIO_AUTH_TOKEN = fake.auth_token
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE_URL = fake.url
    settings.TWILIO_WEBHOOK_BASE_URL = WEBHOOK_BASE_URL
    settings.TWILIO_TIMEOUT_SECONDS = 1.0  # generous for a busy CI machine, short for tests
    fake.hang_seconds = 2.0  # longer than the client waits
    try:
        yield fake
    finally:
        fake.stop()
