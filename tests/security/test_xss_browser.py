"""The hostile text in a real browser: Chromium loads every HTML page each actor may see; no
dialog may open, no script may run, and the `page` fixture fails on any CSP violation or
console error (a live <img src=x onerror=...> would also show up as a failed load)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.security.harness import Visitors, reset_world
from tests.security.test_xss import ESCAPED, PAYLOAD, _allowed_get_pages

pytestmark = pytest.mark.browser

ACTORS_IN_BROWSER = ("staff_a", "evaluator_assigned", "secretariat", "observer", "admin")


def test_hostile_text_never_runs_in_the_browser(page, browser_app):
    app = browser_app
    app.config["WTF_CSRF_ENABLED"] = False  # the test client below logs in without a form
    world = reset_world(app, payload=PAYLOAD)
    visitors = Visitors(app, world)
    html_pages: dict[str, list[str]] = {actor: [] for actor in ACTORS_IN_BROWSER}
    for _label, _endpoint, url, actor in _allowed_get_pages(app, world):
        if actor in html_pages and url not in html_pages[actor]:
            response = visitors.visit(actor, "GET", url)
            if response.status_code == 200 and response.mimetype == "text/html":
                html_pages[actor].append(url)
    app.config["WTF_CSRF_ENABLED"] = True

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(f"{page.url}: {dialog.message}"))
    page.add_init_script("window.__xss = []; window.alert = (m) => window.__xss.push(String(m));")
    shown = 0
    for actor, urls in html_pages.items():
        page.context.clear_cookies()
        page.goto("/dang-nhap")
        page.get_by_label("Tên đăng nhập hoặc email").fill(world.users[actor].login)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/trang-chu")
        for url in urls:
            page.goto(url)
            assert page.evaluate("window.__xss") == [], f"script from user text ran on {url} as {actor}"
            if ESCAPED.replace("&lt;", "<").replace("&gt;", ">") in page.content().replace("&lt;", "<").replace(
                    "&gt;", ">"):
                shown += 1
    assert not dialogs, dialogs
    assert sum(len(urls) for urls in html_pages.values()) >= 60
    assert shown >= 30, "the hostile text was not on the pages"
