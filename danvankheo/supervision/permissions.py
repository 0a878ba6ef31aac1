"""Who records and who reads supervision opinions; built on the registry's rules.

- A supervisor (Role.SUPERVISOR) of the model's organiser records its own opinion on an
  accepted model and revises only that one (registry.permissions.supervises).
- The opinions are read by those supervisors, by the readers of the model (its organiser's
  secretariat, observers, the admin: registry.permissions.can_view for a reader) and by the
  evaluators assigned to score it. The unit's own staff do not read them.
"""

from __future__ import annotations

from ..registry import permissions as registry_permissions
from ..registry.models import Initiative
from .models import SupervisionOpinion


def may_record(user, initiative: Initiative) -> bool:
    return registry_permissions.supervises(user, initiative)


def may_revise(user, opinion: SupervisionOpinion) -> bool:
    return opinion.author_id == getattr(user, "id", None) and may_record(user, opinion.initiative)


def may_read(user, initiative: Initiative) -> bool:
    if registry_permissions.supervises(user, initiative):
        return True
    if registry_permissions.may_read_all_submitted(user) and registry_permissions.can_view(user, initiative):
        return True
    from ..scoring.assignments import is_assigned_evaluator

    return is_assigned_evaluator(user, initiative.id)
