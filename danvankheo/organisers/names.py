"""The names an organiser prints on its documents (Tờ trình, biên bản, Quyết định, the
secretariat's reports), each falling back to the deployment's setting of the same meaning
when the organiser leaves it empty."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from .models import Organiser

# Organiser field → the config.py setting that means the same.
DOCUMENT_NAME_SETTINGS: dict[str, str] = {
    "secretariat_name": "SECRETARIAT_NAME",
    "parent_body_name": "PARENT_BODY_NAME",
    "issuing_body_name": "ISSUING_BODY_NAME",
    "number_suffix": "DOCUMENT_NUMBER_SUFFIX",
    "place_name": "DOCUMENT_PLACE_NAME",
    "signer_authority": "DOCUMENT_SIGNER_AUTHORITY",
    "signer_title": "DOCUMENT_SIGNER_TITLE",
    "signer_name": "DOCUMENT_SIGNER_NAME",
    "decision_body_name": "DECISION_BODY_NAME",
    "decision_number_suffix": "DECISION_NUMBER_SUFFIX",
    "submission_addressee": "SUBMISSION_ADDRESSEE",
}


def document_names(organiser: Any, config: Mapping[str, Any]) -> dict[str, str]:
    """The organiser's document names by field (see `DOCUMENT_NAME_SETTINGS`), stripped; an
    empty one (or no organiser at all) takes the config value. Nothing else is defaulted
    here: what stays empty prints as dots in the documents."""
    names = {}
    for field, setting in DOCUMENT_NAME_SETTINGS.items():
        own = (getattr(organiser, field, "") or "").strip() if organiser is not None else ""
        names[field] = own or (config.get(setting) or "").strip()
    return names


def secretariat_name(organiser: Organiser | None) -> str:
    """Thường trực of `organiser` ("Văn phòng HĐND và UBND xã"), else SECRETARIAT_NAME."""
    own = (organiser.secretariat_name or "").strip() if organiser is not None else ""
    return own or current_app.config["SECRETARIAT_NAME"]


def secretariat_name_of_unit(unit) -> str:
    """The secretariat a unit's staff deal with: that of the unit's organiser."""
    from .services import organiser_of_unit

    return secretariat_name(organiser_of_unit(unit))
