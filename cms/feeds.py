"""Feeds from other publishers: pull another Open Referral UK API's services, page by page,
through the same importer as a file (`cms.services.import_oruk`), and record each run.

Outbound requests are guarded: https only, no private, loopback or link-local address
(`LOCAL_OFFER_FEED_ALLOWED_HOSTS` lets the tests' own server through), a timeout on every
request, a size cap on every response, and each redirect checked again. A service an editor
here has changed is never overwritten by a pull: its new record is held on the run until an
editor approves it."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import oruk, selectors, services
from .models import Feed, FeedRun, ServicePage

MAX_REDIRECTS = 3
USER_AGENT = "local-offer-feed/1.0"


class FeedError(Exception):
    """A pull that cannot go on, with what went wrong in words."""


def _timeout() -> float:
    return float(getattr(settings, "LOCAL_OFFER_FEED_TIMEOUT_SECONDS", 20))


def _allowed_hosts() -> set[str]:
    return set(getattr(settings, "LOCAL_OFFER_FEED_ALLOWED_HOSTS", []))


def check_url(url: str) -> None:
    """Refuse an address we must not fetch: not https, or a host that is (or resolves to) a
    private, loopback, link-local or reserved address, unless the setting allows it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    allowed = host in _allowed_hosts() or f"{host}:{parts.port}" in _allowed_hosts()
    if parts.scheme != "https" and not (allowed and parts.scheme == "http"):
        raise FeedError(f"{url} is not an https address")
    if allowed:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443)}
    except (socket.gaierror, UnicodeError) as error:
        raise FeedError(f"{host} could not be found: {error}") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise FeedError(f"{host} is a private or local address ({ip}): not fetched")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each redirect is checked and followed by `fetch_json`


_opener = urllib.request.build_opener(_NoRedirects)


def fetch_json(url: str, max_bytes: int | None = None) -> Any:
    """GET a JSON document, guarded as the module says."""
    limit = max_bytes or services.max_import_bytes()
    for _ in range(MAX_REDIRECTS + 1):
        check_url(url)
        request = urllib.request.Request(  # noqa: S310 - check_url allows http(s) only
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        try:
            with _opener.open(request, timeout=_timeout()) as response:
                body = response.read(limit + 1)
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307, 308) and error.headers.get("Location"):
                url = urljoin(url, error.headers["Location"])
                continue
            raise FeedError(f"{url} answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FeedError(f"{url} could not be read: {reason}") from None
        if len(body) > limit:
            raise FeedError(f"{url} sent more than {limit // (1024 * 1024)} MB: not read")
        document, problem = services.parse_json(body)
        if problem:
            raise FeedError(f"{url}: {problem}")
        return document
    raise FeedError(f"{url} redirected more than {MAX_REDIRECTS} times")


@dataclass
class Pulled:
    records: list[dict]
    pages: int


def pull_records(feed: Feed) -> Pulled:
    """Every service of the feed in full: the /services list a page at a time, then each
    service's own record (the list carries only one-to-one fields)."""
    base = feed.url.rstrip("/")
    ids: list[str] = []
    pages = 0
    for number in range(1, feed.max_pages + 1):
        query = urlencode({"page": number, "per_page": feed.per_page})
        listing = fetch_json(f"{base}/services?{query}")
        pages += 1
        if not isinstance(listing, dict) or not isinstance(listing.get("contents"), list):
            raise FeedError(f"Page {number} of {base}/services is not an Open Referral UK list")
        ids += [str(item.get("id")) for item in listing["contents"] if isinstance(item, dict)]
        if listing.get("last_page") or not listing["contents"]:
            break
        total = listing.get("total_pages")
        if isinstance(total, int) and number >= total:
            break
    records = []
    for service_id in dict.fromkeys(ids):
        if not oruk._uuid(service_id):
            records.append({"id": service_id})  # refused by the import, with its reason
            continue
        records.append(fetch_json(f"{base}/services/{service_id}"))
    return Pulled(records, pages)


def locally_edited(page_ids: list[int]) -> list[int]:
    """Of these services, the ones an editor here has changed since their record was
    imported (a draft waiting, or published values that differ from the record's)."""
    pages = selectors.with_oruk_relations(ServicePage.objects.filter(pk__in=page_ids))
    return [
        page.pk
        for page in pages
        if page.has_unpublished_changes or page.oruk_imported != oruk.model_snapshot(page)
    ]


def pull(feed: Feed) -> FeedRun:
    """Pull a feed now and import what it sends; the run records counts and errors."""
    run = FeedRun.objects.create(feed=feed)
    try:
        pulled = pull_records(feed)
    except FeedError as error:
        return _finish(run, FeedRun.Status.FAILED, errors=[str(error)])
    run.pages, run.records = pulled.pages, len(pulled.records)
    held: list[int] = []

    def keep(page_ids: list[int]) -> list[int]:
        held.extend(locally_edited(page_ids))
        return held

    if feed.review_first:
        return _hold_for_review(run, pulled)
    if len(pulled.records) >= staged_from_records():
        return _pull_staged(run, pulled, keep, held)
    report = services.import_oruk({"contents": pulled.records}, keep=keep)
    errors = [
        f"Record {r.number} ({r.name or r.oruk_id or 'no name'}): {e}"
        for r in report.records
        for e in r.errors
    ]
    if not report.saved:
        return _finish(run, FeedRun.Status.FAILED, errors=errors or ["Nothing imported"])
    counts = report.counts
    kept_ids = {str(r.oruk_id).lower() for r in report.records if r.action == "kept"}
    run.held_records = [rec for rec in pulled.records if str(rec["id"]).lower() in kept_ids]
    ServicePage.objects.filter(pk__in=report.page_ids).update(feed=feed)
    run.created, run.updated, run.held = counts["new"], counts["update"], counts["kept"]
    sent = [r.oruk_id for r in report.records]
    missing = ServicePage.objects.filter(feed=feed).exclude(oruk_id__in=sent)
    run.gone = [
        {"id": str(oruk_id), "name": title}
        for oruk_id, title in missing.order_by("title").values_list("oruk_id", "title")[:500]
    ]
    return _finish(run, FeedRun.Status.IMPORTED, errors=[])


def staged_from_records() -> int:
    """Pulls of this many records or more (a setting; 500 by default) import through the
    staging area (`cms.staging`), a chunk at a time, rather than in one transaction."""
    return int(getattr(settings, "LOCAL_OFFER_FEED_STAGED_FROM_RECORDS", 500))


def _pull_staged(run: FeedRun, pulled: Pulled, keep, held: list[int]) -> FeedRun:
    from . import staging
    from .staging_models import StagedImport

    staged = StagedImport.objects.create(feed_run=run)
    staged = staging.import_records(staged, pulled.records, keep=keep)
    if staged.status != StagedImport.Status.DONE:
        return _finish(run, FeedRun.Status.FAILED, errors=list(staged.errors))
    held_ids = {
        str(oruk_id).lower()
        for oruk_id in ServicePage.objects.filter(pk__in=held).values_list("oruk_id", flat=True)
    }
    sent = [str(record.get("id")).lower() for record in pulled.records]
    run.held_records = [r for r in pulled.records if str(r.get("id")).lower() in held_ids]
    ServicePage.objects.filter(oruk_id__in=sent).exclude(pk__in=held).update(feed=run.feed)
    run.created, run.updated, run.held = staged.created, staged.updated, staged.kept
    missing = ServicePage.objects.filter(feed=run.feed).exclude(oruk_id__in=sent)
    run.gone = [
        {"id": str(oruk_id), "name": title}
        for oruk_id, title in missing.order_by("title").values_list("oruk_id", "title")[:500]
    ]
    return _finish(run, FeedRun.Status.IMPORTED, errors=[])


def _hold_for_review(run: FeedRun, pulled: Pulled) -> FeedRun:
    """A feed reviewed first: check everything (a dry run) and hold it all on the run, with
    what it would do, until an editor approves."""
    report = services.import_oruk({"contents": pulled.records}, dry_run=True)
    errors = [
        f"Record {r.number} ({r.name or r.oruk_id or 'no name'}): {e}"
        for r in report.records
        for e in r.errors
    ]
    if errors:
        return _finish(run, FeedRun.Status.FAILED, errors=errors)
    run.held_records = pulled.records
    run.held = len(pulled.records)
    return _finish(run, FeedRun.Status.IMPORTED, errors=[])


def _finish(run: FeedRun, status: str, errors: list[str]) -> FeedRun:
    run.status, run.errors, run.finished_at = status, errors[:200], timezone.now()
    run.save()
    return run


def approve_held(run: FeedRun, user) -> services.ImportReport:
    """An editor's approval: the held records overwrite the services changed here."""
    with transaction.atomic():
        report = services.import_oruk({"contents": run.held_records}, user=user)
        if report.saved:
            ServicePage.objects.filter(pk__in=report.page_ids).update(feed=run.feed)
            run.held_records, run.approved_at, run.approved_by = [], timezone.now(), user
            run.save(update_fields=["held_records", "approved_at", "approved_by"])
    return report


def pull_active() -> list[FeedRun]:
    return [pull(feed) for feed in Feed.objects.filter(active=True)]
