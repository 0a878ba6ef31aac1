"""Paging by key (core/paging.py): walking a list forward and back by its tokens gives every
row once, in order, whatever the directions of its sort columns and however many rows tie."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from danvankheo.core.paging import SortKey, decode_cursor, encode_cursor, keyset_page, page_of_found_keys
from danvankheo.extensions import db
from danvankheo.units.models import Unit
from tests.factories import make_unit
from tests.perf.querycount import count_queries

NAMES = ["Sở A", "Sở B", "Sở B", "Sở C", "Sở B", "Sở A", "Sở D", "Sở C", "Sở B", "Sở E", "Sở A"]


@pytest.fixture
def units(app):
    made = [make_unit(name) for name in NAMES]
    db.session.commit()
    return made


ORDERS = {
    "same direction": (SortKey(Unit.name), SortKey(Unit.id)),
    "mixed directions": (SortKey(Unit.name, descending=True), SortKey(Unit.id)),
    "downwards": (SortKey(Unit.name, descending=True), SortKey(Unit.id, descending=True)),
}


def _everything(keys) -> list[int]:
    statement = select(Unit).where(Unit.name.in_(set(NAMES))).order_by(*(k.ordering for k in keys))
    return [unit.id for unit in db.session.scalars(statement)]


# How the page is found: by the database from the row a token names; cut from the keys of every
# match read first (`cut_in_python`); or, with more matches than that reads, by the database.
WAYS = {
    "database": {},
    "cut in Python": {"cut_in_python": True},
    "past the cut's bound": {"cut_in_python": True, "count_cap": 5},
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("per_page", [1, 3, 4, 11, 20])
def test_walking_forward_then_back_gives_every_row_once_in_order(units, order, per_page, way):
    keys, options = ORDERS[order], WAYS[way]
    statement = select(Unit).where(Unit.name.in_(set(NAMES)))
    expected = _everything(keys)
    pages, token = [], None
    while True:
        page = keyset_page(statement, keys, per_page=per_page, after=token, **options)
        pages.append([unit.id for unit in page.items])
        capped = "count_cap" in options
        assert page.total == (5 if capped else len(NAMES)) and page.total_is_lower_bound == capped
        assert page.has_prev == (len(pages) > 1)
        if not page.has_next:
            break
        token = page.next_cursor
    assert [i for ids in pages for i in ids] == expected
    assert all(len(ids) == per_page for ids in pages[:-1])
    back = []
    while page.has_prev:
        page = keyset_page(statement, keys, per_page=per_page, before=page.prev_cursor, **options)
        back.append([unit.id for unit in page.items])
        assert page.has_next
    assert back == pages[-2::-1]


def test_a_cut_page_is_read_in_two_queries(units, app):
    """The keys of every match (which counts them), then the page's rows by id: no count apart."""
    with count_queries() as queries:
        page = keyset_page(select(Unit), ORDERS["mixed directions"], per_page=4, cut_in_python=True)
    selects = [s for s in queries.statements if s.lstrip().upper().startswith("SELECT")]  # no SAVEPOINTs
    assert len(page.items) == 4 and page.total == len(NAMES) and len(selects) == 2, queries.report()


def test_a_sort_column_may_be_an_expression_read_back_under_another_name(units):
    """A key that is an expression (here a labelled column of the row) names where each item
    holds its value."""
    shout = func.upper(Unit.name)
    keys = (SortKey(shout, descending=True, attribute="shout"), SortKey(Unit.id))
    statement = select(Unit.id, shout.label("shout")).where(Unit.name.in_(set(NAMES)))
    seen, token = [], None
    while True:
        page = keyset_page(statement, keys, per_page=3, after=token, scalars=False)
        seen += [row.id for row in page.items]
        if not page.has_next:
            break
        token = page.next_cursor
    assert seen == _everything((SortKey(Unit.name, descending=True), SortKey(Unit.id)))


@pytest.mark.parametrize("order", ORDERS)
def test_a_list_filtered_in_python_is_paged_from_the_keys_it_kept(units, order):
    """The keys of the matches a Python filter kept (here: not "Sở B"), given in any order:
    each page is cut from them, forward and back, with the same tokens; only its rows are read."""
    keys = ORDERS[order]
    statement = select(Unit).where(Unit.name.in_(set(NAMES)))
    kept = [row for row in db.session.execute(select(*(k.column for k in keys)).where(Unit.name.in_(set(NAMES))))
            if row[0] != "Sở B"][::-1]
    expected = [i for i in _everything(keys) if db.session.get(Unit, i).name != "Sở B"]
    pages, page, token = [], None, None
    while page is None or page.has_next:
        page = page_of_found_keys(statement, keys, kept, per_page=3, after=token)
        pages.append([unit.id for unit in page.items])
        assert page.total == len(expected) and not page.total_is_lower_bound
        token = page.next_cursor
    assert [i for ids in pages for i in ids] == expected
    back = []
    while page.has_prev:
        page = page_of_found_keys(statement, keys, kept, per_page=3, before=page.prev_cursor)
        back.append([unit.id for unit in page.items])
    assert back == pages[-2::-1]


def test_the_count_stops_at_its_bound(units):
    page = keyset_page(select(Unit), ORDERS["same direction"], per_page=2, count_cap=5)
    assert page.total == 5 and page.total_is_lower_bound


def test_an_empty_list_has_no_links(app):
    page = keyset_page(select(Unit).where(Unit.id < 0), ORDERS["same direction"], per_page=5)
    assert page.items == [] and not page.has_next and not page.has_prev and page.total == 0


@pytest.mark.parametrize("token", ["", "%%%", "bm90IGpzb24", encode_cursor([1]), encode_cursor([{"x": 1}, 2])])
def test_a_token_that_is_not_ours_means_the_first_page(token):
    assert decode_cursor(token, 2) is None


def test_tokens_carry_dates_and_numbers_exactly():
    from datetime import UTC, date, datetime
    from decimal import Decimal

    values = [datetime(2026, 12, 7, 3, 4, 5, 678, tzinfo=UTC), date(2026, 1, 31), Decimal("87.50"), "Sở Tư pháp", 7]
    assert decode_cursor(encode_cursor(values), 5) == values


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("token", [encode_cursor(["Sở B", "mười"]), encode_cursor([5, 3]),
                                   encode_cursor(["Sở B", True])])
def test_a_token_whose_values_do_not_fit_the_columns_means_the_first_page(units, way, token):
    """A hand-made token of the right shape but with text where the id belongs (or a number
    where the name does) must not reach the database, where PostgreSQL refuses the comparison."""
    keys = ORDERS["same direction"]
    first = keyset_page(select(Unit), keys, per_page=3, **WAYS[way])
    for link in ("after", "before"):
        page = keyset_page(select(Unit), keys, per_page=3, **{link: token}, **WAYS[way])
        assert [u.id for u in page.items] == [u.id for u in first.items]
