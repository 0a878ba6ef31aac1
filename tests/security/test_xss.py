"""XSS: user text carrying script, event handlers and javascript: links is stored in every
field a user can edit, then every page that can show it is rendered for every actor: the
text must come back escaped and inert, in HTML pages and in the Excel exports."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest

from tests.security.harness import Visitors, reset_world, url_for_rule
from tests.security.policy import ACTORS, OK
from tests.security.test_authorization_matrix import policy_cells

PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">xem</a>'
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run: event-handler attributes, javascript: URLs, and
    script elements with the payload's code (the app's own scripts are external files)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}")


ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Pages that must show the hostile text (escaped) to someone: proof the fields were rendered.
MUST_SHOW = {
    "registry.index", "registry.detail", "registry.edit", "home.index", "notifications.index",
    "rounds.entries", "rounds.model_detail", "scoring.score", "scoring.queue", "awards.detail",
    "admin.units", "admin.users", "admin.user_edit", "showcase.index", "showcase.detail",
    "registry.compliance", "audit.index", "reports.dashboard",
}


@pytest.fixture
def hostile_world(app):
    world = reset_world(app, payload=PAYLOAD)
    return world, Visitors(app, world)


def _live(page: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(page)
    return parser.found


def _allowed_get_pages(app, world):
    for label, rule, entry in policy_cells(app, "GET"):
        url = url_for_rule(app, rule, world, entry.params)
        for actor in ACTORS:
            if entry.get[actor] == OK:
                yield label, rule.endpoint, url, actor


def test_user_text_is_inert_on_every_page(app, hostile_world):
    world, visitors = hostile_world
    live, shown, pages = [], set(), 0
    for label, endpoint, url, actor in _allowed_get_pages(app, world):
        response = visitors.visit(actor, "GET", url)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        pages += 1
        found = _live(page)
        if found:
            live.append(f"{label} as {actor}: {found[:3]}")
        if ESCAPED in page:
            shown.add(endpoint)
    assert not live, "live markup from user text:\n" + "\n".join(live)
    assert pages >= 100
    missing = sorted(e for e in MUST_SHOW - shown if e in app.view_functions)
    assert not missing, f"these pages never showed the (escaped) user text, so they were not really tested: {missing}"


def test_text_in_the_address_is_inert(app, hostile_world):
    """Search boxes and filters echo the query string: a crafted link must stay inert."""
    from urllib.parse import quote

    world, visitors = hostile_world
    live = []
    names = ("q", "nam", "trang_thai", "don_vi", "ten_don_vi", "tu", "den", "next", "loai", "ky", "xep_loai",
             "tinh_trang")
    query = "&".join(f"{name}={quote(PAYLOAD)}" for name in names)
    for label, _endpoint, url, actor in _allowed_get_pages(app, world):
        if actor not in ("secretariat", "staff_a", "admin", "anonymous"):
            continue
        response = visitors.visit(actor, "GET", f"{url}?{query}")
        if response.status_code >= 500:
            live.append(f"{label} as {actor}: {response.status_code}")
        if response.mimetype == "text/html" and _live(response.get_data(as_text=True)):
            live.append(f"{label} as {actor}: {_live(response.get_data(as_text=True))[:3]}")
    assert not live, "\n".join(live)


def test_exports_carry_user_text_as_plain_text(app, hostile_world):
    """Read back every workbook a user can download: hostile text is a plain string, never a
    formula and never a hyperlink."""
    from openpyxl import load_workbook

    world, visitors = hostile_world
    problems, workbooks, seen = [], 0, False
    for label, _endpoint, url, actor in _allowed_get_pages(app, world):
        response = visitors.visit(actor, "GET", url)
        if not response.mimetype.endswith("spreadsheetml.sheet"):
            continue
        workbooks += 1
        book = load_workbook(io.BytesIO(response.data))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.hyperlink is not None and "javascript" in str(cell.hyperlink.target or "").lower():
                        problems.append(f"{label} as {actor}: {cell.coordinate} links to {cell.hyperlink.target}")
                    if cell.data_type == "f":
                        problems.append(f"{label} as {actor}: {cell.coordinate} is a formula: {cell.value!r}")
                    if isinstance(cell.value, str) and "<script>alert(1)" in cell.value:
                        seen = True
    assert not problems, "\n".join(problems)
    assert workbooks >= 4 and seen, "the exports did not carry the hostile text"


@pytest.mark.parametrize(
    ("html", "live"),
    [
        (PAYLOAD, True),
        ('<img src=x onerror=alert(1)>', True),
        ('<a href=" JavaScript:alert(1)">x</a>', True),
        ("<script>alert(1)</script>", True),
        ('<script src="/static/js/app.js"></script>', False),
        ('<input value="&lt;img src=x onerror=alert(1)&gt;">', False),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p>", False),
    ],
)
def test_the_detector_itself(html, live):
    """The check above is only as good as this detector: it sees live markup, not escaped text."""
    assert bool(_live(html)) is live
