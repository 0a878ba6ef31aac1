"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from .data import Province, build_province


@pytest.fixture
def province(app) -> Province:
    return build_province()
