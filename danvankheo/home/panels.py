"""A small registry of home-page panels, so each feature owns what it shows there.

A feature calls `register_panel` at import time with the roles that see the panel, the
template that renders it and a function that returns the template's context (or None to
hide the panel for this user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.roles import Role


@dataclass(frozen=True)
class Panel:
    key: str
    roles: frozenset[Role]
    template: str
    context: Callable[[Any], dict[str, Any] | None]
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register_panel(
    key: str,
    roles: set[Role],
    template: str,
    context: Callable[[Any], dict[str, Any] | None],
    order: int = 100,
) -> None:
    _PANELS[key] = Panel(key, frozenset(roles), template, context, order)


def panels_for(user) -> list[tuple[Panel, dict[str, Any]]]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.roles & user.roles:
            context = panel.context(user)
            if context is not None:
                shown.append((panel, context))
    return shown
