"""The built front end is whole: every file the stylesheet points to was built beside it, so
`collectstatic` (which refuses a stylesheet pointing at a missing file) works in production.
A package's styles added to app.scss without their images is what this catches."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command

URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def test_every_file_the_stylesheet_points_to_is_built():
    built = Path(django_settings.BASE_DIR) / "static_build"
    stylesheet = built / "app" / "app.css"
    assert stylesheet.exists(), "run `make install` (node frontend/build.mjs) first"
    targets = {
        match
        for match in URL.findall(stylesheet.read_text(encoding="utf-8"))
        if not match.startswith(("data:", "http:", "https:", "#"))
    }
    assert targets, "the stylesheet points to no file: the pattern no longer reads it"
    missing = sorted(t for t in targets if not (stylesheet.parent / t).resolve().is_file())
    assert missing == []


def test_collectstatic_as_production_runs_it(tmp_path, settings):
    """What `make serve` and a release run: whitenoise's manifest storage, which also follows
    each script's and stylesheet's source map and refuses a missing one."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()
