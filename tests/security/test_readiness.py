"""/readyz/ for a load balancer: 200 when the database (and a configured broker) answer, 503
when either does not; JSON with no child data, no sign-in, and not held up by two-factor."""

import time

import pytest
from django.db import connections
from django.test import Client

from earlyyears import views

pytestmark = pytest.mark.django_db


def broken_database():
    """A real connection to a database that cannot be reached."""
    default = connections["default"]
    settings_dict = dict(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-folder/nothing-here/db.sqlite3"
    else:
        settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"})
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    return type(default)(settings_dict, alias="readiness-test")


def test_ready_when_the_database_answers(settings):
    response = Client().get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    expected = "not configured" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert body["broker"] == expected
    assert set(body) == {"status", "database", "broker", "queue"}  # queue: issue 28
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_not_ready_when_the_database_does_not_answer(monkeypatch):
    monkeypatch.setattr(views, "readiness_database", broken_database)
    response = Client().get("/readyz/")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["status"] == "unavailable"


def test_not_ready_when_a_configured_broker_is_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    response = Client().get("/readyz/")
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    body = response.json()
    assert {key: body[key] for key in ("status", "database", "broker")} == {
        "status": "unavailable",
        "database": "ok",
        "broker": "error",
    }


def test_ready_with_a_broker_that_answers(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://localhost/"
    response = Client().get("/readyz/")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_reachable_before_the_second_step(world):
    client = Client()
    client.post("/sign-in/", {"username": "prac.a", "password": "correct-horse-battery-staple"})
    assert client.get("/children/").status_code == 302
    assert client.get("/readyz/").status_code == 200
    assert client.get("/healthz/").status_code == 200
