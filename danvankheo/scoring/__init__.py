"""Evaluation rounds (đợt đánh giá): rubric, panel, assignment, blind scoring, ranking.

Two blueprints live here: `rounds` for the secretariat (set up, watch, close, finalise) and
`scoring` for evaluators (their queue and the scoring form) and for unit staff (results).
The public entry points other features use are `ranking.compute_ranking` and
`ranking.ranking_for`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this feature's labels and scope into the audit trail (see hooks.py)."""
    from .hooks import register

    register()
