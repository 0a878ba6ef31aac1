"""What the accounts feature registers into the audit trail (whose actions an organiser
reads, how a typed name finds accounts) and into notifications (who may receive mail)."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from .. import audit
from ..core.roles import Role
from ..notifications.mail import register_recipients
from ..units.hooks import units_of_organiser
from .models import User, UserRole


def people_of_organiser(organiser_id: int) -> Select:
    """Accounts that work for an organiser: a role held in it, or a unit of it."""
    return select(User.id).where(or_(
        User.id.in_(select(UserRole.user_id).where(UserRole.organiser_id == organiser_id)),
        User.unit_id.in_(units_of_organiser(organiser_id)),
    ))


def people_of_any_organiser() -> Select:
    return select(User.id).where(or_(
        User.id.in_(select(UserRole.user_id).where(UserRole.organiser_id.is_not(None))),
        User.unit_id.is_not(None),
    ))


def accounts_matching(words: list[str]) -> Select:
    """Diacritics-insensitive, through the accounts' folded search text."""
    accounts = select(User.id)
    for word in words:
        accounts = accounts.where(User.search_text.contains(word, autoescape=True))
    return accounts


def mail_recipients() -> Select:
    """Active accounts with an email address: (id, name, email)."""
    return select(User.id.label("id"), User.full_name.label("name"), User.email.label("email")).where(
        User.is_active.is_(True), User.email.is_not(None), User.email != "")


def register() -> None:
    audit.register_owned("User", people_of_organiser)
    audit.register_people(people_of_organiser, people_of_any_organiser)
    audit.register_actor_search(accounts_matching)
    audit.register_enum("roles", Role)
    register_recipients(mail_recipients)
