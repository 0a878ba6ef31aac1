"""Browser tests: the app served on a free local port, driven in Debian's headless Chromium.

Chromium is required. Without /usr/bin/chromium the tests fail (they never skip), unless a
developer explicitly sets ALLOW_SKIP_BROWSER=1 on a machine where it cannot be installed.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from danvankheo import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_server(_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


# tests/security/conftest.py imports this fixture too, which makes it a second session fixture
# of the same name: both must share one Playwright, since a second sync_playwright() in the same
# process fails while the first is running ("Sync API inside the asyncio loop").
_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)."
        if os.environ.get("ALLOW_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message)
    from playwright.sync_api import sync_playwright

    if not _shared["users"]:
        _shared["manager"] = sync_playwright()
        playwright = _shared["manager"].__enter__()
        _shared["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if not _shared["users"]:
            _shared.pop("browser").close()
            _shared.pop("manager").__exit__(None, None, None)


@pytest.fixture
def browser_app(app):
    """The app as the browser sees it: CSRF on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


class PageProblems(list):
    """Console errors and CSP violations seen while a test ran."""


@pytest.fixture
def page(request, chromium, live_server, browser_app):
    """A Chromium page in Vietnamese; a test parametrized with ``indirect=["page"]`` names
    another browser language ("en-US"), as officials' machines are often set up in English."""
    locale = getattr(request, "param", "vi-VN")
    context = chromium.new_context(
        base_url=live_server, locale=locale, viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.locale = locale
    problems = PageProblems()
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.problems = problems
    yield page
    context.close()
    csp = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
    assert not csp, f"the page broke its Content-Security-Policy: {csp}"
    assert not problems, f"browser console errors: {problems}"


def browser_login(page, login: str, password: str) -> None:
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập hoặc email").fill(login)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/trang-chu")


def browser_logout(page) -> None:
    page.goto("/trang-chu")
    page.locator(".navbar .dropdown-toggle").last.click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/dang-nhap")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot for the user guide (docs/screenshots/<name>.png); a page in
    another browser language saves beside the guide's, in the system's temporary folder."""
    locale = getattr(page, "locale", "vi-VN")
    folder = SCREENSHOTS if locale == "vi-VN" else Path(tempfile.gettempdir()) / "dvk-screenshots" / locale
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def follow(page, link) -> None:
    """Click a link to another page and wait until that page has loaded: what is read straight
    after a click may otherwise be the page being left, or no page at all."""
    before = page.url
    link.click()
    page.wait_for_url(lambda url: url != before)


def walk_pages(page, shown, url_pattern: str) -> list[list]:
    """Follow a list's "Sau ›" links from its first page to its last: what `shown` reads on each
    page, checking that every link keeps the address's filters (`url_pattern`)."""
    from playwright.sync_api import expect  # imported here, as Playwright is, only when a test runs

    paging = page.get_by_role("navigation", name="Phân trang")
    pages = [shown(page)]
    expect(paging.get_by_role("link", name="‹ Trước")).to_have_count(0)  # the first page has none before it
    while paging.locator("a[rel=next]").count():
        follow(page, paging.get_by_role("link", name="Sau ›"))
        expect(page).to_have_url(re.compile(url_pattern))
        pages.append(shown(page))
    return pages
