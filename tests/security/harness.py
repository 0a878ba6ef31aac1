"""Visiting every URL rule as every actor: clients, URLs filled from the world, outcomes and
a fingerprint of the whole database and storage."""

from __future__ import annotations

import atexit
import functools
import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.orm.state import InstanceState
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
        """A client logged in as `actor`. On a world the harness keeps, the session cookie of
        the actor's first login is kept too and handed to later clients: the world written back
        has the same accounts and session versions, so the cookie is as good as a new login."""
        client = self.app.test_client()
        user = self.world.users.get(actor)
        if user is None:
            return client
        name = self.app.config["SESSION_COOKIE_NAME"]
        key = (self.world.key, self.app.config["SECRET_KEY"], actor) if self.world.key is not None else None
        cookie = _SESSION_COOKIES.get(key)
        if cookie is not None:
            client.set_cookie(name, cookie)
            return client
        response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
        assert response.status_code == 302 and "/dang-nhap" not in response.headers["Location"], actor
        if key is not None:
            _SESSION_COOKIES[key] = client.get_cookie(name).value
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
    digest is ordered inside its aggregate (by primary key), so no order is left to chance.
    The statement runs without parallel workers: on tables that earlier tests have grown, the
    workers' start cost several times the reading (the CSRF check, 23 s against 9 s after the
    scoring and awards tests)."""
    digest = hashlib.sha256()
    names = [table.name for table in db.metadata.sorted_tables if table.name not in skip]
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
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
    """Empty every table and the storage, then put the world back (built by `build` if given).

    The first reset of a process builds the world through the app's services (0.7 s, two
    thirds of the matrix's time when it was built for every endpoint) and keeps what it made:
    every table's rows, the sequences, the stored files and the world's objects by identity.
    Each later reset with the same payload and builder writes those rows back and checks that
    the fingerprint is the one the built world had. A builder that is not a `functools.partial`
    (no key to know it again by) builds every time."""
    from tests.conftest import _clear_tables

    db.session.rollback()
    db.session.expunge_all()
    _clear_tables()
    shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
    key = _world_key(app, payload, build)
    saved = _SAVED_WORLDS.get(key) if key is not None else None
    if saved is not None:
        world = saved.restore(app)
    else:
        world = build() if build is not None else build_world(payload)
        db.session.commit()
        if key is not None:
            _SAVED_WORLDS[key] = SavedWorld.save(app, world)
    world.key = key
    return world


def _world_key(app: Flask, payload: str, build: Callable[[], World] | None) -> tuple | None:
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if build is None:
        return database, "world", payload
    if isinstance(build, functools.partial):
        return database, build.func.__module__, build.func.__qualname__, build.args, tuple(sorted(build.keywords.items()))
    return None


@dataclass
class SavedWorld:
    """A built world as the database, the storage and the jobs folder held it."""

    rows: dict[str, list[dict]]
    sequences: list[tuple[str, int]]
    storage: Path
    jobs: Path
    users: dict[str, tuple]
    objects: dict[str, tuple]
    fingerprint: str

    @classmethod
    def save(cls, app: Flask, world: World) -> SavedWorld:
        from danvankheo.jobs.services import jobs_folder

        with db.engine.connect() as connection:
            rows = {table.name: [dict(row._mapping) for row in connection.execute(table.select())]
                    for table in db.metadata.sorted_tables}
            sequences = []
            if connection.dialect.name == "postgresql":
                sequences = [tuple(row) for row in connection.exec_driver_sql(
                    "SELECT quote_ident(sequencename), last_value FROM pg_sequences "
                    "WHERE schemaname = current_schema() AND last_value IS NOT NULL")]
        kept = Path(tempfile.mkdtemp(prefix="dvk-world-"))
        atexit.register(shutil.rmtree, kept, True)
        storage, jobs = kept / "storage", kept / "jobs"
        if Path(app.config["UPLOAD_FOLDER"]).exists():
            shutil.copytree(app.config["UPLOAD_FOLDER"], storage)
        shutil.copytree(jobs_folder(), jobs)
        return cls(rows={name: table for name, table in rows.items() if table}, sequences=sequences,
                   storage=storage, jobs=jobs, users={actor: _identity(user) for actor, user in world.users.items()},
                   objects={name: _identity(value) for name, value in world.objects.items()},
                   fingerprint=fingerprint(app))

    def restore(self, app: Flask) -> World:
        """The saved rows written back into the emptied tables (foreign keys and triggers off
        for the copy, as when they were emptied), the files copied back, the world's objects
        read again; the fingerprint must be the built world's."""
        from danvankheo.jobs.services import jobs_folder
        from tests.conftest import constraints_off

        tables = [table for table in db.metadata.sorted_tables if table.name in self.rows]
        with constraints_off() as connection:
            for table in tables:
                connection.execute(table.insert(), self.rows[table.name])
            for name, value in self.sequences:
                connection.exec_driver_sql(f"SELECT setval('{name}', {int(value)})")
        if self.storage.exists():
            shutil.copytree(self.storage, app.config["UPLOAD_FOLDER"])
        shutil.copytree(self.jobs, jobs_folder(), dirs_exist_ok=True)
        assert fingerprint(app) == self.fingerprint, "the world written back differs from the world as built"
        return World(users={actor: _load(saved) for actor, saved in self.users.items()},
                     objects={name: _load(saved) for name, saved in self.objects.items()})


_SAVED_WORLDS: dict[tuple, SavedWorld] = {}
_SESSION_COOKIES: dict[tuple, str] = {}


def _identity(value: Any) -> tuple:
    """("row", class, primary key) for a mapped object, ("value", value) for anything else."""
    state = inspect(value, raiseerr=False)
    if isinstance(state, InstanceState) and state.identity is not None:
        return "row", state.mapper.class_, state.identity
    return "value", value


def _load(saved: tuple) -> Any:
    if saved[0] == "row":
        return db.session.get(saved[1], saved[2])
    return saved[1]
