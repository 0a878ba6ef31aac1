"""What the model registry registers into the audit trail and the reminders."""

from __future__ import annotations

from sqlalchemy import Select, select

from .. import audit
from ..notifications.reminders import register_reminder
from ..units.hooks import units_of_organiser
from ..units.models import UnitKind
from .forms import InitiativeForm
from .models import DeadlineExtension, Field, Initiative, InitiativeKind, Status, SubmissionDeadline
from .reminders import deadline_reminders
from .similarity import SimilarityDecision


def initiatives_of_organiser(organiser_id: int) -> Select:
    return select(Initiative.id).where(Initiative.unit_id.in_(units_of_organiser(organiser_id)))


def deadlines_of_organiser(organiser_id: int) -> Select:
    return select(SubmissionDeadline.id).where(SubmissionDeadline.organiser_id == organiser_id)


def extensions_of_organiser(organiser_id: int) -> Select:
    return select(DeadlineExtension.id).where(DeadlineExtension.unit_id.in_(units_of_organiser(organiser_id)))


def register() -> None:
    # Two fields the dossier form calls by a shorter name than the history needs.
    audit.register_form_labels("Initiative", InitiativeForm,
                               lead_position="Chức vụ người phụ trách", name="Tên mô hình")
    audit.register_owned("Initiative", initiatives_of_organiser, with_children=True)
    audit.register_owned("SubmissionDeadline", deadlines_of_organiser)
    audit.register_owned("DeadlineExtension", extensions_of_organiser)
    audit.register_enums({"Initiative.status": Status, "Initiative.kind": InitiativeKind, "field": Field,
                          "scope_kinds": UnitKind, "similarity_decision": SimilarityDecision})
    register_reminder("deadline", "nhắc hạn nộp", deadline_reminders)
