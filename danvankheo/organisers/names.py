"""The names an organiser signs the registry's messages with.

An organiser's own name wins; an empty one falls back to the deployment's setting
(config.py), which is what the organiser made from an older database keeps printing.
"""

from __future__ import annotations

from flask import current_app

from .models import Organiser


def secretariat_name(organiser: Organiser | None) -> str:
    """Thường trực of `organiser` ("Văn phòng HĐND và UBND xã"), else SECRETARIAT_NAME."""
    own = (organiser.secretariat_name or "").strip() if organiser is not None else ""
    return own or current_app.config["SECRETARIAT_NAME"]


def secretariat_name_of_unit(unit) -> str:
    """The secretariat a unit's staff deal with: that of the unit's organiser."""
    from .services import organiser_of_unit

    return secretariat_name(organiser_of_unit(unit))
