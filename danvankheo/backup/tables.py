"""How rows are written to and read from the JSON lines of a backup, column type by column type."""

from __future__ import annotations

import base64
import enum
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from ..extensions import db

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def data_tables() -> list[sa.Table]:
    """Every table of the app, parents before children (Alembic's own table is not included)."""
    return list(db.metadata.sorted_tables)


def _base_type(column: sa.Column) -> sa.types.TypeEngine:
    column_type = column.type
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return column_type


def _same(value: Any) -> Any:
    return value


def _enum_codec(enum_class: type[enum.Enum]) -> Codec:
    return (
        lambda value: value.value if isinstance(value, enum.Enum) else value,
        lambda value: None if value is None else enum_class(value),
    )


def _none_safe(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else function(value)


def codec_for(column: sa.Column) -> Codec:
    """(encode, decode) between the column's Python values and JSON."""
    column_type = _base_type(column)
    if isinstance(column_type, sa.Enum) and column_type.enum_class is not None:
        return _enum_codec(column_type.enum_class)
    if isinstance(column_type, sa.DateTime):
        return _none_safe(datetime.isoformat), _none_safe(datetime.fromisoformat)
    if isinstance(column_type, sa.Date):
        return _none_safe(date.isoformat), _none_safe(date.fromisoformat)
    if isinstance(column_type, sa.Time):
        return _none_safe(time.isoformat), _none_safe(time.fromisoformat)
    if isinstance(column_type, sa.Interval):
        return _none_safe(timedelta.total_seconds), _none_safe(lambda s: timedelta(seconds=s))
    if isinstance(column_type, sa.Numeric) and not isinstance(column_type, sa.Float):
        return _none_safe(str), _none_safe(Decimal)
    if isinstance(column_type, sa.LargeBinary):
        return (_none_safe(lambda b: base64.b64encode(b).decode("ascii")), _none_safe(base64.b64decode))
    return _same, _same


def storage_key_columns() -> list[sa.Column]:
    """Columns that hold keys of objects in the evidence storage.

    Found by name (`storage_key`, `thumbnail_key`, `*_storage_key`) or by
    `mapped_column(..., info={"storage_key": True})`, so a new file column is covered.
    """
    found = []
    for table in data_tables():
        for column in table.columns:
            name = column.name
            if (column.info.get("storage_key") or name in {"storage_key", "thumbnail_key"}
                    or name.endswith("_storage_key")):
                found.append(column)
    return found


def referenced_storage_keys(connection: sa.Connection) -> dict[str, tuple[str, Any]]:
    """Every storage key a row refers to: key -> ("table.column", primary key of the row)."""
    referenced: dict[str, tuple[str, Any]] = {}
    for column in storage_key_columns():
        table = column.table
        pk = next(iter(table.primary_key.columns))
        for row_id, key in connection.execute(sa.select(pk, column).where(column.is_not(None))):
            referenced[key] = (f"{table.name}.{column.name}", row_id)
    return referenced
