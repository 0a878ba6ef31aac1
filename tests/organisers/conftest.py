"""Fixtures of the organisers' tests: the two-level world of world.py."""

from __future__ import annotations

import pytest

from danvankheo.extensions import db
from tests.organisers.world import TwoLevels, build_two_levels


@pytest.fixture
def two_levels(app) -> TwoLevels:
    world = build_two_levels()
    db.session.commit()
    return world
