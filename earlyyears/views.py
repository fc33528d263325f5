from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from kombu import Connection

from . import security
from .forms import SignInForm
from .monitoring.selectors import queue_state
from .navigation import tasks_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "earlyyears/start.html", {"page_title": "Home"})
    return render(
        request,
        "earlyyears/home.html",
        {"page_title": "Home", "tasks": tasks_for(request.user)},
    )


class SignInView(auth_views.LoginView):
    """The first step: username and password (django-axes counts failures). Users who need
    two-factor authentication, or have turned it on, go on to enter a code or set up an app."""

    form_class = SignInForm
    template_name = "registration/sign_in.html"
    redirect_authenticated_user = True
    extra_context = {"page_title": "Sign in"}

    def form_valid(self, form: SignInForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        enrolled = security.has_confirmed_device(user)
        self.request.session[security.ENROLLED_KEY] = enrolled
        security.note_activity(self.request.session)
        if enrolled or security.two_factor_required(user):
            return redirect(security.second_step_url(user, self.get_success_url()))
        return response


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "earlyyears/privacy.html", {"page_title": "Privacy notice"})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request, "earlyyears/accessibility.html", {"page_title": "Accessibility statement"}
    )


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for a load balancer: 200 only when the database answers (/readyz/ also checks
    the broker)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception:  # noqa: BLE001 - any failure means not ready
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)


def readiness_database() -> BaseDatabaseWrapper:
    """The connection /readyz/ checks (a function, so a test can hand it a broken one)."""
    return connections[DEFAULT_DB_ALIAS]


def database_ready() -> bool:
    try:
        with readiness_database().cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False
    return True


def broker_status() -> str:
    """The broker's state: ok, error, or "not configured" when Celery runs tasks in-process."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"
    timeout = settings.READINESS_BROKER_TIMEOUT_SECONDS
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=timeout,
            transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout},
        ) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=timeout
            )
    except Exception:  # noqa: BLE001 - any failure means not ready
        return "error"
    return "ok"


@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: 200 when the database (and the broker, when one is
    configured) answer, 503 otherwise. No child data and no sign-in."""
    database = "ok" if database_ready() else "error"
    broker = broker_status()
    ready = database == "ok" and broker != "error"
    answer = {"status": "ok" if ready else "unavailable", "database": database, "broker": broker}
    if database == "ok":
        answer["queue"] = queue_state()  # outbox depth and oldest pending message (issue 28)
    return JsonResponse(answer, status=200 if ready else 503)
