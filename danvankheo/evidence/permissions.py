"""Who may fetch, add, remove or publish evidence; built on the registry's rules."""

from __future__ import annotations

from ..registry import permissions as registry_permissions
from ..registry.models import Initiative, Status
from .models import Evidence


def can_download(user, evidence: Evidence) -> bool:
    """Whoever may see the model, or score it; anyone for a file marked public of an accepted model."""
    initiative = evidence.initiative
    if evidence.is_public and initiative.status is Status.ACCEPTED:
        return True
    if registry_permissions.can_view(user, initiative):
        return True
    # Evaluators read the evidence of the models they are assigned to score.
    from ..scoring.assignments import is_assigned_evaluator

    return is_assigned_evaluator(user, initiative.id)


def can_change(user, initiative: Initiative) -> bool:
    """Add or remove files: the unit's staff while the dossier is editable."""
    return registry_permissions.can_edit(user, initiative)


def can_publish(user, evidence: Evidence) -> bool:
    """Mark a file public: its unit while editable, or the secretariat of the model's own
    organiser curating the showcase."""
    initiative = evidence.initiative
    if registry_permissions.can_edit(user, initiative):
        return True
    return initiative.has_been_submitted and registry_permissions.reviews_scope_of(user, initiative)
