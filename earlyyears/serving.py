"""What must hold before the service serves anyone: the refusal check.

gunicorn runs it as it starts (`on_starting` in gunicorn.conf.py, which gunicorn reads from the
working folder however it is started) and so does the release step (`manage.py release`). It
refuses, with a plain message saying what to set, to start with DEBUG on or with the embedded
(or any weak) secret key. `make run` never gets here: it uses Django's development server.
"""

from __future__ import annotations

from django.conf import settings

# Django's own test for a weak key (check --deploy, security.W009): a "django-insecure" prefix,
# fewer than 50 characters or fewer than 5 different ones.
INSECURE_PREFIX = "django-insecure"
MIN_LENGTH = 50
MIN_UNIQUE = 5
HOW_TO_MAKE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def refusals() -> list[str]:
    """Why the service must not start, one plain sentence each; empty when it may."""
    reasons = []
    if settings.DEBUG:
        reasons.append(
            "DEBUG is on. It shows code and settings to anyone who causes an error: unset DEBUG "
            "or set DEBUG=false."
        )
    key = str(settings.SECRET_KEY or "")
    if key.startswith(INSECURE_PREFIX) or len(key) < MIN_LENGTH or len(set(key)) < MIN_UNIQUE:
        reasons.append(
            "SECRET_KEY is the embedded development key (or too short to be safe). Set SECRET_KEY "
            f"to a random value of at least {MIN_LENGTH} characters, kept the same across "
            f"every process and release, for example the output of: {HOW_TO_MAKE_A_KEY}"
        )
    return reasons


def refusal_message(reasons: list[str]) -> str:
    lines = ["Refusing to start the service:"]
    lines += [f"  - {reason}" for reason in reasons]
    lines.append("See docs/deploying.md for every setting.")
    return "\n".join(lines)


def refuse_unsafe_start() -> None:
    """Exits with the message (status 1) when the service must not start."""
    reasons = refusals()
    if reasons:
        raise SystemExit(refusal_message(reasons))
