"""Reads for families' comments: the moderators' list, and the public yearly pages (which only
ever read the redacted text and the response)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from ..comment_models import CommentYear, LocalOfferComment

Status = LocalOfferComment.Status
# The only columns a public page reads: never the original.
PUBLIC_FIELDS = ("service_name", "redacted", "response", "published_at")


def comments_for_moderation(status: str = "", page_number=1, per_page: int = 50) -> Page:
    comments = LocalOfferComment.objects.select_related("moderated_by")
    if status in Status.values:
        comments = comments.filter(status=status)
    return Paginator(comments.order_by("-received_at", "-pk"), per_page).get_page(page_number)


def waiting_count() -> int:
    return LocalOfferComment.objects.filter(status__in=[Status.NEW, Status.READY]).count()


def year_summaries() -> list[dict]:
    """Each year with comments: how many in each state, and whether its page is public."""
    rows = (
        LocalOfferComment.objects.values("year")
        .annotate(
            total=Count("pk"),
            published=Count("pk", filter=Q(status=Status.PUBLISHED)),
            waiting=Count("pk", filter=Q(status__in=[Status.NEW, Status.READY])),
        )
        .order_by("-year")
    )
    pages = {page.year: page for page in CommentYear.objects.all()}
    return [{**row, "page": pages.get(row["year"])} for row in rows]


def published_years() -> QuerySet[CommentYear]:
    return CommentYear.objects.filter(published_at__isnull=False).order_by("-year")


def published_year(year: int) -> CommentYear | None:
    return published_years().filter(year=year).first()


def published_comments(year: int) -> list[dict]:
    """The year's published comments as plain values: the redacted text and the response
    (never the original, which is not even read), the whole offer first, then by service."""
    return list(
        LocalOfferComment.objects.filter(year=year, status=Status.PUBLISHED)
        .exclude(response="")
        .order_by("service_name", "received_at", "pk")
        .values(*PUBLIC_FIELDS)
    )


def comments_naming(names: list[str], references: list[str] = ()) -> list[dict]:
    """For a subject access request: comments whose family's words (while still held) name
    one of these people (a child's or a family contact's full name), or that have one of these
    references (a family quotes the one they were given). In words, for the record."""
    wanted = Q(reference__in=[r.strip().upper() for r in references if r.strip()])
    for name in {" ".join(n.split()) for n in names if n and len(n.split()) >= 2}:
        wanted |= Q(original__icontains=name)
    if not wanted:
        return []
    return [
        {
            "reference": c.reference,
            "about": c.about,
            "received": c.received_at,
            "status": c.get_status_display(),
            "what_the_family_wrote": c.original
            or "Erased under the retention rule: only the published version is kept",
            "published_version": c.redacted if c.status == Status.PUBLISHED else "",
            "our_response": c.response if c.status == Status.PUBLISHED else "",
        }
        for c in LocalOfferComment.objects.filter(wanted).order_by("received_at", "pk")
    ]
