from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.text import fold, sort_key
from ..core.types import UTCDateTime, enum_column, sort_key_column, utcnow
from ..extensions import db
from ..units.models import Unit


class Role(enum.Enum):
    STAFF = "staff"
    EVALUATOR = "evaluator"
    SECRETARIAT = "secretariat"
    OBSERVER = "observer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "Cán bộ đơn vị",
    Role.EVALUATOR: "Thành viên hội đồng chấm",
    Role.SECRETARIAT: "Thường trực (Phòng Nội vụ)",
    Role.OBSERVER: "Theo dõi (Ban Dân vận, lãnh đạo)",
    Role.ADMIN: "Quản trị hệ thống",
}


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_links")


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

    @property
    def roles(self) -> set[Role]:
        return {link.role for link in self.role_links}

    def set_roles(self, roles: set[Role]) -> None:
        keep = [link for link in self.role_links if link.role in roles]
        have = {link.role for link in keep}
        self.role_links = keep + [UserRole(role=r) for r in sorted(roles - have, key=lambda r: r.value)]

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_secretariat(self) -> bool:
        return Role.SECRETARIAT in self.roles

    @property
    def is_observer(self) -> bool:
        return Role.OBSERVER in self.roles

    @property
    def is_staff(self) -> bool:
        return Role.STAFF in self.roles

    @property
    def is_evaluator(self) -> bool:
        return Role.EVALUATOR in self.roles

    @property
    def can_read_all_submitted(self) -> bool:
        """Secretariat, observers and admins read every submitted dossier."""
        return self.has_role(Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
