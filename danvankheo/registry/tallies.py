"""How many models each unit has, by year, status, field and lateness, kept in step with
every change to a model in the same transaction.

The dashboard, the compliance view and the roll-up of the lower levels count models. A
national year has 70,000 of them, and counting the raw rows on every view scanned the whole
table (a second on the national observer's dashboard). They read these counts instead: a
unit has a handful of rows a year.

`after_flush` turns every model inserted, deleted or changed in one of the counted columns
into +1 / −1 on its rows, written with one upsert per row (`INSERT … ON CONFLICT DO UPDATE
SET count = count + n`), so concurrent changes add up instead of overwriting each other.
Writes that bypass the ORM (the benchmark generator's bulk inserts) call `rebuild`.
`mismatches` compares the stored counts with a recount of the raw rows: the tests' check and
`flask registry check-tallies`' (which repairs with `--fix`).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import bindparam, delete, event, func, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..extensions import db
from .models import Initiative, InitiativeTally

KEY = ("unit_id", "year", "status", "field", "is_late")
TallyKey = tuple[int, int, object, str, bool]


def _field_value(field) -> str:
    return field.value if field is not None else ""


def _key_now(initiative: Initiative) -> TallyKey:
    return (initiative.unit_id, initiative.year, initiative.status, _field_value(initiative.field),
            bool(initiative.is_late))


def _key_before(initiative: Initiative) -> TallyKey:
    """The key the model had when it was loaded (or last flushed)."""
    state = inspect(initiative)
    values = []
    for name in KEY:
        history = state.attrs[name].history
        if history.deleted:
            values.append(history.deleted[0])
        elif history.unchanged:
            values.append(history.unchanged[0])
        else:  # not loaded before: never changed in this flush
            values.append(getattr(initiative, name))
    unit_id, year, status, field, is_late = values
    return unit_id, year, status, _field_value(field), bool(is_late)


def changes_of(session: Session) -> Counter:
    """+1 / −1 per tally key for the models this flush inserts, deletes or moves."""
    deltas: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Initiative):
            deltas[_key_now(obj)] += 1
    for obj in session.deleted:
        if isinstance(obj, Initiative):
            deltas[_key_before(obj)] -= 1
    for obj in session.dirty:
        if isinstance(obj, Initiative) and obj not in session.deleted:
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in KEY):
                before, now = _key_before(obj), _key_now(obj)
                if before != now:
                    deltas[before] -= 1
                    deltas[now] += 1
    return Counter({key: n for key, n in deltas.items() if n})


def _upsert(connection, rows: list[dict]) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = InitiativeTally.__table__
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEY],
        set_={"count": table.c.count + statement.excluded.count},
    )
    connection.execute(statement, rows)


def apply(connection, deltas: Counter) -> None:
    """Add the deltas to the stored counts (rows that reach 0 are removed)."""
    if not deltas:
        return
    table = InitiativeTally.__table__
    ordered = sorted(deltas.items(), key=_order)  # one order for every writer: no deadlock
    removed = [dict(zip([f"k_{name}" for name in KEY], key, strict=True), n=n) for key, n in ordered if n < 0]
    if removed:  # the row exists: an insert of a negative count would fail its CHECK first
        connection.execute(
            update(table).where(*(table.c[name] == bindparam(f"k_{name}") for name in KEY))
            .values(count=table.c.count + bindparam("n")),
            removed,
        )
    added = [dict(zip(KEY, key, strict=True), count=n) for key, n in ordered if n > 0]
    if added:
        _upsert(connection, added)
    if removed:
        connection.execute(delete(table).where(table.c.count == 0))


def _order(item) -> tuple:
    (unit_id, year, status, field, is_late), _n = item
    return unit_id, year, status.value, field, is_late


@event.listens_for(Session, "after_flush")
def _keep_tallies(session: Session, flush_context) -> None:
    apply(session.connection(), changes_of(session))


# --- Recounting -----------------------------------------------------------------------------------


def recount() -> Counter:
    """The counts from the raw rows."""
    return Counter({
        (unit_id, year, status, _field_value(field), bool(is_late)): n
        for unit_id, year, status, field, is_late, n in db.session.execute(
            select(Initiative.unit_id, Initiative.year, Initiative.status, Initiative.field, Initiative.is_late,
                   func.count())
            .group_by(Initiative.unit_id, Initiative.year, Initiative.status, Initiative.field, Initiative.is_late)
        )
    })


def stored() -> Counter:
    return Counter({
        (unit_id, year, status, field, bool(is_late)): n
        for unit_id, year, status, field, is_late, n in db.session.execute(
            select(*(getattr(InitiativeTally, name) for name in KEY), InitiativeTally.count)
        )
    })


def mismatches() -> list[str]:
    """Every stored count that differs from a recount, described for a person; empty when all agree."""
    have, want = stored(), recount()
    problems = []
    for key in sorted(set(have) | set(want), key=lambda k: _order((k, 0))):
        if have.get(key, 0) != want.get(key, 0):
            unit_id, year, status, field, is_late = key
            problems.append(f"đơn vị {unit_id}, năm {year}, {status.value}, lĩnh vực {field or '-'}"
                            f"{', nộp muộn' if is_late else ''}: lưu {have.get(key, 0)}, đếm lại {want.get(key, 0)}")
    return problems


def rebuild() -> int:
    """Replace the stored counts with a recount; returns how many keys were wrong."""
    db.session.flush()
    have, want = stored(), recount()
    wrong = sum(1 for key in set(have) | set(want) if have.get(key, 0) != want.get(key, 0))
    if wrong:
        connection = db.session.connection()
        connection.execute(delete(InitiativeTally.__table__))
        rows = [dict(zip(KEY, key, strict=True), count=n) for key, n in sorted(want.items(), key=_order)]
        for start in range(0, len(rows), 5000):
            connection.execute(InitiativeTally.__table__.insert(), rows[start:start + 5000])
    return wrong
