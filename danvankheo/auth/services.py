"""Authentication steps; routes stay thin."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ..audit.services import record
from ..core.errors import DomainError
from ..core.types import utcnow
from ..extensions import db
from .models import User
from .passwords import password_problems

# Compared against when the login does not exist, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0")


def find_by_login(login: str) -> User | None:
    login = (login or "").strip().lower()
    return db.session.scalar(
        select(User).where((User.login == login) | (func.lower(User.email) == login))
    )


def throttle_account(login: str) -> str:
    """The login throttle's name for the account a login refers to: trimmed and case-folded,
    an e-mail resolved to its account's login, an unknown name as itself."""
    text = (login or "").strip().casefold()
    user = find_by_login(text)
    return user.login.casefold() if user is not None else text


def authenticate(login: str, password: str) -> User | None:
    """The user for these credentials, or None; the caller cannot tell which part failed."""
    user = find_by_login(login)
    if user is None:
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password or "") or not user.is_active:
        record("auth.login_failed", user, actor=user)
        return None
    user.last_login_at = utcnow()
    record("auth.login", user, actor=user)
    return user


class UserError(DomainError):
    """A refused change to an account; the message is shown to the user."""


def check_password_policy(password: str, login: str | None, full_name: str | None) -> None:
    """Raise UserError unless the password meets the policy.

    Forms show the same problems field by field; this is the backstop for every other way a
    password gets set (command line, services called from code).
    """
    problems = password_problems(password or "", login, full_name)
    if problems:
        raise UserError(" ".join(problems), field="password")


def change_password(user: User, new_password: str, *, by_admin=None) -> None:
    check_password_policy(new_password, user.login, user.full_name)
    user.set_password(new_password)
    user.session_version += 1
    user.must_change_password = by_admin is not None
    record("user.password_reset" if by_admin else "user.password_change", user, actor=by_admin or user)


def _check_unique(login: str, email: str | None, exclude_id: int | None = None) -> None:
    query = select(User).where(User.login == login)
    if exclude_id:
        query = query.where(User.id != exclude_id)
    if db.session.scalar(query):
        raise UserError(f"Tên đăng nhập “{login}” đã được dùng.", field="login")
    if email:
        query = select(User).where(func.lower(User.email) == email.lower())
        if exclude_id:
            query = query.where(User.id != exclude_id)
        if db.session.scalar(query):
            raise UserError(f"Email “{email}” đã được dùng cho tài khoản khác.", field="email")


def create_user(
    *,
    login: str,
    full_name: str,
    password: str,
    roles: set,
    unit=None,
    email: str | None = None,
    position: str | None = None,
    phone: str | None = None,
    must_change_password: bool = False,
    organiser_id: int | None = None,
) -> User:
    login = login.strip().lower()
    email = (email or "").strip().lower() or None
    _check_unique(login, email)
    check_password_policy(password, login, full_name)
    user = User(
        login=login,
        email=email,
        position=(position or "").strip() or None,
        phone=(phone or "").strip() or None,
        unit=unit,
        is_active=True,
        must_change_password=must_change_password,
    )
    user.set_full_name(full_name)
    user.set_password(password)
    user.set_roles(set(roles), organiser_id)
    db.session.add(user)
    db.session.flush()
    record(
        "user.create",
        user,
        changes={
            "login": [None, login],
            "roles": [None, sorted(r.value for r in roles)],
            "unit": [None, unit.name if unit else None],
        },
    )
    return user


def update_user(user: User, *, login, full_name, email, position, phone, unit, roles, is_active,
                organiser_id: int | None = None) -> None:
    login = login.strip().lower()
    email = (email or "").strip().lower() or None
    _check_unique(login, email, exclude_id=user.id)
    changes = {}
    old_roles = sorted(r.value for r in user.roles)
    new_roles = sorted(r.value for r in roles)
    if old_roles != new_roles:
        changes["roles"] = [old_roles, new_roles]
    if user.unit_id != (unit.id if unit else None):
        changes["unit"] = [user.unit.name if user.unit else None, unit.name if unit else None]
    for field, new in (
        ("login", login),
        ("full_name", full_name.strip()),
        ("email", email),
        ("position", (position or "").strip() or None),
        ("phone", (phone or "").strip() or None),
        ("is_active", is_active),
    ):
        if getattr(user, field) != new:
            changes[field] = [getattr(user, field), new]
    user.login, user.email, user.unit = login, email, unit
    user.position = (position or "").strip() or None
    user.phone = (phone or "").strip() or None
    user.set_full_name(full_name)  # also refreshes search_text
    user.set_roles(set(roles), organiser_id)
    if user.is_active and not is_active:
        user.session_version += 1  # a deactivated account is logged out everywhere
    user.is_active = is_active
    if changes:
        record("user.update", user, changes=changes)


def set_user_active(user: User, active: bool, *, by: User | None = None) -> None:
    """Unlock or lock the account; `by`, the admin doing it, may not lock their own."""
    if by is not None and by.id == user.id and not active:
        raise UserError("Bạn không thể tự khóa tài khoản của mình.")
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        user.session_version += 1
    record("user.activate" if active else "user.deactivate", user, changes={"is_active": [not active, active]})
