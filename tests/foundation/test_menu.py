"""The main menu: at most seven entries at the top for every role and for a person holding every
role, the rarer pages in dropdown groups, and every entry opens."""

import re

import pytest

from danvankheo.core.nav import MAX_TOP_ITEMS
from danvankheo.core.roles import Role


def _menu(page: str) -> str:
    return page.split('data-testid="main-menu"', 1)[1].split('<ul class="navbar-nav">', 1)[0]


def _top_items(menu: str) -> list[str]:
    return re.findall(r'<li class="nav-item( dropdown)?">', menu)


@pytest.mark.parametrize("roles", [[r] for r in Role] + [list(Role)], ids=lambda r: "+".join(x.value for x in r))
def test_at_most_seven_entries_at_the_top_and_every_entry_opens(client, login_as, roles):
    login_as(*roles)
    menu = _menu(client.get("/trang-chu").get_data(as_text=True))
    assert 1 <= len(_top_items(menu)) <= MAX_TOP_ITEMS
    for href in re.findall(r'href="([^"]+)"', menu):
        assert client.get(href).status_code == 200, href


def test_the_secretariat_finds_the_rarer_pages_in_groups(client, login_as):
    login_as(Role.SECRETARIAT)
    menu = _menu(client.get("/mo-hinh/han-nop").get_data(as_text=True))
    assert ">Mô hình</button>" in menu and ">Báo cáo</button>" in menu
    assert 'href="/thong-ke"' in menu and 'href="/nhat-ky"' in menu
    # The open page is marked in its group, and the group too.
    assert 'class="nav-link dropdown-toggle active"' in menu
    assert 'href="/mo-hinh/han-nop"\n                aria-current="page"' in menu


def test_a_group_with_one_entry_is_a_plain_link(client, login_as):
    login_as(Role.STAFF)
    menu = _menu(client.get("/trang-chu").get_data(as_text=True))
    assert "dropdown-toggle" not in menu
    assert '>Mô hình</a>' in menu and '>Kết quả chấm</a>' in menu
