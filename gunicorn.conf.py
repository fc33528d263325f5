"""gunicorn's settings for the web process. gunicorn reads ./gunicorn.conf.py by itself, so these
hold however it is started from this folder (`gunicorn earlyyears.wsgi`, the Procfile, a
container's command). Everything comes from the environment; docs/deploying.md lists it.

- Workers: WEB_CONCURRENCY (default 2), each with WEB_THREADS threads (default 1); a request
  taking longer than WEB_TIMEOUT seconds (default 30) restarts its worker.
- Address: HOST and PORT (default 127.0.0.1:8000; in a container, HOST=0.0.0.0).
- Refuses to start with DEBUG on or the embedded secret key (earlyyears.serving), before it
  listens.
- No access log of gunicorn's own: it would write each request's query string, where search
  boxes put names. The service logs one line a request itself (earlyyears.logs), without it.
- LOG_FORMAT=json: gunicorn's own lines are JSON too, like the service's.
"""

import os

wsgi_app = "earlyyears.wsgi:application"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
threads = int(os.environ.get("WEB_THREADS") or 1)
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = 20
# Restart each worker now and then, so a slow leak never builds up.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10
accesslog = None
# gunicorn's control socket (a fixed path in the home folder, shared by every gunicorn on the
# machine): not used here.
control_socket_disable = True
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "earlyyears.logs.ContextFilter"}},
        "formatters": {"json": {"()": "earlyyears.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["context"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "WARNING", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["console"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def on_starting(server):
    """Before gunicorn listens: refuse with DEBUG on or the embedded secret key."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyyears.settings")
    from earlyyears.serving import refuse_unsafe_start

    refuse_unsafe_start()


def post_worker_init(worker):
    """Load what the first request of each worker would otherwise wait for: the bank holidays
    the referral clocks count working days with (about 0.8 s to load the first time)."""
    import datetime

    from pathway.clocks import bank_holidays

    this_year = datetime.date.today().year
    for year in (this_year - 1, this_year, this_year + 1):
        bank_holidays(year)
