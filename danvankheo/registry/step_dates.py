"""When each model was registered and last accepted, kept on the model in step with its
workflow steps, in the same transaction (issue 15).

- `Initiative.registered_at`: its registration step (the first step, from no state); a model
  imported without its history has only its record's `created_at`;
- `Initiative.accepted_at`: its last step to "tiếp nhận". It is kept when the model later
  leaves that state, as the steps keep it: the periodic report asks for the state as well
  ("accepted in the period and still accepted").

The periodic report reads them instead of grouping every step of the country. `after_flush`
rewrites both, from the steps, for every model that gets a step (however the step was made:
`workflow.transition`, `services.create_initiative`, the demo, a test appending one), every new
model and every model whose `created_at` changed: one UPDATE per flush, with the same
expressions that `mismatches` checks and `rebuild` repairs. Writes that bypass the ORM (the
benchmark generator's bulk inserts) call `rebuild`. Migration 1620stepdates fills them in.
"""

from __future__ import annotations

from sqlalchemy import event, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import Initiative, Status, Transition

COLUMNS = ("registered_at", "accepted_at")
_PENDING = "step_dates_refreshed"


def recomputed() -> dict:
    """SQL, correlated to `initiatives`: each column's value recomputed from the steps."""
    steps = Transition.__table__
    models = Initiative.__table__
    registration = (
        select(func.min(steps.c.occurred_at))
        .where(steps.c.initiative_id == models.c.id, steps.c.from_status.is_(None))
        .scalar_subquery()
    )
    accepted = (
        select(func.max(steps.c.occurred_at))
        .where(steps.c.initiative_id == models.c.id, steps.c.to_status == Status.ACCEPTED)
        .scalar_subquery()
    )
    return {"registered_at": func.coalesce(registration, models.c.created_at), "accepted_at": accepted}


def _refresh(connection, ids=None) -> None:
    models = Initiative.__table__
    statement = update(models).values(
        **recomputed(),
        updated_at=models.c.updated_at,  # bookkeeping, not an edit of the dossier
    )
    if ids is not None:
        statement = statement.where(models.c.id.in_(sorted(ids)))
    connection.execute(statement)


def touched(session: Session) -> set[int]:
    """The models of this flush whose dates may have moved."""
    ids: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Transition):
            ids.add(obj.initiative_id)
        elif isinstance(obj, Initiative):
            ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Initiative) and obj not in session.deleted \
                and inspect(obj).attrs.created_at.history.has_changes():
            ids.add(obj.id)
    ids.discard(None)
    return ids


@event.listens_for(Session, "after_flush")
def _keep_dates(session: Session, flush_context) -> None:
    ids = touched(session)
    if ids:
        _refresh(session.connection(), ids)
        session.info.setdefault(_PENDING, set()).update(ids)


@event.listens_for(Session, "after_flush_postexec")
def _expire_dates(session: Session, flush_context) -> None:
    """The objects in memory read the rewritten dates again when next asked."""
    for initiative_id in session.info.pop(_PENDING, ()):
        obj = session.identity_map.get(session.identity_key(Initiative, initiative_id))
        if obj is not None:
            session.expire(obj, list(COLUMNS))


# --- Checking ------------------------------------------------------------------------------------


def _differing():
    fresh = recomputed()
    models = Initiative.__table__
    return or_(*(models.c[name].is_distinct_from(fresh[name]) for name in COLUMNS))


def mismatches() -> list[str]:
    """Every model whose stored dates differ from its steps, described for a person."""
    models = Initiative.__table__
    fresh = recomputed()
    rows = db.session.execute(
        select(models.c.id, *(models.c[name] for name in COLUMNS), *(fresh[name] for name in COLUMNS))
        .where(_differing())
        .order_by(models.c.id)
    )
    problems = []
    for initiative_id, registered, accepted, want_registered, want_accepted in rows:
        differ = [f"{name} lưu {have}, tính lại {want}"
                  for name, have, want in (("registered_at", registered, want_registered),
                                           ("accepted_at", accepted, want_accepted)) if have != want]
        problems.append(f"mô hình {initiative_id}: {'; '.join(differ) or 'khác định dạng lưu'}")
    return problems


def rebuild() -> int:
    """Rewrite the dates of every model whose stored dates differ; returns how many."""
    db.session.flush()
    models = Initiative.__table__
    wrong = list(db.session.scalars(select(models.c.id).where(_differing())))
    if wrong:
        for start in range(0, len(wrong), 5000):
            _refresh(db.session.connection(), wrong[start:start + 5000])
        db.session.expire_all()
    return len(wrong)
