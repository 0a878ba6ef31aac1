"""Minh chứng: evidence files attached to a model, checked by content and kept in a storage."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this feature's labels and scope into the audit trail (see hooks.py)."""
    from .hooks import register

    register()
