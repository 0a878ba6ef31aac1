"""The tree of units (đơn vị): province, departments, communes, and legacy districts."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this feature's labels and scope into the audit trail (see hooks.py)."""
    from .hooks import register

    register()
