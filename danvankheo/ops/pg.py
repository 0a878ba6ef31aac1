"""PostgreSQL-only schema needs that live outside the models.

`pg_trgm` must exist before `initiatives` is created, because the search index
`ix_initiatives_search_trgm` uses its `gin_trgm_ops` operator class. This listener creates it
on `db.create_all()` (the test suite, the benchmark generator); the Alembic migration runs the
same statement. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create
it without superuser rights.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from ..extensions import db

CREATE_TRGM = DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql")

event.listen(db.metadata, "before_create", CREATE_TRGM)
