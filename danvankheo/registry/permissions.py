"""Who may do what with a model. Views, services and templates all ask these functions.

- Staff see and edit only their own unit's models, drafts included.
- A request acts for one organiser (organisers/access.py). Its secretariat and the admin
  read the submitted models of the units in that organiser's own scope (`Unit.organiser_id`)
  and the models nominated up to it (read-only: their own organiser reviewed them); its
  observers read the submitted models of that organiser and of every organiser nested in it.
  Its supervisors (Mặt trận Tổ quốc, đoàn thể) read the accepted models of the units in
  its own scope, nothing before acceptance.
  Nobody reads another unit's draft or withdrawn model.
- Only the secretariat of the model's own organiser reviews it (accepts, returns, rejects);
  an admin acting for that organiser has exactly the secretariat's rights here.

`can_view` (Python, one model) and `visible_clause` (SQL, lists) state the same rule.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select

from ..core.roles import Role
from ..extensions import db
from ..organisers import access
from ..organisers.models import Nomination
from ..units.models import Unit
from .models import SUBMITTED_STATUSES, Initiative, InitiativeTally, Status


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_own_unit(user, initiative: Initiative) -> bool:
    return bool(
        _authenticated(user)
        and user.is_staff
        and user.unit_id is not None
        and user.unit_id == initiative.unit_id
    )


def may_register(user) -> bool:
    """Staff of a unit may register models for it."""
    return bool(_authenticated(user) and user.is_staff and user.unit_id)


def may_review(user) -> bool:
    """Holds the reviewer's role (secretariat or admin) in the organiser the request acts for;
    which models it reviews is `reviews_scope_of`."""
    return bool(_authenticated(user) and user.has_role(Role.SECRETARIAT, Role.ADMIN))


def may_manage_deadlines(user) -> bool:
    """Sets the deadline and extensions of the organiser the request acts for."""
    return may_review(user) and access.managed_organiser_id(user) is not None


def may_read_all_submitted(user) -> bool:
    """Reads the submitted models of an organiser's scope (secretariat, observer, admin);
    which ones is `reader_organiser_ids`."""
    return bool(_authenticated(user) and user.can_read_all_submitted)


def reader_organiser_ids(user) -> set[int]:
    """The organisers whose units' submitted models, and the models nominated up to them,
    the user reads: the acting organiser; for an observer, every organiser nested in it too."""
    if not may_read_all_submitted(user):
        return set()
    return access.readable_organiser_ids(user)


def _unit_organiser_id(initiative: Initiative) -> int | None:
    unit = initiative.unit
    if unit is None:
        unit = db.session.get(Unit, initiative.unit_id)
    return unit.organiser_id if unit is not None else None


def is_nominated_to(initiative: Initiative, organiser_ids: set[int]) -> bool:
    """The model was proposed up to one of these organisers (in any state of the nomination)."""
    if not organiser_ids or initiative.id is None:
        return False
    return db.session.scalar(
        select(Nomination.id).where(Nomination.initiative_id == initiative.id,
                                    Nomination.to_organiser_id.in_(organiser_ids)).limit(1)
    ) is not None


def reviews_scope_of(user, initiative: Initiative) -> bool:
    """The user is the reviewer of this model's own organiser (its secretariat, or an admin
    acting for it)."""
    if not may_review(user):
        return False
    managed = access.managed_organiser_id(user)
    return managed is not None and _unit_organiser_id(initiative) == managed


def supervises(user, initiative: Initiative) -> bool:
    """The user supervises this model: it is accepted, and in the scope of the organiser whose
    Mặt trận Tổ quốc or mass organisation the user speaks for."""
    organiser_id = access.supervised_organiser_id(user)
    return (organiser_id is not None and initiative.status is Status.ACCEPTED
            and _unit_organiser_id(initiative) == organiser_id)


def supervised_clause(user) -> ColumnElement[bool]:
    """SQL: the models the user supervises, matching `supervises`."""
    organiser_id = access.supervised_organiser_id(user)
    if organiser_id is None:
        return false()
    return and_(Initiative.status == Status.ACCEPTED, Initiative.unit_id.in_(units_of_organisers({organiser_id})))


def can_view(user, initiative: Initiative) -> bool:
    if is_own_unit(user, initiative) or supervises(user, initiative):
        return True
    if not initiative.has_been_submitted:
        return False
    organisers = reader_organiser_ids(user)
    if not organisers:
        return False
    return _unit_organiser_id(initiative) in organisers or is_nominated_to(initiative, organisers)


def can_edit(user, initiative: Initiative) -> bool:
    """The dossier and its evidence: the own unit's staff, while the model is editable."""
    return is_own_unit(user, initiative) and initiative.is_editable


def can_submit(user, initiative: Initiative) -> bool:
    return can_edit(user, initiative)


def can_withdraw(user, initiative: Initiative) -> bool:
    return is_own_unit(user, initiative) and initiative.status in (Status.SUBMITTED, Status.RETURNED)


def can_review(user, initiative: Initiative) -> bool:
    return initiative.status is Status.SUBMITTED and reviews_scope_of(user, initiative)


def units_of_organisers(organiser_ids: set[int]):
    """SQL: ids of the units whose organiser is one of these."""
    return select(Unit.id).where(Unit.organiser_id.in_(sorted(organiser_ids)))


def reviewable_clause(user) -> ColumnElement[bool]:
    """SQL: models of the units the user reviews (any status; add the status you need)."""
    managed = access.managed_organiser_id(user) if may_review(user) else None
    if managed is None:
        return false()
    return Initiative.unit_id.in_(units_of_organisers({managed}))


# Up to this many units, `visible_clause` lists them (see there).
LISTED_UP_TO = 1000


def visible_clause(user) -> ColumnElement[bool]:
    """The SQL condition for "models this user may see", matching `can_view`.

    The units of the organisers a reader reads, and the models nominated up to them, are read
    first and, when there are at most `LISTED_UP_TO` units (a province has about a hundred),
    put in the condition as lists. As two subqueries under one OR, PostgreSQL could only test
    them row by row over a scan of every model (70 ms for a province's list of the year in the
    national dataset); with lists it estimates the matches from the statistics of (unit_id,
    year) and reads them by that index (about a third of the time). A reader of thousands of
    units (the national observer) reads most models: for it the scan is right, and a list of
    thousands of ids made its dashboard four times slower, so it keeps the subqueries."""
    conditions = []
    if _authenticated(user) and user.is_staff and user.unit_id:
        conditions.append(Initiative.unit_id == user.unit_id)
    organisers = reader_organiser_ids(user)
    if organisers:
        units = db.session.scalars(units_of_organisers(organisers).limit(LISTED_UP_TO + 1)).all()
        nominated = select(Nomination.initiative_id).where(Nomination.to_organiser_id.in_(sorted(organisers)))
        if len(units) > LISTED_UP_TO:
            within = or_(Initiative.unit_id.in_(units_of_organisers(organisers)), Initiative.id.in_(nominated))
        else:
            nominated_ids = db.session.scalars(nominated).all()
            within = (or_(Initiative.unit_id.in_(units), Initiative.id.in_(nominated_ids)) if nominated_ids
                      else Initiative.unit_id.in_(units))
        conditions.append(and_(Initiative.status.in_(SUBMITTED_STATUSES), within))
    if access.supervised_organiser_id(user) is not None:
        conditions.append(supervised_clause(user))
    if not conditions:
        return false()
    return or_(*conditions)


def counted_clause(user) -> ColumnElement[bool]:
    """The counts of models (`InitiativeTally`) of the models a reader may see in the units of
    the organisers it reads: `visible_clause` and `organisers.access.readable_units_clause`
    together, over the counts, with one test of the unit.

    The models nominated up to the reader are left out: a count cannot tell them apart. Within
    those units it makes no difference: whoever reads nominated models reads every submitted
    model of its organisers' units (`reader_organiser_ids` is then `readable_organiser_ids`),
    and a nominated model is a submitted one."""
    readable = access.readable_organiser_ids(user)
    if not readable:
        return false()
    conditions = []
    if _authenticated(user) and user.is_staff and user.unit_id:
        conditions.append(InitiativeTally.unit_id == user.unit_id)
    if reader_organiser_ids(user):
        conditions.append(InitiativeTally.status.in_(SUBMITTED_STATUSES))
    if not conditions:
        return false()
    return and_(InitiativeTally.unit_id.in_(units_of_organisers(readable)), or_(*conditions))


def readable_unit_ids(user) -> set[int]:
    """The units whose models a reader may find in the list (its unit filter's choices):
    the units of the organisers it reads and those of the models nominated up to them."""
    organisers = reader_organiser_ids(user)
    if not organisers:
        return set()
    own = set(db.session.scalars(units_of_organisers(organisers)))
    nominated = db.session.scalars(
        select(Initiative.unit_id).join(Nomination, Nomination.initiative_id == Initiative.id)
        .where(Nomination.to_organiser_id.in_(sorted(organisers))).distinct()
    )
    return own | set(nominated)
