"""Services nobody has reviewed for a while (issue 26): flagged to their owners, then to the
council.

A service is reviewed when someone checks it (its "Details last checked" date, ORUK's
`assured_date`) or publishes a change to it, whichever is later. Once that is more than
`LOCAL_OFFER_REVIEW_MONTHS` ago the daily task opens a flag and emails the service's owners
(the provider accounts of its organisation, `cms.providers.owners_of`) through the outbox; a
flag still open `LOCAL_OFFER_REVIEW_COUNCIL_DAYS` later goes on the council's list (local offer
moderators, in Wagtail's admin). A service with no owner goes on the council's list at once.
Reviewing the service or unpublishing it closes the flag. Services another publisher's feed
brings are that publisher's to review, and are never flagged here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from earlyyears.messaging.services import queue_message

from .comment_models import ServiceReviewFlag
from .models import LISTED, ServicePage
from .providers import owners_of

TEMPLATE = "local_offer_review_due"


def review_months() -> int:
    return int(getattr(settings, "LOCAL_OFFER_REVIEW_MONTHS", 12))


def council_days() -> int:
    return int(getattr(settings, "LOCAL_OFFER_REVIEW_COUNCIL_DAYS", 28))


def reviewed_on(service: ServicePage) -> datetime.date | None:
    published = timezone.localdate(service.last_published_at) if service.last_published_at else None
    dates = [d for d in (service.assured_date, published) if d]
    return max(dates) if dates else None


def _cutoff(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now) - relativedelta(months=review_months())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _reviewed_since(cutoff: datetime.date) -> Q:
    return Q(assured_date__gte=cutoff) | Q(last_published_at__gte=_start_of(cutoff))


def stale_services(now: datetime.datetime | None = None) -> QuerySet[ServicePage]:
    """Live services of our own (not a feed's), listed to families, not reviewed since the
    cutoff."""
    cutoff = _cutoff(now or timezone.now())
    return (
        ServicePage.objects.live()
        .filter(feed__isnull=True, status__in=LISTED)
        .exclude(_reviewed_since(cutoff))
    )


@dataclass
class ReviewRun:
    flagged: int = 0
    owners_emailed: int = 0
    to_council: int = 0
    closed: int = 0


def _link(service: ServicePage) -> str:
    base = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    return base + reverse("wagtailadmin_pages:edit", args=[service.pk])


@transaction.atomic
def flag_stale_services(now: datetime.datetime | None = None) -> ReviewRun:
    """The daily run: close flags of services reviewed since, open flags (emailing owners) for
    newly stale services, and put flags the owners left on the council's list. Idempotent: a
    second run the same day does nothing more (one open flag a service; outbox keys)."""
    now = now or timezone.now()
    run = ReviewRun()
    cutoff = _cutoff(now)
    open_flags = ServiceReviewFlag.objects.filter(closed_at__isnull=True)
    still_stale = stale_services(now).values("pk")
    run.closed = open_flags.exclude(service__in=still_stale).update(closed_at=now)
    council_on = timezone.localdate(now) + datetime.timedelta(days=council_days())
    flagged = set(open_flags.values_list("service_id", flat=True))
    for service in stale_services(now).exclude(pk__in=flagged).select_related("organisation"):
        owners = list(owners_of(service))
        last = reviewed_on(service) or cutoff
        flag = ServiceReviewFlag.objects.create(
            service=service,
            reviewed_on=last,
            flagged_at=now,
            owners_told=len(owners),
            # Nobody to tell: straight to the council's list.
            council_told_at=None if owners else now,
        )
        run.flagged += 1
        run.to_council += not owners
        for owner in owners:
            queue_message(
                key=f"local-offer-review:{flag.pk}:{owner.pk}",
                template=TEMPLATE,
                channel="email",
                user=owner,
                context={
                    "name": owner.get_full_name() or owner.get_username(),
                    "service": service.title,
                    "authority": settings.AUTHORITY_NAME,
                    "reviewed_on": f"{last.day} {last:%B %Y}",
                    "council_on": f"{council_on.day} {council_on:%B %Y}",
                    "link": _link(service),
                },
            )
            run.owners_emailed += 1
    overdue = _start_of(timezone.localdate(now) - datetime.timedelta(days=council_days()))
    run.to_council += open_flags.filter(
        council_told_at__isnull=True, flagged_at__lte=overdue
    ).update(council_told_at=now)
    return run


def council_list() -> QuerySet[ServiceReviewFlag]:
    """Open flags on the council's list, longest waiting first."""
    return (
        ServiceReviewFlag.objects.filter(closed_at__isnull=True, council_told_at__isnull=False)
        .select_related("service", "service__organisation")
        .order_by("reviewed_on", "pk")
    )


def waiting_on_owners() -> QuerySet[ServiceReviewFlag]:
    return (
        ServiceReviewFlag.objects.filter(closed_at__isnull=True, council_told_at__isnull=True)
        .select_related("service", "service__organisation")
        .order_by("reviewed_on", "pk")
    )
