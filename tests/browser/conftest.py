"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

import json
import os
from pathlib import Path

import pytest

from ..otp import sign_in_with_code

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            raise pytest.UsageError(
                f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}"
            )
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def assert_accessible(axe_source):
    """Runs axe-core in the page and fails with the violations listed."""

    def check(page) -> None:
        page.evaluate(axe_source)  # not a <script> tag: the CSP allows no inline script
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: [
                    'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'
                ]}
            })"""
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        assert violations == [], (
            f"axe violations on {page.url}:\n{json.dumps(violations, indent=2)}"
        )

    return check


@pytest.fixture(autouse=True)
def _no_csp_violations(page):
    """Every page a browser test visits keeps to the Content-Security-Policy: Chromium reports
    each violation as a console error, and CSP_LISTENER logs each securitypolicyviolation."""
    violations = []

    def note(message) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.add_init_script(CSP_LISTENER)
    page.on("console", note)
    yield
    assert violations == [], "CSP violations:\n" + "\n".join(violations)


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(8000)
    expect_timeout = 8000
    from playwright.sync_api import expect

    expect.set_options(timeout=expect_timeout)
    yield
    if os.environ.get("BROWSER_SCREENSHOTS"):
        page.screenshot(path=os.environ["BROWSER_SCREENSHOTS"], full_page=True)


@pytest.fixture
def sign_in(live_server):
    """Both steps, as staff do them: the password, then the code from their authenticator app
    (a real confirmed TOTP device; tests/otp.py computes its current code)."""

    def do(page, username: str, password: str, next_path: str = "") -> None:
        sign_in_with_code(page, live_server.url, username, password, next_path)

    return do
