"""The shared core names no URL of an app above it: each app declares its own entries."""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

from django.urls import URLPattern, URLResolver

import earlyyears

ABOVE = ("pathway", "training", "cms", "dataprotection")
NAMING = re.compile(
    r"""(?:reverse(?:_lazy)?\(\s*|redirect\(\s*|resolve_url\(\s*|\{%\s*url\s+)["']([\w:-]+)["']"""
)


def _names(patterns) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def _names_above() -> set[str]:
    names: set[str] = set()
    for app in ABOVE:
        names |= _names(import_module(f"{app}.urls").urlpatterns)
    return names


def _core_files() -> list[Path]:
    root = Path(earlyyears.__file__).parent
    return [
        path
        for path in root.rglob("*")
        if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts
    ]


def test_the_core_names_no_url_of_an_app_above_it():
    above = _names_above()
    assert {"triage-queue", "local-offer", "audit-search", "training-coverage"} <= above
    named = {
        (str(path.relative_to(Path(earlyyears.__file__).parent)), name)
        for path in _core_files()
        for name in NAMING.findall(path.read_text(encoding="utf-8"))
        if name in above
    }
    assert named == set()


def test_the_check_sees_a_url_named_in_a_template():
    assert NAMING.findall("""<a href="{% url 'triage-queue' %}">""") == ["triage-queue"]
    assert NAMING.findall('reverse("panel-list")') == ["panel-list"]


def test_two_step_sign_in_is_required_of_every_role_that_sees_children():
    """Settings cannot import the role groups (they load before Django), so they name the
    roles again: this keeps the two lists one."""
    from django.conf import settings

    from earlyyears.roles import CHILD_ROLES, PROVIDER_ROLES

    # Providers see no child but change what families read: they need the second step too.
    assert set(settings.TWO_FACTOR_REQUIRED_ROLES) == set(CHILD_ROLES) | set(PROVIDER_ROLES)
