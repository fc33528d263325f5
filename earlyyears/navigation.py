"""What each role sees in the header navigation, the sub-navigation of its section, and its
landing page.

Each app declares its own entries in its `navigation.py` (found when the project starts), so
the shared core never names a page of an app above it. An entry's place is its `order`:
gaps leave room for the entries of other apps.

Navigation is by task: every link belongs to a section ("Referrals", "Children", "Planning"...)
and the header shows one item a section (at most seven for any role), leading to the section's
first page for that role. A page in a section shows the section's other pages as sub-navigation.
A section with one page for a role is shown under that page's own name, with no sub-navigation.
The service name in the header links to the home page, so there is no separate "Home" item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from .roles import CONTENT_EDITOR_ROLES, SEND_TEAM_ROLES, Role

# At most this many top-level items for any role (a test holds every role to it).
MOST_TOP_LEVEL_ITEMS = 7


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False
    # The page itself (rather than a page below it): `aria-current="page"`.
    current: bool = False


@dataclass(frozen=True)
class Task:
    """A thing a role does next, shown on the landing page."""

    title: str
    description: str
    url: str | None = None


@dataclass(frozen=True)
class Section:
    """A group of pages for one kind of task. `role_labels` names it for the roles who think
    of it in other words (a practitioner's "Concerns" are the SEND team's "Referrals")."""

    order: int
    key: str
    label: str
    role_labels: tuple[tuple[frozenset[str], str], ...] = ()
    # A different place for the roles whose main task is here (early help's list comes first).
    role_orders: tuple[tuple[frozenset[str], int], ...] = ()

    def label_for(self, role: str | None) -> str:
        for roles, label in self.role_labels:
            if role in roles:
                return label
        return self.label

    def order_for(self, role: str | None) -> int:
        for roles, order in self.role_orders:
            if role in roles:
                return order
        return self.order


@dataclass(frozen=True)
class Link:
    """A header link: `url` is a URL name, or a path for a Wagtail page (which has no name).
    `roles` empty means every signed-in role. `section` is the key of the section it belongs
    to; a link with none is a section of its own."""

    order: int
    label: str
    url: str
    roles: frozenset[str] = frozenset()
    signed_out: bool = False
    section: str = ""


@dataclass(frozen=True)
class LandingTask:
    order: int
    roles: frozenset[str]
    title: str
    description: str
    url: str


_links: list[Link] = []
_tasks: list[LandingTask] = []
_sections: dict[str, Section] = {}
# Path prefixes of pages that belong to a section without a link of their own (a referral, a
# child's record): the app that owns the pages declares them.
_section_paths: list[tuple[str, str]] = []


def add_links(*links: Link) -> None:
    _links.extend(links)
    _links.sort(key=lambda link: link.order)


def add_tasks(*tasks: LandingTask) -> None:
    _tasks.extend(tasks)
    _tasks.sort(key=lambda task: task.order)


def add_sections(*sections: Section) -> None:
    for section in sections:
        _sections[section.key] = section


def add_section_paths(section: str, *prefixes: str) -> None:
    """Pages under these paths belong to `section` (its sub-navigation shows on them)."""
    _section_paths.extend((prefix, section) for prefix in prefixes)


def discover() -> None:
    """Load every app's `navigation` module (called once, when the project starts)."""
    autodiscover_modules("navigation")


def _url(target: str) -> str:
    return target if target.startswith("/") else reverse(target)


def _for_role(role: str, roles: Iterable[str]) -> bool:
    return not roles or role in roles


def _section_key(link: Link) -> str:
    return link.section if link.section in _sections else f"link:{link.url}"


def _section_order(key: str, links: list[Link], role: str | None) -> int:
    section = _sections.get(key)
    return section.order_for(role) if section else links[0].order


def links_for(user) -> list[Link]:
    """Every link the user may follow, in order (signed out: the public ones)."""
    if not user.is_authenticated:
        return [link for link in _links if link.signed_out]
    return [link for link in _links if _for_role(user.role, link.roles)]


def _matches(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def _grouped(user) -> list[tuple[str, list[Link]]]:
    groups: dict[str, list[Link]] = {}
    for link in links_for(user):
        groups.setdefault(_section_key(link), []).append(link)
    role = getattr(user, "role", None) if user.is_authenticated else None
    return sorted(groups.items(), key=lambda item: _section_order(*item, role))


def _current_link(links: Iterable[Link], path: str) -> Link | None:
    """The link whose URL is the longest start of the path (the page or the page above it)."""
    best, best_length = None, -1
    for link in links:
        url = _url(link.url)
        if _matches(path, url) and len(url) > best_length:
            best, best_length = link, len(url)
    return best


def _current_section(groups: list[tuple[str, list[Link]]], path: str) -> str | None:
    link = _current_link([link for _, links in groups for link in links], path)
    if link is not None:
        return _section_key(link)
    known = {key for key, _ in groups}
    prefixes = [(p, key) for p, key in _section_paths if key in known and path.startswith(p)]
    if not prefixes:
        return None
    return max(prefixes, key=lambda item: len(item[0]))[1]


def navigation_for(user, path: str) -> list[NavItem]:
    """The header: one item a section the user has pages in, the section they are in marked."""
    role = getattr(user, "role", None) if user.is_authenticated else None
    groups = _grouped(user)
    current = _current_section(groups, path)
    items = []
    for key, links in groups:
        section = _sections.get(key)
        label = section.label_for(role) if section and len(links) > 1 else links[0].label
        url = _url(links[0].url)
        items.append(NavItem(label, url, active=key == current, current=path == url))
    return items


def subnavigation_for(user, path: str) -> list[NavItem]:
    """The pages of the section the user is in, when it has more than one for them."""
    groups = _grouped(user)
    current = _current_section(groups, path)
    links = dict(groups).get(current, []) if current else []
    if len(links) < 2:
        return []
    here = _current_link(links, path)
    return [
        NavItem(link.label, _url(link.url), active=link == here, current=path == _url(link.url))
        for link in links
    ]


def section_label_for(user, path: str) -> str:
    """The name of the section the user is in (the sub-navigation's accessible name)."""
    role = getattr(user, "role", None) if user.is_authenticated else None
    groups = _grouped(user)
    current = _current_section(groups, path)
    section = _sections.get(current or "")
    return section.label_for(role) if section else ""


def tasks_for(user) -> list[Task]:
    """The landing page's 'what you do next' for each role, most important first."""
    return [
        Task(task.title, task.description, _url(task.url))
        for task in _tasks
        if task.roles and user.role in task.roles
    ]


EVERYONE_SIGNED_IN = frozenset(Role.values)

CONCERN_RAISERS = frozenset({Role.PRACTITIONER, Role.PORTAGE_WORKER})

# The sections, by the users' tasks. Everyone who works with children has their children (or
# caseload), their actions and advice requests; the SEND team works referrals, and a setting
# and a portage worker raise concerns and follow them; the manager and planners plan; the manager
# and the administrator run the service.
add_sections(
    Section(
        300,
        "referrals",
        "Referrals",
        ((CONCERN_RAISERS, "Concerns"),),
        # Early help's referrals and a health professional's notification are their main task.
        ((frozenset({Role.EARLY_HELP_COORDINATOR, Role.PROFESSIONAL}), 100),),
    ),
    Section(
        200,
        "children",
        "Children",
        (
            (frozenset({Role.PORTAGE_WORKER}), "Caseload"),
            (frozenset({Role.PROFESSIONAL, Role.EARLY_HELP_COORDINATOR}), "Advice and actions"),
        ),
    ),
    Section(400, "planning", "Planning"),
    Section(500, "training", "Training"),
    Section(600, "local-offer", "Local offer"),
    Section(700, "service", "Settings and people"),
)

add_links(
    Link(670, "Messages", "message-log", SEND_TEAM_ROLES, section="referrals"),
    Link(
        720, "Account changes", "account-changes", frozenset({Role.SEND_MANAGER}), section="service"
    ),
    Link(
        725, "Access reviews", "access-reviews", frozenset({Role.SEND_MANAGER}), section="service"
    ),
    Link(1400, "Content admin", "wagtailadmin_home", CONTENT_EDITOR_ROLES, section="service"),
    Link(1500, "Accounts and places", "admin:index", frozenset({Role.ADMIN}), section="service"),
)

add_tasks(
    LandingTask(
        100,
        frozenset({Role.ADMIN}),
        "Manage accounts, settings and areas",
        "Staff, roles and memberships.",
        "admin:index",
    ),
    LandingTask(
        110,
        frozenset({Role.ADMIN}),
        "Manage content",
        "Training and the local offer.",
        "wagtailadmin_home",
    ),
    LandingTask(
        200,
        EVERYONE_SIGNED_IN,
        "Two-step sign-in",
        "Your authenticator app and recovery codes.",
        "two-factor",
    ),
)
