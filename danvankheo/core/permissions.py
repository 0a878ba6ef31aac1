"""Role checks for views. Object-level rules live as methods on the models or services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from ..extensions import db
from .roles import Role

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Login first (redirect when anonymous), then 403 unless the user holds one of `roles`."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def get_or_404(model: type[M], ident: Any) -> M:
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def load_for(model: type[M], ident: Any, allowed: Callable[[M], bool]) -> M:
    """404 alike when the object does not exist and when it is not yours to see: a 403 would
    tell a stranger which ids exist (another unit's drafts, say)."""
    obj = get_or_404(model, ident)
    if not allowed(obj):
        abort(404)
    return obj


def refuse(code: int, message: str):
    """Abort with a Vietnamese explanation that the error page shows as is."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[code](description=message)
    error.vi = True
    raise error
