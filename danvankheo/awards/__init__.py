"""Khen thưởng: award forms, commendation proposals built from a round's results, the
decisions that grant them and the revocations that undo them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this feature's labels and scope into the audit trail (see hooks.py)."""
    from .hooks import register

    register()
