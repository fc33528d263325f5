"""Monitoring (issue 28): each alert fires when its condition is caused, is emailed once (then
only every ALERT_REPEAT_MINUTES), and clears; /readyz/ reports the queue; the error reporter
sends errors to a Sentry endpoint without personal data."""

from __future__ import annotations

import datetime
import http.server
import io
import threading
import zlib

import pytest
import sentry_sdk
from django.core import mail
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from earlyyears.models import Alert, Heartbeat, OutboxMessage
from earlyyears.monitoring import alerts, errors
from earlyyears.monitoring.tasks import heartbeat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)
S = OutboxMessage.Status


@pytest.fixture(autouse=True)
def alert_settings(settings):
    settings.ALERT_EMAIL = ["oncall@council.example"]
    settings.ALERT_ENVIRONMENT = "test"
    settings.ALERT_REPEAT_MINUTES = 60
    settings.ALERT_OUTBOX_AGE_MINUTES = 15
    settings.ALERT_SMS_MIN_COUNT = 5
    settings.ALERT_SMS_FAILURE_RATE = 0.2
    return settings


def _message(n: int, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        idempotency_key=f"monitor-test:{n}",
        channel=fields.pop("channel", OutboxMessage.Channel.SMS),
        template=fields.pop("template", "any"),
        **fields,
    )


def test_outbox_backlog_alerts_once_repeats_hourly_and_clears():
    now = timezone.now()
    stuck = _message(1, status=S.PENDING, created_at=now - 20 * MINUTE)
    _message(2, status=S.PENDING, created_at=now - 2 * MINUTE)  # young: not counted
    alerts.record(alerts.outbox_backlog(now), now)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["oncall@council.example"]
    assert sent.subject.endswith("Messages waiting too long") and "[" in sent.subject
    assert "1 message waiting more than 15 minutes" in sent.body
    for minutes in (5, 10, 30):  # the checks every few minutes: no storm
        later = now + minutes * MINUTE
        alerts.record(alerts.outbox_backlog(later), later)
    assert len(mail.outbox) == 1
    later = now + 61 * MINUTE
    alerts.record(alerts.outbox_backlog(later), later)
    assert len(mail.outbox) == 2
    OutboxMessage.objects.filter(pk=stuck.pk).update(status=S.SENT)
    OutboxMessage.objects.filter(idempotency_key="monitor-test:2").update(status=S.SENT)
    alerts.record(alerts.outbox_backlog(later), later)
    assert mail.outbox[-1].subject.endswith("Cleared: Messages waiting too long")
    assert Alert.objects.get().resolved_at == later


def test_texts_failing_above_the_rate_alert():
    now = timezone.now()
    for n in range(3):
        _message(n, status=S.DELIVERED, status_updated_at=now - MINUTE)
    for n in range(3, 5):
        _message(n, status=S.FAILED, status_updated_at=now - MINUTE)
    finding = alerts.sms_failures(now)
    assert "2 of the last 5 texts failed" in finding.detail
    alerts.record(finding, now)
    assert "Texts failing" in mail.outbox[0].subject


def test_texts_failing_below_the_rate_or_too_few_do_not_alert():
    now = timezone.now()
    _message(1, status=S.FAILED, status_updated_at=now)
    assert alerts.sms_failures(now).detail == ""  # one of one: too few to judge
    for n in range(2, 11):
        _message(n, status=S.DELIVERED, status_updated_at=now)
    assert alerts.sms_failures(now).detail == ""  # 1 in 10


def test_beat_not_running_alerts_and_its_heartbeat_clears_it(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    now = timezone.now()
    Heartbeat.objects.create(name=alerts.BEAT, at=now - 30 * MINUTE)
    alerts.record(alerts.beat_stopped(now), now)
    assert "have not run since 30 minutes ago" in mail.outbox[0].body
    heartbeat()
    alerts.record(alerts.beat_stopped(timezone.now()), timezone.now())
    assert "Cleared" in mail.outbox[-1].subject


def test_a_missing_worker_alerts(settings):
    """A real broker (Redis, this test's own database number) with no worker consuming."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/10"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("No Redis on 127.0.0.1:6379")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    settings.ALERT_WORKER_PING_SECONDS = 0.5
    now = timezone.now()
    alerts.record(alerts.worker_missing(now), now)
    assert "No Celery worker answered" in mail.outbox[0].body


def test_a_clock_reminder_that_could_not_be_sent_alerts():
    officer = UserFactory(email="")
    _message(
        1,
        channel=OutboxMessage.Channel.EMAIL,
        template="clock_overdue_staff",
        to_user=officer,
        status=S.SUPPRESSED,
        failure_reason="No email address",
    )
    now = timezone.now()
    alerts.record(alerts.clock_reminders_not_sent(now), now)
    assert "1 reminder of a statutory clock could not be sent" in mail.outbox[0].body


def test_check_alerts_command_exits_non_zero_while_an_alert_is_open():
    _message(1, status=S.PENDING, created_at=timezone.now() - 60 * MINUTE)
    out = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("check_alerts", stdout=out)
    assert stopped.value.code == 1
    assert "Messages waiting too long" in out.getvalue()


def test_readyz_reports_queue_depth_and_the_oldest_pending_message(client):
    _message(1, status=S.PENDING, created_at=timezone.now() - 5 * MINUTE)
    _message(2, status=S.PENDING)
    _message(3, status=S.SENT)
    answer = client.get("/readyz/").json()
    assert answer["queue"]["pending_messages"] == 2
    assert 290 <= answer["queue"]["oldest_pending_seconds"] <= 400
    assert answer["queue"]["oldest_pending_message"]


# The error reporter -------------------------------------------------------------------------


class _Collector(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _boom(request):
    child_name = request.GET["q"]  # noqa: F841 - a local variable that must not be sent
    raise RuntimeError("the planning figures could not be read")


def _urls():
    from earlyyears.urls import urlpatterns as service

    return [path("boom/", _boom), *service]


urlpatterns = _urls()


def test_off_by_default():
    assert errors.configure(dsn="") is False


def test_errors_reach_the_reporter_without_personal_data(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Collector.received = []
    try:
        assert errors.configure(dsn=f"http://publickey@127.0.0.1:{server.server_port}/1")
        from django.test import Client

        Client(raise_request_exception=False).get(
            "/boom/?q=Alexandra+Secretname", HTTP_COOKIE="sessionid=abc"
        )
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)
        server.shutdown()
    sent = b"".join(_Collector.received)
    assert b"the planning figures could not be read" in sent
    assert b"RuntimeError" in sent
    assert b"Secretname" not in sent and b"sessionid" not in sent
    assert HttpResponse  # the reporter leaves responses alone
