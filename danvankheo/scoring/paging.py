"""Pagination over row queries and over lists, compatible with the `pagination` macro."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select

from ..extensions import db


class RowPagination(Pagination):
    """Pages of a SELECT of plain columns (Flask-SQLAlchemy's paginate returns scalars)."""

    def _query_items(self) -> list[Any]:
        statement: Select = self._query_args["select"]
        return list(db.session.execute(statement.limit(self.per_page).offset(self._query_offset)).all())

    def _query_count(self) -> int:
        statement: Select = self._query_args["select"]
        return db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0


class ListPagination(Pagination):
    """Pages of a list already in memory (the ranking is computed whole, then cut)."""

    def _query_items(self) -> list[Any]:
        rows: list[Any] = self._query_args["rows"]
        return rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate_rows(statement: Select, *, per_page: int) -> RowPagination:
    return RowPagination(select=statement, per_page=per_page, max_per_page=500, error_out=False)


def paginate_list(rows: list[Any], *, per_page: int, page: int | None = None) -> ListPagination:
    """`page` None: the request's `page` argument; a second list on the page passes its own."""
    return ListPagination(rows=rows, page=page, per_page=per_page, max_per_page=500, error_out=False)
