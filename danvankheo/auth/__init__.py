"""People, roles, login and passwords."""

from __future__ import annotations

from flask import Flask, session


def init_app(app: Flask) -> None:
    """Flask-Login's user loader (core configures the login manager, this feature owns users),
    and the labels and scope of account events in the audit trail."""
    from ..extensions import db, login_manager
    from .models import User

    @login_manager.user_loader
    def load_user(token: str):
        user_id, _, version = token.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or user.session_version != int(version):
            return None
        # The organiser this session acts for (chosen in the header); else the user's default.
        user._acting_organiser_id = None
        user.act_for(session.get("organiser_id"))
        return user

    from .hooks import register

    register()
