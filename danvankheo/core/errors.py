"""Domain errors: a service refuses a change with a Vietnamese message that the user reads,
and may name the form field the message belongs to. Views put it on that field (or flash it)
without ever looking inside the text.

`saving()` is the one way a view turns a service call into a unit of work: it commits when the
block ends, and on a refusal rolls back, shows the message where it belongs and lets the view
render its page again. No view writes its own try / rollback / commit / flash. `form_page()` is
the whole of a plain create-or-edit page built on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import flash, redirect, render_template
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db

T = TypeVar("T")


class DomainError(ValueError):
    """A refused change.

    `field` is the name of the form field it belongs to, if any. `status`, when set, turns the
    refusal into an error page with that HTTP status (403 for "not yours to do") instead of a
    message on the form."""

    status: int | None = None

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        if status is not None:
            self.status = status


class StaleError(DomainError):
    """Someone else saved the same record first; the view shows the fresh copy."""


def show_on_form(form: Any, error: DomainError, *, default: str) -> None:
    """Attach `error` to its field of `form`, or to the `default` field when it names none."""
    target = getattr(form, error.field or default, None) or getattr(form, default)
    target.errors = [*target.errors, str(error)]


class Outcome:
    """What `saving()` made of its block: true when the block's work was committed."""

    def __init__(self) -> None:
        self.ok = False
        self.error: DomainError | None = None
        self.stale = False

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def saving(form: Any = None, *, field: str | None = None, category: str = "danger",
           quiet: bool = False) -> Iterator[Outcome]:
    """Run a view's service calls as one unit of work.

    When the block ends normally the session is committed and the outcome is true. When a
    service raises a `DomainError` the session is rolled back and the message is shown: on
    the field the error names when `form` has it, else on `field`, otherwise as a flash of
    `category`; an error with a `status` becomes that error page. A stale write
    (`StaleError`, or SQLAlchemy's version check) sets `outcome.stale` and shows nothing, so
    that the view can show the fresh record. Any other exception propagates after a rollback.

    `quiet` shows nothing: for a page whose messages are not a form's fields (the public
    survey), the view places `outcome.error` itself.
    """
    from .permissions import refuse

    outcome = Outcome()
    try:
        yield outcome
        db.session.commit()
    except (StaleError, StaleDataError) as error:
        db.session.rollback()
        outcome.stale = True
        outcome.error = error if isinstance(error, DomainError) else None
    except DomainError as error:
        db.session.rollback()
        outcome.error = error
        if error.status:
            refuse(error.status, str(error))
        if quiet:
            return
        # The field the error names if the form has it, else the view's `field`; else a flash.
        target = next((name for name in (error.field, field)
                       if name and form is not None and getattr(form, name, None) is not None), None)
        if target is not None:
            show_on_form(form, error, default=target)
        else:
            flash(str(error), category)
    except BaseException:
        db.session.rollback()
        raise
    else:
        outcome.ok = True


def form_page(form: Any, template: str, *, save: Callable[[], T], field: str, done: str | Callable[[T], str],
              then: str, **context: Any):
    """A create or edit page. A valid post runs `save()` inside `saving(form, field=field)`; when
    it is kept, flashes `done` (or `done(what save returned)`) and goes to `then`. Otherwise (a
    GET, an invalid form, a refusal) renders `template` with `form` and `context`."""
    if form.validate_on_submit():
        with saving(form, field=field) as saved:
            result = save()
        if saved:
            flash(done(result) if callable(done) else done, "success")
            return redirect(then)
    return render_template(template, form=form, **context)
