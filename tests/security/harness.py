"""Visiting every URL rule as every actor: clients, URLs filled from the world, outcomes and
a fingerprint of the whole database and storage."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import Rule

from danvankheo.extensions import db
from tests.factories import PASSWORD
from tests.security.world import ACTORS, World, build_world

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"
# Answers that mean "let through authorisation, then refused or handled by the view": an empty
# POST is usually a form with errors (200), a redirect with a message, or a 400/409/422.
_ALLOWED_STATUSES = {400, 409, 422}
SKIPPED_ENDPOINT_PREFIXES = ("static", "bootstrap.")


def policy_cells(app: Flask, method: str, *, endpoint: str | None = None):
    """(label, rule, entry) for every rule accepting `method` (of `endpoint` only, if given),
    one per case of its policy entry."""
    from tests.security.policy import POLICY

    for rule in routed_rules(app):
        if method not in methods_of(rule) or endpoint not in (None, rule.endpoint):
            continue
        entry = POLICY.get(rule.endpoint)
        if entry is None:
            continue
        cases = entry.items() if isinstance(entry, dict) else [("", entry)]
        for case, case_entry in cases:
            yield (f"{rule.endpoint}[{case}]" if case else rule.endpoint), rule, case_entry


def routed_rules(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if not r.endpoint.startswith(SKIPPED_ENDPOINT_PREFIXES)
         and r.endpoint != "static"),
        key=lambda r: (r.endpoint, r.rule),
    )


def methods_of(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods if m not in {"HEAD", "OPTIONS"})


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = urlsplit(response.headers.get("Location", "")).path
        return LOGIN if location == "/dang-nhap" else OK
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if 200 <= status < 300 or status in _ALLOWED_STATUSES:
        return OK
    return f"status {status}"


def url_for_rule(app: Flask, rule: Rule, world: World, params: dict | None = None) -> str:
    values = {}
    ids = world.ids()
    for name in rule.arguments:
        choice = (params or {}).get(name, name)
        value = ids.get(choice, choice) if isinstance(choice, str) else choice
        if value is None or (isinstance(value, str) and value == name and name not in ids):
            raise KeyError(f"{rule.endpoint}: no value for URL parameter <{name}>; add it to the world or to params")
        values[name] = value
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


class Visitors:
    """One logged-in test client per actor (anonymous has none logged in)."""

    def __init__(self, app: Flask, world: World, actors: tuple[str, ...] = ACTORS) -> None:
        self.app, self.world = app, world
        self.clients = {actor: self._login(actor) for actor in actors}

    def _login(self, actor: str):
        client = self.app.test_client()
        user = self.world.users.get(actor)
        if user is not None:
            response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
            assert response.status_code == 302 and "/dang-nhap" not in response.headers["Location"], actor
        return client

    def visit(self, actor: str, method: str, url: str):
        client = self.clients[actor]
        if method == "GET":
            return client.get(url)
        return client.open(url, method=method, data={})

    def ensure_logged_in(self, actor: str) -> bool:
        """Log in again after a request that ended the session (the logout route itself);
        whether it had to (a login writes to the database)."""
        if actor == "anonymous":
            return False
        with self.clients[actor].session_transaction() as session:
            logged_out = "_user_id" not in session
        if logged_out:
            self.clients[actor] = self._login(actor)
        return logged_out


def table_rows(connection, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table (but `skip`), in primary-key order."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name not in skip:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(r) for r in connection.execute(table.select().order_by(*order))]
    return rows


def _table_digests_sql(names: list[str]) -> str:
    """One PostgreSQL statement giving an md5 of each named table's rows (each row as its
    record text, in primary-key order): the whole database is read in one round trip, and a
    change to any column of any row changes its table's digest."""
    tables = {table.name: table for table in db.metadata.sorted_tables}
    parts = []
    for name in names:
        order = ", ".join(f't."{c.name}"' for c in tables[name].primary_key.columns) or "t::text"
        parts.append(f"SELECT '{name}' AS name, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {order}), ''))"
                     f' FROM "{name}" AS t')
    return " UNION ALL ".join(parts)


def fingerprint(app: Flask, *, skip: tuple[str, ...] = ()) -> str:
    """A hash of every row of every table (but `skip`) and of every stored file name.

    On PostgreSQL one statement returns an md5 per table, and the hash takes them in the
    tables' own order (`metadata.sorted_tables`), never in the order the rows arrive: a UNION
    ALL promises no order, and once earlier tests have grown the tables the planner runs it
    as a Gather over a Parallel Append, whose workers hand the 49 rows back in whatever order
    they finish (the same unchanged database gave five orders in 40 runs). Each table's own
    digest is ordered inside its aggregate (by primary key), so no order is left to chance."""
    digest = hashlib.sha256()
    names = [table.name for table in db.metadata.sorted_tables if table.name not in skip]
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            digests = dict(connection.exec_driver_sql(_table_digests_sql(names)).all())
            for name in names:
                digest.update(name.encode())
                digest.update(digests[name].encode())
        else:  # SQLite answers in-process: reading the rows costs no round trip
            for name, rows in table_rows(connection, skip=skip).items():
                digest.update(name.encode())
                for row in rows:
                    digest.update(repr(row).encode())
    root = Path(app.config["UPLOAD_FOLDER"])
    if root.exists():
        for path in sorted(root.rglob("*")):
            digest.update(path.relative_to(root).as_posix().encode())
    return digest.hexdigest()


def reset_world(app: Flask, payload: str = "", *, build: Callable[[], World] | None = None) -> World:
    """Empty every table and the storage, then build the world again (with `build` if given)."""
    import shutil

    from tests.conftest import _clear_tables

    db.session.rollback()
    db.session.expunge_all()
    _clear_tables()
    shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
    world = build() if build is not None else build_world(payload)
    db.session.commit()
    return world
