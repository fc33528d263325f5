"""GOV.UK style across the whole service: every page each role can open with data present,
every email and text message, and every PDF, rendered with fixed dates (3 December 2026 at
9:05am, a child of 1 year and 1 month: a day, an hour and an age that show zero padding,
'a.m.' and '1 months' if any template writes them) and checked in the words people read.

Pages come from the URL resolver, with the objects and roles of the access matrix
(tests/test_access_matrix.py); a URL this sweep cannot open must be named in SKIPPED with why,
so a new page is swept or decided. Exports (CSV, JSON, GeoJSON) keep ISO dates by design."""

from __future__ import annotations

import contextlib
import datetime
import re
import zlib

import pytest
from django.apps import apps
from django.db import models, transaction
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone

from dataprotection.models import AuditImmutable
from earlyyears.messaging.services import render
from earlyyears.models import Child, MessageTemplate, OutboxMessage, Role, User
from earlyyears.templatetags.govuk_style import govuk_date, govuk_datetime
from pathway.family_survey.services import QuestionInput, save_survey
from pathway.models import Referral, RoutingRuleSet, SurveyQuestion
from pathway.self_evaluation.services import start_year
from pathway.services import copy_rule_set, create_referral
from tests.factories import FamilyContactFactory, UserFactory
from tests.test_access_matrix import (  # noqa: F401 (the fixture)
    EVERYONE,
    MATRIX,
    NO_CHILD_DATA,
    case,
    project_urls,
)
from training.models import Completion

DAY = datetime.date(2026, 12, 3)
AT = timezone.make_aware(datetime.datetime(2026, 12, 3, 9, 5))
BORN = datetime.date(2025, 11, 1)  # 1 year, 1 month on 3 December 2026 and on the days after

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
AM_PM = re.compile(r"\b[ap]\.m\.|\d ?(?:AM|PM|a\.m|p\.m)\b")
ONE_PLURAL = re.compile(r"\b1 (?:months|years|days|weeks|working days|hours|minutes)\b")
LEADING_ZERO = re.compile(r"\b0\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
TEMPLATE_CODE = re.compile(r"\{\{|\}\}|\{%|%\}|\{[a-z_]+\}")
# A code shown as words: two or more lower-case words joined by underscores
# (concern_received_family, send_team, more_information, communication_language).
SNAKE = re.compile(r"(?<![\w@./-])[a-z]+(?:_[a-z]+)+(?![\w@.-])")

# The objects: fixed on a day, and the users who may open each page.
PREFERRED = [
    "send_manager",
    "send_officer",
    "practitioner_a",
    "portage_a",
    "professional_asked",
    "early_help",
    "planner",
    "trainer",
    "admin",
    "professional",
    "practitioner_b",
    "portage_b",
    "superuser",
]

# URLs of ours the sweep does not open, and why.
SKIPPED: dict[str, str] = {
    "sign-in": "signed out only",
    "sign-out": "POST only: ends the session",
    "invitation": "signed out, with a token",
    "council-sign-in": "off unless configured; redirects to the provider (tests/oidc)",
    "oidc_authentication_callback": "the provider's answer (tests/oidc)",
    "council-sign-in-refused": "a refusal (403) in words (tests/oidc)",
    "access-review": "needs a review (tests/earlyyears/test_access_review.py reads it)",
    "access-review-finish": "POST only",
    "health": "liveness, JSON",
    "readiness": "readiness, JSON",
    "public-media": "images",
    "keep-alive": "JSON",
    "twilio-status": "callback, returns nothing",
    "twilio-inbound": "callback, returns nothing",
    "two-factor-verify": "the second step of sign-in (tests/security)",
    "two-factor-recovery-codes": "shown once after set-up (tests/security)",
    "add": "Wagtail's user form (its own words)",
    "edit": "Wagtail's user form (its own words)",
    "auth_user_password_change": "refuses",
    "training-module-start": "POST only",
    "training-lesson-submit": "POST only",
    "training-import-preview": "needs an uploaded file (tests/training)",
    "training-import-confirm": "needs an uploaded file (tests/training)",
    "earlyyears_area_import_job": "needs an uploaded file (tests/earlyyears/bulk)",
    "earlyyears_setting_import_job": "needs an uploaded file (tests/earlyyears/bulk)",
    "earlyyears_user_import_job": "needs an uploaded file (tests/earlyyears/bulk)",
    "cms_import_preview": "needs an uploaded file (tests/cms)",
    "cms_register_preview": "needs an uploaded file (tests/cms/providers)",
    "account-change": "needs a proposed change (tests/security/test_admin_accounts.py)",
    "api-service": "JSON",
    "api-service-at-location": "JSON",
    "family-language": "a family page: staff are refused (tests/pathway/families reads them)",
    "family-privacy": "a family page: staff are refused (tests/pathway/families reads them)",
    "family-sign-out": "a family page, POST only",
    "api-taxonomy": "JSON",
    "api-taxonomy-term": "JSON",
    "cms_feed_pull": "POST only (the feeds page asks)",
    "cms_feed_approve": "POST only (the feeds page asks)",
    "cms_import_progress": "needs a large import (tests/cms/test_staged_import.py, browser)",
    "cms_local_note": "needs a service page (tests/cms/test_local_notes.py, browser)",
    "cms_export": "an export of the local offer (CSV or JSON)",
    "local-offer-service-comment": "needs a published service (tests/cms, comments)",
    "you-said-we-did-year": "needs a published year (tests/cms/test_local_offer_comments)",
    "cms_comment": "needs a family's comment (tests/cms/test_local_offer_comments)",
    "cms_comment_year": "needs published comments (tests/cms/test_local_offer_comments)",
    "remove-condition": "POST only",
    "panel-publish-minutes": "POST only (the minutes page asks)",
    "two-factor-new-recovery-codes": "POST only (the two-factor page asks)",
    "delete-rule": "confirmation of a draft rule: the rule's words, swept on edit-rule",
    "family-survey-answer": "signed out, with a token (tests/pathway/family_survey)",
    "family-survey-thanks": "a family's page after answering (tests/pathway/family_survey)",
    "family-feedback-consent": "a family page: staff are refused (tests/pathway/family_survey)",
}
# Pages that show stored codes on purpose; their dates are still checked.
CODES_SHOWN: dict[str, str] = {}
EXPORT = (
    "text/csv",
    "application/json",
    "application/geo+json",
    "application/vnd",
    "application/zip",
)
FILES = ("image/", "application/octet-stream")  # attachments as uploaded
# Files people uploaded (evidence, photos), served as they came: not our words to check.
UPLOADED = frozenset({"observation-attachment", "funds-evidence", "story-home-observation-media"})


def _fix_dates() -> None:
    """Every date and time our models hold, set to the fixed day and moment (children's dates
    of birth to BORN), so the words do not depend on today."""
    for model in apps.get_models():
        if model._meta.app_label not in {"earlyyears", "pathway", "training", "dataprotection"}:
            continue
        if model._meta.proxy or not model._meta.managed or model.__name__.endswith("Draft"):
            continue  # a draft left since 3 December has expired: its own dates stay
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                value = AT
            elif isinstance(field, models.DateField):
                value = BORN if field.name == "date_of_birth" else DAY
            else:
                continue
            rows = model._default_manager.exclude(**{f"{field.attname}__isnull": True})
            try:
                rows.update(**{field.attname: value})
            except AuditImmutable:
                break  # the audit trail keeps the moment it was written


@pytest.fixture
def swept(case, django_capture_on_commit_callbacks):  # noqa: F811
    """The access matrix's records, plus a sent message with its words, a decision, a
    completion and a draft rule set; then every date fixed."""
    c = case
    contact = FamilyContactFactory(child=c.child_a, mobile_phone="+447700900246", sms_consent=True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        c.sent_referral = create_referral(
            child=c.child_a,
            source=Referral.Source.SETTING_CONCERN,
            submitted_by=c.practitioner_a,
            answers={
                "development": {"communication_language": {"level": "severe", "age_band": "16-26"}},
                "support_cycles": [
                    {
                        "tried": "Small group",
                        "started_on": "2026-01-06",
                        "reviewed_on": "2026-03-06",
                        "outcome": "some_progress",
                        "complete": True,
                    },
                ],
            },  # fmt: skip
            setting=c.setting_a,
            consent={"consent_given_by": "A parent", "sms_consent": True, "share_with": []},
            contact=contact,
        )
    c.superuser = UserFactory(
        username="superuser", role=Role.ADMIN, is_staff=True, is_superuser=True
    )
    c.completion = Completion.objects.create(
        user=c.practitioner_a, module_title="Early communication", completed_at=DAY, renew_by=DAY
    )
    published = RoutingRuleSet.objects.order_by("-version").first()
    c.draft_rules = copy_rule_set(published, c.send_manager)
    c.draft_rule = c.draft_rules.rules.order_by("pk").first()
    c.self_evaluation = start_year(2026, c.send_manager)
    c.survey = save_survey(
        title="Spring feedback",
        closes_on=DAY,
        questions=[QuestionInput(SurveyQuestion.Kind.YES_NO, "Did we listen to you?")],
        by=c.send_manager,
    )
    _fix_dates()
    return c


def _kwargs(name: str, c) -> dict | None:
    """The URL's arguments for a page outside the matrix, or None to open it without any."""
    rules = {"version": c.draft_rules.version}
    rule = {**rules, "rule_id": c.draft_rule.pk}
    return {
        "rule-set-notes": rules,
        "add-rule": rules,
        "edit-rule": rule,
        "choose-fact": rule,
        "add-condition": {**rule, "fact": "age_months"},
        "change-condition": {**rule, "index": 0},
        "training-certificate": {"completion_id": c.completion.pk},
        "training-certificate-pdf": {"completion_id": c.completion.pk},
        "training-setting-coverage": {"setting_id": c.setting_a.pk},
        "family-survey-preview": {"survey_id": c.survey.pk, "language": "en"},
        **{
            name: {"survey_id": c.survey.pk}
            for name in (
                "family-survey",
                "family-survey-edit",
                "family-survey-send",
                "family-survey-results",
                "family-survey-results-csv",
            )
        },
        **{
            f"self-evaluation-{page}": {"year": c.self_evaluation.year}
            for page in ("year", "edit", "versions", "compare")
        },
        **{
            f"self-evaluation-{page}": {"year": c.self_evaluation.year, "number": 1}
            for page in ("version", "agree", "figures", "report", "pdf")
        },
    }.get(name)


def _visits(c):
    """(name, url, who) for every page to open: each role the matrix lets in, against child A's
    records; pages without child data as the first role that may open them."""
    routes = dict(project_urls())
    for name in sorted(routes):
        if name in SKIPPED:
            continue
        if name in MATRIX:
            entry = MATRIX[name]
            if entry.post_only:
                continue
            url = reverse(name, kwargs=entry.kwargs(c))
            for who in sorted(entry.allowed):
                yield name, url, [who]
            continue
        kwargs = _kwargs(name, c)
        if kwargs is None and "<" in routes[name]:
            raise AssertionError(f"{name}: add its arguments to _kwargs or say why in SKIPPED")
        yield name, _reverse(name, kwargs or {}), PREFERRED


def _reverse(name: str, kwargs: dict) -> str:
    """The URL, in whichever namespace holds the name (the Django and Wagtail admin's)."""
    for namespace in ["", *get_resolver().namespace_dict]:
        try:
            return reverse(f"{namespace}:{name}" if namespace else name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


def page_words(html: str) -> str:
    """The words people read: no scripts, styles, tags or attribute values (so no
    `<time datetime>` and no form values)."""
    html = re.sub(r"<(script|style|template)\b[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html.replace("&nbsp;", " "))


def pdf_words(pdf: bytes) -> str:
    """The text of a PDF written with the core font: its content streams' strings."""
    text = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):  # a stream written without compression
            raw = zlib.decompressobj().decompress(raw)
        for string in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", raw, re.S):
            text.append(re.sub(rb"\\(.)", rb"\1", string).decode("latin-1"))
    return " ".join(text)


def problems(text: str, allowed: tuple[str, ...] = (), codes: bool = True) -> list[str]:
    found = []
    for label, pattern in (
        ("ISO date", ISO_DATE),
        ("a.m./AM", AM_PM),
        ("1 plural", ONE_PLURAL),
        ("zero-padded day", LEADING_ZERO),
        ("template code", TEMPLATE_CODE),
        ("code as words", SNAKE),
    ):
        if pattern is SNAKE and not codes:
            continue
        for match in pattern.finditer(text):
            if match.group(0) in allowed:
                continue
            start = max(0, match.start() - 40)
            found.append(f"{label}: {text[start : match.end() + 40]!r}")
    return found


def test_the_checks_catch_each_problem():
    assert problems("Sent 2026-12-03") and problems("9:05 a.m.") and problems("9:05 AM")
    assert problems("1 months") and problems("03 December 2026") and problems("Hi {{ name }}")
    assert problems("concern_received_family") and problems("Route: send_team")
    assert problems("Hello {reference}")
    assert not problems("3 December 2026 at 9:05am. 1 month. ana@example.org. 2 weeks.")
    assert page_words('<time datetime="2026-12-03">3 December 2026</time>') == (" 3 December 2026 ")


def test_every_page_and_pdf_reads_in_govuk_style(client, swept, settings, monkeypatch, capsys):
    import pathway.pdf
    import training.certificates

    # The core font writes text as plain strings, so the PDF's words can be read back.
    settings.PDF_FONT_FILES = None
    monkeypatch.setattr(pathway.pdf, "FONT_CANDIDATES", ())
    monkeypatch.setattr(training.certificates, "FONT_CANDIDATES", ())
    pages, pdfs, exports, found, unopened = set(), set(), set(), [], []
    renders = 0
    seen: dict[bool, list[str]] = {False: [], True: []}
    # Usernames are people's sign-in names (the test cast's read like codes: send_officer).
    usernames = tuple(User.objects.values_list("username", flat=True))
    for name, url, users in _visits(swept):
        opened = False
        for who in users:
            client.force_login(getattr(swept, who))
            response = client.get(url, follow=True)
            where = response.request["PATH_INFO"]
            if response.status_code != 200 or "login" in where or "sign-in" in where:
                continue  # refused, or sent to sign in
            opened = True
            kind = response.get("Content-Type", "")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if name in UPLOADED:
                exports.add(name)
                break
            if kind.startswith("application/pdf"):
                pdfs.add(name)
                text = pdf_words(body)
                assert text.strip(), f"{name}: no text read from the PDF"
            elif kind.startswith("text/html"):
                pages.add(name)
                text = page_words(body.decode())
            elif kind.startswith(EXPORT + FILES):
                exports.add(name)
                break
            else:
                raise AssertionError(f"{name}: {kind}")
            renders += 1
            seen[kind.startswith("application/pdf")].append(text)
            found += [
                f"{name} as {who}: {p}"
                for p in problems(text, usernames, codes=name not in CODES_SHOWN)
            ]
        if not opened:
            unopened.append(f"{name} ({response.status_code} at {where})")
    with capsys.disabled():
        print(
            f"\nGOV.UK style sweep: {len(pages)} pages and {len(pdfs)} PDFs in {renders} renders "
            f"({len(exports)} exports and files left as they are, {len(SKIPPED)} URLs skipped)"
        )
    assert unopened == [], f"No one could open: {unopened}"
    # The sweep read the fixed dates, times and ages in the words (not only their absence).
    html, pdf = " ".join(seen[False]), " ".join(seen[True])
    assert "3 December 2026 at 9:05am" in html and "1 year, 1 month" in html
    assert "3 December 2026" in pdf
    assert found == [], "\n".join(found)


def test_every_message_as_sent_and_every_template_reads_in_govuk_style(swept):
    """The words of every message the service queued while the records were made, and every
    message template in every language with the context the services give it."""
    # Each message the services queued, in the words its own context gives (the words kept
    # when it was sent, where the worker has sent it already).
    queued = list(OutboxMessage.objects.exclude(template=""))
    assert any(m.context for m in queued), "the referral queues the family a text"
    found = []
    for message in queued:
        words = message.body or render(message.template, message.language, message.context)[0]
        found += [f"queued {message.template}: {p}" for p in problems(words)]
    context = {
        "authority": "Westmoor County Council",
        "reference": swept.sent_referral.reference,
        "setting": swept.setting_a.name,
        "worker": "Helen Carter",
        "due": govuk_date(DAY),
        "date": govuk_datetime(AT),
        "clock": "The decision to assess",
        "discipline": "speech and language",
        "child_first_name": Child.objects.get(pk=swept.child_a.pk).first_name,
        "next_steps": "The Early Years SEND team will look at how best to help your child.",
        "link": "https://example.org/feedback/x/",
        "closes": govuk_date(DAY),
    }
    rows = list(MessageTemplate.objects.values_list("key", "language"))
    for key, language in rows:
        subject_and_body = " ".join(str(part) for part in render(key, language, context))
        found += [f"{key} ({language}): {p}" for p in problems(subject_and_body)]
    print(f"Messages: {len(queued)} as queued, {len(rows)} templates and languages")
    assert found == [], "\n".join(found)
