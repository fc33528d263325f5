"""The built front end is whole: every file the stylesheet points to was built beside it, so
`collectstatic` (which refuses a stylesheet pointing at a missing file) works in production.
A package's styles added to app.scss without their images is what this catches."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def test_every_file_the_stylesheet_points_to_is_built():
    built = Path(settings.BASE_DIR) / "static_build"
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
