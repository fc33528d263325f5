"""GOV.UK style in every page, email, text and PDF: '7 August 2026', '8:51am', '1 month',
'4 years, 1 month'. The filters, a scan of every template for date formats that write
otherwise, every message template rendered, and the pages that show dates, reasons and
messages rendered with fixed dates and checked for ISO dates, 'a.m.', '1 months' and codes."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from earlyyears.messaging.services import render
from earlyyears.models import MessageTemplate, OutboxMessage
from earlyyears.templatetags.govuk_style import (
    age,
    govuk_date,
    govuk_datetime,
    govuk_time,
    months,
)
from pathway.models import Referral
from pathway.services import create_referral
from tests.factories import ChildFactory, FamilyContactFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("earlyyears", "pathway", "cms", "training", "dataprotection")
AT = timezone.make_aware(datetime.datetime(2026, 8, 7, 8, 51))

ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
AM_PM = re.compile(r"\b[ap]\.m\.|\d ?[AP]M\b")
ONE_PLURAL = re.compile(r"\b1 (months|years|days|weeks|working days)\b")
LEADING_ZERO = re.compile(r"\b0\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 8, 7), "7 August 2026"),
        (AT, "7 August 2026"),
        (None, ""),
    ],
)
def test_dates(value, expected):
    assert govuk_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.time(8, 51), "8:51am"),
        (datetime.time(12, 0), "12pm"),
        (datetime.time(0, 0), "12am"),
        (datetime.time(12, 5), "12:05pm"),
        (datetime.time(17, 30), "5:30pm"),
    ],
)
def test_times(value, expected):
    assert govuk_time(value) == expected


def test_date_and_time_in_local_time():
    assert govuk_datetime(AT) == "7 August 2026 at 8:51am"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0 months"), (1, "1 month"), (2, "2 months"), (12, "1 year"), (13, "1 year, 1 month"),
     (49, "4 years, 1 month"), (50, "4 years, 2 months"), (24, "2 years")],
)  # fmt: skip
def test_ages_and_months(value, expected):
    assert age(value) == expected
    if value < 12:
        assert months(value) == expected


def _templates():
    for app in APPS:
        for path in (ROOT / app / "templates").rglob("*"):
            if path.suffix in {".html", ".txt"}:
                yield path


def test_no_template_writes_a_date_or_time_another_way():
    """The Django `date` and `time` filters with a format that gives '03 December', 'a.m.',
    'AM', a 24-hour clock or an ISO date; GOV.UK filters instead (exports are not templates)."""
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for fmt in re.findall(r'\|(?:date|time):"([^"]*)"', text):
            if re.search(r"(?<!\\)[aAPHGdm]|Y-", fmt.replace("M", "")):
                problems.append(f"{path.relative_to(ROOT)}: {fmt}")
        if re.search(r"\|time\b(?!:)", text) or "isoformat" in text:
            problems.append(f"{path.relative_to(ROOT)}: bare |time or isoformat")
    allowed = {"dataprotection/templates/dataprotection/audit_search.html: j M Y, H:i:s"}
    assert sorted(set(problems) - allowed) == []


def test_the_scan_would_catch_each_bad_format():
    for fmt in ("j F Y, g:ia", "g:iA", "d F Y", "Y-m-d", "H:i", "P"):
        assert re.search(r"(?<!\\)[aAPHGdm]|Y-", fmt.replace("M", "")), fmt
    for fmt in ("j F Y", "j M Y", "l j F Y", "F Y"):
        assert not re.search(r"(?<!\\)[aAPHGdm]|Y-", fmt.replace("M", "")), fmt


def _clean(text: str) -> None:
    assert not ISO_DATE.search(text), ISO_DATE.search(text).group(0)
    assert not AM_PM.search(text), AM_PM.search(text).group(0)
    assert not ONE_PLURAL.search(text), ONE_PLURAL.search(text).group(0)
    assert not LEADING_ZERO.search(text), LEADING_ZERO.search(text).group(0)


@pytest.mark.django_db
def test_every_message_template_in_every_language_reads_in_govuk_style():
    context = {
        "authority": "Westmoor County Council",
        "reference": "EY26-000123",
        "setting": "Little Acorns",
        "worker": "Helen Carter",
        "due": govuk_date(datetime.date(2026, 8, 7)),
        "date": govuk_datetime(AT),
        "clock": "The decision to assess",
        "discipline": "speech and language",
        "child_first_name": "Maya",
    }
    rows = list(MessageTemplate.objects.values_list("key", "language"))
    assert rows
    for key, language in rows:
        text, _ = render(key, language, context)
        _clean(text)
        assert "{" not in text and "}" not in text, (key, language, text)


def _page_text(response) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'(href|src|action|value|id|for|name|class|lang|aria-[a-z]+)="[^"]*"', " ", body)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.django_db
def test_the_referral_page_and_message_log_with_fixed_dates(
    client, world, django_capture_on_commit_callbacks
):
    child = ChildFactory(setting=world.setting_a, date_of_birth=datetime.date(2022, 7, 1))
    contact = FamilyContactFactory(child=child, mobile_phone="+447700900246", sms_consent=True)
    answers = {
        "development": {"communication_language": {"level": "severe", "age_band": "16-26"}},
        "support_cycles": [
            {"tried": "Small group", "started_on": "2026-01-06", "reviewed_on": "2026-03-06",
             "outcome": "some_progress", "complete": True},
            {"tried": "Visual timetable", "started_on": "2026-04-01"},
        ],
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        referral = create_referral(
            child=child,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=world.practitioner_a,
            answers=answers,
            setting=world.setting_a,
            consent={"consent_given_by": "A parent", "sms_consent": True},
            contact=contact,
            submitted_at=AT,
        )
    OutboxMessage.objects.update(created_at=AT, sent_at=AT, status_updated_at=AT)
    client.force_login(world.send_officer)
    page = _page_text(client.get(reverse("referral-detail", args=[referral.pk])))
    _clean(page)
    assert "7 August 2026 at 8:51am" in page
    assert "From 6 January 2026 to 6 March 2026" in page and "?" not in page.split("Timeline")[0]
    assert "Started 1 April 2026. Not reviewed yet." in page
    assert "Sent to the Early Years SEND team because" in page
    assert "concern_received_family" not in page and "mobile ending 246" in page
    log = _page_text(client.get(reverse("message-log")))
    _clean(log)
    assert "concern_received_family" not in log and "(en)" not in log


def test_a_clock_counts_its_days_left_in_its_own_unit():
    from pathway.casework.selectors import ClockRow

    def row(left, word):
        return ClockRow("Triage", False, "", AT.date(), AT.date(), None, None, None, left, word)

    assert row(3, "working day").days_left_words == "3 working days left"
    assert row(1, "day").days_left_words == "1 day left"
    assert row(-1, "working day").days_left_words == "1 working day late"
    assert row(-12, "day").days_left_words == "12 days late"
    assert row(None, "day").days_left_words == ""
