from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.roles import ROLE_LABELS, SCOPED_ROLES, Role
from ..core.text import fold, sort_key
from ..core.types import UTCDateTime, enum_column, sort_key_column, utcnow
from ..extensions import db
from ..units.models import Unit

__all__ = ["ROLE_LABELS", "SCOPED_ROLES", "Role", "User", "UserRole"]


class UserRole(db.Model):
    """A role granted to a user: within one organiser for the scoped roles, else globally."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "organiser_id"),
        CheckConstraint(
            "(role IN ('secretariat', 'evaluator', 'observer', 'supervisor')) = (organiser_id IS NOT NULL)",
            name="scoped_roles_name_organiser",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="RESTRICT"), index=True
    )

    user: Mapped[User] = relationship(back_populates="role_links")

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role.value} @{self.organiser_id}>"


class User(UserMixin, db.Model):
    """A person. `login` is a username or an email address, stored lower-case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    sort_name: Mapped[str] = mapped_column(sort_key_column(), index=True)
    # Accent-folded login, name and email for the admin's search box.
    search_text: Mapped[str] = mapped_column(String(800), default="")
    email: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))  # chức vụ
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Staff and evaluators belong to a unit; a pure admin account may not.
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped on password change or reset so that every other session is logged out.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()
    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.login}>"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_full_name(self, name: str) -> None:
        self.full_name = name.strip()
        # Vietnamese names sort by given name (the last word), then the rest.
        words = self.full_name.split()
        self.sort_name = sort_key(" ".join(words[-1:] + words[:-1]))
        self.refresh_search_text()

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join(filter(None, [self.login, self.full_name, self.email])))

    def set_password(self, password: str) -> None:
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # --- Roles within organisers --------------------------------------------------------
    # A request acts for one organiser (chosen in the header when the user has several); the
    # scoped roles count only there. Set by the login loader from the session.
    _acting_organiser_id = None

    @property
    def acting_organiser_id(self) -> int | None:
        if self._acting_organiser_id is None:
            self._acting_organiser_id = self.default_organiser_id()
        return self._acting_organiser_id

    def act_for(self, organiser_id: int | None) -> bool:
        """Act for `organiser_id` if the user may; returns whether it was taken."""
        if organiser_id is not None and organiser_id in self.organiser_choices():
            self._acting_organiser_id = organiser_id
            return True
        return False

    def organiser_choices(self) -> list[int]:
        """The organisers this user may act for: where it holds a scoped role; the admin, all."""
        if self.is_admin:
            from ..organisers.services import all_organisers

            return [o.id for o in all_organisers()]
        seen: list[int] = []
        for link in self.role_links:
            if link.organiser_id is not None and link.organiser_id not in seen:
                seen.append(link.organiser_id)
        return seen

    def default_organiser_id(self) -> int | None:
        scoped = [link.organiser_id for link in self.role_links if link.organiser_id is not None]
        if scoped:
            from sqlalchemy import select

            from ..organisers.models import Organiser

            organisers = db.session.scalars(select(Organiser).where(Organiser.id.in_(set(scoped)))).all()
            return min(organisers, key=lambda o: (o.unit.path.count("/"), o.id)).id
        if self.is_admin or self.unit_id is not None:
            from ..organisers.services import default_organiser, organiser_of_unit

            organiser = organiser_of_unit(self.unit) if self.unit_id is not None else default_organiser()
            return organiser.id if organiser else None
        return None

    @property
    def all_roles(self) -> set[Role]:
        """Every role the user holds, in any organiser."""
        return {link.role for link in self.role_links}

    @property
    def roles(self) -> set[Role]:
        """The roles that count in this request: global ones, and the scoped ones held in the
        organiser the user acts for."""
        acting = self.acting_organiser_id
        return {
            link.role for link in self.role_links if link.organiser_id is None or link.organiser_id == acting
        }

    def organisers_with(self, role: Role) -> list[int]:
        return [link.organiser_id for link in self.role_links if link.role is role and link.organiser_id]

    def set_roles(self, roles: set[Role], organiser_id: int | None = None) -> None:
        """Global roles as given; scoped roles as given within `organiser_id` (default: the
        organiser of the user's unit, else the deployment's default). Scoped roles held in
        other organisers are kept."""
        if organiser_id is None:
            from ..organisers.services import organiser_of_unit

            organiser = organiser_of_unit(self.unit)
            organiser_id = organiser.id if organiser else None
            if organiser is None and roles & SCOPED_ROLES:
                from ..core.errors import DomainError

                raise DomainError("Chưa có cơ quan tổ chức nào: hãy tạo đơn vị trước khi giao vai trò này.",
                                  field="roles")
        wanted = {(role, organiser_id if role in SCOPED_ROLES else None) for role in roles}
        keep = [
            link for link in self.role_links
            if (link.role, link.organiser_id) in wanted
            or (link.organiser_id is not None and link.organiser_id != organiser_id)
        ]
        have = {(link.role, link.organiser_id) for link in keep}
        self.role_links = keep + [
            UserRole(role=role, organiser_id=org)
            for role, org in sorted(wanted - have, key=lambda pair: pair[0].value)
        ]
        self._acting_organiser_id = None

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.all_roles  # global: held in no organiser

    @property
    def is_secretariat(self) -> bool:
        return Role.SECRETARIAT in self.roles

    @property
    def is_observer(self) -> bool:
        return Role.OBSERVER in self.roles

    @property
    def is_staff(self) -> bool:
        return Role.STAFF in self.all_roles

    @property
    def is_evaluator(self) -> bool:
        return Role.EVALUATOR in self.roles

    @property
    def is_supervisor(self) -> bool:
        return Role.SUPERVISOR in self.roles

    @property
    def can_read_all_submitted(self) -> bool:
        """Secretariat, observers and admins read every submitted dossier."""
        return self.has_role(Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
