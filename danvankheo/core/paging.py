"""Paging by key (keyset) for the long lists.

A page is "the next `per_page` rows after this row" in the list's order, found by walking the
order's index from that row, so the hundredth page costs what the first does; OFFSET reads and
throws away every row before the page. The link to the next page carries the last row's sort
key (`sau=`), the link back the first row's (`truoc=`), as an opaque URL-safe token.

The order must end in a unique column (the id) so that no two rows share a key, and its
columns must not be NULL. The total is counted only up to a bound: counting every match costs
as much as reading them all, and nobody pages that far (the list then says "hơn 1.000").
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, tuple_

from ..extensions import db

AFTER, BEFORE = "sau", "truoc"
COUNT_CAP = 1000


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order, and whether it runs downwards. `attribute` names where an
    item holds the column's value when the column is an expression (`column.key` otherwise)."""

    column: Any
    descending: bool = False
    attribute: str | None = None

    @property
    def name(self) -> str:
        return self.attribute or self.column.key

    @property
    def ordering(self) -> ColumnElement:
        return self.column.desc() if self.descending else self.column.asc()

    @property
    def reversed(self) -> ColumnElement:
        return self.column.asc() if self.descending else self.column.desc()


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        kind, text = next(iter(value.items()))
        return {"t": datetime.fromisoformat, "d": date.fromisoformat, "n": Decimal}[kind](text)
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str | None, width: int) -> list[Any] | None:
    """The key in `token`, or None when there is none or it is not one of ours (a hand-edited
    link starts the list from its first page rather than failing)."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = [_decode_value(v) for v in json.loads(raw)]
    except (binascii.Error, ValueError, TypeError, KeyError, StopIteration, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) and len(values) == width else None


def _python_type(column: Any) -> type | None:
    try:
        return column.type.python_type
    except (AttributeError, NotImplementedError):
        return None


def _value_fits(column: Any, value: Any) -> bool:
    """Whether a token's value can stand for `column`'s: a hand-made token with text where a
    number or date belongs would otherwise reach the database and fail there."""
    wanted = _python_type(column)
    if value is None or wanted is None:  # a nullable expression's key; a type SQLAlchemy cannot name
        return True
    if isinstance(value, bool) and wanted is not bool:
        return False
    if isinstance(wanted, type) and issubclass(wanted, enum.Enum):
        return isinstance(value, str)
    if wanted in (int, float, Decimal):
        return isinstance(value, (int, Decimal)) or wanted is not int and isinstance(value, float)
    if wanted is datetime:
        return isinstance(value, datetime)
    if wanted is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, wanted)


def key_of(token: str | None, keys: Sequence[SortKey]) -> list[Any] | None:
    """The key in `token` when it is one of ours and its values fit `keys`' columns."""
    values = decode_cursor(token, len(keys))
    if values is None or not all(_value_fits(k.column, v) for k, v in zip(keys, values, strict=True)):
        return None
    return values


def after_clause(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows that come after `values` in the order of `keys`.

    When every column runs the same way this is one row comparison, which PostgreSQL answers
    from a composite index; mixed directions spell it out column by column, behind a bound on
    the first column that the index can start from."""
    if not keys:
        return false()
    first = keys[0]
    if all(k.descending == first.descending for k in keys):
        left, right = tuple_(*(k.column for k in keys)), tuple_(*values)
        return left < right if first.descending else left > right
    alternatives = []
    for i, key in enumerate(keys):
        equal = [k.column == v for k, v in zip(keys[:i], values[:i], strict=True)]
        beyond = key.column < values[i] if key.descending else key.column > values[i]
        alternatives.append(and_(*equal, beyond))
    bound = first.column <= values[0] if first.descending else first.column >= values[0]
    return and_(bound, or_(*alternatives))


def _flipped(keys: Sequence[SortKey]) -> list[SortKey]:
    return [SortKey(k.column, not k.descending, k.attribute) for k in keys]


@dataclass
class KeysetPage:
    """One page of a list paged by key, for the `keyset_pagination` macro."""

    items: list[Any]
    per_page: int
    has_next: bool
    has_prev: bool
    next_cursor: str | None
    prev_cursor: str | None
    total: int
    total_is_lower_bound: bool

    @property
    def is_first(self) -> bool:
        return not self.has_prev


def keyset_page(
    statement: Select,
    keys: Sequence[SortKey],
    *,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
    count_cap: int = COUNT_CAP,
    scalars: bool = True,
    cut_in_python: bool = False,
    total_column: str | None = None,
) -> KeysetPage:
    """The page of `statement` (without ORDER BY: `keys` orders it) after the row named by the
    `after` token, or before the one named by `before`, or the first page.

    `total_column` names a column of every row that already holds the number of matches (a
    window over the whole list): the total is read from the page's first row instead of
    counted by a second query (which would compute that window again), unless the page is empty.

    Each item's key is read back from the item: `keys`' columns must be attributes of the
    entity (scalars) or labelled columns of the row.

    `cut_in_python` reads the keys of up to `count_cap` + 1 matches first, which counts them.
    When that is all of them, the page is cut from those keys here and its rows fetched by
    their last (unique) key: PostgreSQL, asked for the first rows in the order of a few
    scattered matches, may walk the whole order's index to find them. When there are more, the
    matches are dense and the index finds the page at once. Only for keys that Python orders
    as the database does (numbers, dates, byte-ordered text)."""
    after_key, before_key = key_of(after, keys), key_of(before, keys)
    if cut_in_python:
        found = db.session.execute(
            statement.with_only_columns(*(k.column for k in keys)).order_by(None).limit(count_cap + 1)).all()
        if len(found) <= count_cap:
            return _page_cut_in_python(statement, keys, found, per_page, after_key, before_key, scalars)
    if before_key is not None:
        query = statement.where(after_clause(_flipped(keys), before_key))
        query = query.order_by(None).order_by(*(k.reversed for k in keys)).limit(per_page + 1)
        rows = _rows(query, scalars)
        has_prev, rows = len(rows) > per_page, rows[:per_page]
        rows.reverse()
        has_next = True
    else:
        query = statement
        if after_key is not None:
            query = query.where(after_clause(keys, after_key))
        query = query.order_by(None).order_by(*(k.ordering for k in keys)).limit(per_page + 1)
        rows = _rows(query, scalars)
        has_next, rows = len(rows) > per_page, rows[:per_page]
        has_prev = after_key is not None
    if cut_in_python:
        total = count_cap + 1  # the keys read above were more than the cap
    elif total_column is not None and rows:
        total = getattr(rows[0], total_column)
    else:
        total = db.session.scalar(
            select(func.count()).select_from(statement.order_by(None).limit(count_cap + 1).subquery()))
    return KeysetPage(
        items=rows,
        per_page=per_page,
        has_next=has_next and bool(rows),
        has_prev=has_prev and bool(rows),
        next_cursor=encode_cursor(_key_of(rows[-1], keys)) if rows else None,
        prev_cursor=encode_cursor(_key_of(rows[0], keys)) if rows else None,
        total=min(total or 0, count_cap),
        total_is_lower_bound=(total or 0) > count_cap,
    )


def page_of_found_keys(
    statement: Select,
    keys: Sequence[SortKey],
    found: Sequence[Sequence[Any]],
    *,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
    scalars: bool = True,
) -> KeysetPage:
    """The page of `statement` when `found` holds the keys (values of `keys`' columns, in any
    order) of every match: for a list whose filter is decided in Python, such as a name matched
    with its accents folded. The caller reads the matches' keys narrow and keeps those that
    match; only the page's rows are loaded. Same tokens as `keyset_page`, same key rules as
    its `cut_in_python`."""
    return _page_cut_in_python(statement, keys, found, per_page, key_of(after, keys), key_of(before, keys),
                               scalars)


def _page_cut_in_python(
    statement: Select,
    keys: Sequence[SortKey],
    found: Sequence[Any],
    per_page: int,
    after_key: list[Any] | None,
    before_key: list[Any] | None,
    scalars: bool,
) -> KeysetPage:
    """The page of `keyset_page(cut_in_python=True)` when `found` holds the keys of every match."""
    ordered = list(found)
    for i in reversed(range(len(keys))):  # stable sorts, last column first: one pass a direction
        ordered.sort(key=lambda row, i=i: _plain(row[i]), reverse=keys[i].descending)
    try:
        if before_key is not None:
            end = sum(1 for row in ordered if _comes_after(before_key, row, keys))
            start = max(0, end - per_page)
        else:
            start = sum(1 for row in ordered if not _comes_after(row, after_key, keys)) if after_key else 0
            end = start + per_page
    except TypeError:  # a token of ours whose values do not fit this list: start from the top
        start, end = 0, per_page
    chosen = ordered[start:end]
    position = {row[-1]: n for n, row in enumerate(chosen)}
    rows = _rows(statement.where(keys[-1].column.in_(list(position))).order_by(None), scalars) if chosen else []
    rows.sort(key=lambda item: position[getattr(item, keys[-1].name)])
    return KeysetPage(
        items=rows,
        per_page=per_page,
        has_next=bool(rows) and end < len(ordered),
        has_prev=bool(rows) and start > 0,
        next_cursor=encode_cursor(_key_of(rows[-1], keys)) if rows else None,
        prev_cursor=encode_cursor(_key_of(rows[0], keys)) if rows else None,
        total=len(ordered),
        total_is_lower_bound=False,
    )


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _comes_after(row: Sequence[Any], key: Sequence[Any], keys: Sequence[SortKey]) -> bool:
    """Whether `row` comes after `key` in the order of `keys` (both being values of its columns)."""
    for value, bound, sort in zip(row, key, keys, strict=True):
        value, bound = _plain(value), _plain(bound)
        if value != bound:
            return value < bound if sort.descending else value > bound
    return False


def _rows(query: Select, scalars: bool) -> list[Any]:
    result = db.session.execute(query)
    return list(result.unique().scalars() if scalars else result.all())


def _key_of(item: Any, keys: Sequence[SortKey]) -> list[Any]:
    return [getattr(item, k.name) for k in keys]
