"""Small helpers for building the lists' queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select


def where_given(query: Select, *filters: tuple[ColumnElement, Any]) -> Select:
    """`query` narrowed to `column == value` for each (column, value) whose value was given:
    a filter left empty on the page (None, 0, "") narrows nothing."""
    for column, value in filters:
        if value:
            query = query.where(column == value)
    return query
