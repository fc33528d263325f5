"""Capturing the service's logs as JSON lines, and scanning them for a child's personal data."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re

from earlyyears.logs import ContextFilter, JsonFormatter

# The service's own loggers (and the libraries that log about requests and sign-ins), captured
# at DEBUG: a scan at INFO would miss what a developer turns on to chase a problem.
APP_LOGGERS = (
    "earlyyears",
    "pathway",
    "training",
    "cms",
    "dataprotection",
    "django.request",
    "django.security",
    "axes",
    "celery",
)


@contextlib.contextmanager
def json_logs(level: int = logging.DEBUG):
    """Every line the app loggers write while open, formatted as under LOG_FORMAT=json; yields
    the list the lines are appended to (read it after the block)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.setLevel(level)
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in APP_LOGGERS}
    lines: list[str] = []
    root.addHandler(handler)
    for name in APP_LOGGERS:
        logging.getLogger(name).setLevel(level)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        for name, old in saved.items():
            logging.getLogger(name).setLevel(old)
        lines.extend(line for line in stream.getvalue().splitlines() if line)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_forms(number: str) -> list[str]:
    """A UK mobile as it may be written: +447700900123, 07700900123, 07700 900123, 07700 900 123."""
    digits = _digits(number)
    national = "0" + digits[2:] if digits.startswith("44") else digits
    return [
        f"+44{national[1:]}",
        f"44{national[1:]}",
        national,
        f"{national[:5]} {national[5:]}",
        f"{national[:5]} {national[5:8]} {national[8:]}",
    ]


def date_forms(date) -> list[str]:
    return [
        date.isoformat(),
        f"{date:%d/%m/%Y}",
        f"{date.day}/{date.month}/{date.year}",
        f"{date.day} {date:%B %Y}",
        f"{date:%d %B %Y}",
        f"{date.day} {date:%b %Y}",
        f"{date:%Y%m%d}",
    ]


def needles_for(child, contacts=(), free_text=()) -> dict[str, list[str]]:
    """What must never be in a log line about this child, in every form it may take."""
    needles: dict[str, list[str]] = {
        "child's name": [
            child.first_name,
            child.last_name,
            f"{child.first_name} {child.last_name}",
        ],
        "date of birth": date_forms(child.date_of_birth),
        "postcode": [child.postcode, child.postcode.replace(" ", "")],
        "free text about the child": [text for text in free_text if text],
    }
    if child.nhs_number:
        nhs = _digits(child.nhs_number)
        needles["NHS number"] = [nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"]
    for contact in contacts:
        needles.setdefault("family's name", []).append(contact.name)
        if contact.mobile_phone:
            needles.setdefault("family's phone", []).extend(phone_forms(contact.mobile_phone))
        if contact.email:
            needles.setdefault("family's email", []).append(contact.email)
        for line in (contact.address or "").splitlines():
            if line.strip():
                needles.setdefault("family's address", []).append(line.strip())
    return {label: [n for n in found if n and n.strip()] for label, found in needles.items()}


def _pattern(needle: str) -> re.Pattern:
    """Case-insensitive; a word must stand alone (a name inside a longer word is not it)."""
    body = re.escape(needle)
    start = r"(?<![\w])" if needle[:1].isalnum() else ""
    end = r"(?![\w])" if needle[-1:].isalnum() else ""
    return re.compile(start + body + end, re.IGNORECASE)


def personal_data_in(lines, needles: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(what, the value found, the line) for every needle in every line; the JSON escapes are
    undone first, so a value written as \\u00e9 or with an escaped quote is still found."""
    found = []
    compiled = [
        (label, needle, _pattern(needle)) for label, values in needles.items() for needle in values
    ]
    for line in lines:
        try:
            text = json.dumps(json.loads(line), ensure_ascii=False)
        except ValueError:
            text = line
        candidates = {line, text, text.replace('\\"', '"')}
        for label, needle, pattern in compiled:
            if any(pattern.search(candidate) for candidate in candidates):
                found.append((label, needle, line))
    return found
