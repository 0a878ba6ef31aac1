"""CHECK constraints that many models state alike, declared once so that their SQL and their
names follow one rule (the naming convention in extensions.py adds `ck_<table>_`)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a model, round or deadline may belong to


def year_in_range() -> CheckConstraint:
    """The row's `year` is one the movement can have."""
    return CheckConstraint(f"year BETWEEN {FIRST_YEAR} AND {LAST_YEAR}", name="year_range")


def non_negative(column: str, *, name: str | None = None) -> CheckConstraint:
    """`column >= 0`, named `<column>_non_negative` (`name` keeps an older table's own)."""
    return CheckConstraint(f"{column} >= 0", name=name or f"{column}_non_negative")


def positive(column: str) -> CheckConstraint:
    """An integer `column` of at least 1 (a count or number that starts at one)."""
    return CheckConstraint(f"{column} >= 1", name=f"{column}_positive")
