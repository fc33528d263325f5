"""The local offer directory's search: the form families fill in (read from the query string),
the query it makes, filters on a service's ages and needs, and page numbers.

The index page builds its context from these, so this module imports none of the page models:
the form is handed the way to find a postcode on the map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from earlyyears.forms import GovukForm, QuickSelect
from earlyyears.models import Area
from earlyyears.needs import BroadAreaOfNeed

from .places import is_postcode, normalise_postcode

if TYPE_CHECKING:
    from .models import PostcodeCentroid, ServicePage

AGES = [("", "Any age"), ("0", "Under 1 year")] + [
    (str(years), f"{years} year{'s' if years > 1 else ''}") for years in range(1, 19)
]
DISTANCES = [
    ("1", "1 mile"),
    ("3", "3 miles"),
    ("5", "5 miles"),
    ("10", "10 miles"),
    ("20", "20 miles"),
]
COSTS = [("", "Free or paid"), ("free", "Free only")]
# Answers to the SEND questions a family can filter by (`ServicePage.wheelchair_accessible`,
# `visit_before_start`): only a service that answered yes matches.
SEND_FEATURES = [
    ("wheelchair", "Wheelchair accessible"),
    ("visit", "Offers a visit before starting"),
]
SEND_FEATURE_FIELDS = {"wheelchair": "wheelchair_accessible", "visit": "visit_before_start"}


@dataclass
class DirectoryQuery:
    text: str = ""
    needs: tuple[str, ...] = ()
    age_months: tuple[int, int] | None = None  # youngest and oldest, in months
    area: Area | None = None
    free_only: bool = False
    features: tuple[str, ...] = ()  # SEND_FEATURES codes
    near: PostcodeCentroid | None = None
    within_miles: float | None = None


@dataclass
class DirectoryHit:
    service: ServicePage
    distance: float | None = None  # miles to the nearest location, None if it comes to you


def age_filter(youngest: int, oldest: int | None = None) -> Q:
    """Services whose age range overlaps youngest..oldest months (one age when oldest is None)."""
    oldest = youngest if oldest is None else oldest
    return (Q(minimum_age_months__isnull=True) | Q(minimum_age_months__lte=oldest)) & (
        Q(maximum_age_months__isnull=True) | Q(maximum_age_months__gte=youngest)
    )


def needs_filter(codes: list[str], field: str = "needs") -> Q:
    query = Q()
    for code in codes:
        query |= Q(**{f"{field}__contains": f",{code},"})
    return query


def parse_page_number(raw: str | None) -> int | None:
    """A page number from a query string: 1 when there is none, None when it is not one."""
    if raw in (None, ""):
        return 1
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        return None
    return int(raw)


class DirectoryPaginator(Paginator):
    """Pages of results that count only as far as they need to.

    Counting every listed service was the directory's slowest query at county scale (a join
    over every service, for a number nobody reads exactly). A query of ids is counted up to
    `MANY` services, or to just past the page asked for when that is further: then the page
    says "More than 1,000 services found" and "Page 3" without "of". The count is exact
    whenever it stops short of that (so a page past the end is still named as such), and for
    a list of ids (search words or a postcode), which is already in memory."""

    MANY = 1000

    def __init__(self, object_list, per_page: int, *, page_asked: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.counted_to = max(self.MANY, (page_asked or 1) * per_page) + 1

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # Unordered and limited: the planner stops after `counted_to` rows.
            return self.object_list.order_by()[: self.counted_to].count()
        return len(self.object_list)

    @property
    def exact(self) -> bool:
        """Whether `count` is every matching service (False: there are more than `MANY`)."""
        return not isinstance(self.object_list, QuerySet) or self.count < self.counted_to

    @property
    def many(self) -> str:
        return f"{self.MANY:,}"


def area_choices() -> list[tuple[str, str]]:
    """Districts, each followed by its wards, for the area filter (one query of the few
    columns it shows: never the boundaries, and linear in the number of areas)."""
    kinds = dict(Area.Kind.choices)
    areas = list(
        Area.objects.exclude(kind=Area.Kind.COUNTY)
        .order_by("code")
        .values_list("pk", "code", "name", "kind", "parent_id")
    )
    listed = {pk for pk, *_ in areas}
    by_parent: dict[int | None, list[tuple]] = {}
    for area in areas:
        by_parent.setdefault(area[4], []).append(area)
    choices = [("", "Anywhere in the county")]
    for pk, code, name, kind, parent_id in areas:
        if kind == Area.Kind.WARD and parent_id in listed:
            continue
        choices.append((code, f"{name} ({str(kinds.get(kind, kind)).lower()})"))
        for _, child_code, child_name, *_ in by_parent.get(pk, []):
            choices.append((child_code, f"{child_name} ({name})"))
    return choices


class DirectoryForm(GovukForm):
    """The directory's search box and filters, read from the query string.

    `find_postcode` finds a postcode's point on the offline map (None when it is not there)."""

    q = forms.CharField(
        label="Search the local offer",
        required=False,
        max_length=200,
        help_text="For example speech, portage or short breaks",
        error_messages={"max_length": "Search words must be 200 characters or fewer"},
    )
    need = forms.MultipleChoiceField(
        label="Area of need",
        required=False,
        choices=BroadAreaOfNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select areas of need from the list"},
    )
    age = forms.ChoiceField(
        label="Child's age",
        required=False,
        choices=AGES,
        widget=QuickSelect,
        error_messages={"invalid_choice": "Select the child's age from the list"},
    )
    area = forms.ChoiceField(
        label="Area",
        required=False,
        # Hundreds of wards: options built in Python, not a template each (most of the page).
        widget=QuickSelect,
        error_messages={"invalid_choice": "Select an area from the list"},
    )
    cost = forms.ChoiceField(
        label="Cost",
        required=False,
        choices=COSTS,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select free only, or free or paid"},
    )
    access = forms.MultipleChoiceField(
        label="Access and visits",
        required=False,
        choices=SEND_FEATURES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select access and visits from the list"},
    )
    postcode = forms.CharField(
        label="Near a postcode",
        required=False,
        max_length=10,
        help_text="A Westmoor postcode, like WM1 2AB, or the first half, like WM3",
        error_messages={"max_length": "Enter a real postcode, like WM1 2AB"},
    )
    distance = forms.ChoiceField(
        label="Within",
        required=False,
        choices=DISTANCES,
        error_messages={"invalid_choice": "Select a distance from the list"},
    )

    def __init__(
        self, *args, find_postcode: Callable[[str], PostcodeCentroid | None], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.find_postcode = find_postcode
        self.fields["area"].choices = area_choices()
        self.fields["postcode"].widget.attrs.update(
            {"class": "govuk-input--width-10", "autocomplete": "postal-code"}
        )
        self.fields["q"].widget.attrs.update({"type": "search"})
        self._point = None

    def clean_postcode(self) -> str:
        text = self.cleaned_data.get("postcode", "").strip()
        if not text:
            return ""
        if not is_postcode(text):
            raise forms.ValidationError("Enter a real postcode, like WM1 2AB")
        self._point = self.find_postcode(text)
        if self._point is None:
            raise forms.ValidationError(
                f"We do not have {normalise_postcode(text)} on our map. Enter a postcode in "
                "Westmoor, like WM1 2AB, or leave the postcode empty"
            )
        return normalise_postcode(text)

    def to_query(self) -> DirectoryQuery:
        data = self.cleaned_data
        area = Area.objects.filter(code=data["area"]).first() if data.get("area") else None
        age = data.get("age")
        return DirectoryQuery(
            text=data.get("q", "").strip(),
            needs=tuple(data.get("need") or ()),
            age_months=(int(age) * 12, int(age) * 12 + 11) if age else None,
            area=area,
            free_only=data.get("cost") == "free",
            features=tuple(data.get("access") or ()),
            near=self._point,
            within_miles=float(data.get("distance") or 5) if self._point else None,
        )

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
