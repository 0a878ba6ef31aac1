"""The role guides inside the app, and the help link of each page to its section."""

import re

import pytest

from danvankheo.core.roles import Role
from danvankheo.help.guides import GUIDES, SECTIONS, anchor, render_guide


@pytest.mark.parametrize("slug", sorted(GUIDES))
def test_every_guide_renders_with_its_screenshots(client, login_as, slug):
    login_as(GUIDES[slug].role)
    page = client.get(f"/huong-dan/{slug}").get_data(as_text=True)
    assert "<h1" in page and GUIDES[slug].title.split(" cho ")[0] in page
    images = re.findall(r'<img alt="[^"]*" src="([^"]+)"', page)
    assert images, "the guide shows its screenshots"
    for src in images:
        assert src.startswith("/huong-dan/anh/"), src
        response = client.get(src)
        assert response.status_code == 200 and response.mimetype == "image/png", src
    assert ".md" not in "".join(re.findall(r'href="([^"]+)"', page))  # no link left to a repository file


def test_every_section_a_page_links_to_exists(app):
    for endpoint, sections in SECTIONS.items():
        assert endpoint in app.view_functions, endpoint
        for slug, heading in sections.items():
            body, _toc = render_guide(slug)
            assert f'id="{anchor(heading)}"' in body, (endpoint, slug, heading)


@pytest.mark.parametrize(("role", "path", "target"), [
    (Role.EVALUATOR, "/cham-diem/", "/huong-dan/giam-khao#2-mo-danh-sach-can-cham"),
    (Role.STAFF, "/mo-hinh/dang-ky", "/huong-dan/can-bo#1-dang-ky-mo-hinh"),
    (Role.SECRETARIAT, "/mo-hinh/han-nop", "/huong-dan/thuong-truc#1-dau-nam-han-nop-pham-vi-gia-han"),
    (Role.OBSERVER, "/thong-ke", "/huong-dan/theo-doi#5-bang-thong-ke"),
    (Role.ADMIN, "/quan-tri/don-vi", "/huong-dan/quan-tri#1-khoi-tao-cay-don-vi"),
    (Role.ADMIN, "/doi-mat-khau", "/huong-dan/quan-tri"),  # no section: the start of the guide
])
def test_each_page_links_to_its_section_of_the_readers_guide(client, login_as, role, path, target):
    login_as(role)
    page = client.get(path).get_data(as_text=True)
    assert f'href="{target}" data-testid="help-link"' in page


def test_guides_need_a_login_and_serve_only_screenshots(client, login_as):
    assert client.get("/huong-dan/can-bo").status_code == 302
    login_as(Role.STAFF)
    assert client.get("/huong-dan/khong-co").status_code == 404
    assert client.get("/huong-dan/anh/..%2F..%2Fconfig.py").status_code == 404
    assert client.get("/huong-dan/").headers["Location"].endswith("/huong-dan/can-bo")
