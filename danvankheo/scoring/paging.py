"""Pagination over a list already in memory, compatible with the `pagination` macro (the
register's list filtered by a recipient's name in Python). The scoring lists page by key
(core/paging.py)."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination


class ListPagination(Pagination):
    """Pages of a list already in memory."""

    def _query_items(self) -> list[Any]:
        rows: list[Any] = self._query_args["rows"]
        return rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate_list(rows: list[Any], *, per_page: int) -> ListPagination:
    """The page of `rows` the request's `page` argument names."""
    return ListPagination(rows=rows, per_page=per_page, max_per_page=500, error_out=False)
