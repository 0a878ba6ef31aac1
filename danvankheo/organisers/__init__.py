"""Organisers: each level (the province, every commune) runs its own competition."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The acting organiser on every page, and this feature's entries in the audit trail."""
    from .context import organiser_context
    from .hooks import register

    app.context_processor(organiser_context)
    register()
