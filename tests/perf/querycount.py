"""Count the SQL statements a block of code sends to the database.

    with count_queries() as queries:
        client.get("/mo-hinh")
    assert queries.count == 7, queries.report()

Counts every statement the app's engine executes (SELECT, INSERT, UPDATE, ...) through
SQLAlchemy's `before_cursor_execute` event; transaction control (BEGIN/COMMIT/ROLLBACK,
SAVEPOINT) does not reach that event and is not counted. An executemany counts as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from danvankheo.extensions import db

_SPACES = re.compile(r"\s+")


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        """The statements, one per line, shortened: for assertion messages."""
        return "\n".join(f"{i:>3}. {_SPACES.sub(' ', s)[:300]}" for i, s in enumerate(self.statements, 1))


@contextmanager
def count_queries(engine=None) -> Iterator[QueryLog]:
    engine = engine or db.engine
    log = QueryLog()

    def before(conn, cursor, statement, parameters, context, executemany):
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)


def queries_for(client, url: str, *, method: str = "GET", expect: int = 200, **kwargs) -> QueryLog:
    """The statements one request to `url` issues, after checking its status code."""
    with count_queries() as log:
        response = client.open(url, method=method, **kwargs)
    assert response.status_code == expect, f"{method} {url} gave {response.status_code}"
    return log


def assert_constant(small: QueryLog, large: QueryLog, what: str) -> None:
    """The same number of statements with few and with many rows: no N+1."""
    assert small.count == large.count, (
        f"{what}: {small.count} queries with few rows but {large.count} with many (N+1?)\n"
        f"--- few rows:\n{small.report()}\n--- many rows:\n{large.report()}"
    )
