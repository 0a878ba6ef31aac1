"""Evaluation rounds (đợt đánh giá): rubric, panel, assignment, blind scoring, ranking.

Two blueprints live here: `rounds` for the secretariat (set up, watch, close, finalise) and
`scoring` for evaluators (their queue and the scoring form) and for unit staff (results).
The public entry points other features use are `ranking.compute_ranking` and
`ranking.ranking_for`.
"""
