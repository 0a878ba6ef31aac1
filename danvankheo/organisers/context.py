"""What every page shows of the organiser a signed-in user acts for."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from .models import Organiser
from .names import secretariat_name


def organiser_context() -> dict:
    """The organiser the user acts for, the others it may switch to (only when there are
    several), and the secretariat named in the page footer and print title: the acting
    organiser's, else the deployment's. One statement for a signed-in user of an organiser."""
    context = {"acting_organiser": None, "organiser_choices": [],
               "secretariat_name": current_app.config["SECRETARIAT_NAME"]}
    acting_id = getattr(current_user, "acting_organiser_id", None) if current_user else None
    if not getattr(current_user, "is_authenticated", False) or acting_id is None:
        return context
    wanted = current_user.organiser_choices()
    by_id = {o.id: o for o in db.session.scalars(select(Organiser).where(Organiser.id.in_({*wanted, acting_id})))}
    context["acting_organiser"] = by_id.get(acting_id)
    if len(wanted) > 1:
        context["organiser_choices"] = [by_id[i] for i in wanted if i in by_id]
    context["secretariat_name"] = secretariat_name(context["acting_organiser"])
    return context
