"""PostgreSQL: the trigram index on `initiatives.search_text` exists and serves LIKE '%term%'."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from danvankheo.extensions import db


def test_search_index_is_declared(app):
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("initiatives")}
    assert "ix_initiatives_search_trgm" in names


@pytest.mark.postgres_only
def test_trigram_index_serves_substring_search(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")) == 1
        definition = conn.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_initiatives_search_trgm'")
        )
        assert "gin" in definition and "gin_trgm_ops" in definition
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            conn.scalars(text("EXPLAIN SELECT id FROM initiatives WHERE search_text LIKE '%dan van kheo%'"))
        )
    assert "ix_initiatives_search_trgm" in plan
