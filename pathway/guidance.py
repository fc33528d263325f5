"""'Signs to look out for', shown beside the wizard's questions, by area of learning and age.

Original plain-English prompts for practitioners; they point to what to observe, never diagnose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.selectors import matching_services
from earlyyears.models import Area
from earlyyears.needs import EYFSArea
from training.selectors import lesson_for_eyfs_area

SIGNS: dict[str, dict[str, list[str]]] = {
    EYFSArea.COMMUNICATION_AND_LANGUAGE: {
        "under_2": [
            "Does not turn to familiar voices or sounds by around 12 months",
            "Little babbling, pointing or waving by 12 to 15 months",
            "Fewer than a handful of words by 18 months",
        ],
        "2_to_3": [
            "Fewer than 50 words, or not joining two words together, by about 2 and a half",
            "Understands very little of what is said without gestures or routine",
            "Little interest in sharing attention with an adult (looking where you point)",
        ],
        "3_plus": [
            "Speech is hard for familiar adults to understand",
            "Does not follow simple two-part instructions",
            "Repeats phrases without using them to communicate, or talks at others",
        ],
    },
    EYFSArea.PHYSICAL_DEVELOPMENT: {
        "under_2": [
            "Not sitting without support by around 9 months, or not walking by 18 months",
            "Floppy or very stiff limbs, or uses one side of the body much more",
        ],
        "2_to_3": [
            "Frequent falls, trouble with stairs or running",
            "Finds it hard to hold a crayon or spoon, or to use both hands together",
        ],
        "3_plus": [
            "Struggles to climb, jump, pedal or balance compared with peers",
            "Very hard to manage dressing, toileting or eating with growing independence",
        ],
    },
    EYFSArea.PERSONAL_SOCIAL_EMOTIONAL: {
        "under_2": [
            "Little eye contact or shared smiles with familiar adults",
            "Very hard to settle or comfort, or no preference for familiar carers",
        ],
        "2_to_3": [
            "Little interest in other children or in simple pretend play",
            "Distress that lasts a long time when routines change",
        ],
        "3_plus": [
            "Finds it very hard to take turns, share attention or join in play",
            "Intense, repeated interests or movements that get in the way of play",
            "Frequent, long outbursts that the usual support does not help",
        ],
    },
}
GENERAL = [
    "Compare with what most children of the same age do, over several observations",
    "Note what helps and what the child enjoys, as well as what is hard",
    "Talk with the family: what do they see at home?",
]


def age_group(age_months: int | None) -> str:
    if age_months is None or age_months >= 36:
        return "3_plus"
    return "under_2" if age_months < 24 else "2_to_3"


def signs_for(area: str, age_months: int | None) -> list[str]:
    return SIGNS.get(area, {}).get(age_group(age_months), GENERAL)


# --- cached published content ------------------------------------------------------------
# The wizard's lesson links and the confirmation's signposting list are published content, the
# same for everyone who asks (no access decision rides on them), so they are kept in the shared
# cache. Any page saved, published, unpublished, moved or deleted starts a new version; the
# time limit covers changes that send no signal (bulk imports) and caches that are not shared
# (the local memory cache of the embedded default, one per process).
PAGES_VERSION_KEY = "pathway:guidance:pages-version"
CACHE_SECONDS = 300


def pages_version() -> int:
    version = cache.get(PAGES_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(PAGES_VERSION_KEY, version, None)
    return version


def pages_changed(**kwargs: Any) -> None:
    """A page changed: lessons and services are looked up again."""
    try:
        cache.incr(PAGES_VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(PAGES_VERSION_KEY, 2, None)


page_published.connect(pages_changed, dispatch_uid="pathway.guidance.published")
page_unpublished.connect(pages_changed, dispatch_uid="pathway.guidance.unpublished")
post_page_move.connect(pages_changed, dispatch_uid="pathway.guidance.moved")
post_delete.connect(pages_changed, sender=Page, dispatch_uid="pathway.guidance.deleted")


def _page_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    # Pages saved without publishing (drafts, factories, imports one row at a time) too.
    pages_changed()


def connect_page_saves() -> None:
    """Listen to saves of pages only (each kind of page is its own sender), so that other
    models keep no receiver and can still be imported in bulk."""
    for model in apps.get_models():
        if issubclass(model, Page):
            post_save.connect(
                _page_saved,
                sender=model,
                dispatch_uid=f"pathway.guidance.saved.{model._meta.label}",
            )


def _lessons() -> dict[str, dict[str, str] | None]:
    key = f"pathway:guidance:lessons:{pages_version()}"
    lessons = cache.get(key)
    if lessons is None:
        lessons = {}
        for area in EYFSArea.values:
            found = lesson_for_eyfs_area(area)
            lessons[area] = {"title": found[0], "url": found[1]} if found else None
        cache.set(key, lessons, CACHE_SECONDS)
    return lessons


def training_lesson(area: str) -> dict[str, str] | None:
    """The published training lesson about this area's signs, found by its tag (so a lesson
    renamed or moved in Wagtail still links), for the wizard's guidance. Every area's lesson is
    looked up once and kept in the shared cache until a page changes."""
    return _lessons().get(area)


@dataclass(frozen=True)
class Signpost:
    """A local offer service as the signposting list shows it."""

    title: str
    url: str
    organisation_name: str
    description: str
    is_free: bool
    fees: str


def signposting(age_months: int, broad_areas: list[str], area: Area | None) -> list[Signpost]:
    """`cms.selectors.matching_services`, remembered per age, needs and area until a page
    changes: the confirmation page of every concern with the same routing facts shows the same
    list, so it is kept as shown and read back without a query."""
    needs = ",".join(sorted(broad_areas))
    key = f"pathway:signposting:{pages_version()}:{age_months}:{needs}:{area.pk if area else ''}"
    shown = cache.get(key)
    if shown is None:
        shown = [
            Signpost(
                title=service.title,
                url=service.url or "",
                organisation_name=service.organisation.name if service.organisation else "",
                description=service.description or "",
                is_free=bool(service.is_free),
                fees=service.fees or "",
            )
            for service in matching_services(age_months, broad_areas, area)
        ]
        cache.set(key, shown, CACHE_SECONDS)
    return shown
