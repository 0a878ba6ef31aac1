"""Which audit events an organiser's secretariat reads: those about its own things, and,
for events about nothing an organiser owns (an export, an import, a job), those of the
people who work for it.

An event about an object that belongs to an organiser (a model, its evidence, a unit, a
round and what hangs off it, a proposal, a deadline, a proposal upward) is shown to that
organiser only, whoever acted: the province's secretariat accepting a commune's proposal
is seen by the province (its object is the province's too) and by the commune, never by a
third commune. What the admin does outside every organiser goes to the default organiser's
secretariat. The admin reads everything.

The trail knows no feature: each feature that owns objects registers, in its `init_app`, how
to find an organiser's objects of a type (`register_owned`); the accounts feature registers
who works for an organiser (`register_people`), the organisers feature which organiser is
the default one (`register_default_organiser`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_

from .models import AuditEvent

# object type -> (organiser id -> the ids of that organiser's objects of the type, and
# whether events naming one of them as their parent are the organiser's too).
_owned: dict[str, tuple[Callable[[int], Any], bool]] = {}
_people: dict[str, Callable[..., Any]] = {}
_default_organiser: list[Callable[[int], ColumnElement[bool]]] = []


def register_owned(object_type: str, ids: Callable[[int], Any], *, with_children: bool = False) -> None:
    """Events about an `object_type` whose id is among `ids(organiser id)` (a select or a list)
    are that organiser's; `with_children`: so are events whose parent is one of them."""
    _owned[object_type] = (ids, with_children)


def register_people(of_organiser: Callable[[int], Any], of_any_organiser: Callable[[], Any]) -> None:
    """The ids of the accounts that work for an organiser, and of those that work for any."""
    _people["of_organiser"] = of_organiser
    _people["of_any_organiser"] = of_any_organiser


def register_default_organiser(is_default: Callable[[int], ColumnElement[bool]]) -> None:
    """SQL: whether organiser `organiser_id` is the deployment's default."""
    _default_organiser[:] = [is_default]


def _about(object_type: str, ids) -> ColumnElement[bool]:
    return and_(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))


def owned_types() -> set[str]:
    """Object types an organiser owns: their events are read by that organiser only."""
    return set(_owned)


def organiser_clause(organiser_id: int | None) -> ColumnElement[bool]:
    """SQL: the event concerns organiser `organiser_id` (see the module's docstring)."""
    if organiser_id is None:
        return false()
    clauses = []
    for object_type, (ids_of, with_children) in _owned.items():
        ids = ids_of(organiser_id)
        clauses.append(_about(object_type, ids))
        if with_children:
            clauses.append(and_(AuditEvent.parent_type == object_type, AuditEvent.parent_id.in_(ids)))
    if "of_organiser" in _people:
        # Events about nothing an organiser owns: by the organiser's own people.
        clauses.append(and_(AuditEvent.object_type.not_in(owned_types()),
                            AuditEvent.actor_id.in_(_people["of_organiser"](organiser_id))))
    clauses.append(_deployment_events(organiser_id))
    return or_(*clauses)


def _deployment_events(organiser_id: int) -> ColumnElement[bool]:
    """The default organiser, which ran the whole deployment before there were several, also
    reads what the admin and the system did outside every organiser (an import, the award
    forms, a backup): events about nothing an organiser owns, by nobody who works for one."""
    if not _default_organiser or "of_any_organiser" not in _people:
        return false()
    return and_(
        _default_organiser[0](organiser_id),
        AuditEvent.object_type.not_in(owned_types()),
        or_(AuditEvent.actor_id.is_(None), AuditEvent.actor_id.not_in(_people["of_any_organiser"]())),
    )
