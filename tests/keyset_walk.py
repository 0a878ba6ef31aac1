"""Reading a list paged by key (core/paging.py) the way a user does: following its "Sau" links
to the last page, then its "Trước" links back to the first."""

from __future__ import annotations

import html
import re
from collections.abc import Callable


def paging_link(page: str, rel: str) -> str | None:
    """The address of the paging link `rel` ("next", "prev"), None when it is disabled."""
    found = re.search(rf'<a class="page-link" rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found[1]) if found else None


def walk(client, url: str, rows: Callable[[str], list], must_keep: str = "") -> tuple[list[list], list[list]]:
    """The `rows` of each page read forward from `url`, then back from the last page; the first
    page has no link back, and `must_keep` (a filter) is in every link followed."""
    page = client.get(url).get_data(as_text=True)
    assert paging_link(page, "prev") is None
    forward = [rows(page)]
    while (url := paging_link(page, "next")) is not None:
        assert must_keep in url
        page = client.get(url).get_data(as_text=True)
        forward.append(rows(page))
    backward = [forward[-1]]
    while (url := paging_link(page, "prev")) is not None:
        assert must_keep in url
        page = client.get(url).get_data(as_text=True)
        backward.append(rows(page))
    return forward, backward
