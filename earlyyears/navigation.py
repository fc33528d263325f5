"""What each role sees in the header navigation and on its landing page.

Each app declares its own entries in its `navigation.py` (found when the project starts), so
the shared core never names a page of an app above it. An entry's place is its `order`:
gaps leave room for the entries of other apps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from .roles import CONTENT_EDITOR_ROLES, SEND_TEAM_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class Task:
    """A thing a role does next, shown on the landing page."""

    title: str
    description: str
    url: str | None = None


@dataclass(frozen=True)
class Link:
    """A header link: `url` is a URL name, or a path for a Wagtail page (which has no name).
    `roles` empty means every signed-in role."""

    order: int
    label: str
    url: str
    roles: frozenset[str] = frozenset()
    signed_out: bool = False


@dataclass(frozen=True)
class LandingTask:
    order: int
    roles: frozenset[str]
    title: str
    description: str
    url: str


_links: list[Link] = []
_tasks: list[LandingTask] = []


def add_links(*links: Link) -> None:
    _links.extend(links)
    _links.sort(key=lambda link: link.order)


def add_tasks(*tasks: LandingTask) -> None:
    _tasks.extend(tasks)
    _tasks.sort(key=lambda task: task.order)


def discover() -> None:
    """Load every app's `navigation` module (called once, when the project starts)."""
    autodiscover_modules("navigation")


def _url(target: str) -> str:
    return target if target.startswith("/") else reverse(target)


def _for_role(role: str, roles: Iterable[str]) -> bool:
    return not roles or role in roles


def navigation_for(user, path: str) -> list[NavItem]:
    if not user.is_authenticated:
        chosen = [link for link in _links if link.signed_out]
    else:
        chosen = [link for link in _links if _for_role(user.role, link.roles)]
    items = []
    for link in chosen:
        url = _url(link.url)
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(link.label, url, active=active))
    return items


def tasks_for(user) -> list[Task]:
    """The landing page's 'what you do next' for each role, most important first."""
    return [
        Task(task.title, task.description, _url(task.url))
        for task in _tasks
        if task.roles and user.role in task.roles
    ]


EVERYONE_SIGNED_IN = frozenset(Role.values)

add_links(
    Link(100, "Home", "home"),
    Link(670, "Messages", "message-log", SEND_TEAM_ROLES),
    Link(720, "Account changes", "account-changes", frozenset({Role.SEND_MANAGER})),
    Link(1400, "Content admin", "wagtailadmin_home", CONTENT_EDITOR_ROLES),
    Link(1500, "Accounts and places", "admin:index", frozenset({Role.ADMIN})),
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
