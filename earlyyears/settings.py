"""Settings for the early-years SEND pathway.

One module for every environment: each value comes from the environment, with an embedded
default that runs the whole service on a laptop (SQLite, Celery eager, SMS and email to the log).
"""

import datetime
import logging
import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or env_bool("EARLYYEARS_TESTING")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "django-insecure-embedded-default-for-local-use-only-never-in-production"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy or load balancer: switch on every HTTPS protection.
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=False)
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
# Signed out after this long without a request (earlyyears.security.IdleTimeoutMiddleware), with
# a warning this long before (the GOV.UK timeout warning, earlyyears/static/earlyyears/).
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_TIMEOUT_WARNING_SECONDS = int(os.environ.get("SESSION_TIMEOUT_WARNING_SECONDS", "120"))

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere. Wagtail's and
# Django's admin need inline styles and scripts: earlyyears.security relaxes the policy for
# CSP_RELAXED_PATH_PREFIXES only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
CSP_RELAXED_PATH_PREFIXES = ("/admin/", "/django-admin/")
CSP_RELAXED_DIRECTIVES = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)

# Two-factor authentication (django-otp: TOTP apps, with single-use recovery codes). Required
# for every role that sees child data, and for anyone who can use Django's admin (they can
# grant roles); other roles may turn it on and are then asked for a code too.
TWO_FACTOR_REQUIRED_ROLES = (
    "practitioner",
    "portage_worker",
    "send_officer",
    "send_manager",
    "early_help",
    "professional",
    "provider",  # outside staff who change what families read: the second step from day one
)
TWO_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER") or os.environ.get(
    "SERVICE_NAME", "Early years SEND pathway"
)

# Failed sign-ins (django-axes): 5 failures for one username from one address lock that pair for
# 15 minutes, so one attacker cannot lock everyone out. Behind a proxy, set AXES_IPWARE_PROXY_COUNT
# to the number of proxies in front of the app so the client's address is read from
# X-Forwarded-For (django-ipware); without it only REMOTE_ADDR is trusted (never a header a
# client can forge).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "earlyyears.security.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "earlyyears.security.axes_username"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_IPWARE_PROXY_COUNT") or 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Council staff sign in with their organisation's identity provider (OpenID Connect,
# mozilla-django-oidc; issue 28, docs/deploying.md). Off unless the client id and the
# provider's issuer and endpoints are set; local accounts keep working either way.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and OIDC_OP_ISSUER
    and OIDC_OP_AUTHORIZATION_ENDPOINT
    and OIDC_OP_TOKEN_ENDPOINT
    and OIDC_OP_JWKS_ENDPOINT
)
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", default=True)
OIDC_STORE_ID_TOKEN = True  # the sign-out sends it to the provider as id_token_hint
OIDC_CREATE_USER = True
# provider group (its name or object id) = role, comma-separated, most powerful first
OIDC_GROUP_ROLES = os.environ.get("OIDC_GROUP_ROLES", "")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
# amr values that mean the provider asked for a second factor (RFC 8176)
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", "mfa")
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/sign-in/council/refused/"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("earlyyears.oidc.backend.CouncilOIDCBackend")

INSTALLED_APPS = [
    # Our apps first so their templates (GOV.UK styled) win over library defaults.
    "dataprotection",
    "pathway",
    "training",
    "cms",
    "earlyyears",
    "formtools",
    "import_export",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    # wagtail.users with the service's account rules
    "earlyyears.accounts.wagtail_apps.UsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
]

MIDDLEWARE = [
    # First: the request id (and who is signed in) on every log line, one line a request.
    "earlyyears.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "earlyyears.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dataprotection.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "earlyyears.security.IdleTimeoutMiddleware",
    "earlyyears.security.TwoFactorMiddleware",
    "earlyyears.admin_errors.AdminMissingIdMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "earlyyears.urls"
WSGI_APPLICATION = "earlyyears.wsgi.application"
ASGI_APPLICATION = "earlyyears.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "earlyyears.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # PostgreSQL compiles a query to machine code when its estimated cost is high; the access
    # layer's subqueries are estimated over every child, so a one-row lookup paid about a second
    # of compiling. Short, frequent queries gain nothing from it (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit={os.environ.get('POSTGRES_JIT', 'off')}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "earlyyears.User"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static_build"] if (BASE_DIR / "static_build").is_dir() else []
# Files (earlyyears/storage.py; docs/deploying.md, "Files and caches"): every file goes through
# Django's storage API, under two aliases. `default`: Wagtail's images (public by nature, served
# at MEDIA_URL in every mode, from the disk or the store) and documents (streamed by Wagtail's
# view). `private`: child files
# and import files, never given a URL, streamed only through the access layer. The local disk by
# default; an S3-compatible object store when AWS_STORAGE_BUCKET_NAME is set.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Observation photos and documents: never under MEDIA_ROOT, never given a URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
FILES_IN_OBJECT_STORE = bool(AWS_STORAGE_BUCKET_NAME)
if FILES_IN_OBJECT_STORE:
    # Child files in a bucket of their own, or (by default) under a prefix of the same bucket.
    AWS_PRIVATE_STORAGE_BUCKET_NAME = (
        os.environ.get("AWS_PRIVATE_STORAGE_BUCKET_NAME") or AWS_STORAGE_BUCKET_NAME
    )
    AWS_PRIVATE_LOCATION = os.environ.get("AWS_PRIVATE_LOCATION", "private").strip("/")
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # any S3-compatible
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or None  # "path"
    # The access key is read from the environment by boto3 itself (AWS_ACCESS_KEY_ID and
    # AWS_SECRET_ACCESS_KEY), or comes from the machine's role: never kept in settings.
    AWS_S3_SERVER_SIDE_ENCRYPTION = os.environ.get("AWS_S3_SERVER_SIDE_ENCRYPTION", "AES256")
    AWS_S3_SSE_KMS_KEY_ID = os.environ.get("AWS_S3_SSE_KMS_KEY_ID", "")
    # Every object private (the bucket's default): images are public through MEDIA_URL.
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300"))
    AWS_S3_FILE_OVERWRITE = False  # two images called photo.jpg are two files
CONCERN_DRAFT_DAYS = int(os.environ.get("CONCERN_DRAFT_DAYS", "28"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# A photo or short video a family adds to a home observation (issue 22): 50 MB is about a
# minute of phone video.
HOME_OBSERVATION_MAX_BYTES = int(
    os.environ.get("HOME_OBSERVATION_MAX_BYTES", str(50 * 1024 * 1024))
)
STORAGES = {
    "default": (
        {"BACKEND": "earlyyears.objectstore.PublicS3Storage"}
        if FILES_IN_OBJECT_STORE
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "private": (
        {
            "BACKEND": "earlyyears.objectstore.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": AWS_PRIVATE_STORAGE_BUCKET_NAME,
                "location": AWS_PRIVATE_LOCATION,
                "default_acl": "private",
            },
        }
        if FILES_IN_OBJECT_STORE
        else {"BACKEND": "earlyyears.storage.PrivateFileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING

# Caches: Redis, shared by every web process and worker, whenever REDIS_URL is set; otherwise
# this process's memory (the embedded default: one process). Nothing that decides access is
# cached beyond one request (docs/deploying.md, "Files and caches").
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Test runs (one per xdist worker) never read each other's entries.
            "KEY_PREFIX": f"earlyyears-test-{os.getpid()}" if TESTING else "earlyyears",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "early-years-send@example.gov.uk")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Bulk data: the key of the stable pseudonymous child key in referral exports (set it in
# production and keep it), invitation lifetime, and when an import goes to a Celery worker.
EXPORT_PSEUDONYM_KEY = os.environ.get("EXPORT_PSEUDONYM_KEY", "")
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
IMPORT_ASYNC_ROWS = int(os.environ.get("IMPORT_ASYNC_ROWS", "10000"))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
SERVICE_BASE_URL = os.environ.get("SERVICE_BASE_URL", "")

# Audit: how many proxies in front of the app add to X-Forwarded-For (0: use REMOTE_ADDR).
AUDIT_PROXY_COUNT = int(os.environ.get("AUDIT_PROXY_COUNT", "0"))

# The local offer (issue 26): a service not reviewed for this many months is flagged to its
# owners, and this many days later to the council; families' comments allowed an hour from one
# client and from everyone (docs/local-offer-comments.md).
LOCAL_OFFER_REVIEW_MONTHS = int(os.environ.get("LOCAL_OFFER_REVIEW_MONTHS", "12"))
LOCAL_OFFER_REVIEW_COUNCIL_DAYS = int(os.environ.get("LOCAL_OFFER_REVIEW_COUNCIL_DAYS", "28"))
LOCAL_OFFER_COMMENTS_PER_CLIENT = int(os.environ.get("LOCAL_OFFER_COMMENTS_PER_CLIENT", "5"))
LOCAL_OFFER_COMMENTS_PER_HOUR = int(os.environ.get("LOCAL_OFFER_COMMENTS_PER_HOUR", "200"))

# Planning figures: counts from 1 to this number minus one are shown as [c].
PLANNING_SUPPRESSION_THRESHOLD = int(os.environ.get("PLANNING_SUPPRESSION_THRESHOLD", "5"))

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "earlyyears.tasks.sweep_outbox", "schedule": 60},
    "draft-expiry-reminders": {
        "task": "pathway.tasks.remind_drafts_expiring",
        "schedule": 6 * 60 * 60,
    },
    "clock-reminders": {"task": "pathway.tasks.remind_clocks", "schedule": 60 * 60},
    "tac-action-reminders": {"task": "pathway.tasks.remind_tac_actions", "schedule": 60 * 60},
    "ehc-reminders": {"task": "pathway.tasks.remind_ehc_steps", "schedule": 60 * 60},
    "apply-retention": {"task": "dataprotection.tasks.apply_retention", "schedule": 24 * 60 * 60},
    "rebuild-need-figures": {
        "task": "pathway.tasks.rebuild_need_figures",
        "schedule": crontab(hour=2, minute=30),
    },
    "purge-expired-concern-drafts": {
        "task": "pathway.tasks.purge_expired_concern_drafts",
        "schedule": 60 * 60,
    },
    # Other publishers' Open Referral UK feeds (cms.feeds), nightly.
    "local-offer-feeds": {"task": "cms.tasks.pull_feeds", "schedule": crontab(hour=3, minute=15)},
    # Services nobody has reviewed (cms.review), daily.
    "local-offer-review": {
        "task": "cms.tasks.flag_stale_services",
        "schedule": crontab(hour=6, minute=40),
    },
    # Accounts that stay clean (issue 28, earlyyears.access_review): dormant local accounts
    # warned then closed; the SEND manager reminded of the quarter's access review.
    "close-dormant-accounts": {
        "task": "earlyyears.access_review.tasks.close_dormant_accounts",
        "schedule": crontab(hour=5, minute=10),
    },
    "access-review-reminder": {
        "task": "earlyyears.access_review.tasks.remind_access_review",
        "schedule": crontab(hour=7, minute=30),
    },
    # Monitoring (issue 28, earlyyears.monitoring): beat's heartbeat, and the alert checks.
    "monitoring-heartbeat": {"task": "earlyyears.monitoring.tasks.heartbeat", "schedule": 60},
    "monitoring-alerts": {"task": "earlyyears.monitoring.tasks.check_alerts", "schedule": 300},
}
# A local account not signed in for this many days is closed, after an emailed notice this
# many days before (issue 28).
DORMANT_ACCOUNT_DAYS = int(os.environ.get("DORMANT_ACCOUNT_DAYS", "90"))
DORMANT_NOTICE_DAYS = int(os.environ.get("DORMANT_NOTICE_DAYS", "14"))

# Alerts by email when a part of the service stops (issue 28, earlyyears.monitoring.alerts).
ALERT_EMAIL = env_list("ALERT_EMAIL")
ALERT_ENVIRONMENT = os.environ.get("ALERT_ENVIRONMENT") or os.environ.get(
    "SENTRY_ENVIRONMENT", "production"
)
ALERT_REPEAT_MINUTES = int(os.environ.get("ALERT_REPEAT_MINUTES", "60"))
ALERT_OUTBOX_AGE_MINUTES = int(os.environ.get("ALERT_OUTBOX_AGE_MINUTES", "15"))
ALERT_SMS_WINDOW_MINUTES = int(os.environ.get("ALERT_SMS_WINDOW_MINUTES", "60"))
ALERT_SMS_FAILURE_RATE = float(os.environ.get("ALERT_SMS_FAILURE_RATE", "0.2"))
ALERT_SMS_MIN_COUNT = int(os.environ.get("ALERT_SMS_MIN_COUNT", "5"))
ALERT_BEAT_MINUTES = int(os.environ.get("ALERT_BEAT_MINUTES", "10"))
ALERT_WORKER_PING_SECONDS = float(os.environ.get("ALERT_WORKER_PING_SECONDS", "2"))
ALERT_CLOCK_WINDOW_MINUTES = int(os.environ.get("ALERT_CLOCK_WINDOW_MINUTES", str(24 * 60)))
ALERT_CLOCK_TEMPLATES = env_list(
    "ALERT_CLOCK_TEMPLATES", "clock_due_soon_staff,clock_overdue_staff"
)
# Must exceed the longest countdown/ETA we schedule, or Redis redelivers tasks twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60, "socket_connect_timeout": 3}
# Publishing from a request gives up fast when the broker is down: the outbox row stays pending
# and the sweep sends it later, so a broker outage never hangs a page.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# /readyz/ gives up on the broker after this long and reports it as down.
READINESS_BROKER_TIMEOUT_SECONDS = float(os.environ.get("READINESS_BROKER_TIMEOUT_SECONDS", "2"))
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}

# SMS through Twilio when credentials are set; otherwise to the log.
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
SMS_BACKEND = "twilio" if TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN else "log"
# The public https origin Twilio calls back (status and inbound webhooks): signatures are checked
# against exactly this URL, whatever proxies sit in between.
TWILIO_WEBHOOK_BASE_URL = os.environ.get("TWILIO_WEBHOOK_BASE_URL", "")
TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")  # e.g. an edge or a test double
TWILIO_TIMEOUT_SECONDS = float(os.environ.get("TWILIO_TIMEOUT_SECONDS", "10"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "30"))
# A message claimed by a worker that then vanished is checked after this long.
OUTBOX_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("OUTBOX_CLAIM_TIMEOUT_SECONDS", "300"))

SERVICE_NAME = os.environ.get("SERVICE_NAME", "Early years SEND pathway")
# The number families call (issue 21): on every family page, text and interpreter line.
SEND_TEAM_PHONE = os.environ.get("SEND_TEAM_PHONE", "0300 123 4567")
AUTHORITY_NAME = os.environ.get("AUTHORITY_NAME", "Westmoor County Council")
# The council's 3-digit DfE local authority number, for the SEN2 return (docs/sen2.md).
LA_NUMBER = os.environ.get("LA_NUMBER", "")

WAGTAIL_SITE_NAME = SERVICE_NAME
# Links in Wagtail's emails: the service's own origin (make run sets SERVICE_BASE_URL from HOST
# and PORT) unless Wagtail's admin has an origin of its own.
WAGTAILADMIN_BASE_URL = (
    os.environ.get("WAGTAILADMIN_BASE_URL") or SERVICE_BASE_URL or "http://127.0.0.1:8000"
)
# Wagtail's admin calls nothing outside the service: no update check, no Gravatar (both would
# break the Content-Security-Policy and tell third parties who uses the admin).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No administrator sets a password in Wagtail's user admin: people set their own from a link
# (earlyyears.accounts).
WAGTAILUSERS_PASSWORD_ENABLED = False
# Nor does anyone reset their own: the service's sign-in page says to ask the service
# administrator, who sends a link. Wagtail's sign-in page offers no "Forgotten password?".
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Search of the local offer: the database by default; OpenSearch or Elasticsearch by setting
# SEARCH_URL (and SEARCH_BACKEND, e.g. wagtail.search.backends.elasticsearch8), then
# `manage.py update_index`.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if os.environ.get("SEARCH_URL"):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": os.environ.get("SEARCH_BACKEND", "wagtail.search.backends.opensearch3"),
            "URLS": [os.environ["SEARCH_URL"]],
            "INDEX": os.environ.get("SEARCH_INDEX", "earlyyears"),
        }
    }
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "rtf", "txt", "xlsx", "odt"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.DocumentForm"  # content must match the extension
# Documents are always streamed by Wagtail's view (its privacy checks first), never a redirect to
# the store: in an object store they stay private objects.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.ImageForm"  # a file that cannot be read is refused

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# django-import-export's admin keeps a file between preview and confirmation: in the private
# store, shared by every web process (never a local temporary folder).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "earlyyears.storage.ImportTemporaryStorage"

# Logs (earlyyears/logs.py, docs/deploying.md): plain text by default (`make run`, tests);
# LOG_FORMAT=json (the default under `make serve`) writes one JSON object a line with the request
# id, the signed-in user's id and role and a Celery task's id, and never personal data.
LOG_FORMAT = "json" if os.environ.get("LOG_FORMAT", "").strip().lower() == "json" else "plain"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
# One line a request (method, path without its query string, status, time taken).
LOG_REQUESTS = env_bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
# A Celery worker leaves the root logger to LOGGING, so its lines have the same format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# django-axes describes a client by the address and path, never the username typed.
AXES_CLIENT_STR_CALLABLE = "earlyyears.logs.axes_client_str"
if LOG_FORMAT == "json" and not EMAIL_HOST:
    # The console backend would print each email (address, text) into the log stream.
    EMAIL_BACKEND = "earlyyears.logs.EmailNotSentBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "earlyyears.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "earlyyears.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Held at WARNING whatever LOG_LEVEL says, because below it they write personal data.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},  # SQL with its parameters
        "celery.app.trace": {"level": "WARNING"},  # a task's return value
        "twilio.http_client": {"level": "WARNING"},  # request parameters: phone numbers
        "import_export": {"level": "WARNING"},  # the cell values a row was refused for
        # Python's warnings, routed through logging under JSON (below), by our handler.
        "py.warnings": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Under JSON every line a process writes is JSON: Python's warnings too (printed as bare text
# otherwise, such as whitenoise's when static files are not collected yet).
logging.captureWarnings(LOG_FORMAT == "json")

# The error reporter (Sentry SDK), only when SENTRY_DSN is set (issue 28).
from earlyyears.monitoring.errors import configure as configure_error_reporting  # noqa: E402

configure_error_reporting()
